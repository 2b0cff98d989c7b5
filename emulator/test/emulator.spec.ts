/**
 * The AEP emulator as a whole: IMS, the gateway's header checks, sandboxes, the streaming inlet end to
 * end, persistence, the traffic log, fault injection and the drift helpers tests rely on.
 * Each family's own operations are in emulator-<family>.spec.ts.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "../src";
import { AepCaller, BASE, XED_FULL, XED_LOOKUP, buildChatlioChain, chatlioFieldGroupBody } from "./testing";
import { CHATLIO_PAYLOADS } from "./samples";

const OTHER_CLIENT = { clientId: "other-client", clientSecret: "other-secret", orgId: "FEDCBA9876543210FEDCBA98@AdobeOrg" };

const tmpDirs: string[] = [];

function tmpFile(name: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-emulator-"));
    tmpDirs.push(dir);
    return path.join(dir, name);
}

after(() => {
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function form(fields: Record<string, string>): string {
    return new URLSearchParams(fields).toString();
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe("AEP emulator", () => {
    let em: Emulator;
    let api: AepCaller;

    before(async () => {
        em = await startEmulator({ clients: [DEMO_CREDENTIALS, OTHER_CLIENT] });
        api = new AepCaller(em.url);
    });
    after(() => em.close());

    describe("IMS token endpoint", () => {
        const ims = () => `${em.url}/ims/token/v3`;
        const good = {
            grant_type: "client_credentials",
            client_id: DEMO_CREDENTIALS.clientId,
            client_secret: DEMO_CREDENTIALS.clientSecret,
            scope: "openid,AdobeID",
        };

        it("issues a bearer token for the demo client from a form body", async () => {
            const res = await fetch(ims(), {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
                body: form(good),
            });
            const body = (await res.json()) as any;
            expect(res.status).to.equal(200);
            expect(body.token_type).to.equal("bearer");
            expect(body.expires_in).to.equal(86399);
            expect(body.access_token).to.be.a("string").with.length.above(20);
        });

        it("also accepts the fields as query parameters", async () => {
            const res = await fetch(`${ims()}?${form(good)}`, { method: "POST" });
            expect(res.status).to.equal(200);
        });

        it("refuses a wrong secret with 401 invalid_client and an unknown client with 400", async () => {
            const wrong = await fetch(ims(), {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
                body: form({ ...good, client_secret: "nope" }),
            });
            expect(wrong.status).to.equal(401);
            expect(await wrong.json()).to.include({ error: "invalid_client" });
            const unknown = await fetch(ims(), {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
                body: form({ ...good, client_id: "who" }),
            });
            expect(unknown.status).to.equal(400);
            expect(((await unknown.json()) as any).error).to.equal("invalid_client");
        });

        it("requires a scope and the client_credentials grant", async () => {
            const { scope: _s, ...noScope } = good;
            const a = await fetch(ims(), {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
                body: form(noScope),
            });
            expect(a.status).to.equal(400);
            expect(((await a.json()) as any).error).to.equal("invalid_scope");
            const b = await fetch(ims(), {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
                body: form({ ...good, grant_type: "password" }),
            });
            expect(b.status).to.equal(400);
            expect(((await b.json()) as any).error).to.equal("unsupported_grant_type");
        });

        it("lets tokens expire after tokenTtlSeconds", async () => {
            const short = await startEmulator({ tokenTtlSeconds: 0.15 });
            try {
                const caller = new AepCaller(short.url);
                expect((await caller.call("GET", `${BASE.schemaRegistry}/stats`)).status).to.equal(200);
                await new Promise((r) => setTimeout(r, 200));
                const res = await caller.call("GET", `${BASE.schemaRegistry}/stats`);
                expect(res.status).to.equal(401);
                expect(res.body).to.deep.equal({ error_code: "401013", message: "Oauth token is not valid" });
            } finally {
                await short.close();
            }
        });
    });

    describe("gateway header checks", () => {
        const stats = `${BASE.schemaRegistry}/stats`;

        it("answers 403010 without Authorization", async () => {
            const res = await api.call("GET", stats, { noAuth: true });
            expect(res.status).to.equal(403);
            expect(res.body).to.deep.equal({ error_code: "403010", message: "Oauth token is missing." });
        });

        it("answers 401013 for a token it did not issue", async () => {
            const res = await api.call("GET", stats, { headers: { Authorization: "Bearer not-a-token" } });
            expect(res.status).to.equal(401);
            expect(res.body.error_code).to.equal("401013");
        });

        it("answers 403000 without x-api-key and 403003 with another client's key", async () => {
            const token = await api.token();
            const base = { Authorization: `Bearer ${token}`, "x-gw-ims-org-id": DEMO_CREDENTIALS.orgId, "x-sandbox-name": "dev" };
            const missing = await fetch(`${em.url}${stats}`, { headers: base });
            expect(missing.status).to.equal(403);
            expect(((await missing.json()) as any).error_code).to.equal("403000");
            const other = await fetch(`${em.url}${stats}`, { headers: { ...base, "x-api-key": OTHER_CLIENT.clientId } });
            expect(other.status).to.equal(403);
            expect(((await other.json()) as any).error_code).to.equal("403003");
        });

        it("answers 400003 without x-gw-ims-org-id and 403025 for another organisation", async () => {
            const token = await api.token();
            const base = { Authorization: `Bearer ${token}`, "x-api-key": DEMO_CREDENTIALS.clientId, "x-sandbox-name": "dev" };
            const missing = await fetch(`${em.url}${stats}`, { headers: base });
            expect(missing.status).to.equal(400);
            expect(await missing.json()).to.deep.equal({ error_code: "400003", message: "Missing header" });
            const other = await fetch(`${em.url}${stats}`, { headers: { ...base, "x-gw-ims-org-id": OTHER_CLIENT.orgId } });
            expect(other.status).to.equal(403);
            expect(((await other.json()) as any).error_code).to.equal("403025");
        });

        it("refuses a body without a JSON Content-Type with the BadRequestError body", async () => {
            const res = await api.call("POST", `${BASE.catalog}/dataSets`, { raw: "{}", contentType: "text/plain" });
            expect(res.status).to.equal(400);
            expect(res.body).to.deep.equal({
                type: "/placeholder/type/uri",
                status: 400,
                title: "BadRequestError",
                detail: "A valid content-type must be specified",
            });
        });

        it("requires x-sandbox-name, each family answering in its own shape", async () => {
            const sr = await api.call("GET", stats, { sandbox: null });
            expect(sr.status).to.equal(400);
            expect(sr.body.type).to.match(/^http:\/\/ns\.adobe\.com\/aep\/errors\/XDM-\d+-400$/);
            expect((await api.call("GET", `${BASE.catalog}/dataSets`, { sandbox: null })).status).to.equal(400);
            expect((await api.call("GET", `${BASE.dataPrep}/mappingSets?limit=10&start=0`, { sandbox: null })).status).to.equal(400);
            const fs1 = await api.call("GET", `${BASE.flowService}/flows`, { sandbox: null });
            expect(fs1.status).to.equal(400);
            expect(fs1.body.type).to.equal("https://ns.adobe.com/aep/errors/FLOW-2105-400");
        });

        it("answers 404 for an unknown sandbox (Flow Service: 2100-404)", async () => {
            const res = await api.call("GET", `${BASE.flowService}/flows`, { sandbox: "nowhere" });
            expect(res.status).to.equal(404);
            expect(res.body.type).to.equal("https://ns.adobe.com/aep/errors/FLOW-2100-404");
            expect((await api.call("GET", `${BASE.catalog}/dataSets`, { sandbox: "nowhere" })).status).to.equal(404);
        });
    });

    describe("sandboxes", () => {
        it("looks a sandbox up by name and lists them", async () => {
            const one = await api.call("GET", `${BASE.sandbox}/sandboxes/dev`);
            expect(one.status).to.equal(200);
            expect(one.body).to.include({ name: "dev", state: "active", type: "development" });
            const prod = await api.call("GET", `${BASE.sandbox}/sandboxes/prod`);
            expect(prod.body).to.include({ type: "production", isDefault: true });
            expect((await api.call("GET", `${BASE.sandbox}/sandboxes/nope`)).status).to.equal(404);
            const list = await api.call("GET", `${BASE.sandbox}/sandboxes`);
            expect(list.body.sandboxes.map((s: any) => s.name)).to.deep.equal(["prod", "dev"]);
        });

        it("keeps each sandbox's objects apart", async () => {
            const prodApi = new AepCaller(em.url, DEMO_CREDENTIALS, "prod");
            const body = chatlioFieldGroupBody("acme", "Isolation check");
            const created = await api.call("POST", `${BASE.schemaRegistry}/tenant/fieldgroups`, { body });
            expect(created.status).to.equal(201);
            const id = encodeURIComponent(created.body.$id);
            expect(
                (await prodApi.call("GET", `${BASE.schemaRegistry}/tenant/fieldgroups/${id}`, { headers: { Accept: XED_LOOKUP } })).status,
            ).to.equal(404);
            // The same title is free in another sandbox.
            expect((await prodApi.call("POST", `${BASE.schemaRegistry}/tenant/fieldgroups`, { body })).status).to.equal(201);
            expect(em.objects("prod").map((o) => o.name)).to.include("Isolation check");
            expect(em.objects("dev").filter((o) => o.name === "Isolation check")).to.have.length(1);
        });
    });

    describe("streaming inlet, end to end", () => {
        let chain: Awaited<ReturnType<typeof buildChatlioChain>>;

        before(async () => {
            chain = await buildChatlioChain(api, { suffix: " (inlet)" });
        });

        it("gives every dataflow its own 64-hex inlet on this server", () => {
            expect(chain.inletUrl).to.match(new RegExp(`^${em.url}/collection/[0-9a-f]{64}$`));
        });

        it("maps a Chatlio payload through the dataflow's mapping set into the dataset", async () => {
            const before = em.records(chain.datasetId).length;
            const res = await post(
                `${chain.inletUrl}?x-adobe-flow-id=${chain.flowId}&synchronousValidation=true`,
                CHATLIO_PAYLOADS.newConversation,
            );
            expect(res.status).to.equal(200);
            expect(res.body.inletId).to.equal(chain.inletUrl.split("/").pop());
            expect(res.body.xactionId).to.be.a("string");
            expect(res.body.receivedTimeMs).to.be.a("number");
            expect(res.body.synchronousValidation).to.deep.equal({ status: "pass" });
            const records = em.records(chain.datasetId) as any[];
            expect(records).to.have.length(before + 1);
            const rec = records[records.length - 1];
            expect(rec._id).to.match(/^[0-9a-f-]{36}$/);
            expect(Date.parse(rec.timestamp)).to.be.closeTo(Date.now(), 60_000);
            const sent = CHATLIO_PAYLOADS.newConversation;
            expect(rec._acme.chatlio).to.deep.equal({
                UUID: sent.visitor.UUID,
                email: sent.visitor.email,
                message: sent.message,
                channelId: sent.channelId,
                slackChannelName: sent.slackChannelName,
                slackChannelId: sent.slackChannelId,
            });
            const viaHttp = (await (await fetch(`${em.url}/__emulator/records/${chain.datasetId}`)).json()) as any[];
            expect(viaHttp).to.deep.equal(records);
        });

        it("takes the dataflow id from an x-adobe-flow-id header and honours syncValidation", async () => {
            const res = await post(`${chain.inletUrl}?syncValidation=true`, CHATLIO_PAYLOADS.newConversation, {
                "x-adobe-flow-id": chain.flowId,
            });
            expect(res.status).to.equal(200);
            expect(res.body.synchronousValidation).to.deep.equal({ status: "pass" });
        });

        it("stores a payload whose visitor has no UUID, without one: a missing source attribute yields no value, and the schema requires none", async () => {
            const { UUID: _uuid, ...visitor } = (CHATLIO_PAYLOADS.newConversation as any).visitor;
            const res = await post(chain.inletUrl, { ...CHATLIO_PAYLOADS.newConversation, visitor });
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
            const rec = (em.records(chain.datasetId) as any[]).at(-1);
            expect(rec._acme.chatlio).to.not.have.property("UUID");
            expect(rec._acme.chatlio.email).to.equal(visitor.email);
        });

        it("accepts a transcript, which carries no visitor to identify", async () => {
            const res = await post(chain.inletUrl, CHATLIO_PAYLOADS.transcript);
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
        });

        it("answers 404 for an unknown inlet and 400 for a dataflow that does not own the inlet", async () => {
            expect((await post(`${em.url}/collection/${"0".repeat(64)}`, CHATLIO_PAYLOADS.newConversation)).status).to.equal(404);
            const res = await post(
                `${chain.inletUrl}?x-adobe-flow-id=11111111-2222-3333-4444-555555555555`,
                CHATLIO_PAYLOADS.newConversation,
            );
            expect(res.status).to.equal(400);
        });

        it("refuses data while the dataflow is disabled", async () => {
            const off = await api.call("POST", `${BASE.flowService}/flows/${chain.flowId}/action?op=disable`);
            expect(off.status).to.equal(200);
            const res = await post(chain.inletUrl, CHATLIO_PAYLOADS.newConversation);
            expect(res.status).to.equal(400);
            expect(res.body.report.message).to.contain("disabled");
            expect((await api.call("POST", `${BASE.flowService}/flows/${chain.flowId}/action?op=enable`)).status).to.equal(200);
            expect((await post(chain.inletUrl, CHATLIO_PAYLOADS.newConversation)).status).to.equal(200);
        });

        it("rejects a record that does not fit the schema, naming the field", async () => {
            // A new mapping version writes the visitor's name into an integer field; the flow moves to it.
            const mappings = [
                { sourceType: "EXPRESSION", source: "uuid()", destination: "_id" },
                { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
                { sourceType: "ATTRIBUTE", source: "visitor.name", destination: "_acme.chatlio.messageCount" },
            ];
            const put = await api.call("PUT", `${BASE.dataPrep}/mappingSets/${chain.mappingSetId}`, {
                body: { outputSchema: { schemaRef: { id: chain.schemaId, contentType: XED_FULL } }, mappings },
            });
            expect(put.status).to.equal(200);
            const flow = await api.call("GET", `${BASE.flowService}/flows/${chain.flowId}`);
            const patch = await api.call("PATCH", `${BASE.flowService}/flows/${chain.flowId}`, {
                headers: { "If-Match": flow.body.items[0].etag },
                body: [
                    {
                        op: "replace",
                        path: "/transformations/0",
                        value: { name: "Mapping", params: { mappingId: chain.mappingSetId, mappingVersion: 1 } },
                    },
                ],
            });
            expect(patch.status).to.equal(200);
            const res = await post(chain.inletUrl, CHATLIO_PAYLOADS.newConversation);
            expect(res.status).to.equal(400);
            expect(res.body.report.fields).to.deep.equal(["_acme.chatlio.messageCount"]);
            expect(res.body.report.message).to.contain("_acme.chatlio.messageCount");
        });

        it("maps whole arrays, accepts XDM envelopes and answers batches with 207", async () => {
            const transcript = await buildChatlioChain(api, {
                suffix: " (transcripts)",
                mappings: [
                    { sourceType: "EXPRESSION", source: "uuid()", destination: "_id" },
                    { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
                    { sourceType: "ATTRIBUTE", source: "messages", destination: "_acme.chatlio.messages" },
                    { sourceType: "EXPRESSION", source: "lower(visitorEmail)", destination: "_acme.chatlio.email" },
                ],
            });
            const raw = await post(transcript.inletUrl, CHATLIO_PAYLOADS.transcript);
            expect(raw.status).to.equal(200);
            const rec = (em.records(transcript.datasetId) as any[])[0];
            expect(rec._acme.chatlio.messages).to.have.length(2);
            expect(rec._acme.chatlio.messages[0]).to.include({ text: CHATLIO_PAYLOADS.transcript.messages[0].text, isVisitorMsg: true });

            const entity = { _id: "fixed-id", timestamp: "2024-05-01T10:00:00Z", _acme: { chatlio: { message: "direct" } } };
            const envelope = {
                header: {
                    schemaRef: { id: transcript.schemaId, contentType: XED_FULL },
                    imsOrgId: DEMO_CREDENTIALS.orgId,
                    datasetId: transcript.datasetId,
                    flowId: transcript.flowId,
                },
                body: { xdmMeta: { schemaRef: { id: transcript.schemaId, contentType: XED_FULL } }, xdmEntity: entity },
            };
            expect((await post(transcript.inletUrl, envelope)).status).to.equal(200);
            expect(em.records(transcript.datasetId)).to.deep.include(entity);

            const batchUrl = transcript.inletUrl.replace("/collection/", "/collection/batch/");
            const batch = await post(batchUrl, {
                messages: [CHATLIO_PAYLOADS.transcript, { ...envelope, body: { ...envelope.body, xdmEntity: { _id: 1 } } }],
            });
            expect(batch.status).to.equal(207);
            expect(batch.body.responses).to.have.length(2);
            expect(batch.body.responses[0]).to.have.keys(["xactionId"]);
            expect(batch.body.responses[1].status).to.equal(400);
        });

        it("answers 413 for a payload over 1 MB", async () => {
            const big = { ...CHATLIO_PAYLOADS.newConversation, message: "x".repeat(1024 * 1024) };
            expect((await post(chain.inletUrl, big)).status).to.equal(413);
        });
    });

    describe("in-memory log", () => {
        it("records family and kind of every request, but never control routes", async () => {
            em.resetLog();
            await api.call("GET", `${BASE.catalog}/dataSets`);
            await api.call("POST", `${BASE.catalog}/dataSets`, { body: { name: 42 } });
            await fetch(`${em.url}/__emulator/objects`);
            expect(em.log).to.have.length(2);
            expect(em.log[0]).to.deep.include({
                method: "GET",
                path: `${BASE.catalog}/dataSets`,
                status: 200,
                family: "catalog",
                kind: "read",
            });
            expect(em.log[1]).to.deep.include({ method: "POST", status: 400, kind: "write" });
            const fresh = new AepCaller(em.url);
            await fresh.token();
            expect(em.log[2]).to.deep.include({ family: "ims", kind: "token", status: 200 });
            em.resetLog();
            expect(em.log).to.have.length(0);
        });
    });

    describe("drift helpers", () => {
        it("edits objects behind the API's back with a new etag, as the UI would", async () => {
            const chain = await buildChatlioChain(api, { suffix: " (drift)" });
            const before = (await api.call("GET", `${BASE.flowService}/flows/${chain.flowId}`)).body.items[0];
            em.editObject("flow", chain.flowId, { name: "Renamed in the UI" });
            const after = (await api.call("GET", `${BASE.flowService}/flows/${chain.flowId}`)).body.items[0];
            expect(after.name).to.equal("Renamed in the UI");
            expect(after.etag).to.not.equal(before.etag);
            const stale = await api.call("PATCH", `${BASE.flowService}/flows/${chain.flowId}`, {
                headers: { "If-Match": before.etag },
                body: [{ op: "replace", path: "/name", value: "x" }],
            });
            expect(stale.status).to.equal(412);
            em.editObject("dataset", chain.datasetId, { description: "edited" });
            const ds = await api.call("GET", `${BASE.catalog}/dataSets/${chain.datasetId}`);
            expect(ds.body[chain.datasetId]).to.include({ description: "edited", version: "1.0.1" });
        });

        it("saves a UI edit of a mapping set as a new version, and reads objects back whole", async () => {
            const chain = await buildChatlioChain(api, { suffix: " (mapping drift)" });
            em.editObject("mappingSet", chain.mappingSetId, { name: "edited in the UI" });
            const latest = await api.call("GET", `${BASE.dataPrep}/mappingSets/${chain.mappingSetId}`);
            expect(latest.body).to.include({ version: 1, name: "edited in the UI" });
            expect((await api.call("GET", `${BASE.dataPrep}/mappingSets/${chain.mappingSetId}?version=0`)).body.name).to.equal(undefined);
            expect(em.getObject("mappingSet", chain.mappingSetId)).to.deep.equal(latest.body);
            expect(em.getObject("dataset", chain.datasetId)).to.include({
                id: chain.datasetId,
                name: "Chatlio Events Dataset (mapping drift)",
            });
            expect(em.getObject("flow", "no-such-id")).to.equal(undefined);
            expect(em.env()).to.deep.equal({
                AEP_PLATFORM_URL: em.url,
                AEP_IMS_URL: em.url,
                AEP_CLIENT_ID: DEMO_CREDENTIALS.clientId,
                AEP_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
                AEP_ORG_ID: DEMO_CREDENTIALS.orgId,
                AEP_SANDBOX_NAME: "prod",
            });
        });

        it("deletes objects whatever refers to them, and lists what is left", async () => {
            const chain = await buildChatlioChain(api, { suffix: " (orphans)" });
            em.deleteObject("dataset", chain.datasetId);
            expect((await api.call("GET", `${BASE.catalog}/dataSets/${chain.datasetId}`)).status).to.equal(404);
            expect(em.objects().some((o) => o.id === chain.datasetId)).to.equal(false);
            expect(em.objects("dev").some((o) => o.kind === "targetConnection" && o.id === chain.targetConnectionId)).to.equal(true);
            const viaHttp = (await (await fetch(`${em.url}/__emulator/objects?sandbox=dev`)).json()) as any[];
            expect(viaHttp.length).to.equal(em.objects("dev").length);
            expect(() => em.deleteObject("dataset", chain.datasetId)).to.throw(/no dataset/);
        });
    });
});

describe("AEP emulator programmatic API", () => {
    const idsOf = (c: Awaited<ReturnType<typeof buildChatlioChain>>) => ({ ...c, inletUrl: c.inletUrl.split("/").pop() });

    it("starts on a free port and gives the URLs by role, the credentials, the AEP_* environment and stop()", async () => {
        const em = await startEmulator();
        const port = Number(new URL(em.url).port);
        expect(port).to.be.above(0);
        expect(em.urls).to.deep.equal({ platform: em.url, ims: em.url, inlet: `${em.url}/collection` });
        expect(em.credentials).to.deep.equal(DEMO_CREDENTIALS);
        expect(em.env()).to.include({
            AEP_PLATFORM_URL: em.urls.platform,
            AEP_IMS_URL: em.urls.ims,
            AEP_CLIENT_ID: DEMO_CREDENTIALS.clientId,
            AEP_SANDBOX_NAME: "prod",
        });
        const chain = await buildChatlioChain(new AepCaller(em.url));
        expect(chain.inletUrl.startsWith(`${em.urls.inlet}/`)).to.equal(true);
        await em.stop();
        expect(
            await fetch(`${em.url}/__emulator/health`).then(
                () => "answered",
                () => "closed",
            ),
        ).to.equal("closed");
    });

    it("takes sandboxes and clients: the first client is the credentials, the first sandbox the default", async () => {
        const em = await startEmulator({ sandboxes: ["qa", "prod"], clients: [OTHER_CLIENT, DEMO_CREDENTIALS] });
        try {
            expect(em.credentials).to.deep.equal(OTHER_CLIENT);
            expect(em.env()).to.include({ AEP_CLIENT_ID: OTHER_CLIENT.clientId, AEP_ORG_ID: OTHER_CLIENT.orgId, AEP_SANDBOX_NAME: "qa" });
            const qa = new AepCaller(em.url, OTHER_CLIENT, "qa");
            expect((await qa.call("GET", `${BASE.catalog}/dataSets`)).status).to.equal(200);
            expect((await qa.call("GET", `${BASE.catalog}/dataSets`, { sandbox: "dev" })).status).to.equal(404);
        } finally {
            await em.stop();
        }
    });

    it("gives the same ids for the same seed and the same requests, and others for another seed or none", async () => {
        const run = async (seed?: string) => {
            const em = await startEmulator({ seed });
            try {
                return idsOf(await buildChatlioChain(new AepCaller(em.url)));
            } finally {
                await em.stop();
            }
        };
        const a = await run("ci-42");
        const b = await run("ci-42");
        expect(b).to.deep.equal(a);
        expect(a.datasetId).to.match(/^[0-9a-f]{24}$/);
        expect(a.flowId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        const other = await run("ci-43");
        expect(other.datasetId).to.not.equal(a.datasetId);
        const random = [await run(), await run()];
        expect(random[0].flowId).to.not.equal(random[1].flowId);
    });

    it("continues the seeded sequence across a restart on the same store file, and restarts it on reset()", async () => {
        const file = tmpFile("seeded.json");
        const first = await startEmulator({ seed: "s", storeFile: file });
        const one = idsOf(await buildChatlioChain(new AepCaller(first.url)));
        await first.stop();
        const second = await startEmulator({ seed: "s", storeFile: file });
        try {
            const two = idsOf(await buildChatlioChain(new AepCaller(second.url), { suffix: " again" }));
            for (const k of Object.keys(one) as Array<keyof typeof one>) expect(two[k], k).to.not.equal(one[k]);
            expect(second.objects().filter((o) => o.kind === "flow")).to.have.length(2);
            second.reset();
            const three = idsOf(await buildChatlioChain(new AepCaller(second.url)));
            expect(three).to.deep.equal(one);
        } finally {
            await second.stop();
        }
    });

    it("resets everything but the tokens, and shows its state, in-process and over the control API", async () => {
        const em = await startEmulator({ dataLakeLatencyMs: 0 });
        try {
            const api = new AepCaller(em.url);
            const chain = await buildChatlioChain(api);
            expect((await post(chain.inletUrl, CHATLIO_PAYLOADS.newConversation)).status).to.equal(200);
            const state = em.state();
            expect(state).to.include({ url: em.url, tenantId: "acme" });
            expect(Object.keys(state.sandboxes)).to.deep.equal(["prod", "dev"]);
            const dev = state.sandboxes.dev as any;
            expect(Object.keys(dev.flows)).to.deep.equal([chain.flowId]);
            expect(dev.records[chain.datasetId]).to.have.length(1);
            expect(Object.keys(dev.batches)).to.have.length(1);
            expect(dev.datasets[chain.datasetId].lastBatchId).to.equal(Object.keys(dev.batches)[0]);
            const viaHttp = (await (await fetch(`${em.url}/__emulator/state?sandbox=dev`)).json()) as any;
            expect(Object.keys(viaHttp.sandboxes)).to.deep.equal(["dev"]);
            expect(viaHttp.sandboxes.dev).to.deep.equal(dev);
            expect((await fetch(`${em.url}/__emulator/state?sandbox=nope`)).status).to.equal(404);

            em.faults.add({ path: "/data", status: 500, count: Infinity });
            em.reset();
            expect(em.objects()).to.deep.equal([]);
            expect(em.log).to.deep.equal([]);
            expect(em.records(chain.datasetId)).to.deep.equal([]);
            expect((await api.call("GET", `${BASE.flowService}/flows`)).body.items).to.deep.equal([]); // faults gone, token kept

            await buildChatlioChain(api, { suffix: " (2)" });
            const reset = await fetch(`${em.url}/__emulator/reset`, { method: "POST" });
            expect(reset.status).to.equal(204);
            expect(em.objects()).to.deep.equal([]);
            expect(Object.values(em.state().sandboxes).every((sb: any) => Object.keys(sb.fieldGroups).length === 0)).to.equal(true);
        } finally {
            await em.stop();
        }
    });
});

describe("AEP emulator control API for faults", () => {
    let em: Emulator;
    before(async () => {
        em = await startEmulator();
    });
    after(() => em.stop());
    const control = (method: string, body?: unknown) =>
        fetch(`${em.url}/__emulator/faults`, {
            method,
            headers: body === undefined ? {} : { "Content-Type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });

    it("lists rules with the uses left (null: unlimited), a RegExp path as a string", async () => {
        expect(
            (
                await control("POST", {
                    pathRegex: "^/data/foundation/catalog/dataSets/[0-9a-f]{24}$",
                    method: "GET",
                    status: 503,
                    retryAfter: 2,
                    count: "Infinity",
                })
            ).status,
        ).to.equal(201);
        expect((await control("POST", { path: "/ims/token/v3", status: 500, count: 2, body: { error: "down" } })).status).to.equal(201);
        const listed = (await (await control("GET")).json()) as any;
        expect(listed.rules).to.deep.equal([
            {
                method: "GET",
                status: 503,
                retryAfter: "2",
                path: String(new RegExp("^/data/foundation/catalog/dataSets/[0-9a-f]{24}$")),
                count: null,
            },
            { path: "/ims/token/v3", status: 500, count: 2, body: { error: "down" } },
        ]);
        const token = await fetch(`${em.url}/ims/token/v3`, { method: "POST" });
        expect(token.status).to.equal(500);
        expect(await token.json()).to.deep.equal({ error: "down" });
        expect(((await (await control("GET")).json()) as any).rules[1].count).to.equal(1);
        expect((await control("DELETE")).status).to.equal(204);
        expect(((await (await control("GET")).json()) as any).rules).to.deep.equal([]);
    });

    it("refuses a rule with a field it does not know or a value of the wrong type", async () => {
        for (const bad of [
            { path: "/x", stauts: 500 },
            { path: "/x", status: "500" },
            { path: "/x", reset: "later" },
            { status: 500 },
            { path: "/x", pathRegex: "y" },
            [{ path: "/x" }],
        ]) {
            const res = await control("POST", bad);
            expect(res.status, JSON.stringify(bad)).to.equal(400);
            expect(((await res.json()) as any).error).to.be.a("string");
        }
        expect(((await (await control("GET")).json()) as any).rules).to.deep.equal([]);
    });
});

describe("AEP emulator persistence", () => {
    it("keeps objects and records across two emulators sharing a store file", async () => {
        const file = tmpFile("store.json");
        const first = await startEmulator({ storeFile: file });
        let chain: Awaited<ReturnType<typeof buildChatlioChain>>;
        let token: string;
        try {
            const caller = new AepCaller(first.url);
            chain = await buildChatlioChain(caller);
            token = await caller.token();
            expect((await post(chain.inletUrl, CHATLIO_PAYLOADS.newConversation)).status).to.equal(200);
        } finally {
            await first.close();
        }
        expect(fs.readdirSync(path.dirname(file))).to.deep.equal(["store.json"]); // written atomically, no leftovers
        expect(fs.readFileSync(file, "utf8")).to.not.contain(token); // tokens are kept by hash only
        const second = await startEmulator({ storeFile: file });
        try {
            const api = new AepCaller(second.url);
            const fg = await api.call("GET", `${BASE.schemaRegistry}/tenant/fieldgroups/${encodeURIComponent(chain.fieldGroupId)}`, {
                headers: { Accept: XED_LOOKUP },
            });
            expect(fg.status).to.equal(200);
            expect(fg.body.title).to.equal("Chatlio Event Details");
            expect(second.records(chain.datasetId)).to.have.length(1);
            // A token issued before the restart is still honoured.
            const stats = await fetch(`${second.url}${BASE.schemaRegistry}/stats`, {
                headers: {
                    Authorization: `Bearer ${token}`,
                    "x-api-key": DEMO_CREDENTIALS.clientId,
                    "x-gw-ims-org-id": DEMO_CREDENTIALS.orgId,
                    "x-sandbox-name": "dev",
                },
            });
            expect(stats.status).to.equal(200);
            expect(
                second
                    .objects()
                    .map((o) => o.kind)
                    .sort(),
            ).to.deep.equal(["dataset", "fieldGroup", "flow", "mappingSet", "schema", "sourceConnection", "targetConnection"]);
            // The stored inlet now points at the second server and still works.
            const flow = await api.call("GET", `${BASE.flowService}/flows/${chain.flowId}`);
            const inlet = flow.body.items[0].options.inletUrl as string;
            expect(inlet.startsWith(second.url)).to.equal(true);
            expect((await post(inlet, CHATLIO_PAYLOADS.newConversation)).status).to.equal(200);
        } finally {
            await second.close();
        }
    });

    it("sees what another running emulator wrote to the shared file", async () => {
        const file = tmpFile("shared.json");
        const a = await startEmulator({ storeFile: file });
        const b = await startEmulator({ storeFile: file });
        try {
            const created = await new AepCaller(a.url).call("POST", `${BASE.schemaRegistry}/tenant/fieldgroups`, {
                body: chatlioFieldGroupBody("acme", "Shared"),
            });
            expect(created.status).to.equal(201);
            expect(b.objects().map((o) => o.id)).to.include(created.body.$id);
        } finally {
            await a.close();
            await b.close();
        }
    });
});

describe("AEP emulator traffic log", () => {
    it("writes one JSON line per exchange with the secrets redacted", async () => {
        const file = tmpFile("traffic.jsonl");
        const em = await startEmulator({ trafficLog: file });
        try {
            const api = new AepCaller(em.url);
            await api.call("GET", `${BASE.catalog}/dataSets?limit=5`);
            await api.call("POST", `${BASE.catalog}/dataSets`, { body: { name: 42 } });
            await fetch(`${em.url}/__emulator/objects`);
            const lines = fs
                .readFileSync(file, "utf8")
                .trim()
                .split("\n")
                .map((l) => JSON.parse(l));
            expect(lines).to.have.length(3);
            const [token, list, create] = lines;
            expect(token.url).to.equal(`${em.url}/ims/token/v3`);
            expect(token.requestBody)
                .to.be.a("string")
                .and.contain("client_secret=[redacted]")
                .and.not.contain(DEMO_CREDENTIALS.clientSecret);
            expect(token.responseBody.access_token).to.equal("[redacted]");
            expect(list.url).to.equal(`${em.url}${BASE.catalog}/dataSets?limit=5`);
            expect(list.requestHeaders.authorization).to.equal("Bearer [redacted]");
            expect(list).to.include({ method: "GET", status: 200 });
            expect(create.requestBody).to.deep.equal({ name: 42 });
            expect(create.status).to.equal(400);
            expect(create.responseBody.title).to.equal("BadRequestError");
            expect(fs.readFileSync(file, "utf8")).to.not.contain(await api.token());
        } finally {
            await em.close();
        }
    });
});

describe("AEP emulator fault injection", () => {
    let em: Emulator;
    let api: AepCaller;
    const DATASETS = `${BASE.catalog}/dataSets`;

    before(async () => {
        em = await startEmulator();
        api = new AepCaller(em.url);
        await api.token();
    });
    afterEach(() => em.faults.clear());
    after(() => em.close());

    it("answers an injected status with Retry-After and body, count times, then recovers", async () => {
        const before = em.faults.injected;
        em.faults.add({ path: DATASETS, method: "GET", status: 429, retryAfter: "2", body: { message: "slow down" }, count: 2 });
        for (let i = 0; i < 2; i++) {
            const res = await api.call("GET", DATASETS);
            expect(res.status).to.equal(429);
            expect(res.headers.get("retry-after")).to.equal("2");
            expect(res.body).to.deep.equal({ message: "slow down" });
        }
        expect((await api.call("GET", DATASETS)).status).to.equal(200);
        expect(em.faults.injected - before).to.equal(2);
    });

    it("matches on method and on a RegExp path", async () => {
        em.faults.add({ path: /\/dataSets\/[0-9a-f]{24}$/, status: 503 });
        expect((await api.call("POST", DATASETS, { body: { name: 42 } })).status).to.equal(400); // not matched
        expect((await api.call("GET", `${DATASETS}/${"a".repeat(24)}`)).status).to.equal(503);
        em.faults.add({ path: DATASETS, method: "DELETE", status: 500 });
        expect((await api.call("GET", DATASETS)).status).to.equal(200);
        expect((await api.call("DELETE", `${DATASETS}/${"b".repeat(24)}`)).status).to.equal(500);
    });

    it("answers late with delayMs, after performing the operation", async () => {
        const fgPath = `${BASE.schemaRegistry}/tenant/fieldgroups`;
        em.faults.add({ path: fgPath, method: "POST", delayMs: 150 });
        const t0 = Date.now();
        const res = await api.call("POST", fgPath, { body: chatlioFieldGroupBody("acme", "Slow one") });
        expect(Date.now() - t0).to.be.at.least(140);
        expect(res.status).to.equal(201);
    });

    it("drops the connection before acting with reset: before", async () => {
        const fgPath = `${BASE.schemaRegistry}/tenant/fieldgroups`;
        em.faults.add({ path: fgPath, method: "POST", reset: "before" });
        let failed = false;
        try {
            await api.call("POST", fgPath, { body: chatlioFieldGroupBody("acme", "Never made") });
        } catch {
            failed = true;
        }
        expect(failed).to.equal(true);
        expect(em.objects().some((o) => o.name === "Never made")).to.equal(false);
    });

    it("stores the object, then drops the connection, with reset: after-commit", async () => {
        const fgPath = `${BASE.schemaRegistry}/tenant/fieldgroups`;
        em.faults.add({ path: fgPath, method: "POST", reset: "after-commit" });
        let failed = false;
        try {
            await api.call("POST", fgPath, { body: chatlioFieldGroupBody("acme", "Made but unanswered") });
        } catch {
            failed = true;
        }
        expect(failed).to.equal(true);
        expect(em.objects().some((o) => o.name === "Made but unanswered")).to.equal(true);
    });

    describe("the hold hook (onMatch)", () => {
        const fgPath = `${BASE.schemaRegistry}/tenant/fieldgroups`;
        const made = (title: string) => em.objects().some((o) => o.name === title);

        it("calls onMatch as a matching request arrives, then holds it for delayMs before acting, then acts and answers", async () => {
            const seen: Array<{ method: string; path: string }> = [];
            let madeAtCall: boolean | undefined;
            let madeDuringHold: boolean | undefined;
            em.faults.add({
                method: "POST",
                path: fgPath,
                delayMs: 300,
                onMatch: (req) => {
                    seen.push(req);
                    madeAtCall = made("Held one");
                    setTimeout(() => (madeDuringHold = made("Held one")), 150);
                },
            });
            const t0 = Date.now();
            const res = await api.call("POST", fgPath, { body: chatlioFieldGroupBody("acme", "Held one") });
            expect(Date.now() - t0).to.be.at.least(290);
            expect(res.status).to.equal(201);
            expect(seen).to.deep.equal([{ method: "POST", path: fgPath }]);
            expect(madeAtCall).to.equal(false);
            expect(madeDuringHold).to.equal(false);
            expect(made("Held one")).to.equal(true);
        });

        it("still makes the object when the client is killed during the hold, and keeps serving", async () => {
            const client = new AbortController();
            em.faults.add({ method: "POST", path: fgPath, delayMs: 200, onMatch: () => client.abort() });
            const token = await api.token();
            const attempt = fetch(`${em.url}${fgPath}`, {
                method: "POST",
                signal: client.signal,
                headers: {
                    Authorization: `Bearer ${token}`,
                    "x-api-key": DEMO_CREDENTIALS.clientId,
                    "x-gw-ims-org-id": DEMO_CREDENTIALS.orgId,
                    "x-sandbox-name": "dev",
                    "Content-Type": "application/json",
                },
                body: JSON.stringify(chatlioFieldGroupBody("acme", "Made for a dead client")),
            });
            await attempt.then(
                () => expect.fail("the aborted request got an answer"),
                (e) => expect((e as Error).name).to.equal("AbortError"),
            );
            expect(made("Made for a dead client")).to.equal(false);
            await new Promise((r) => setTimeout(r, 350));
            expect(made("Made for a dead client")).to.equal(true);
            expect((await fetch(`${em.url}/__emulator/health`)).status).to.equal(200);
            expect((await api.call("GET", fgPath, { headers: { Accept: "application/vnd.adobe.xed-id+json" } })).status).to.equal(200);
        });

        it("with status and commit, acts after the hold and answers the status", async () => {
            let called = 0;
            em.faults.add({ method: "POST", path: fgPath, delayMs: 100, status: 504, commit: true, onMatch: async () => void called++ });
            const res = await api.call("POST", fgPath, { body: chatlioFieldGroupBody("acme", "Committed behind a 504") });
            expect(res.status).to.equal(504);
            expect(called).to.equal(1);
            expect(made("Committed behind a 504")).to.equal(true);
        });
    });

    it("takes rules over HTTP from other processes", async () => {
        const add = await fetch(`${em.url}/__emulator/faults`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ path: "/ims/token/v3", status: 503, retryAfter: "1" }),
        });
        expect(add.status).to.equal(201);
        const fresh = await fetch(`${em.url}/ims/token/v3`, { method: "POST" });
        expect(fresh.status).to.equal(503);
        expect(fresh.headers.get("retry-after")).to.equal("1");
        await fetch(`${em.url}/__emulator/faults`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ path: DATASETS, status: 500, count: 5 }),
        });
        const del = await fetch(`${em.url}/__emulator/faults`, { method: "DELETE" });
        expect(del.status).to.equal(204);
        expect((await api.call("GET", DATASETS)).status).to.equal(200);
    });

    it("adds latencyMs to every request", async () => {
        const slow = await startEmulator({ latencyMs: 80 });
        try {
            const t0 = Date.now();
            await fetch(`${slow.url}/data/foundation/catalog/dataSets`);
            expect(Date.now() - t0).to.be.at.least(75);
        } finally {
            await slow.close();
        }
    });
});
