/**
 * Adobe's own documented requests, replayed in order against the emulator by a client of their own (plain
 * fetch, the headers of the docs' curl examples): the Chatlio tutorial's calls first (token, field group,
 * schema, dataset, source connection, target connection, mapping set, flow, the flow GET that gives the
 * inlet, a post to the inlet), then the documented follow-ups (lookups, filters, patches, actions, Profile,
 * the sandbox check) and the documented teardown. Each request is written here from the shapes in the
 * team's AEP API notes (aep-api.md, sections cited), with its values (tenant acme, org
 * 0123456789ABCDEF01234567@AdobeOrg, sandbox dev); each answer is checked for the documented status and
 * shape.
 */
import { expect } from "chai";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "../src";

const ORG = "0123456789ABCDEF01234567@AdobeOrg";
const SR = "/data/foundation/schemaregistry";
const CATALOG = "/data/foundation/catalog";
const FLOW = "/data/foundation/flowservice";
const PREP = "/data/foundation/conversion";
const SANDBOXES = "/data/foundation/sandbox-management";
const XED_FULL = "application/vnd.adobe.xed-full+json;version=1";
const HEX = (n: number) => new RegExp(`^[0-9a-f]{${n}}$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ETAG = /^"[0-9a-f]{8}-0000-0200-0000-[0-9a-f]{12}"$/;

interface Answer {
    status: number;
    headers: Headers;
    body: any;
}

describe("Adobe's documented requests, replayed (aep-api.md)", () => {
    let em: Emulator;
    let token: string;
    const ids: Record<string, string> = {};

    before(async () => {
        em = await startEmulator();
        expect(em.credentials.orgId).to.equal(ORG);
    });
    after(() => em.stop());

    /** A Platform call with the headers every doc example sends (aep-api.md §1.2). */
    async function platform(
        method: string,
        path: string,
        options: { body?: unknown; accept?: string; headers?: Record<string, string> } = {},
    ): Promise<Answer> {
        const headers: Record<string, string> = {
            Authorization: `Bearer ${token}`,
            "x-api-key": DEMO_CREDENTIALS.clientId,
            "x-gw-ims-org-id": ORG,
            "x-sandbox-name": "dev",
            ...(options.accept ? { Accept: options.accept } : {}),
            ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}),
            ...(options.headers ?? {}),
        };
        const res = await fetch(`${em.url}${path}`, {
            method,
            headers,
            body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
        const text = await res.text();
        return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    }

    describe("the Chatlio tutorial's calls, in order", () => {
        it("§1.1 IMS token: client credentials in a form body → 200 {access_token, token_type: bearer, expires_in: 86399}", async () => {
            const res = await fetch(`${em.url}/ims/token/v3`, {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
                body: `grant_type=client_credentials&client_id=${DEMO_CREDENTIALS.clientId}&client_secret=${DEMO_CREDENTIALS.clientSecret}&scope=openid,AdobeID,read_organizations`,
            });
            const body = (await res.json()) as any;
            expect(res.status).to.equal(200);
            expect(body).to.have.all.keys("access_token", "token_type", "expires_in");
            expect(body).to.include({ token_type: "bearer", expires_in: 86399 });
            token = body.access_token;
        });

        it("§2.2.3 create a field group → 201 with the registry's fields ($id …/mixins/<hex>, meta:resourceType mixins, version 1.0, tenant namespace)", async () => {
            const res = await platform("POST", `${SR}/tenant/fieldgroups`, {
                body: {
                    title: "Chatlio Event Details",
                    description: "Fields received from the Chatlio webhook.",
                    type: "object",
                    "meta:intendedToExtend": ["https://ns.adobe.com/xdm/context/experienceevent"],
                    definitions: {
                        chatlio: {
                            properties: {
                                _acme: {
                                    type: "object",
                                    properties: { message: { type: "string", title: "Message", description: "Chat message text." } },
                                },
                            },
                        },
                    },
                    allOf: [{ $ref: "#/definitions/chatlio" }],
                },
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(201);
            const hex = String(res.body.$id).split("/").pop() as string;
            expect(res.body.$id).to.equal(`https://ns.adobe.com/acme/mixins/${hex}`);
            expect(res.body).to.include({
                "meta:altId": `_acme.mixins.${hex}`,
                "meta:resourceType": "mixins",
                version: "1.0",
                imsOrg: ORG,
                "meta:extensible": true,
                "meta:abstract": true,
                "meta:xdmType": "object",
                "meta:containerId": "tenant",
                "meta:tenantNamespace": "_acme",
            });
            expect(res.body["meta:registryMetadata"]).to.include.keys(
                "repo:createdDate",
                "repo:lastModifiedDate",
                "xdm:createdClientId",
                "eTag",
            );
            expect(res.body.allOf[0]).to.include({ $ref: "#/definitions/chatlio", type: "object", "meta:xdmType": "object" });
            ids.fieldGroup = res.body.$id;
            ids.fieldGroupAlt = res.body["meta:altId"];
        });

        it("§2.2.3 patch the field group with the documented JSON Patch → 200, version 1.1", async () => {
            const res = await platform("PATCH", `${SR}/tenant/fieldgroups/${ids.fieldGroupAlt}`, {
                body: [
                    { op: "replace", path: "/description", value: "New text" },
                    {
                        op: "add",
                        path: "/definitions/chatlio/properties/_acme/properties/channelId",
                        value: { type: "string", title: "Channel ID" },
                    },
                ],
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
            expect(res.body).to.include({ description: "New text", version: "1.1" });
            expect(res.body.definitions.chatlio.properties._acme.properties).to.have.keys("message", "channelId");
        });

        it("§2.2.4 create a schema: one class plus the field group → 201 with meta:class and meta:extends", async () => {
            const res = await platform("POST", `${SR}/tenant/schemas`, {
                body: {
                    type: "object",
                    title: "Chatlio Events",
                    description: "Chatlio webhook events.",
                    allOf: [{ $ref: "https://ns.adobe.com/xdm/context/experienceevent" }, { $ref: ids.fieldGroup }],
                },
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(201);
            expect(res.body.$id).to.match(/^https:\/\/ns\.adobe\.com\/acme\/schemas\/[0-9a-f]+$/);
            expect(res.body).to.include({
                "meta:class": "https://ns.adobe.com/xdm/context/experienceevent",
                version: "1.0",
                "meta:sandboxType": "development",
            });
            expect(res.body["meta:extends"]).to.include.members([
                "https://ns.adobe.com/xdm/context/experienceevent",
                "https://ns.adobe.com/xdm/data/time-series",
                "https://ns.adobe.com/xdm/context/identitymap",
                ids.fieldGroup,
            ]);
            expect(res.body["meta:sandboxId"]).to.match(UUID);
            ids.schema = res.body.$id;
            ids.schemaAlt = res.body["meta:altId"];
        });

        it('§2.3 create a dataset → 201 ["@/dataSets/<24 hex>"] with a Location header', async () => {
            const res = await platform("POST", `${CATALOG}/dataSets`, {
                body: {
                    name: "Chatlio Events Dataset",
                    description: "Target for the Chatlio streaming dataflow.",
                    schemaRef: { id: ids.schema, contentType: XED_FULL },
                },
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(201);
            expect(res.body).to.be.an("array").with.length(1);
            expect(res.body[0]).to.match(/^@\/dataSets\/[0-9a-f]{24}$/);
            ids.dataset = String(res.body[0]).split("/").pop() as string;
            expect(res.headers.get("location")).to.contain(`/dataSets/${ids.dataset}`);
        });

        it("§3 create the Chatlio source connection (providerId, no base connection) → 201 {id, etag}", async () => {
            const res = await platform("POST", `${FLOW}/sourceConnections`, {
                body: {
                    name: "Chatlio source",
                    providerId: "521eee4d-8cbe-4906-bb48-fb6bd4450033",
                    description: "Streaming source connection for Chatlio",
                    connectionSpec: { id: "073127a3-26e3-496c-9d94-9f48fb93fba8", version: "1.0" },
                    data: { format: "json" },
                },
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(201);
            expect(res.body).to.have.all.keys("id", "etag");
            expect(res.body.id).to.match(UUID);
            expect(res.body.etag).to.match(ETAG);
            ids.source = res.body.id;
        });

        it("§2.4.4 create the data lake target connection (schema version a content type) → 201 {id, etag}", async () => {
            const res = await platform("POST", `${FLOW}/targetConnections`, {
                body: {
                    name: "Chatlio target connection",
                    connectionSpec: { id: "c604ff05-7f1a-43c0-8e18-33bf874cb11c", version: "1.0" },
                    data: { format: "json", schema: { id: ids.schema, version: "application/vnd.adobe.xed-full+json;version=1" } },
                    params: { dataSetId: ids.dataset },
                },
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(201);
            expect(res.body.etag).to.match(ETAG);
            ids.target = res.body.id;
        });

        it("§2.5, §3 create the mapping set: the tutorial's field names, and uuid()/now() for _id and timestamp (§2.2.1) → 200 {id, version: 0, dates}", async () => {
            const res = await platform("POST", `${PREP}/mappingSets`, {
                body: {
                    outputSchema: { schemaRef: { id: ids.schema, contentType: XED_FULL } },
                    mappings: [
                        { destinationXdmPath: "_acme.message", sourceAttribute: "message", identity: false, version: 0 },
                        { destinationXdmPath: "_acme.channelId", sourceAttribute: "channelId", identity: false, version: 0 },
                        { sourceType: "EXPRESSION", source: "uuid()", destination: "_id" },
                        { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
                    ],
                },
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
            expect(res.body).to.have.all.keys("id", "version", "createdDate", "modifiedDate", "createdBy", "modifiedBy");
            expect(res.body.id).to.match(HEX(32));
            expect(res.body.version).to.equal(0);
            expect(res.body.createdDate).to.be.a("number");
            ids.mapping = res.body.id;
        });

        it("§2.4.5 create the dataflow (mappingVersion the number 0, no scheduleParams) → 201 {id, etag}", async () => {
            const res = await platform("POST", `${FLOW}/flows`, {
                body: {
                    name: "Chatlio dataflow",
                    flowSpec: { id: "e77fde5a-22a8-11ed-861d-0242ac120002", version: "1.0" },
                    sourceConnectionIds: [ids.source],
                    targetConnectionIds: [ids.target],
                    transformations: [{ name: "Mapping", params: { mappingId: ids.mapping, mappingVersion: 0 } }],
                },
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(201);
            expect(res.body).to.have.all.keys("id", "etag");
            ids.flow = res.body.id;
        });

        it("§3 GET the flow for its inlet: {items: [flow]} enabled, with options.inletUrl …/collection/<64 hex>", async () => {
            const res = await platform("GET", `${FLOW}/flows/${ids.flow}`);
            expect(res.status).to.equal(200);
            expect(res.body.items).to.have.length(1);
            const flow = res.body.items[0];
            expect(flow).to.include({ id: ids.flow, state: "enabled", sandboxName: "dev", imsOrgId: ORG });
            expect(flow.version).to.equal(flow.etag);
            expect(flow.lastOperation.operation).to.equal("enable");
            expect(flow.inheritedAttributes.properties.isSourceFlow).to.equal(true);
            expect(flow.runs).to.equal(`/runs?property=flowId==${ids.flow}`);
            expect(flow.transformations).to.deep.equal([{ name: "Mapping", params: { mappingId: ids.mapping, mappingVersion: 0 } }]);
            for (const k of ["createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient", "sandboxId"])
                expect(flow, k).to.have.property(k);
            expect(flow.options.inletUrl).to.match(/\/collection\/[0-9a-f]{64}$/);
            ids.inletUrl = flow.options.inletUrl;
            ids.etag = flow.etag;
        });

        it("§2.6, §3 post the UI tutorial's sample payload to {inletUrl}?x-adobe-flow-id={flow} → 200 {inletId, xactionId, receivedTimeMs}", async () => {
            const res = await fetch(`${ids.inletUrl}?x-adobe-flow-id=${ids.flow}&synchronousValidation=true`, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({
                    visitor: { email: "person@example.com", UUID: "2d3f4260-0000-4000-8000-000000000000" },
                    message: "Hi",
                    channelId: "C0123",
                    slackChannelName: "aep",
                    slackChannelId: "C0123",
                }),
            });
            const body = (await res.json()) as any;
            expect(res.status, JSON.stringify(body)).to.equal(200);
            expect(body).to.include({ inletId: String(ids.inletUrl).split("/").pop() });
            expect(body.xactionId).to.be.a("string");
            expect(body.receivedTimeMs).to.be.a("number");
            expect(body.synchronousValidation).to.deep.equal({ status: "pass" });
            const [record] = em.records(ids.dataset) as any[];
            expect(record._acme).to.deep.equal({ message: "Hi", channelId: "C0123" });
        });
    });

    describe("the documented follow-ups", () => {
        it("§2.2.2 lookups: xed+json; version=1 raw, xed-full resolved; no version → XDM-1007-400", async () => {
            const raw = await platform("GET", `${SR}/tenant/schemas/${encodeURIComponent(ids.schema)}`, {
                accept: "application/vnd.adobe.xed+json; version=1",
            });
            expect(raw.status).to.equal(200);
            expect(raw.body.allOf).to.be.an("array");
            const full = await platform("GET", `${SR}/tenant/schemas/${ids.schemaAlt}`, { accept: XED_FULL });
            expect(full.body.properties._acme.properties).to.include.keys("message", "channelId");
            const bare = await platform("GET", `${SR}/tenant/schemas/${ids.schemaAlt}`, { accept: "application/vnd.adobe.xed+json" });
            expect(bare.status).to.equal(400);
            expect(bare.body.type).to.equal("http://ns.adobe.com/aep/errors/XDM-1007-400");
        });

        it("§2.2.4, §4.5 list schemas by title → {results, _page, _links: {next, global_schemas}}; a version in the list Accept → XDM-1006-400", async () => {
            const res = await platform("GET", `${SR}/tenant/schemas?property=title==Chatlio%20Events`, {
                accept: "application/vnd.adobe.xed-id+json",
            });
            expect(res.status).to.equal(200);
            expect(res.body.results).to.deep.equal([
                { $id: ids.schema, "meta:altId": ids.schemaAlt, version: "1.0", title: "Chatlio Events" },
            ]);
            expect(res.body._page).to.include({ next: null, count: 1 });
            expect(res.body._links.next).to.equal(null);
            expect(res.body._links.global_schemas.href).to.match(/\/data\/foundation\/schemaregistry\/global\/schemas$/);
            const fgs = await platform(
                "GET",
                `${SR}/tenant/fieldgroups?property=meta:intendedToExtend==https://ns.adobe.com/xdm/context/experienceevent`,
                { accept: "application/vnd.adobe.xed-id+json" },
            );
            expect(fgs.body.results.map((r: any) => r.$id)).to.deep.equal([ids.fieldGroup]);
            const versioned = await platform("GET", `${SR}/tenant/schemas`, { accept: "application/vnd.adobe.xed-id+json; version=1" });
            expect(versioned.body.type).to.equal("http://ns.adobe.com/aep/errors/XDM-1006-400");
        });

        it("§2.2.1 GET /stats → {imsOrg, tenantId, counts, recentlyCreatedResources}", async () => {
            const res = await platform("GET", `${SR}/stats`);
            expect(res.status).to.equal(200);
            expect(res.body).to.include({ imsOrg: ORG, tenantId: "acme" });
            expect(res.body.counts).to.include({ schemas: 1, mixins: 1 });
            expect(res.body.recentlyCreatedResources).to.be.an("array").that.is.not.empty;
        });

        it("§2.3 GET the dataset → an object keyed by its id; §4.5 filters by name, property and properties", async () => {
            const res = await platform("GET", `${CATALOG}/dataSets/${ids.dataset}`);
            expect(res.status).to.equal(200);
            expect(Object.keys(res.body)).to.deep.equal([ids.dataset]);
            expect(res.body[ids.dataset]).to.include({ name: "Chatlio Events Dataset", version: "1.0.0", imsOrg: ORG });
            expect(res.body[ids.dataset].files).to.equal(`@/dataSetFiles?dataSetId=${ids.dataset}`);
            const byName = await platform("GET", `${CATALOG}/dataSets?name=Chatlio%20Events%20Dataset`);
            expect(Object.keys(byName.body)).to.deep.equal([ids.dataset]);
            const trimmed = await platform(
                "GET",
                `${CATALOG}/dataSets?property=name==Chatlio%20Events%20Dataset&properties=name,schemaRef`,
            );
            expect(trimmed.body[ids.dataset]).to.have.all.keys("name", "schemaRef");
        });

        it('§2.3 PATCH the dataset with a partial object → 200 ["@/dataSets/<id>"], version 1.0.1', async () => {
            const res = await platform("PATCH", `${CATALOG}/dataSets/${ids.dataset}`, { body: { description: "Updated" } });
            expect(res.status).to.equal(200);
            expect(res.body).to.deep.equal([`@/dataSets/${ids.dataset}`]);
            const got = await platform("GET", `${CATALOG}/dataSets/${ids.dataset}`);
            expect(got.body[ids.dataset]).to.include({ description: "Updated", version: "1.0.1" });
        });

        it("§4.5 Flow Service filters: flows by name and by source connection, target connections by dataset, source connections by spec; count=true", async () => {
            const byName = await platform("GET", `${FLOW}/flows?property=name==Chatlio%20dataflow`);
            expect(byName.body.items.map((i: any) => i.id)).to.deep.equal([ids.flow]);
            const bySource = await platform("GET", `${FLOW}/flows?property=sourceConnectionIds[]==${ids.source}`);
            expect(bySource.body.items.map((i: any) => i.id)).to.deep.equal([ids.flow]);
            const bySpec = await platform("GET", `${FLOW}/flows?property=flowSpec.id==e77fde5a-22a8-11ed-861d-0242ac120002`);
            expect(bySpec.body.items).to.have.length(1);
            const targets = await platform("GET", `${FLOW}/targetConnections?property=params.dataSetId==${ids.dataset}`);
            expect(targets.body.items.map((i: any) => i.id)).to.deep.equal([ids.target]);
            const sources = await platform(
                "GET",
                `${FLOW}/sourceConnections?property=connectionSpec.id==073127a3-26e3-496c-9d94-9f48fb93fba8`,
            );
            expect(sources.body.items.map((i: any) => i.id)).to.deep.equal([ids.source]);
            expect((await platform("GET", `${FLOW}/flows?count=true`)).body).to.deep.equal({ count: 1 });
            expect((await platform("GET", `${FLOW}/flows?count=true&limit=5`)).body.type).to.equal(
                "https://ns.adobe.com/aep/errors/FLOW-1401-400",
            );
        });

        it("§2.4.5 PATCH the flow's name and description with If-Match → 200 {id, etag}, a new etag; without If-Match → 1403-400; stale → 1404-412", async () => {
            const patch = [
                { op: "replace", path: "/name", value: "Chatlio dataflow (renamed)" },
                { op: "replace", path: "/description", value: "Streams Chatlio events." },
            ];
            expect((await platform("PATCH", `${FLOW}/flows/${ids.flow}`, { body: patch })).body.type).to.equal(
                "https://ns.adobe.com/aep/errors/FLOW-1403-400",
            );
            const res = await platform("PATCH", `${FLOW}/flows/${ids.flow}`, { body: patch, headers: { "If-Match": ids.etag } });
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
            expect(res.body).to.have.all.keys("id", "etag");
            expect(res.body.etag).to.not.equal(ids.etag);
            const stale = await platform("PATCH", `${FLOW}/flows/${ids.flow}`, { body: patch, headers: { "If-Match": ids.etag } });
            expect(stale.status).to.equal(412);
            expect(stale.body.type).to.equal("https://ns.adobe.com/aep/errors/FLOW-1404-412");
            ids.etag = res.body.etag;
        });

        it("§2.5 PUT the mapping set → 200, version 1; §2.4.5 point the flow at it (replace /transformations/0)", async () => {
            const put = await platform("PUT", `${PREP}/mappingSets/${ids.mapping}`, {
                body: {
                    outputSchema: { schemaRef: { id: ids.schema, contentType: XED_FULL } },
                    mappings: [
                        { sourceType: "ATTRIBUTE", source: "message", destination: "_acme.message" },
                        { sourceType: "EXPRESSION", source: "uuid()", destination: "_id" },
                        { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
                    ],
                },
            });
            expect(put.status, JSON.stringify(put.body)).to.equal(200);
            expect(put.body.version).to.equal(1);
            expect(put.body.mappings[0]).to.include({
                sourceType: "text/x.schema-path",
                source: "message",
                sourceAttribute: "message",
                destination: "_acme.message",
                destinationXdmPath: "_acme.message",
            });
            const patch = await platform("PATCH", `${FLOW}/flows/${ids.flow}`, {
                body: [
                    {
                        op: "replace",
                        path: "/transformations/0",
                        value: { name: "Mapping", params: { mappingId: ids.mapping, mappingVersion: 1 } },
                    },
                ],
                headers: { "If-Match": ids.etag },
            });
            expect(patch.status, JSON.stringify(patch.body)).to.equal(200);
            ids.etag = patch.body.etag;
            const listed = await platform("GET", `${PREP}/mappingSets?limit=50&start=0`);
            expect(listed.body.data.map((s: any) => s.id)).to.deep.equal([ids.mapping]);
        });

        it("§2.4.5 disable and enable with ?op=disable / ?op=enable (the destinations doc's form) → 200 {id, etag}; the same state again → 1422-400", async () => {
            const off = await platform("POST", `${FLOW}/flows/${ids.flow}/action?op=disable`);
            expect(off.status).to.equal(200);
            expect(off.body).to.have.all.keys("id", "etag");
            expect((await platform("GET", `${FLOW}/flows/${ids.flow}`)).body.items[0].state).to.equal("disabled");
            expect((await platform("POST", `${FLOW}/flows/${ids.flow}/action?op=disable`)).body.type).to.equal(
                "https://ns.adobe.com/aep/errors/FLOW-1422-400",
            );
            expect((await platform("POST", `${FLOW}/flows/${ids.flow}/action?op=enable`)).status).to.equal(200);
        });

        it("§2.2.5 create an identity descriptor, §2.2.4 enable Profile with the union tag", async () => {
            const fg = await platform("PATCH", `${SR}/tenant/fieldgroups/${ids.fieldGroupAlt}`, {
                body: [
                    {
                        op: "add",
                        path: "/definitions/chatlio/properties/_acme/properties/email",
                        value: { type: "string", title: "Email" },
                    },
                ],
            });
            expect(fg.status, JSON.stringify(fg.body)).to.equal(200);
            const res = await platform("POST", `${SR}/tenant/descriptors`, {
                body: {
                    "@type": "xdm:descriptorIdentity",
                    "xdm:sourceSchema": ids.schema,
                    "xdm:sourceVersion": 1,
                    "xdm:sourceProperty": "/_acme/email",
                    "xdm:namespace": "Email",
                    "xdm:property": "xdm:code",
                    "xdm:isPrimary": true,
                },
            });
            expect(res.status, JSON.stringify(res.body)).to.equal(201);
            expect(res.body["@id"]).to.match(/^[0-9a-f]{40,48}$/);
            expect(res.body).to.include({ version: "1", "meta:containerId": "tenant", "xdm:sourceSchema": ids.schema });
            ids.descriptor = res.body["@id"];
            const union = await platform("PATCH", `${SR}/tenant/schemas/${ids.schemaAlt}`, {
                body: [{ op: "add", path: "/meta:immutableTags", value: ["union"] }],
            });
            expect(union.status, JSON.stringify(union.body)).to.equal(200);
            expect(union.body["meta:immutableTags"]).to.deep.equal(["union"]);
            const listed = await platform("GET", `${SR}/tenant/descriptors`, { accept: "application/vnd.adobe.xdm-id+json" });
            expect(listed.body).to.deep.equal({ "xdm:descriptorIdentity": [ids.descriptor] });
        });

        it("§2.7 the sandbox check: GET /sandboxes/dev → {name, title, state, type, isDefault, region, etag, dates}", async () => {
            const res = await platform("GET", `${SANDBOXES}/sandboxes/dev`);
            expect(res.status).to.equal(200);
            expect(res.body).to.include({ name: "dev", state: "active", type: "development", isDefault: false });
            expect(res.body).to.include.keys("title", "region", "etag", "createdDate", "lastModifiedDate");
            expect(res.body.etag).to.be.a("number");
        });

        it("§1.2 the gateway's header errors: no token → 403010; no API key → 403000; no org → 400003", async () => {
            const call = (omit: string) => {
                const headers: Record<string, string> = {
                    Authorization: `Bearer ${token}`,
                    "x-api-key": DEMO_CREDENTIALS.clientId,
                    "x-gw-ims-org-id": ORG,
                    "x-sandbox-name": "dev",
                };
                delete headers[omit];
                return fetch(`${em.url}${CATALOG}/dataSets`, { headers }).then(async (r) => ({
                    status: r.status,
                    body: (await r.json()) as any,
                }));
            };
            expect(await call("Authorization")).to.deep.equal({
                status: 403,
                body: { error_code: "403010", message: "Oauth token is missing." },
            });
            expect(await call("x-api-key")).to.deep.equal({ status: 403, body: { error_code: "403000", message: "Api Key is required" } });
            expect(await call("x-gw-ims-org-id")).to.deep.equal({ status: 400, body: { error_code: "400003", message: "Missing header" } });
        });
    });

    describe("the documented teardown (§4.8: flow → target → source → dataset → descriptor → schema → field group)", () => {
        it("deletes each object with the documented status, repeats as documented, and leaves the mapping set (no delete endpoint)", async () => {
            expect((await platform("DELETE", `${FLOW}/flows/${ids.flow}`)).status).to.equal(204);
            expect((await platform("GET", `${FLOW}/flows/${ids.flow}`)).status).to.equal(404);
            expect((await platform("DELETE", `${FLOW}/targetConnections/${ids.target}`)).status).to.equal(204);
            expect((await platform("DELETE", `${FLOW}/sourceConnections/${ids.source}`)).status).to.equal(204);
            const ds = await platform("DELETE", `${CATALOG}/dataSets/${ids.dataset}`);
            expect(ds.status).to.equal(200);
            expect(ds.body).to.deep.equal([`@/dataSets/${ids.dataset}`]);
            const again = await platform("DELETE", `${CATALOG}/dataSets/${ids.dataset}`);
            expect(again).to.deep.include({ status: 200, body: [] });
            expect((await platform("DELETE", `${SR}/tenant/descriptors/${ids.descriptor}`)).status).to.equal(204);
            expect((await platform("DELETE", `${SR}/tenant/descriptors/${ids.descriptor}`)).status).to.equal(404);
            expect((await platform("DELETE", `${SR}/tenant/schemas/${ids.schemaAlt}`)).status).to.equal(204);
            const schemaAgain = await platform("DELETE", `${SR}/tenant/schemas/${ids.schemaAlt}`);
            expect(schemaAgain.status).to.equal(404);
            expect(schemaAgain.body.type).to.match(/XDM-101\d-404$/);
            expect((await platform("DELETE", `${SR}/tenant/fieldgroups/${ids.fieldGroupAlt}`)).status).to.equal(204);
            expect(
                (
                    await platform("GET", `${SR}/tenant/fieldgroups/${ids.fieldGroupAlt}`, {
                        accept: "application/vnd.adobe.xed+json; version=1",
                    })
                ).status,
            ).to.equal(404);
            expect((await platform("DELETE", `${PREP}/mappingSets/${ids.mapping}`)).status).to.equal(405);
            expect(em.objects("dev").map((o) => o.kind)).to.deep.equal(["mappingSet"]);
        });
    });
});
