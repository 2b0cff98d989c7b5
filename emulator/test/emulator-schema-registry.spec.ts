/**
 * The emulated Schema Registry: tenant field groups and schemas as aep-api.md §2.2 documents them.
 */
import { expect } from "chai";
import { Emulator, EXPERIENCE_EVENT, startEmulator } from "../src";
import { AepCaller, BASE, XED_FULL, XED_ID_LIST, XED_LOOKUP, chatlioFieldGroupBody, chatlioSchemaBody } from "./testing";

const SR = BASE.schemaRegistry;
const enc = encodeURIComponent;
const IDENTITY_MAP_ID = "https://ns.adobe.com/xdm/context/identitymap";

describe("emulated Schema Registry", () => {
    let em: Emulator;
    let api: AepCaller;
    let n = 0;
    const title = (t: string) => `${t} ${++n}`;

    async function createFieldGroup(t = title("Field group")): Promise<any> {
        const res = await api.call("POST", `${SR}/tenant/fieldgroups`, { body: chatlioFieldGroupBody("acme", t) });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        return res.body;
    }

    async function createSchema(fgId: string, t = title("Schema")): Promise<any> {
        const res = await api.call("POST", `${SR}/tenant/schemas`, { body: chatlioSchemaBody(fgId, t) });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        return res.body;
    }

    function expectXdmError(res: { status: number; body: any }, code: string): void {
        expect(res.status).to.equal(Number(code.split("-").pop()));
        expect(res.body.type).to.equal(`http://ns.adobe.com/aep/errors/${code}`);
        expect(res.body.status).to.equal(res.status);
        expect(res.body.report).to.have.keys(["registryRequestId", "timestamp", "detailed-message", "sub-errors"]);
        expect(res.body.report.timestamp).to.match(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
        expect(res.body.detail).to.equal(res.body.report["detailed-message"]);
    }

    before(async () => {
        em = await startEmulator();
        api = new AepCaller(em.url);
    });
    after(() => em.close());

    describe("field groups", () => {
        it("creates a field group with the registry's fields (201)", async () => {
            const fg = await createFieldGroup("Chatlio Event Details");
            expect(fg.$id).to.match(/^https:\/\/ns\.adobe\.com\/acme\/mixins\/[0-9a-f]{32}$/);
            expect(fg["meta:altId"]).to.equal(`_acme.mixins.${fg.$id.split("/").pop()}`);
            expect(fg).to.include({
                "meta:resourceType": "mixins",
                version: "1.0",
                "meta:containerId": "tenant",
                "meta:tenantNamespace": "_acme",
                imsOrg: "0123456789ABCDEF01234567@AdobeOrg",
                "meta:extensible": true,
                "meta:abstract": true,
                "meta:xdmType": "object",
                title: "Chatlio Event Details",
            });
            expect(fg["meta:registryMetadata"]).to.include.keys(["repo:createdDate", "repo:lastModifiedDate", "eTag"]);
            expect(fg["meta:registryMetadata"]["repo:createdDate"]).to.be.a("number");
            expect(fg.allOf).to.deep.equal([{ $ref: "#/definitions/chatlio", type: "object", "meta:xdmType": "object" }]);
            expect(fg.definitions.chatlio.properties._acme.properties.chatlio.properties.message["meta:xdmType"]).to.equal("string");
        });

        it("serves the deprecated /tenant/mixins paths as the same resources", async () => {
            const res = await api.call("POST", `${SR}/tenant/mixins`, { body: chatlioFieldGroupBody("acme", title("Via mixins")) });
            expect(res.status).to.equal(201);
            const viaNew = await api.call("GET", `${SR}/tenant/fieldgroups/${enc(res.body.$id)}`, { headers: { Accept: XED_LOOKUP } });
            expect(viaNew.status).to.equal(200);
            expect(viaNew.body.$id).to.equal(res.body.$id);
        });

        it("looks a field group up by URL-encoded $id or by meta:altId, with a versioned Accept", async () => {
            const fg = await createFieldGroup();
            for (const id of [enc(fg.$id), fg["meta:altId"]]) {
                const res = await api.call("GET", `${SR}/tenant/fieldgroups/${id}`, { headers: { Accept: XED_LOOKUP } });
                expect(res.status).to.equal(200);
                expect(res.body).to.deep.equal(fg);
            }
        });

        it("needs a version in the lookup Accept (XDM-1007-400) and knows only major version 1 (406)", async () => {
            const fg = await createFieldGroup();
            expectXdmError(
                await api.call("GET", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`, { headers: { Accept: "application/vnd.adobe.xed+json" } }),
                "XDM-1007-400",
            );
            expectXdmError(await api.call("GET", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`), "XDM-1007-400");
            expect(
                (
                    await api.call("GET", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`, {
                        headers: { Accept: "application/vnd.adobe.xed+json; version=2" },
                    })
                ).status,
            ).to.equal(406);
        });

        it("requires type, title and meta:intendedToExtend", async () => {
            for (const field of ["type", "title", "meta:intendedToExtend"]) {
                const body: any = chatlioFieldGroupBody("acme", title("Incomplete"));
                delete body[field];
                const res = await api.call("POST", `${SR}/tenant/fieldgroups`, { body });
                expect(res.status).to.equal(400);
                expect(res.body.detail).to.contain(field);
            }
        });

        it("keeps custom fields under the tenant namespace (XDM-1020-400)", async () => {
            const outside = {
                title: title("Outside"),
                type: "object",
                "meta:intendedToExtend": [],
                definitions: { d: { properties: { message: { type: "string" } } } },
                allOf: [{ $ref: "#/definitions/d" }],
            };
            const res = await api.call("POST", `${SR}/tenant/fieldgroups`, { body: outside });
            expectXdmError(res, "XDM-1020-400");
            expect(res.body.detail).to.contain("_acme");
            const badName = {
                ...outside,
                title: title("Bad name"),
                definitions: { d: { properties: { _acme: { type: "object", properties: { _hidden: { type: "string" } } } } } },
            };
            expectXdmError(await api.call("POST", `${SR}/tenant/fieldgroups`, { body: badName }), "XDM-1020-400");
            const noType = {
                ...outside,
                title: title("No type"),
                definitions: { d: { properties: { _acme: { type: "object", properties: { x: { title: "x" } } } } } },
            };
            expect((await api.call("POST", `${SR}/tenant/fieldgroups`, { body: noType })).status).to.equal(400);
        });

        it("refuses a title used by any field group or schema in the sandbox, naming the owner (XDM-1521-400)", async () => {
            const fg = await createFieldGroup("Taken title");
            const again = await api.call("POST", `${SR}/tenant/fieldgroups`, { body: chatlioFieldGroupBody("acme", "Taken title") });
            expectXdmError(again, "XDM-1521-400");
            expect(again.body.report["detailed-message"]).to.contain(fg.$id);
            const schema = await api.call("POST", `${SR}/tenant/schemas`, { body: chatlioSchemaBody(fg.$id, "Taken title") });
            expectXdmError(schema, "XDM-1521-400");
        });

        it("rewrites a field group with PUT, bumping the minor version", async () => {
            const fg = await createFieldGroup();
            const body = { ...chatlioFieldGroupBody("acme", fg.title), description: "Rewritten." };
            const res = await api.call("PUT", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`, { body });
            expect(res.status).to.equal(200);
            expect(res.body).to.include({ $id: fg.$id, version: "1.1", description: "Rewritten." });
            expect(res.body["meta:registryMetadata"]["repo:createdDate"]).to.equal(fg["meta:registryMetadata"]["repo:createdDate"]);
            const { title: _t, ...noTitle } = body as any;
            expect((await api.call("PUT", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`, { body: noTitle })).status).to.equal(400);
        });

        it("applies a JSON Patch (add, replace, test, copy, move, '/-' append) and bumps the version", async () => {
            const fg = await createFieldGroup();
            const base = "/definitions/chatlio/properties/_acme/properties/chatlio/properties";
            const res = await api.call("PATCH", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`, {
                body: [
                    { op: "test", path: "/title", value: fg.title },
                    { op: "replace", path: "/description", value: "New text" },
                    { op: "add", path: `${base}/agentName`, value: { type: "string", title: "Agent" } },
                    { op: "copy", from: `${base}/agentName`, path: `${base}/agentEmail` },
                    { op: "move", from: `${base}/agentEmail`, path: `${base}/agentMail` },
                    { op: "add", path: "/meta:intendedToExtend/-", value: "https://ns.adobe.com/xdm/context/profile" },
                ],
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
            expect(res.body.version).to.equal("1.1");
            expect(res.body.description).to.equal("New text");
            const props = res.body.definitions.chatlio.properties._acme.properties.chatlio.properties;
            expect(props).to.include.keys(["agentName", "agentMail"]).and.not.include.keys(["agentEmail"]);
            expect(props.agentName["meta:xdmType"]).to.equal("string");
            expect(res.body["meta:intendedToExtend"]).to.have.length(2);
            const failedTest = await api.call("PATCH", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`, {
                body: [{ op: "test", path: "/title", value: "other" }],
            });
            expect(failedTest.status).to.equal(400);
        });

        it("deletes with 204, then answers 404 to lookups and deletes", async () => {
            const fg = await createFieldGroup();
            expect((await api.call("DELETE", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`)).status).to.equal(204);
            expect((await api.call("GET", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`, { headers: { Accept: XED_LOOKUP } })).status).to.equal(
                404,
            );
            expect((await api.call("DELETE", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`)).status).to.equal(404);
        });
    });

    describe("lists", () => {
        it("lists summaries with xed-id+json and full resources with xed+json", async () => {
            await createFieldGroup();
            const ids = await api.call("GET", `${SR}/tenant/fieldgroups`, { headers: { Accept: XED_ID_LIST } });
            expect(ids.status).to.equal(200);
            expect(ids.body.results.length).to.be.above(0);
            expect(ids.body.results[0]).to.have.keys(["$id", "meta:altId", "version", "title"]);
            expect(ids.body._page).to.include.keys(["orderby", "next", "count"]);
            const full = await api.call("GET", `${SR}/tenant/fieldgroups`, { headers: { Accept: "application/vnd.adobe.xed+json" } });
            expect(full.body.results[0]).to.include.keys(["definitions", "meta:registryMetadata"]);
        });

        it("refuses a version in the list Accept (XDM-1006-400)", async () => {
            expectXdmError(
                await api.call("GET", `${SR}/tenant/schemas`, { headers: { Accept: "application/vnd.adobe.xed-id+json; version=1" } }),
                "XDM-1006-400",
            );
        });

        it("filters with property=title==X and pages with orderby, limit and start", async () => {
            const a = await createFieldGroup("Paging A");
            await createFieldGroup("Paging B");
            await createFieldGroup("Paging C");
            const one = await api.call("GET", `${SR}/tenant/fieldgroups?property=${enc("title==Paging A")}`, {
                headers: { Accept: XED_ID_LIST },
            });
            expect(one.body.results.map((r: any) => r.$id)).to.deep.equal([a.$id]);
            const comma = await createFieldGroup("Chats, transcripts");
            const withComma = await api.call("GET", `${SR}/tenant/fieldgroups?property=${enc("title==Chats, transcripts")}`, {
                headers: { Accept: XED_ID_LIST },
            });
            expect(withComma.body.results.map((r: any) => r.$id)).to.deep.equal([comma.$id]);
            const two = await api.call("GET", `${SR}/tenant/fieldgroups?property=${enc("title>=Paging,title<=Paging B")}`, {
                headers: { Accept: XED_ID_LIST },
            });
            expect(two.body.results.map((r: any) => r.title)).to.deep.equal(["Paging A", "Paging B"]);
            const page1 = await api.call(
                "GET",
                `${SR}/tenant/fieldgroups?orderby=title&limit=2&property=${enc("title>=Paging")}&property=${enc("title<=Paging Z")}`,
                { headers: { Accept: XED_ID_LIST } },
            );
            expect(page1.body.results.map((r: any) => r.title)).to.deep.equal(["Paging A", "Paging B"]);
            expect(page1.body._page.next).to.equal("Paging B");
            expect(page1.body._links.next).to.be.a("string");
            const page2 = await api.call(
                "GET",
                `${SR}/tenant/fieldgroups?orderby=title&limit=2&start=${enc("Paging B")}&property=${enc("title>=Paging")}&property=${enc("title<=Paging Z")}`,
                { headers: { Accept: XED_ID_LIST } },
            );
            expect(page2.body.results.map((r: any) => r.title)).to.deep.equal(["Paging C"]);
            expect(page2.body._page.next).to.equal(null);
            const byClass = await api.call(
                "GET",
                `${SR}/tenant/fieldgroups?property=${enc(`meta:intendedToExtend==${EXPERIENCE_EVENT}`)}`,
                { headers: { Accept: XED_ID_LIST } },
            );
            expect(byClass.body.results.length).to.be.at.least(3);
        });
    });

    describe('paging needs orderby (the spec\'s limit and start: "cannot be used without an orderby parameter")', () => {
        const lists = ["/tenant/fieldgroups", "/tenant/mixins", "/tenant/schemas", "/global/fieldgroups", "/global/schemas"];

        it("refuses limit, start or both without orderby on every registry list", async () => {
            await createFieldGroup();
            for (const list of lists) {
                for (const query of ["limit=1", "start=A", "limit=1&start=A", "orderby=&limit=1"]) {
                    const res = await api.call("GET", `${SR}${list}?${query}`, { headers: { Accept: XED_ID_LIST } });
                    expectXdmError(res, "XDM-1000-400");
                    expect(res.body.detail, `${list}?${query}`).to.contain("orderby");
                }
            }
            const descriptors = await api.call("GET", `${SR}/tenant/descriptors?limit=1`, {
                headers: { Accept: "application/vnd.adobe.xdm-v2-id+json" },
            });
            expectXdmError(descriptors, "XDM-1000-400");
        });

        it("accepts them with orderby, and a list without any of them", async () => {
            for (const list of lists) {
                for (const query of [
                    "",
                    "orderby=title",
                    "orderby=title&limit=1",
                    "orderby=-title&start=zzz",
                    "orderby=title&start=A&limit=2",
                ]) {
                    const res = await api.call("GET", `${SR}${list}?${query}`, { headers: { Accept: XED_ID_LIST } });
                    expect(res.status, `${list}?${query} ${JSON.stringify(res.body)}`).to.equal(200);
                }
            }
            const descriptors = await api.call("GET", `${SR}/tenant/descriptors?orderby=@id&limit=1`, {
                headers: { Accept: "application/vnd.adobe.xdm-v2-id+json" },
            });
            expect(descriptors.status).to.equal(200);
        });

        it("links the next page with the filters, the order and the limit, and start", async () => {
            for (const t of ["Linked A", "Linked B", "Linked C"]) await createFieldGroup(t);
            const filter = `property=${enc("title>=Linked")}&property=${enc("title<=Linked Z")}`;
            const first = await api.call("GET", `${SR}/tenant/fieldgroups?orderby=-title&limit=2&${filter}`, {
                headers: { Accept: XED_ID_LIST },
            });
            expect(first.body.results.map((r: any) => r.title)).to.deep.equal(["Linked C", "Linked B"]);
            const next = new URL(first.body._links.next);
            expect(Object.fromEntries(next.searchParams)).to.include({ orderby: "-title", start: "Linked B", limit: "2" });
            expect(next.searchParams.getAll("property")).to.deep.equal(["title>=Linked", "title<=Linked Z"]);
            const second = await api.call("GET", `${next.pathname}${next.search}`, { headers: { Accept: XED_ID_LIST } });
            expect(second.body.results.map((r: any) => r.title)).to.deep.equal(["Linked A"]);
            expect(second.body._page).to.deep.equal({ orderby: "-title", next: null, count: 1 });
            expect(second.body._links.next).to.equal(null);
        });
    });

    describe("schemas", () => {
        it("creates an ExperienceEvent schema with its class, extensions and sandbox (201)", async () => {
            const fg = await createFieldGroup();
            const schema = await createSchema(fg.$id, "Chatlio Events");
            expect(schema.$id).to.match(/^https:\/\/ns\.adobe\.com\/acme\/schemas\/[0-9a-f]{32}$/);
            expect(schema).to.include({
                "meta:resourceType": "schemas",
                version: "1.0",
                "meta:class": EXPERIENCE_EVENT,
                "meta:sandboxType": "development",
                "meta:containerId": "tenant",
            });
            expect(schema["meta:sandboxId"]).to.be.a("string");
            expect(schema["meta:extends"]).to.include.members([EXPERIENCE_EVENT, fg.$id]);
            expect(schema.allOf.map((a: any) => a.$ref)).to.deep.equal([EXPERIENCE_EVENT, fg.$id]);
        });

        it("requires type, title, description and allOf with exactly one known class", async () => {
            const fg = await createFieldGroup();
            const { description: _d, ...noDescription } = chatlioSchemaBody(fg.$id, title("S")) as any;
            expect((await api.call("POST", `${SR}/tenant/schemas`, { body: noDescription })).status).to.equal(400);
            const noClass = { ...chatlioSchemaBody(fg.$id, title("S")), allOf: [{ $ref: fg.$id }] };
            expect((await api.call("POST", `${SR}/tenant/schemas`, { body: noClass })).body.detail).to.contain("exactly one class");
            const unknownClass = {
                ...chatlioSchemaBody(fg.$id, title("S")),
                allOf: [{ $ref: "https://ns.adobe.com/xdm/context/profile" }],
            };
            expect((await api.call("POST", `${SR}/tenant/schemas`, { body: unknownClass })).status).to.equal(400);
            const unknownGroup = {
                ...chatlioSchemaBody(fg.$id, title("S")),
                allOf: [{ $ref: EXPERIENCE_EVENT }, { $ref: "https://ns.adobe.com/acme/mixins/" + "0".repeat(32) }],
            };
            const res = await api.call("POST", `${SR}/tenant/schemas`, { body: unknownGroup });
            expect(res.status).to.equal(400);
            expect(res.body.detail).to.contain("0".repeat(32));
        });

        it("adds a field group with two patch operations, as documented", async () => {
            const fg1 = await createFieldGroup();
            const schema = await createSchema(fg1.$id);
            const extra = await api.call("POST", `${SR}/tenant/fieldgroups`, {
                body: {
                    title: title("Extra"),
                    type: "object",
                    "meta:intendedToExtend": [EXPERIENCE_EVENT],
                    definitions: {
                        extra: {
                            properties: {
                                _acme: {
                                    type: "object",
                                    properties: { extra: { type: "object", properties: { rating: { type: "integer" } } } },
                                },
                            },
                        },
                    },
                    allOf: [{ $ref: "#/definitions/extra" }],
                },
            });
            const res = await api.call("PATCH", `${SR}/tenant/schemas/${schema["meta:altId"]}`, {
                body: [
                    { op: "add", path: "/meta:extends/-", value: extra.body.$id },
                    { op: "add", path: "/allOf/-", value: { $ref: extra.body.$id } },
                ],
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
            expect(res.body.version).to.equal("1.1");
            expect(res.body.allOf.map((a: any) => a.$ref)).to.include(extra.body.$id);
            expect(res.body["meta:extends"]).to.include(extra.body.$id);
            const full = await api.call("GET", `${SR}/tenant/schemas/${enc(schema.$id)}`, { headers: { Accept: XED_FULL } });
            expect(full.body.properties).to.include.keys(["_id", "timestamp", "eventType", "identityMap", "_acme"]);
            expect(full.body.properties._acme.properties).to.include.keys(["chatlio", "extra"]);
            expect(full.body.required).to.deep.equal(["_id", "timestamp"]);
        });

        it("deletes a field group a schema uses and a schema a dataset uses: Adobe documents no refusal, so none is invented", async () => {
            const fg = await createFieldGroup();
            const schema = await createSchema(fg.$id);
            const ds = await api.call("POST", `${BASE.catalog}/dataSets`, {
                body: { name: title("ds"), schemaRef: { id: schema.$id, contentType: XED_FULL } },
            });
            expect(ds.status).to.equal(201);
            expect((await api.call("DELETE", `${SR}/tenant/fieldgroups/${enc(fg.$id)}`)).status).to.equal(204);
            expect((await api.call("DELETE", `${SR}/tenant/schemas/${enc(schema.$id)}`)).status).to.equal(204);
            expect((await api.call("DELETE", `${SR}/tenant/schemas/${enc(schema.$id)}`)).status).to.equal(404);
            await api.call("DELETE", `${BASE.catalog}/dataSets/${ds.body[0].split("/").pop()}`);
        });

        it("answers 404 (XDM-1012-404) for an unknown schema", async () => {
            const res = await api.call("GET", `${SR}/tenant/schemas/${enc("https://ns.adobe.com/acme/schemas/" + "1".repeat(32))}`, {
                headers: { Accept: XED_LOOKUP },
            });
            expectXdmError(res, "XDM-1012-404");
        });
    });

    it("reports the tenant, organisation and counts in /stats", async () => {
        await createFieldGroup();
        const res = await api.call("GET", `${SR}/stats`);
        expect(res.status).to.equal(200);
        expect(res.body).to.include({ imsOrg: "0123456789ABCDEF01234567@AdobeOrg", tenantId: "acme" });
        expect(res.body.counts.mixins).to.be.above(0);
        expect(res.body.counts).to.include.keys(["schemas", "mixins", "datatypes", "classes", "unions"]);
        expect(res.body.recentlyCreatedResources).to.be.an("array");
    });

    describe("classes and the global container", () => {
        it("serves the ExperienceEvent class from the global container", async () => {
            const res = await api.call("GET", `${SR}/global/classes/_xdm.context.experienceevent`, { headers: { Accept: XED_FULL } });
            expect(res.status).to.equal(200);
            expect(res.body.$id).to.equal(EXPERIENCE_EVENT);
            expect(res.body.properties).to.include.keys(["_id", "timestamp", "eventType", "eventMergeId", "producedBy", "identityMap"]);
        });

        it("lists the tenant's classes (none: the emulator creates none) in the list shape, with the list Accept rules", async () => {
            for (const path of ["/tenant/classes", "/tenant/classes/"]) {
                const res = await api.call("GET", `${SR}${path}`, { headers: { Accept: XED_ID_LIST } });
                expect(res.status, JSON.stringify(res.body)).to.equal(200);
                expect(res.body).to.deep.equal({ results: [], _page: { orderby: "title", next: null, count: 0 }, _links: { next: null } });
            }
            expectXdmError(
                await api.call("GET", `${SR}/tenant/classes`, { headers: { Accept: "application/vnd.adobe.xed-id+json; version=1" } }),
                "XDM-1006-400",
            );
            expectXdmError(await api.call("GET", `${SR}/tenant/classes`), "XDM-1006-400");
            expectXdmError(await api.call("GET", `${SR}/tenant/classes?limit=5`, { headers: { Accept: XED_ID_LIST } }), "XDM-1000-400");
            const lookup = await api.call("GET", `${SR}/tenant/classes/${enc(EXPERIENCE_EVENT)}`, { headers: { Accept: XED_LOOKUP } });
            expectXdmError(lookup, "XDM-1013-404");
            expect(lookup.body.detail).to.contain("/global/classes");
        });

        it("lists the global classes the emulator knows: summaries with xed-id+json, whole classes with xed+json, paged with orderby", async () => {
            const ids = await api.call("GET", `${SR}/global/classes`, { headers: { Accept: XED_ID_LIST } });
            expect(ids.status).to.equal(200);
            expect(ids.body.results).to.deep.equal([
                { $id: EXPERIENCE_EVENT, "meta:altId": "_xdm.context.experienceevent", version: "1.0", title: "XDM ExperienceEvent" },
            ]);
            expect(ids.body._page).to.deep.equal({ orderby: "title", next: null, count: 1 });
            const full = await api.call("GET", `${SR}/global/classes?orderby=title&limit=1`, {
                headers: { Accept: "application/vnd.adobe.xed+json" },
            });
            expect(full.body.results[0]).to.include({
                $id: EXPERIENCE_EVENT,
                "meta:resourceType": "classes",
                "meta:containerId": "global",
            });
            expect(full.body.results[0].definitions).to.be.an("object");
            const after = await api.call("GET", `${SR}/global/classes?orderby=title&start=${enc("XDM ExperienceEvent")}`, {
                headers: { Accept: XED_ID_LIST },
            });
            expect(after.body.results).to.deep.equal([]);
        });

        it("lists global schemas and data types, and tenant data types: the emulator holds none; their lookups say so", async () => {
            for (const path of ["/global/schemas", "/global/datatypes", "/tenant/datatypes"]) {
                const res = await api.call("GET", `${SR}${path}`, { headers: { Accept: XED_ID_LIST } });
                expect(res.status, path).to.equal(200);
                expect(res.body.results, path).to.deep.equal([]);
                expect(res.body._page, path).to.deep.equal({ orderby: "title", next: null, count: 0 });
            }
            const fg = await api.call("GET", `${SR}/global/fieldgroups/${enc("https://ns.adobe.com/xdm/context/profile-person-details")}`, {
                headers: { Accept: XED_LOOKUP },
            });
            expectXdmError(fg, "XDM-1011-404");
            expect(fg.body.detail).to.contain("global container holds only");
            expectXdmError(await api.call("GET", `${SR}/global/datatypes/x`, { headers: { Accept: XED_LOOKUP } }), "XDM-1015-404");
            expectXdmError(await api.call("GET", `${SR}/global/schemas/x`, { headers: { Accept: XED_LOOKUP } }), "XDM-1012-404");
        });

        it("serves every standard field group a schema names in meta:extends from the global container, as a client reading its field groups expects", async () => {
            const fg = await createFieldGroup();
            const schema = await createSchema(fg.$id);
            const extended: string[] = schema["meta:extends"];
            expect(extended).to.include(IDENTITY_MAP_ID);
            // Every field group the schema extends is readable: its own from the tenant container, standard ones from global.
            for (const id of extended.filter((e) => e !== EXPERIENCE_EVENT && !e.endsWith("/data/time-series"))) {
                const container = id === fg.$id ? "tenant" : "global";
                const res = await api.call("GET", `${SR}/${container}/fieldgroups/${enc(id)}`, { headers: { Accept: XED_LOOKUP } });
                expect(res.status, `${container} ${id}: ${JSON.stringify(res.body)}`).to.equal(200);
                expect(res.body.$id).to.equal(id);
            }
            const byAltId = await api.call("GET", `${SR}/global/mixins/_xdm.context.identitymap`, { headers: { Accept: XED_LOOKUP } });
            expect(byAltId.body).to.include({ $id: IDENTITY_MAP_ID, "meta:containerId": "global", "meta:resourceType": "mixins" });
            expect(byAltId.body["meta:intendedToExtend"]).to.include(EXPERIENCE_EVENT);
            const full = await api.call("GET", `${SR}/global/fieldgroups/${enc(IDENTITY_MAP_ID)}`, { headers: { Accept: XED_FULL } });
            expect(full.body.properties.identityMap["meta:xdmType"]).to.equal("map");
            expect(full.body).to.not.have.property("allOf");
            for (const path of ["/global/fieldgroups", "/global/mixins"]) {
                const list = await api.call("GET", `${SR}${path}`, { headers: { Accept: XED_ID_LIST } });
                expect(
                    list.body.results.map((r: any) => r.$id),
                    path,
                ).to.deep.equal([IDENTITY_MAP_ID]);
            }
            const tenantOnly = await api.call("GET", `${SR}/tenant/fieldgroups/${enc(IDENTITY_MAP_ID)}`, {
                headers: { Accept: XED_LOOKUP },
            });
            expectXdmError(tenantOnly, "XDM-1011-404");
        });

        it("takes the standard IdentityMap field group in a schema's allOf, once in meta:extends, its field in the full schema", async () => {
            const fg = await createFieldGroup();
            const body = { ...chatlioSchemaBody(fg.$id, title("Schema with IdentityMap")) } as any;
            body.allOf = [...body.allOf, { $ref: IDENTITY_MAP_ID }];
            const res = await api.call("POST", `${SR}/tenant/schemas`, { body });
            expect(res.status, JSON.stringify(res.body)).to.equal(201);
            expect(res.body.allOf.map((a: any) => a.$ref)).to.include(IDENTITY_MAP_ID);
            expect(res.body["meta:extends"].filter((e: string) => e === IDENTITY_MAP_ID)).to.have.length(1);
            const full = await api.call("GET", `${SR}/tenant/schemas/${enc(res.body.$id)}`, { headers: { Accept: XED_FULL } });
            expect(full.body.properties).to.have.property("identityMap");
            const unknown = { ...body, title: title("Schema with an unknown standard group") };
            unknown.allOf = [...body.allOf, { $ref: "https://ns.adobe.com/xdm/context/profile-person-details" }];
            const refused = await api.call("POST", `${SR}/tenant/schemas`, { body: unknown });
            expect(refused.status).to.equal(400);
            expect(refused.body.detail).to.contain("profile-person-details");
        });
    });
});
