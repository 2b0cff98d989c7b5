/**
 * Every streaming webhook source the emulator serves beside Chatlio: the Streaming SDK sources
 * (Customer.io, Pendo, LAVA) with Chatlio's sequence, and the HTTP API source with its base connection
 * ("Streaming Connection"), its two flow specs and its inlet, authenticated or not (streaming/http.md).
 */
import { expect } from "chai";
import {
    CUSTOMERIO_CONNECTION_SPEC_ID,
    DATA_LAKE_CONNECTION_SPEC_ID,
    Emulator,
    HTTP_API_CONNECTION_SPEC_ID,
    HTTP_API_MAPPING_FLOW_SPEC_ID,
    HTTP_API_XDM_FLOW_SPEC_ID,
    LAVA_CONNECTION_SPEC_ID,
    PENDO_CONNECTION_SPEC_ID,
    STREAMING_FLOW_SPEC_ID,
    STREAMING_PROVIDER_ID,
    startEmulator,
} from "../src";
import { AepCaller, BASE, ChatlioChain, XED_FULL, buildChatlioChain } from "./testing";

const FS = BASE.flowService;

describe("emulated webhook sources beyond Chatlio", () => {
    let em: Emulator;
    let api: AepCaller;
    let chain: ChatlioChain;
    let n = 0;

    before(async () => {
        em = await startEmulator();
        api = new AepCaller(em.url);
        chain = await buildChatlioChain(api);
    });
    after(() => em.close());

    function expectFlowError(res: { status: number; body: any }, code: string): void {
        expect(res.status, JSON.stringify(res.body)).to.equal(Number(code.split("-").pop()));
        expect(res.body.type).to.equal(`https://ns.adobe.com/aep/errors/FLOW-${code}`);
    }

    async function created(method: string, path: string, body: unknown, status = 201): Promise<any> {
        const res = await api.call(method, path, { body });
        expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(status);
        return res.body;
    }

    const baseBody = (params: Record<string, unknown>) => ({
        name: `Streaming connection ${++n}`,
        description: "HTTP API streaming connection",
        connectionSpec: { id: HTTP_API_CONNECTION_SPEC_ID, version: "1.0" },
        auth: { specName: "Streaming Connection", params },
    });

    /** A mapping set from the raw payload's fields to the Chatlio schema of the shared chain. */
    async function rawMapping(): Promise<string> {
        const ms = await created(
            "POST",
            `${BASE.dataPrep}/mappingSets`,
            {
                outputSchema: { schemaRef: { id: chain.schemaId, contentType: XED_FULL } },
                mappings: [
                    { sourceType: "EXPRESSION", source: "uuid()", destination: "_id" },
                    { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
                    { sourceType: "ATTRIBUTE", source: "contact.email", destination: "_acme.chatlio.email" },
                    { sourceType: "ATTRIBUTE", source: "text", destination: "_acme.chatlio.message" },
                ],
            },
            200,
        );
        return ms.id;
    }

    /** Base connection → source connection → dataflow to the shared chain's dataset; returns their ids and the inlet. */
    async function httpApiSource(params: Record<string, unknown>, mapping: boolean) {
        const base = await created("POST", `${FS}/connections`, baseBody(params));
        const src = await created("POST", `${FS}/sourceConnections`, {
            name: `HTTP API source ${++n}`,
            baseConnectionId: base.id,
            connectionSpec: { id: HTTP_API_CONNECTION_SPEC_ID, version: "1.0" },
        });
        const flowSpec = { id: mapping ? HTTP_API_MAPPING_FLOW_SPEC_ID : HTTP_API_XDM_FLOW_SPEC_ID, version: "1.0" };
        const flow = await created("POST", `${FS}/flows`, {
            name: `HTTP API dataflow ${++n}`,
            flowSpec,
            sourceConnectionIds: [src.id],
            targetConnectionIds: [chain.targetConnectionId],
            ...(mapping ? { transformations: [{ name: "Mapping", params: { mappingId: await rawMapping(), mappingVersion: 0 } }] } : {}),
        });
        const got = await api.call("GET", `${FS}/connections/${base.id}`);
        return { baseId: base.id, sourceId: src.id, flowId: flow.id, inletUrl: got.body.items[0].auth.params.inletUrl as string };
    }

    async function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
        const res = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json", ...headers },
            body: JSON.stringify(payload),
        });
        return { status: res.status, body: (await res.json()) as any };
    }

    const xdmEnvelope = (flowId: string | undefined, entity: Record<string, unknown>) => ({
        header: {
            schemaRef: { id: chain.schemaId, contentType: "application/vnd.adobe.xed-full-notext+json; version=1.0" },
            ...(flowId ? { flowId } : {}),
        },
        body: { xdmMeta: { schemaRef: { id: chain.schemaId } }, xdmEntity: entity },
    });

    const xdmEvent = (email: string) => ({
        _id: `http-api-${++n}`,
        timestamp: "2026-03-02T10:00:00Z",
        eventType: "web.webinteraction.linkClicks",
        _acme: { chatlio: { email, message: "sent as XDM" } },
    });

    describe("connection and flow specs", () => {
        it("serves the Customer.io, Pendo, LAVA and HTTP API connection specs by id and in the list", async () => {
            for (const id of [
                CUSTOMERIO_CONNECTION_SPEC_ID,
                PENDO_CONNECTION_SPEC_ID,
                LAVA_CONNECTION_SPEC_ID,
                HTTP_API_CONNECTION_SPEC_ID,
            ]) {
                const one = await api.call("GET", `${FS}/connectionSpecs/${id}`);
                expect(one.status).to.equal(200);
                const item = one.body.items[0];
                expect(item).to.include({ id, providerId: STREAMING_PROVIDER_ID, version: "1.0" });
                expect(item.sourceSpec.type).to.equal("Streaming");
                const listed = await api.call("GET", `${FS}/connectionSpecs?property=${encodeURIComponent(`id==${id}`)}`);
                expect(listed.body.items.map((i: any) => i.id)).to.deep.equal([id]);
            }
            const all = await api.call("GET", `${FS}/connectionSpecs`);
            expect(all.body.items.map((i: any) => i.name)).to.include.members([
                "chatlio",
                "customerio",
                "pendo",
                "lava",
                "http-api",
                "Data Lake",
            ]);
        });

        it("gives the HTTP API one auth spec, Streaming Connection, whose dataType is xdm or raw", async () => {
            const item = (await api.call("GET", `${FS}/connectionSpecs/${HTTP_API_CONNECTION_SPEC_ID}`)).body.items[0];
            expect(item.authSpec.map((a: any) => a.name)).to.deep.equal(["Streaming Connection"]);
            expect(item.authSpec[0].spec.properties.dataType.enum).to.deep.equal(["xdm", "raw"]);
            expect(item.authSpec[0].spec.properties).to.have.property("authenticationRequired");
        });

        it("serves GenericStreamingAEP for every Streaming SDK source and the HTTP API's flow specs with and without mapping", async () => {
            const generic = (await api.call("GET", `${FS}/flowSpecs/${STREAMING_FLOW_SPEC_ID}`)).body.items[0];
            expect(generic.name).to.equal("GenericStreamingAEP");
            expect(generic.sourceConnectionSpecIds).to.include.members([
                CUSTOMERIO_CONNECTION_SPEC_ID,
                PENDO_CONNECTION_SPEC_ID,
                LAVA_CONNECTION_SPEC_ID,
            ]);
            const xdm = (await api.call("GET", `${FS}/flowSpecs/${HTTP_API_XDM_FLOW_SPEC_ID}`)).body.items[0];
            const raw = (await api.call("GET", `${FS}/flowSpecs/${HTTP_API_MAPPING_FLOW_SPEC_ID}`)).body.items[0];
            for (const spec of [xdm, raw]) {
                expect(spec.sourceConnectionSpecIds).to.deep.equal([HTTP_API_CONNECTION_SPEC_ID]);
                expect(spec.targetConnectionSpecIds).to.deep.equal([DATA_LAKE_CONNECTION_SPEC_ID]);
            }
            expect(xdm).to.not.have.property("transformationSpecs");
            expect(raw.transformationSpecs.name).to.equal("Mapping");
        });
    });

    describe("Streaming SDK sources (Chatlio's sequence)", () => {
        for (const [label, id] of [
            ["Customer.io", CUSTOMERIO_CONNECTION_SPEC_ID],
            ["Pendo", PENDO_CONNECTION_SPEC_ID],
            ["LAVA", LAVA_CONNECTION_SPEC_ID],
        ]) {
            it(`streams ${label} webhooks through its own dataflow inlet into the dataset, through the mapping`, async () => {
                const src = await created("POST", `${FS}/sourceConnections`, {
                    name: `${label} source`,
                    providerId: STREAMING_PROVIDER_ID,
                    connectionSpec: { id, version: "1.0" },
                    data: { format: "json" },
                });
                const flow = await created("POST", `${FS}/flows`, {
                    name: `${label} dataflow`,
                    flowSpec: { id: STREAMING_FLOW_SPEC_ID, version: "1.0" },
                    sourceConnectionIds: [src.id],
                    targetConnectionIds: [chain.targetConnectionId],
                    transformations: [{ name: "Mapping", params: { mappingId: await rawMapping(), mappingVersion: 0 } }],
                });
                const got = (await api.call("GET", `${FS}/flows/${flow.id}`)).body.items[0];
                expect(got.options.inletUrl).to.match(/\/collection\/[0-9a-f]{64}$/);
                const before = em.records(chain.datasetId).length;
                const res = await post(got.options.inletUrl, { contact: { email: `${label.toLowerCase()}@example.com` }, text: label });
                expect(res.status, JSON.stringify(res.body)).to.equal(200);
                const records = em.records(chain.datasetId) as any[];
                expect(records).to.have.length(before + 1);
                expect(records[records.length - 1]._acme.chatlio).to.deep.equal({
                    email: `${label.toLowerCase()}@example.com`,
                    message: label,
                });
            });
        }

        it("lands a Customer.io reporting webhook with its epoch-seconds timestamp as the event's XDM date-time", async () => {
            const src = await created("POST", `${FS}/sourceConnections`, {
                name: "Customer.io source (timestamps)",
                providerId: STREAMING_PROVIDER_ID,
                connectionSpec: { id: CUSTOMERIO_CONNECTION_SPEC_ID, version: "1.0" },
                data: { format: "json" },
            });
            const ms = await created(
                "POST",
                `${BASE.dataPrep}/mappingSets`,
                {
                    outputSchema: { schemaRef: { id: chain.schemaId, contentType: XED_FULL } },
                    mappings: [
                        { sourceType: "ATTRIBUTE", source: "event_id", destination: "_id" },
                        {
                            sourceType: "EXPRESSION",
                            source: `dformat(timestamp * 1000, "yyyy-MM-dd'T'HH:mm:ss.SSSX")`,
                            destination: "timestamp",
                        },
                        { sourceType: "ATTRIBUTE", source: "data.identifiers.email", destination: "_acme.chatlio.email" },
                        { sourceType: "ATTRIBUTE", source: "metric", destination: "_acme.chatlio.message" },
                    ],
                },
                200,
            );
            const flow = await created("POST", `${FS}/flows`, {
                name: "Customer.io dataflow (timestamps)",
                flowSpec: { id: STREAMING_FLOW_SPEC_ID, version: "1.0" },
                sourceConnectionIds: [src.id],
                targetConnectionIds: [chain.targetConnectionId],
                transformations: [{ name: "Mapping", params: { mappingId: ms.id, mappingVersion: 0 } }],
            });
            const inlet = (await api.call("GET", `${FS}/flows/${flow.id}`)).body.items[0].options.inletUrl;
            const webhook = {
                event_id: "01E4C4CT6YDC7Y5M7FE1GWWPQJ",
                object_type: "email",
                metric: "opened",
                timestamp: 1613063089,
                data: { identifiers: { id: "42", email: "cio@example.com", cio_id: "d9c106000001" } },
            };
            const res = await post(inlet, webhook);
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
            const record = (em.records(chain.datasetId) as any[]).find((r) => r._id === webhook.event_id);
            expect(record).to.deep.equal({
                _id: webhook.event_id,
                timestamp: "2021-02-11T17:04:49.000Z",
                _acme: { chatlio: { email: "cio@example.com", message: "opened" } },
            });
        });

        it("refuses a base connection on a Streaming SDK source, which takes none", async () => {
            const base = await created("POST", `${FS}/connections`, baseBody({ dataType: "raw" }));
            const res = await api.call("POST", `${FS}/sourceConnections`, {
                body: {
                    name: "Pendo on a base connection",
                    baseConnectionId: base.id,
                    connectionSpec: { id: PENDO_CONNECTION_SPEC_ID, version: "1.0" },
                    data: { format: "json" },
                },
            });
            expect(res.status).to.equal(400);
            expect(res.body.report["detailed-message"]).to.contain("takes no base connection");
        });
    });

    describe("base connections (/connections)", () => {
        it("creates a Streaming Connection base connection: 201 {id, etag}, and its GET shows the inlet", async () => {
            const res = await api.call("POST", `${FS}/connections`, { body: baseBody({ dataType: "xdm" }) });
            expect(res.status).to.equal(201);
            expect(res.body.etag).to.match(/^".+"$/);
            const got = await api.call("GET", `${FS}/connections/${res.body.id}`);
            expect(got.status).to.equal(200);
            const item = got.body.items[0];
            expect(item).to.include({ id: res.body.id, state: "enabled", sandboxName: "dev", etag: res.body.etag });
            expect(item.connectionSpec).to.deep.equal({ id: HTTP_API_CONNECTION_SPEC_ID, version: "1.0" });
            const params = item.auth.params;
            expect(item.auth.specName).to.equal("Streaming Connection");
            expect(params).to.include({ dataType: "xdm", authenticationRequired: false, sourceId: item.name, name: item.name });
            expect(params.inletId).to.match(/^[0-9a-f]{64}$/);
            expect(params.inletUrl).to.equal(`${em.url}/collection/${params.inletId}`);
            const listed = await api.call("GET", `${FS}/connections?property=${encodeURIComponent(`auth.params.dataType==xdm`)}`);
            expect(listed.body.items.map((i: any) => i.id)).to.include(res.body.id);
            expect(em.objects("dev").some((o) => o.kind === "baseConnection" && o.id === res.body.id)).to.equal(true);
        });

        it("refuses a base connection without a valid dataType, with another auth spec, or for a source that takes none", async () => {
            for (const params of [{}, { dataType: "json" }, { dataType: "raw", authenticationRequired: "yes" }]) {
                const res = await api.call("POST", `${FS}/connections`, { body: baseBody(params) });
                expect(res.status, JSON.stringify(params)).to.equal(400);
                expect(res.body.report["detailed-message"]).to.match(/dataType|authenticationRequired/);
            }
            const other = await api.call("POST", `${FS}/connections`, {
                body: { ...baseBody({ dataType: "raw" }), auth: { specName: "Basic Authentication", params: { dataType: "raw" } } },
            });
            expect(other.status).to.equal(400);
            expect(other.body.report["detailed-message"]).to.contain("Streaming Connection");
            const chatlio = await api.call("POST", `${FS}/connections`, {
                body: { ...baseBody({ dataType: "raw" }), connectionSpec: { id: CUSTOMERIO_CONNECTION_SPEC_ID, version: "1.0" } },
            });
            expectFlowError(chatlio, "1413-400");
        });

        it("patches a base connection with If-Match, answering {id, etag}, but never its inlet", async () => {
            const { id, etag } = await created("POST", `${FS}/connections`, baseBody({ dataType: "raw" }));
            const missing = await api.call("PATCH", `${FS}/connections/${id}`, { body: [{ op: "replace", path: "/name", value: "x" }] });
            expectFlowError(missing, "1403-400");
            const ok = await api.call("PATCH", `${FS}/connections/${id}`, {
                body: [{ op: "replace", path: "/description", value: "renamed" }],
                headers: { "If-Match": etag },
            });
            expect(ok.status).to.equal(200);
            expect(ok.body.id).to.equal(id);
            expect(ok.body.etag).to.not.equal(etag);
            const inlet = await api.call("PATCH", `${FS}/connections/${id}`, {
                body: [{ op: "replace", path: "/auth/params/inletUrl", value: "https://elsewhere.example.com/collection/x" }],
                headers: { "If-Match": ok.body.etag },
            });
            expectFlowError(inlet, "1455-400");
        });

        it("refuses to delete a base connection a dataflow streams through (1418), then deletes it once the flow is gone", async () => {
            const s = await httpApiSource({ dataType: "xdm" }, false);
            expectFlowError(await api.call("DELETE", `${FS}/connections/${s.baseId}`), "1418-400");
            expect((await api.call("DELETE", `${FS}/flows/${s.flowId}`)).status).to.equal(204);
            expect((await api.call("DELETE", `${FS}/sourceConnections/${s.sourceId}`)).status).to.equal(204);
            expect((await api.call("DELETE", `${FS}/connections/${s.baseId}`)).status).to.equal(204);
            expectFlowError(await api.call("GET", `${FS}/connections/${s.baseId}`), "1101-404");
        });
    });

    describe("HTTP API source and dataflows", () => {
        it("needs a base connection of the HTTP API in the same sandbox for its source connection", async () => {
            const body = (baseConnectionId?: string) => ({
                body: { name: "HTTP API source", baseConnectionId, connectionSpec: { id: HTTP_API_CONNECTION_SPEC_ID, version: "1.0" } },
            });
            const none = await api.call("POST", `${FS}/sourceConnections`, body());
            expect(none.status).to.equal(400);
            expect(none.body.report["detailed-message"]).to.contain("baseConnectionId");
            const unknown = await api.call("POST", `${FS}/sourceConnections`, body("00000000-0000-0000-0000-000000000000"));
            expect(unknown.status).to.equal(400);
            const { id } = await created("POST", `${FS}/connections`, baseBody({ dataType: "raw" }));
            const prod = new AepCaller(em.url, undefined, "prod");
            const elsewhere = await prod.call("POST", `${FS}/sourceConnections`, body(id));
            expect(elsewhere.status).to.equal(400);
            expect(elsewhere.body.report["detailed-message"]).to.contain(`sandbox "prod"`);
            const ok = await api.call("POST", `${FS}/sourceConnections`, body(id));
            expect(ok.status).to.equal(201);
            const got = (await api.call("GET", `${FS}/sourceConnections/${ok.body.id}`)).body.items[0];
            expect(got.baseConnectionId).to.equal(id);
        });

        it("refuses a Mapping transformation on the XDM flow spec, and shows the base connection in the flow's inherited attributes", async () => {
            const s = await httpApiSource({ dataType: "xdm" }, false);
            const res = await api.call("POST", `${FS}/flows`, {
                body: {
                    name: "XDM flow with a mapping",
                    flowSpec: { id: HTTP_API_XDM_FLOW_SPEC_ID, version: "1.0" },
                    sourceConnectionIds: [s.sourceId],
                    targetConnectionIds: [chain.targetConnectionId],
                    transformations: [{ name: "Mapping", params: { mappingId: chain.mappingSetId, mappingVersion: 0 } }],
                },
            });
            expectFlowError(res, "1413-400");
            const flow = (await api.call("GET", `${FS}/flows/${s.flowId}`)).body.items[0];
            expect(flow.inheritedAttributes.sourceConnections[0].baseConnection).to.deep.equal({
                id: s.baseId,
                connectionSpec: { id: HTTP_API_CONNECTION_SPEC_ID, version: "1.0" },
            });
            expect(flow.options).to.not.have.property("inletUrl");
        });
    });

    describe("the base connection's inlet", () => {
        it("lands XDM data as sent, the envelope naming its dataflow", async () => {
            const s = await httpApiSource({ dataType: "xdm" }, false);
            const event = xdmEvent("xdm@example.com");
            const res = await post(s.inletUrl, xdmEnvelope(s.flowId, event));
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
            expect(res.body.inletId).to.equal(s.inletUrl.split("/").pop());
            expect(em.records(chain.datasetId)).to.deep.include(event);
        });

        it("maps raw data for the dataflow named by the x-adobe-flow-id header or query parameter", async () => {
            const s = await httpApiSource({ dataType: "raw" }, true);
            const byHeader = await post(
                s.inletUrl,
                { contact: { email: "raw-header@example.com" }, text: "raw" },
                { "x-adobe-flow-id": s.flowId },
            );
            expect(byHeader.status, JSON.stringify(byHeader.body)).to.equal(200);
            const byQuery = await post(`${s.inletUrl}?x-adobe-flow-id=${s.flowId}`, {
                contact: { email: "raw-query@example.com" },
                text: "raw",
            });
            expect(byQuery.status, JSON.stringify(byQuery.body)).to.equal(200);
            const emails = (em.records(chain.datasetId) as any[]).map((r) => r._acme?.chatlio?.email);
            expect(emails).to.include.members(["raw-header@example.com", "raw-query@example.com"]);
            const wrong = await post(s.inletUrl, { text: "x" }, { "x-adobe-flow-id": chain.flowId });
            expect(wrong.status).to.equal(400);
            expect(wrong.body.report.message).to.contain(chain.flowId);
        });

        it("asks for x-adobe-flow-id when several dataflows stream through one base connection's inlet", async () => {
            const s = await httpApiSource({ dataType: "raw" }, true);
            const src2 = await created("POST", `${FS}/sourceConnections`, {
                name: "second source",
                baseConnectionId: s.baseId,
                connectionSpec: { id: HTTP_API_CONNECTION_SPEC_ID, version: "1.0" },
            });
            const flow2 = await created("POST", `${FS}/flows`, {
                name: "second flow",
                flowSpec: { id: HTTP_API_MAPPING_FLOW_SPEC_ID, version: "1.0" },
                sourceConnectionIds: [src2.id],
                targetConnectionIds: [chain.targetConnectionId],
                transformations: [{ name: "Mapping", params: { mappingId: await rawMapping(), mappingVersion: 0 } }],
            });
            const unnamed = await post(s.inletUrl, { text: "which flow?" });
            expect(unnamed.status).to.equal(400);
            expect(unnamed.body.report.message).to.contain("x-adobe-flow-id");
            const named = await post(
                s.inletUrl,
                { contact: { email: "second@example.com" }, text: "second" },
                { "x-adobe-flow-id": flow2.id },
            );
            expect(named.status, JSON.stringify(named.body)).to.equal(200);
        });

        it("refuses a post to an authenticated inlet without a valid IMS token (401), and takes it with one", async () => {
            const s = await httpApiSource({ dataType: "xdm", authenticationRequired: true }, false);
            const base = (await api.call("GET", `${FS}/connections/${s.baseId}`)).body.items[0];
            expect(base.auth.params.authenticationRequired).to.equal(true);
            const before = em.records(chain.datasetId).length;
            const none = await post(s.inletUrl, xdmEnvelope(s.flowId, xdmEvent("anon@example.com")));
            expect(none.status).to.equal(401);
            expect(none.body).to.include({
                type: "https://ns.adobe.com/adobecloud/problem/data-collection-service-authorization",
                status: "401",
                title: "Authorization",
            });
            expect(none.body.report.message).to.contain("Authorization: Bearer");
            const forged = await post(s.inletUrl, xdmEnvelope(s.flowId, xdmEvent("forged@example.com")), {
                Authorization: "Bearer not-a-token",
            });
            expect(forged.status).to.equal(401);
            expect(em.records(chain.datasetId)).to.have.length(before);
            const event = xdmEvent("trusted@example.com");
            const ok = await post(s.inletUrl, xdmEnvelope(s.flowId, event), { Authorization: `Bearer ${await api.token()}` });
            expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
            expect(em.records(chain.datasetId)).to.deep.include(event);
        });

        it("takes posts without a token on an unauthenticated inlet", async () => {
            const s = await httpApiSource({ dataType: "xdm", authenticationRequired: false }, false);
            const res = await post(s.inletUrl, xdmEnvelope(s.flowId, xdmEvent("open@example.com")));
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
        });
    });
});
