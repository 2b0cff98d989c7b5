/**
 * The emulated Data Prep: mapping sets as aep-api.md §2.5 documents them, and the calculated-field
 * expressions the Chatlio mappings need.
 */
import { expect } from "chai";
import { Emulator, startEmulator } from "../src";
import { compile } from "../src/expressions";
import { AepCaller, BASE, XED_FULL, chatlioFieldGroupBody, chatlioMappings, chatlioSchemaBody } from "./testing";

const DP = BASE.dataPrep;

describe("emulated Data Prep", () => {
    let em: Emulator;
    let api: AepCaller;
    let schemaId: string;

    const setBody = (mappings: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
        outputSchema: { schemaRef: { id: schemaId, contentType: XED_FULL } },
        mappings,
        ...extra,
    });

    before(async () => {
        em = await startEmulator();
        api = new AepCaller(em.url);
        const fg = await api.call("POST", `${BASE.schemaRegistry}/tenant/fieldgroups`, { body: chatlioFieldGroupBody("acme") });
        schemaId = (await api.call("POST", `${BASE.schemaRegistry}/tenant/schemas`, { body: chatlioSchemaBody(fg.body.$id) })).body.$id;
    });
    after(() => em.close());

    it("creates a mapping set: 200 with id, version 0 and dates", async () => {
        const res = await api.call("POST", `${DP}/mappingSets`, { body: setBody(chatlioMappings("acme")) });
        expect(res.status).to.equal(200);
        expect(res.body).to.have.keys(["id", "version", "createdDate", "modifiedDate", "createdBy", "modifiedBy"]);
        expect(res.body.id).to.match(/^[0-9a-f]{32}$/);
        expect(res.body.version).to.equal(0);
        expect(res.body.createdDate).to.be.a("number");
    });

    it("returns the full set, echoing both mapping naming styles", async () => {
        const created = await api.call("POST", `${DP}/mappingSets`, {
            body: setBody(chatlioMappings("acme"), { name: "chatlio-mapping" }),
        });
        const res = await api.call("GET", `${DP}/mappingSets/${created.body.id}`);
        expect(res.status).to.equal(200);
        expect(res.body).to.include({
            id: created.body.id,
            version: 0,
            status: "PUBLISHED",
            xdmSchema: schemaId,
            xdmVersion: "1.0",
            name: "chatlio-mapping",
        });
        expect(res.body.schemaRef).to.deep.equal({ id: schemaId, contentType: XED_FULL });
        expect(res.body.outputSchema.schemaRef.id).to.equal(schemaId);
        const byDest = Object.fromEntries(res.body.mappings.map((m: any) => [m.destination, m]));
        expect(byDest["_id"]).to.include({
            sourceType: "EXPRESSION",
            source: "uuid()",
            sourceAttribute: "uuid()",
            destinationXdmPath: "_id",
        });
        // The tutorial's style (sourceAttribute/destinationXdmPath) comes back with the docs' names too.
        expect(byDest["_acme.chatlio.channelId"]).to.include({
            source: "channelId",
            sourceAttribute: "channelId",
            sourceType: "text/x.schema-path",
            identity: false,
        });
        for (const m of res.body.mappings) expect(m.id).to.match(/^[0-9a-f]{32}$/);
        const list = await api.call("GET", `${DP}/mappingSets/${created.body.id}/mappings`);
        expect(list.body).to.have.length(chatlioMappings("acme").length);
        const one = await api.call("GET", `${DP}/mappingSets/${created.body.id}/mappings/${list.body[0].id}`);
        expect(one.body).to.deep.equal(list.body[0]);
    });

    it("takes sourceType in any case, and text/x.schema-path for attributes", async () => {
        const res = await api.call("POST", `${DP}/mappingSets`, {
            body: setBody([
                { sourceType: "expression", source: "uuid()", destination: "_id" },
                { sourceType: "text/x.schema-path", source: "message", destination: "_acme.chatlio.message" },
                { sourceType: "Static", source: "chat.message", destination: "eventType" },
            ]),
        });
        expect(res.status).to.equal(200);
        const bad = await api.call("POST", `${DP}/mappingSets`, {
            body: setBody([{ sourceType: "MAGIC", source: "a", destination: "_id" }]),
        });
        expect(bad.status).to.equal(400);
    });

    it("refuses a destination the schema lacks, naming the path", async () => {
        const res = await api.call("POST", `${DP}/mappingSets`, {
            body: setBody([{ sourceType: "ATTRIBUTE", source: "x", destination: "_acme.chatlio.nope" }]),
        });
        expect(res.status).to.equal(400);
        expect(res.body.detail).to.contain("_acme.chatlio.nope");
    });

    it("refuses an expression calling an unknown function", async () => {
        const res = await api.call("POST", `${DP}/mappingSets`, {
            body: setBody([{ sourceType: "EXPRESSION", source: "sha512(message)", destination: "_id" }]),
        });
        expect(res.status).to.equal(400);
        expect(res.body.detail).to.contain("sha512");
    });

    it("requires an existing output schema", async () => {
        const res = await api.call("POST", `${DP}/mappingSets`, {
            body: {
                outputSchema: { schemaRef: { id: "https://ns.adobe.com/acme/schemas/" + "9".repeat(32), contentType: XED_FULL } },
                mappings: chatlioMappings("acme"),
            },
        });
        expect(res.status).to.equal(400);
    });

    it("creates a new version with PUT and keeps the old ones readable", async () => {
        const created = await api.call("POST", `${DP}/mappingSets`, { body: setBody(chatlioMappings("acme")) });
        const put = await api.call("PUT", `${DP}/mappingSets/${created.body.id}`, { body: setBody(chatlioMappings("acme").slice(0, 3)) });
        expect(put.status).to.equal(200);
        expect(put.body.version).to.equal(1);
        expect(put.body.mappings).to.have.length(3);
        expect((await api.call("GET", `${DP}/mappingSets/${created.body.id}`)).body.version).to.equal(1);
        const old = await api.call("GET", `${DP}/mappingSets/${created.body.id}?version=0`);
        expect(old.body.version).to.equal(0);
        expect(old.body.mappings).to.have.length(chatlioMappings("acme").length);
        expect((await api.call("GET", `${DP}/mappingSets/${created.body.id}?version=5`)).status).to.equal(404);
    });

    it("lists with limit and start (both required)", async () => {
        expect((await api.call("GET", `${DP}/mappingSets`)).status).to.equal(400);
        expect((await api.call("GET", `${DP}/mappingSets?limit=10`)).status).to.equal(400);
        const res = await api.call("GET", `${DP}/mappingSets?limit=2&start=0`);
        expect(res.status).to.equal(200);
        expect(res.body.data).to.have.length(2);
        expect(res.body._page).to.deep.equal({ count: 2, limit: 2 });
        const named = await api.call("GET", `${DP}/mappingSets?limit=50&start=0&name=chatlio-mapping`);
        expect(named.body.data.map((s: any) => s.name)).to.deep.equal(["chatlio-mapping"]);
    });

    it("has no delete operation (405)", async () => {
        const created = await api.call("POST", `${DP}/mappingSets`, { body: setBody(chatlioMappings("acme")) });
        expect((await api.call("DELETE", `${DP}/mappingSets/${created.body.id}`)).status).to.equal(405);
        expect((await api.call("GET", `${DP}/mappingSets/${created.body.id}`)).status).to.equal(200);
    });

    it("previews a mapping on sample data", async () => {
        const res = await api.call("POST", `${DP}/mappingSets/preview`, {
            body: {
                data: { message: "  Hi  ", visitor: { UUID: "u" } },
                mappingSet: setBody([{ sourceType: "EXPRESSION", source: "trim(message)", destination: "_acme.chatlio.message" }]),
            },
        });
        expect(res.status).to.equal(200);
        expect(res.body.data).to.deep.equal({ _acme: { chatlio: { message: "Hi" } } });
    });

    describe("expressions", () => {
        const payload = { visitor: { email: " Pat@Example.COM ", UUID: "u-1" }, message: "hello", count: "3", messages: [1, 2] };

        it("evaluates the functions the Chatlio mappings use", () => {
            expect(compile("uuid()").evaluate(payload)).to.match(/^[0-9a-f-]{36}$/);
            expect(compile("guid()").evaluate(payload)).to.not.equal(compile("guid()").evaluate(payload));
            expect(Date.parse(compile("now()").evaluate(payload) as string)).to.be.closeTo(Date.now(), 5000);
            expect(compile("lower(trim(visitor.email))").evaluate(payload)).to.equal("pat@example.com");
            expect(compile("upper(message)").evaluate(payload)).to.equal("HELLO");
            expect(compile('concat(visitor.UUID, "-", message)').evaluate(payload)).to.equal("u-1-hello");
            expect(compile('iif(message == "hello", "greeting", "other")').evaluate(payload)).to.equal("greeting");
            expect(compile("iif(is_empty(visitor.name), 'anonymous', visitor.name)").evaluate(payload)).to.equal("anonymous");
            expect(compile("to_integer(count)").evaluate(payload)).to.equal(3);
            expect(compile("size_of(messages)").evaluate(payload)).to.equal(2);
            expect(compile("coalesce(visitor.name, visitor.UUID)").evaluate(payload)).to.equal("u-1");
            expect(compile("message != 'x' && !is_empty(message)").evaluate(payload)).to.equal(true);
        });

        it("turns epoch seconds into an XDM date-time with dformat and arithmetic, as Customer.io and Pendo timestamps need", () => {
            const iso = `dformat(timestamp * 1000, "yyyy-MM-dd'T'HH:mm:ss.SSSX")`;
            expect(compile(iso).evaluate({ timestamp: 1571829875 })).to.equal("2019-10-23T11:24:35.000Z");
            expect(compile(iso).evaluate({ timestamp: "1571829875" })).to.equal("2019-10-23T11:24:35.000Z");
            expect(compile(iso).evaluate({})).to.equal(null);
            // The same with documented functions only: milliseconds by appending "000".
            const viaConcat = `dformat(to_bigint(concat(timestamp, "000")), "yyyy-MM-dd'T'HH:mm:ss.SSSX")`;
            expect(compile(viaConcat).evaluate({ timestamp: 1571829875 })).to.equal("2019-10-23T11:24:35.000Z");
            // Adobe's own dformat examples: milliseconds in, the pattern's text out.
            expect(compile(`dformat(1571829875000, "yyyy-MM-dd'T'HH:mm:ss.SSSX")`).evaluate({})).to.equal("2019-10-23T11:24:35.000Z");
            expect(compile(`dformat(1571829875000, "dd-MMM-yyyy hh:mm a")`).evaluate({})).to.equal("23-Oct-2019 11:24 AM");
            expect(compile("count * 2 + 1").evaluate(payload)).to.equal(7);
            expect(compile("(count + 1) * 2").evaluate(payload)).to.equal(8);
            expect(compile("10 / 4 - 1").evaluate(payload)).to.equal(1.5);
            expect(compile("7 mod 4 == 3 && 8 div 2 == 4").evaluate(payload)).to.equal(true);
            expect(compile('message + "!"').evaluate(payload)).to.equal("hello!");
            expect(() => compile("message * 2").evaluate(payload)).to.throw(/both must be numbers/);
            expect(() => compile(`dformat(1, "yyyy QQ")`).evaluate(payload)).to.throw(/pattern letter "Q"/);
        });

        it("rejects unknown functions, wrong argument counts and syntax errors", () => {
            expect(() => compile("nosuch(message)")).to.throw(/unknown function "nosuch"/);
            expect(() => compile("uuid(message)")).to.throw(/takes 0/);
            expect(() => compile("concat(message")).to.throw();
            expect(() => compile("")).to.throw();
        });
    });
});
