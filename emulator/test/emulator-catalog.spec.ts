/**
 * The emulated Catalog: datasets as aep-api.md §2.3 documents them.
 */
import { expect } from "chai";
import { Emulator, startEmulator } from "../src";
import { AepCaller, BASE, XED_FULL, chatlioFieldGroupBody, chatlioSchemaBody } from "./testing";

const DS = `${BASE.catalog}/dataSets`;

describe("emulated Catalog", () => {
    let em: Emulator;
    let api: AepCaller;
    let schemaId: string;
    let n = 0;

    async function createDataset(extra: Record<string, unknown> = {}): Promise<string> {
        const res = await api.call("POST", DS, { body: { name: `Dataset ${++n}`, schemaRef: { id: schemaId, contentType: XED_FULL }, ...extra } });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        return res.body[0].split("/").pop();
    }

    before(async () => {
        em = await startEmulator();
        api = new AepCaller(em.url);
        const fg = await api.call("POST", `${BASE.schemaRegistry}/tenant/fieldgroups`, { body: chatlioFieldGroupBody("acme") });
        schemaId = (await api.call("POST", `${BASE.schemaRegistry}/tenant/schemas`, { body: chatlioSchemaBody(fg.body.$id) })).body.$id;
    });
    after(() => em.close());

    it("creates a dataset: 201, [\"@/dataSets/<id>\"] and a Location header", async () => {
        const res = await api.call("POST", DS, { body: { name: "Chatlio Events Dataset", description: "Target.", schemaRef: { id: schemaId, contentType: XED_FULL } } });
        expect(res.status).to.equal(201);
        expect(res.body).to.be.an("array").with.length(1);
        expect(res.body[0]).to.match(/^@\/dataSets\/[0-9a-f]{24}$/);
        const id = res.body[0].split("/").pop();
        expect(res.headers.get("location")).to.equal(`${em.url}${DS}/${id}`);
    });

    it("returns a dataset keyed by its id, with version, dates and owner", async () => {
        const id = await createDataset({ tags: { unifiedProfile: ["enabled:false"] } });
        const res = await api.call("GET", `${DS}/${id}`);
        expect(res.status).to.equal(200);
        expect(Object.keys(res.body)).to.deep.equal([id]);
        const ds = res.body[id];
        expect(ds).to.include({ version: "1.0.0", imsOrg: "0123456789ABCDEF01234567@AdobeOrg", files: `@/dataSetFiles?dataSetId=${id}` });
        expect(ds.schemaRef).to.deep.equal({ id: schemaId, contentType: XED_FULL });
        expect(ds.tags).to.deep.equal({ unifiedProfile: ["enabled:false"] });
        expect(ds.created).to.be.a("number");
        expect(ds.updated).to.equal(ds.created);
        const trimmed = await api.call("GET", `${DS}/${id}?properties=name,schemaRef`);
        expect(trimmed.body[id]).to.have.keys(["name", "schemaRef"]);
        expect((await api.call("GET", `${DS}/${"f".repeat(24)}`)).status).to.equal(404);
    });

    it("accepts the three documented schemaRef content types and ?requestDataSource=true", async () => {
        for (const contentType of ["application/vnd.adobe.xed+json;version=1", XED_FULL, "application/vnd.adobe.xed-full-notext+json; version=1"]) {
            const res = await api.call("POST", `${DS}?requestDataSource=true`, { body: { name: `ct ${++n}`, schemaRef: { id: schemaId, contentType } } });
            expect(res.status, contentType).to.equal(201);
        }
        const bad = await api.call("POST", DS, { body: { name: "bad", schemaRef: { id: schemaId, contentType: "application/json" } } });
        expect(bad.status).to.equal(400);
    });

    it("takes a dataset without name or schemaRef (the spec requires neither); a schemaRef must name a schema of the same sandbox", async () => {
        const bare = await api.call("POST", DS, { body: {} });
        expect(bare.status, JSON.stringify(bare.body)).to.equal(201);
        const id = String(bare.body[0]).split("/").pop();
        expect((await api.call("GET", `${DS}/${id}`)).body[id!]).to.not.have.property("schemaRef");
        const other = await api.call("POST", DS, { body: { name: "elsewhere", schemaRef: { id: schemaId, contentType: XED_FULL } }, sandbox: "prod" });
        expect(other.status).to.equal(400);
        expect(other.body.detail).to.contain(schemaId);
    });

    it("lists datasets keyed by id: limit (default 20, 1 to 100), start, name, property and properties", async () => {
        for (let i = 0; i < 22; i++) await createDataset();
        const all = await api.call("GET", DS);
        expect(Object.keys(all.body)).to.have.length(20);
        expect((await api.call("GET", `${DS}?limit=0`)).status).to.equal(400);
        expect((await api.call("GET", `${DS}?limit=101`)).status).to.equal(400);
        expect((await api.call("GET", `${DS}?limit=abc`)).status).to.equal(400);
        const page = await api.call("GET", `${DS}?limit=5&start=5`);
        expect(Object.keys(page.body)).to.have.length(5);
        const wanted = await createDataset({ name: "Find me" });
        const byName = await api.call("GET", `${DS}?name=Find%20me`);
        expect(Object.keys(byName.body)).to.deep.equal([wanted]);
        const byProperty = await api.call("GET", `${DS}?property=${encodeURIComponent("name==Find me")}&properties=name`);
        expect(byProperty.body).to.deep.equal({ [wanted]: { name: "Find me" } });
        const wildcard = await api.call("GET", `${DS}?name=Find*&limit=100`);
        expect(Object.keys(wildcard.body)).to.deep.equal([wanted]);
    });

    it("patches with a partial object or a JSON Patch, bumping version and updated", async () => {
        const id = await createDataset();
        const before = (await api.call("GET", `${DS}/${id}`)).body[id];
        const partial = await api.call("PATCH", `${DS}/${id}`, { body: { description: "Patched." } });
        expect(partial.status).to.equal(200);
        expect(partial.body).to.deep.equal([`@/dataSets/${id}`]);
        const mid = (await api.call("GET", `${DS}/${id}`)).body[id];
        expect(mid).to.include({ description: "Patched.", version: "1.0.1", name: before.name });
        expect(mid.updated).to.be.above(before.updated);
        const rfc = await api.call("PATCH", `${DS}/${id}`, {
            contentType: "application/json-patch+json",
            body: [{ op: "replace", path: "/name", value: "Renamed" }, { op: "add", path: "/tags/team", value: ["chat"] }],
        });
        expect(rfc.status).to.equal(200);
        const after = (await api.call("GET", `${DS}/${id}`)).body[id];
        expect(after).to.include({ name: "Renamed", version: "1.0.2" });
        expect(after.tags.team).to.deep.equal(["chat"]);
        expect((await api.call("PATCH", `${DS}/${"e".repeat(24)}`, { body: { description: "x" } })).status).to.equal(404);
    });

    it("replaces a dataset with PUT", async () => {
        const id = await createDataset();
        const res = await api.call("PUT", `${DS}/${id}`, { body: { name: "Replaced", schemaRef: { id: schemaId, contentType: XED_FULL } } });
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal([`@/dataSets/${id}`]);
        expect((await api.call("GET", `${DS}/${id}`)).body[id]).to.include({ name: "Replaced", version: "1.0.1" });
    });

    it("deletes with 200 and the path, and answers a repeat delete with 200 and []", async () => {
        const id = await createDataset();
        const first = await api.call("DELETE", `${DS}/${id}`);
        expect(first.status).to.equal(200);
        expect(first.body).to.deep.equal([`@/dataSets/${id}`]);
        expect((await api.call("GET", `${DS}/${id}`)).status).to.equal(404);
        const again = await api.call("DELETE", `${DS}/${id}`);
        expect(again.status).to.equal(200);
        expect(again.body).to.deep.equal([]);
    });
});
