/**
 * The emulated Catalog: datasets as aep-api.md §2.3 documents them.
 */
import { expect } from "chai";
import { Emulator, startEmulator } from "../src";
import { AepCaller, BASE, XED_FULL, buildChatlioChain, chatlioFieldGroupBody, chatlioSchemaBody } from "./testing";
import { CHATLIO_PAYLOADS } from "./samples";

const DS = `${BASE.catalog}/dataSets`;

describe("emulated Catalog", () => {
    let em: Emulator;
    let api: AepCaller;
    let schemaId: string;
    let n = 0;

    async function createDataset(extra: Record<string, unknown> = {}): Promise<string> {
        const res = await api.call("POST", DS, {
            body: { name: `Dataset ${++n}`, schemaRef: { id: schemaId, contentType: XED_FULL }, ...extra },
        });
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

    it('creates a dataset: 201, ["@/dataSets/<id>"] and a Location header', async () => {
        const res = await api.call("POST", DS, {
            body: { name: "Chatlio Events Dataset", description: "Target.", schemaRef: { id: schemaId, contentType: XED_FULL } },
        });
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
        for (const contentType of [
            "application/vnd.adobe.xed+json;version=1",
            XED_FULL,
            "application/vnd.adobe.xed-full-notext+json; version=1",
        ]) {
            const res = await api.call("POST", `${DS}?requestDataSource=true`, {
                body: { name: `ct ${++n}`, schemaRef: { id: schemaId, contentType } },
            });
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
        const other = await api.call("POST", DS, {
            body: { name: "elsewhere", schemaRef: { id: schemaId, contentType: XED_FULL } },
            sandbox: "prod",
        });
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
            body: [
                { op: "replace", path: "/name", value: "Renamed" },
                { op: "add", path: "/tags/team", value: ["chat"] },
            ],
        });
        expect(rfc.status).to.equal(200);
        const after = (await api.call("GET", `${DS}/${id}`)).body[id];
        expect(after).to.include({ name: "Renamed", version: "1.0.2" });
        expect(after.tags.team).to.deep.equal(["chat"]);
        expect((await api.call("PATCH", `${DS}/${"e".repeat(24)}`, { body: { description: "x" } })).status).to.equal(404);
    });

    it("replaces a dataset with PUT", async () => {
        const id = await createDataset();
        const res = await api.call("PUT", `${DS}/${id}`, {
            body: { name: "Replaced", schemaRef: { id: schemaId, contentType: XED_FULL } },
        });
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

    describe("batches the streaming inlet makes (catalog.yaml batchResponse; dataSetResponse lastBatch* fields)", () => {
        // This block's emulator lands streamed records in the data lake at once (dataLakeLatencyMs: 0).
        let em: Emulator;
        let api: AepCaller;
        before(async () => {
            em = await startEmulator({ dataLakeLatencyMs: 0 });
            api = new AepCaller(em.url);
        });
        after(() => em.stop());
        const post = async (url: string, body: unknown) => {
            const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
            return { status: res.status, body: (await res.json()) as any };
        };
        const datasetOf = async (id: string, caller = api) => (await caller.call("GET", `${DS}/${id}`)).body[id];
        const batchesOf = async (id: string, caller = api) => (await caller.call("GET", `${BASE.catalog}/batches?dataSet=${id}`)).body;

        it("shows none for a dataset that holds no records", async () => {
            const chain = await buildChatlioChain(api, { suffix: " (no data)" });
            const ds = await datasetOf(chain.datasetId);
            expect(ds).to.not.have.any.keys("lastBatchId", "lastBatchStatus", "lastSuccessfulBatch", "lastFailedBatch");
            expect(await batchesOf(chain.datasetId)).to.deep.equal({});
        });

        it("with no latency, makes one successful batch per inlet request that stored records, and marks it on the dataset", async () => {
            const chain = await buildChatlioChain(api, { suffix: " (batches)" });
            const other = await buildChatlioChain(api, { suffix: " (other batches)" });
            const before = await datasetOf(chain.datasetId);
            const t0 = Date.now();
            expect((await post(chain.inletUrl, CHATLIO_PAYLOADS.newConversation)).status).to.equal(200);
            const first = await batchesOf(chain.datasetId);
            const [firstId] = Object.keys(first);
            expect(Object.keys(first)).to.have.length(1);
            expect(firstId).to.match(/^[0-9a-f]{24}$/);
            expect(first[firstId]).to.deep.include({
                status: "success",
                recordCount: 1,
                failedRecordCount: 0,
                relatedObjects: [{ type: "dataSet", id: chain.datasetId }],
            });
            expect(first[firstId].created).to.be.within(t0 - 1000, Date.now());
            expect(first[firstId].completed).to.be.at.least(first[firstId].started);
            expect((await api.call("GET", `${BASE.catalog}/batches/${firstId}`)).body).to.deep.equal({ [firstId]: first[firstId] });
            let ds = await datasetOf(chain.datasetId);
            expect(ds).to.include({ lastBatchId: firstId, lastBatchStatus: "success", lastSuccessfulBatch: firstId });
            // Ingestion changes the batch fields, not the dataset's own version.
            expect(ds).to.include({ version: before.version, updated: before.updated });

            // A batch request: the two messages stored make one batch; the refused one is not in it.
            const batchUrl = chain.inletUrl.replace("/collection/", "/collection/batch/");
            const bad = { header: { schemaRef: { id: chain.schemaId, contentType: XED_FULL } }, body: { xdmEntity: { _id: 1 } } };
            const multi = await post(batchUrl, { messages: [CHATLIO_PAYLOADS.newConversation, bad, CHATLIO_PAYLOADS.transcript] });
            expect(multi.status).to.equal(207);
            const both = await batchesOf(chain.datasetId);
            expect(Object.keys(both)).to.have.length(2);
            const secondId = Object.keys(both).find((id) => id !== firstId)!;
            expect(both[secondId]).to.include({ status: "success", recordCount: 2 });
            ds = await datasetOf(chain.datasetId);
            expect(ds).to.include({ lastBatchId: secondId, lastSuccessfulBatch: secondId, lastBatchStatus: "success" });
            expect(em.records(chain.datasetId)).to.have.length(3);

            // A request the inlet refuses makes no batch.
            expect((await post(chain.inletUrl, ["not", "an", "object"])).status).to.equal(400);
            expect(Object.keys(await batchesOf(chain.datasetId))).to.have.length(2);

            // The filter keeps datasets apart; the list takes the Catalog list parameters.
            expect((await post(other.inletUrl, CHATLIO_PAYLOADS.newConversation)).status).to.equal(200);
            expect(Object.keys(await batchesOf(other.datasetId))).to.have.length(1);
            const all = (await api.call("GET", `${BASE.catalog}/batches`)).body;
            expect(Object.keys(all)).to.include.members([firstId, secondId]);
            const newest = (
                await api.call(
                    "GET",
                    `${BASE.catalog}/batches?dataSet=${chain.datasetId}&orderBy=desc:created&limit=1&properties=recordCount`,
                )
            ).body;
            expect(Object.keys(newest)).to.have.length(1);
            expect((await api.call("GET", `${BASE.catalog}/batches?limit=0`)).status).to.equal(400);
            expect((await api.call("GET", `${BASE.catalog}/batches/${"0".repeat(24)}`)).status).to.equal(404);

            // Deleting the dataset takes its batches with it.
            await api.call("DELETE", `${DS}/${other.datasetId}`);
            expect(await batchesOf(other.datasetId)).to.deep.equal({});
        });

        it("keeps the batch fields when a PUT or PATCH omits or sends them", async () => {
            const chain = await buildChatlioChain(api, { suffix: " (batch fields)" });
            await post(chain.inletUrl, CHATLIO_PAYLOADS.newConversation);
            const ds = await datasetOf(chain.datasetId);
            await api.call("PATCH", `${DS}/${chain.datasetId}`, { body: { description: "edited", lastBatchId: "nope" } });
            expect(await datasetOf(chain.datasetId)).to.include({ description: "edited", lastBatchId: ds.lastBatchId });
            await api.call("PUT", `${DS}/${chain.datasetId}`, { body: { name: ds.name, schemaRef: ds.schemaRef } });
            expect(await datasetOf(chain.datasetId)).to.include({ lastBatchId: ds.lastBatchId, lastBatchStatus: "success" });
        });

        it("by default shows nothing of records still in flight to the data lake (Adobe: under 60 minutes); they land as one batch per dataset when the latency has passed, or on flushDataLake()", async () => {
            const slow = await startEmulator();
            try {
                const caller = new AepCaller(slow.url);
                const chain = await buildChatlioChain(caller);
                for (let i = 0; i < 3; i++) expect((await post(chain.inletUrl, CHATLIO_PAYLOADS.newConversation)).status).to.equal(200);
                expect(slow.records(chain.datasetId)).to.have.length(3);
                expect(await batchesOf(chain.datasetId, caller)).to.deep.equal({});
                expect(await datasetOf(chain.datasetId, caller)).to.not.have.any.keys("lastBatchId", "lastSuccessfulBatch");
                expect(Object.keys((slow.state("dev").sandboxes.dev as any).pendingBatches)).to.deep.equal([chain.datasetId]);
                slow.flushDataLake();
                const landed = await batchesOf(chain.datasetId, caller);
                expect(Object.values(landed).map((b: any) => [b.status, b.recordCount])).to.deep.equal([["success", 3]]);
                expect(await datasetOf(chain.datasetId, caller)).to.include({
                    lastBatchId: Object.keys(landed)[0],
                    lastBatchStatus: "success",
                });
                // The next record opens the next batch; the control route lands it too.
                await post(chain.inletUrl, CHATLIO_PAYLOADS.newConversation);
                expect((await fetch(`${slow.url}/__emulator/flush`, { method: "POST" })).status).to.equal(204);
                expect(Object.keys(await batchesOf(chain.datasetId, caller))).to.have.length(2);
            } finally {
                await slow.stop();
            }
        });

        it("groups the records of a latency window into one batch that lands when the window ends", async () => {
            const timed = await startEmulator({ dataLakeLatencyMs: 400 });
            try {
                const caller = new AepCaller(timed.url);
                const chain = await buildChatlioChain(caller);
                const t0 = Date.now();
                await post(chain.inletUrl, CHATLIO_PAYLOADS.newConversation);
                await post(chain.inletUrl, CHATLIO_PAYLOADS.transcript);
                expect(await batchesOf(chain.datasetId, caller)).to.deep.equal({});
                await new Promise((r) => setTimeout(r, 450));
                const landed = Object.values(await batchesOf(chain.datasetId, caller)) as any[];
                expect(landed.map((b) => b.recordCount)).to.deep.equal([2]);
                expect(landed[0].completed - landed[0].started).to.equal(400);
                expect(landed[0].started).to.be.within(t0, t0 + 300);
                expect(timed.getObject("dataset", chain.datasetId)).to.include({ lastBatchStatus: "success" });
            } finally {
                await timed.stop();
            }
        });
    });
});
