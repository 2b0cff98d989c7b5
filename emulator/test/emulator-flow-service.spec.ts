/**
 * The emulated Flow Service: connections, dataflows, actions and specs as aep-api.md §2.4 documents them.
 */
import { expect } from "chai";
import {
    CHATLIO_CONNECTION_SPEC_ID,
    DATA_LAKE_CONNECTION_SPEC_ID,
    Emulator,
    STREAMING_FLOW_SPEC_ID,
    STREAMING_PROVIDER_ID,
    startEmulator,
} from "../src";
import { AepCaller, BASE, ChatlioChain, XED_FULL, buildChatlioChain, chatlioFieldGroupBody, chatlioSchemaBody } from "./testing";

const FS = BASE.flowService;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ETAG = /^"[0-9a-f]{8}-0000-0200-0000-[0-9a-f]{12}"$/;

describe("emulated Flow Service", () => {
    let em: Emulator;
    let api: AepCaller;
    let chain: ChatlioChain;
    let n = 0;

    function expectFlowError(res: { status: number; body: any }, code: string): void {
        expect(res.status, JSON.stringify(res.body)).to.equal(Number(code.split("-").pop()));
        expect(res.body.type).to.equal(`https://ns.adobe.com/aep/errors/FLOW-${code}`);
        expect(res.body.status).to.equal(res.status);
        expect(res.body.report["detailed-message"]).to.be.a("string");
        expect(res.body.errorMessage).to.equal(res.body.report["detailed-message"]);
    }

    const sourceBody = () => ({
        name: `Chatlio source ${++n}`,
        providerId: STREAMING_PROVIDER_ID,
        connectionSpec: { id: CHATLIO_CONNECTION_SPEC_ID, version: "1.0" },
        data: { format: "json" },
    });

    function flowBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
        return {
            name: `Flow ${++n}`,
            flowSpec: { id: STREAMING_FLOW_SPEC_ID, version: "1.0" },
            sourceConnectionIds: [chain.sourceConnectionId],
            targetConnectionIds: [chain.targetConnectionId],
            transformations: [{ name: "Mapping", params: { mappingId: chain.mappingSetId, mappingVersion: 0 } }],
            ...overrides,
        };
    }

    before(async () => {
        em = await startEmulator();
        api = new AepCaller(em.url);
        chain = await buildChatlioChain(api);
    });
    after(() => em.close());

    describe("source and target connections", () => {
        it("creates a source connection: 201 {id, etag} with a quoted etag", async () => {
            const res = await api.call("POST", `${FS}/sourceConnections`, { body: sourceBody() });
            expect(res.status).to.equal(201);
            expect(res.body).to.have.keys(["id", "etag"]);
            expect(res.body.id).to.match(UUID);
            expect(res.body.etag).to.match(ETAG);
        });

        it("returns a connection in the list envelope with the audit and sandbox fields", async () => {
            const res = await api.call("GET", `${FS}/sourceConnections/${chain.sourceConnectionId}`);
            expect(res.status).to.equal(200);
            expect(res.body.items).to.have.length(1);
            const item = res.body.items[0];
            for (const k of [
                "id",
                "createdAt",
                "updatedAt",
                "createdBy",
                "updatedBy",
                "createdClient",
                "updatedClient",
                "sandboxId",
                "sandboxName",
                "imsOrgId",
                "name",
                "state",
                "version",
                "etag",
                "connectionSpec",
                "data",
                "params",
            ])
                expect(item, k).to.have.property(k);
            expect(item).to.include({ sandboxName: "dev", state: "enabled", imsOrgId: "0123456789ABCDEF01234567@AdobeOrg" });
            expect(item.version).to.equal(item.etag);
            expect(item.connectionSpec).to.deep.equal({ id: CHATLIO_CONNECTION_SPEC_ID, version: "1.0" });
        });

        it("answers 1101-404 for an unknown connection", async () => {
            expectFlowError(await api.call("GET", `${FS}/sourceConnections/00000000-0000-4000-8000-000000000000`), "1101-404");
            expectFlowError(await api.call("GET", `${FS}/targetConnections/00000000-0000-4000-8000-000000000000`), "1101-404");
        });

        it("validates name, connectionSpec (1413-400 when unknown) and data", async () => {
            const { name: _n, ...noName } = sourceBody();
            expect((await api.call("POST", `${FS}/sourceConnections`, { body: noName })).status).to.equal(400);
            expectFlowError(
                await api.call("POST", `${FS}/sourceConnections`, {
                    body: { ...sourceBody(), connectionSpec: { id: "11111111-1111-4111-8111-111111111111", version: "1.0" } },
                }),
                "1413-400",
            );
            expectFlowError(
                await api.call("POST", `${FS}/sourceConnections`, {
                    body: { ...sourceBody(), connectionSpec: { id: DATA_LAKE_CONNECTION_SPEC_ID, version: "1.0" } },
                }),
                "1413-400",
            );
            const { data: _d, ...noData } = sourceBody();
            expect((await api.call("POST", `${FS}/sourceConnections`, { body: noData })).status).to.equal(400);
            expect(
                (await api.call("POST", `${FS}/sourceConnections`, { body: { ...sourceBody(), data: { format: "csv" } } })).status,
            ).to.equal(400);
        });

        it("needs the target dataset to exist", async () => {
            const res = await api.call("POST", `${FS}/targetConnections`, {
                body: {
                    name: "t",
                    connectionSpec: { id: DATA_LAKE_CONNECTION_SPEC_ID, version: "1.0" },
                    data: { format: "json" },
                    params: { dataSetId: "a".repeat(24) },
                },
            });
            expect(res.status).to.equal(400);
            expect(res.body.errorMessage).to.contain("a".repeat(24));
        });

        it("patches a connection with If-Match and answers with the list envelope", async () => {
            const created = await api.call("POST", `${FS}/sourceConnections`, { body: sourceBody() });
            const res = await api.call("PATCH", `${FS}/sourceConnections/${created.body.id}`, {
                headers: { "If-Match": created.body.etag },
                body: [{ op: "replace", path: "/description", value: "Updated" }],
            });
            expect(res.status).to.equal(200);
            expect(res.body.items[0]).to.include({ id: created.body.id, description: "Updated" });
            expect(res.body.items[0].etag).to.not.equal(created.body.etag);
            expectFlowError(
                await api.call("PATCH", `${FS}/sourceConnections/${created.body.id}`, {
                    headers: { "If-Match": res.body.items[0].etag },
                    body: [{ op: "replace", path: "/connectionSpec/id", value: DATA_LAKE_CONNECTION_SPEC_ID }],
                }),
                "1414-400",
            );
        });
    });

    describe("dataflows", () => {
        it("creates an enabled dataflow with its own inlet, as the Chatlio example shows", async () => {
            const res = await api.call("POST", `${FS}/flows`, { body: flowBody() });
            expect(res.status).to.equal(201);
            expect(res.body.id).to.match(UUID);
            expect(res.body.etag).to.match(ETAG);
            const item = (await api.call("GET", `${FS}/flows/${res.body.id}`)).body.items[0];
            expect(item.state).to.equal("enabled");
            expect(item.lastOperation.operation).to.equal("enable");
            expect(item.options.inletUrl).to.match(/\/collection\/[0-9a-f]{64}$/);
            expect(item.options.inletUrl).to.not.equal(chain.inletUrl);
            expect(item.providerRefId).to.match(UUID);
            expect(item.inheritedAttributes.properties).to.deep.equal({ isSourceFlow: true });
            expect(item.inheritedAttributes.sourceConnections[0]).to.deep.equal({
                id: chain.sourceConnectionId,
                connectionSpec: { id: CHATLIO_CONNECTION_SPEC_ID, version: "1.0" },
            });
            expect(item.inheritedAttributes.targetConnections[0].id).to.equal(chain.targetConnectionId);
            expect(item.runs).to.equal(`/runs?property=flowId==${res.body.id}`);
            expect(item.transformations).to.deep.equal([{ name: "Mapping", params: { mappingId: chain.mappingSetId, mappingVersion: 0 } }]);
            expect(item.flowSpec).to.deep.equal({ id: STREAMING_FLOW_SPEC_ID, version: "1.0" });
        });

        it("refuses state on create (1410), unknown flow specs (1413) and bad mapping references (1412)", async () => {
            expectFlowError(await api.call("POST", `${FS}/flows`, { body: flowBody({ state: "enabled" }) }), "1410-400");
            expectFlowError(
                await api.call("POST", `${FS}/flows`, {
                    body: flowBody({ flowSpec: { id: "22222222-2222-4222-8222-222222222222", version: "1.0" } }),
                }),
                "1413-400",
            );
            expectFlowError(
                await api.call("POST", `${FS}/flows`, {
                    body: flowBody({ transformations: [{ name: "Mapping", params: { mappingId: "0".repeat(32), mappingVersion: 0 } }] }),
                }),
                "1412-400",
            );
            expectFlowError(
                await api.call("POST", `${FS}/flows`, {
                    body: flowBody({
                        transformations: [{ name: "Mapping", params: { mappingId: chain.mappingSetId, mappingVersion: 7 } }],
                    }),
                }),
                "1412-400",
            );
            expect(
                (
                    await api.call("POST", `${FS}/flows`, {
                        body: flowBody({ sourceConnectionIds: ["33333333-3333-4333-8333-333333333333"] }),
                    })
                ).status,
            ).to.equal(400);
        });

        it("accepts mappingVersion as the string the spec shows or the number the tutorial sends", async () => {
            const res = await api.call("POST", `${FS}/flows`, {
                body: flowBody({ transformations: [{ name: "Mapping", params: { mappingId: chain.mappingSetId, mappingVersion: "0" } }] }),
            });
            expect(res.status).to.equal(201);
        });

        it("refuses a mapping whose schema differs from the dataset's (1425-400)", async () => {
            const fg = await api.call("POST", `${BASE.schemaRegistry}/tenant/fieldgroups`, {
                body: chatlioFieldGroupBody("acme", "Other fields"),
            });
            const other = await api.call("POST", `${BASE.schemaRegistry}/tenant/schemas`, {
                body: chatlioSchemaBody(fg.body.$id, "Other schema"),
            });
            const ms = await api.call("POST", `${BASE.dataPrep}/mappingSets`, {
                body: {
                    outputSchema: { schemaRef: { id: other.body.$id, contentType: XED_FULL } },
                    mappings: [{ sourceType: "EXPRESSION", source: "uuid()", destination: "_id" }],
                },
            });
            expectFlowError(
                await api.call("POST", `${FS}/flows`, {
                    body: flowBody({ transformations: [{ name: "Mapping", params: { mappingId: ms.body.id, mappingVersion: 0 } }] }),
                }),
                "1425-400",
            );
        });

        it("patches with If-Match (1403 without, 1404-412 when stale), any op case, answering {id, etag}", async () => {
            const created = await api.call("POST", `${FS}/flows`, { body: flowBody() });
            const url = `${FS}/flows/${created.body.id}`;
            const patch = [{ op: "REPLACE", path: "/name", value: "Renamed flow" }];
            expectFlowError(await api.call("PATCH", url, { body: patch }), "1403-400");
            expectFlowError(
                await api.call("PATCH", url, { body: patch, headers: { "If-Match": '"00000000-0000-0200-0000-000000000000"' } }),
                "1404-412",
            );
            const ok = await api.call("PATCH", url, { body: patch, headers: { "If-Match": created.body.etag } });
            expect(ok.status).to.equal(200);
            expect(ok.body).to.have.keys(["id", "etag"]);
            expect(ok.body.etag).to.match(ETAG).and.not.equal(created.body.etag);
            const lower = await api.call("PATCH", url, {
                body: [{ op: "replace", path: "/description", value: "d" }],
                headers: { "If-Match": ok.body.etag },
            });
            expect(lower.status).to.equal(200);
            const item = (await api.call("GET", url)).body.items[0];
            expect(item).to.include({ name: "Renamed flow", description: "d", etag: lower.body.etag });
            expectFlowError(
                await api.call("PATCH", url, {
                    body: [{ op: "move", from: "/name", path: "/description" }],
                    headers: { "If-Match": item.etag },
                }),
                "1434-400",
            );
            expectFlowError(
                await api.call("PATCH", url, {
                    body: [{ op: "replace", path: "/nope/deeper", value: 1 }],
                    headers: { "If-Match": item.etag },
                }),
                "1455-400",
            );
            expectFlowError(
                await api.call("PATCH", url, {
                    body: [{ op: "replace", path: "/state", value: "disabled" }],
                    headers: { "If-Match": item.etag },
                }),
                "1455-400",
            );
        });

        it("enables and disables with ?op=enable|disable or the spec's uppercase op and subOp", async () => {
            const created = await api.call("POST", `${FS}/flows`, { body: flowBody() });
            const action = (q: string) => api.call("POST", `${FS}/flows/${created.body.id}/action?${q}`);
            const off = await action("op=disable");
            expect(off.status).to.equal(200);
            expect(off.body).to.have.keys(["id", "etag"]);
            let item = (await api.call("GET", `${FS}/flows/${created.body.id}`)).body.items[0];
            expect(item.state).to.equal("disabled");
            expect(item.lastOperation.operation).to.equal("disable");
            expectFlowError(await action("op=disable"), "1422-400");
            expectFlowError(await action("op=ENABLE&subOp=SIDEWAYS"), "1436-400");
            expect((await action("op=ENABLE&subOp=APPLY")).status).to.equal(200);
            item = (await api.call("GET", `${FS}/flows/${created.body.id}`)).body.items[0];
            expect(item.state).to.equal("enabled");
        });

        it("refuses to delete connections a dataflow uses (1447), deletes with 204, then answers 1101-404", async () => {
            const src = await api.call("POST", `${FS}/sourceConnections`, { body: sourceBody() });
            const flow = await api.call("POST", `${FS}/flows`, { body: flowBody({ sourceConnectionIds: [src.body.id] }) });
            expectFlowError(await api.call("DELETE", `${FS}/sourceConnections/${src.body.id}`), "1447-400");
            expect((await api.call("DELETE", `${FS}/flows/${flow.body.id}`)).status).to.equal(204);
            expectFlowError(await api.call("GET", `${FS}/flows/${flow.body.id}`), "1101-404");
            expectFlowError(await api.call("DELETE", `${FS}/flows/${flow.body.id}`), "1101-404");
            expect((await api.call("DELETE", `${FS}/sourceConnections/${src.body.id}`)).status).to.equal(204);
        });

        it("refuses updates while an object is in a transitional state (1416, 1421 while updating)", async () => {
            const created = await api.call("POST", `${FS}/flows`, { body: flowBody() });
            em.editObject("flow", created.body.id, { state: "enabling" });
            let item = (await api.call("GET", `${FS}/flows/${created.body.id}`)).body.items[0];
            expectFlowError(
                await api.call("PATCH", `${FS}/flows/${created.body.id}`, {
                    headers: { "If-Match": item.etag },
                    body: [{ op: "replace", path: "/name", value: "x" }],
                }),
                "1416-400",
            );
            expectFlowError(await api.call("DELETE", `${FS}/flows/${created.body.id}`), "1416-400");
            em.editObject("flow", created.body.id, { state: "updating" });
            item = (await api.call("GET", `${FS}/flows/${created.body.id}`)).body.items[0];
            expectFlowError(
                await api.call("PATCH", `${FS}/flows/${created.body.id}`, {
                    headers: { "If-Match": item.etag },
                    body: [{ op: "replace", path: "/name", value: "x" }],
                }),
                "1421-400",
            );
        });

        it("holds a flow in a transitional state for a while (holdFlowState): updates, actions and deletes are refused with the state's code, then accepted", async () => {
            const created = await api.call("POST", `${FS}/flows`, { body: flowBody() });
            const id = created.body.id;
            const etag = () => api.call("GET", `${FS}/flows/${id}`).then((r) => r.body.items[0].etag);
            const patch = async () =>
                api.call("PATCH", `${FS}/flows/${id}`, {
                    headers: { "If-Match": await etag() },
                    body: [{ op: "replace", path: "/name", value: "held" }],
                });
            const cases: Array<[Parameters<Emulator["holdFlowState"]>[1], string, string, string]> = [
                ["updating", "1421-400", "1421-400", "1421-400"],
                ["disabling", "1420-400", "1420-400", "1420-400"],
                ["enabling", "1416-400", "1416-400", "1416-400"],
                ["delete-finalizing", "1457-400", "1457-400", "1458-400"],
            ];
            for (const [state, onPatch, onAction, onDelete] of cases) {
                em.holdFlowState(id, state, 60_000);
                expect((await api.call("GET", `${FS}/flows/${id}`)).body.items[0].state, state).to.equal(state);
                expectFlowError(await patch(), onPatch);
                expectFlowError(await api.call("POST", `${FS}/flows/${id}/action?op=disable`), onAction);
                expectFlowError(await api.call("DELETE", `${FS}/flows/${id}`), onDelete);
            }
            em.holdFlowState(id, "updating", 100);
            expectFlowError(await patch(), "1421-400");
            await new Promise((r) => setTimeout(r, 120));
            expect((await patch()).status).to.equal(200);
            expect((await api.call("GET", `${FS}/flows/${id}`)).body.items[0]).to.include({ name: "held", state: "enabled" });
        });

        it("can show transitional states for a while after each change (flowSettleMs)", async () => {
            const slow = await startEmulator({ flowSettleMs: 150 });
            try {
                const caller = new AepCaller(slow.url);
                const c = await buildChatlioChain(caller);
                // Right after create the flow is still enabling: it takes no data and no changes yet.
                let item = (await caller.call("GET", `${FS}/flows/${c.flowId}`)).body.items[0];
                expect(item.state).to.equal("enabling");
                expect(item.lastOperation.status.value).to.equal("inProgress");
                const early = await fetch(c.inletUrl, {
                    method: "POST",
                    headers: { "Content-Type": "application/json" },
                    body: JSON.stringify({ visitor: { UUID: "u" } }),
                });
                expect(early.status).to.equal(400);
                expectFlowError(await caller.call("POST", `${FS}/flows/${c.flowId}/action?op=disable`), "1416-400");
                await new Promise((r) => setTimeout(r, 170));
                item = (await caller.call("GET", `${FS}/flows/${c.flowId}`)).body.items[0];
                expect(item.state).to.equal("enabled");
                expect((await caller.call("POST", `${FS}/flows/${c.flowId}/action?op=disable`)).status).to.equal(200);
                expect((await caller.call("GET", `${FS}/flows/${c.flowId}`)).body.items[0].state).to.equal("disabling");
                expectFlowError(await caller.call("DELETE", `${FS}/flows/${c.flowId}`), "1420-400");
            } finally {
                await slow.close();
            }
        });
    });

    describe("lists", () => {
        it("filters on any property path, array items and existence, ANDing repeated filters", async () => {
            const q = (...filters: string[]) =>
                api.call("GET", `${FS}/flows?${filters.map((f) => `property=${encodeURIComponent(f)}`).join("&")}`);
            const all = (await api.call("GET", `${FS}/flows`)).body.items;
            expect(all.length).to.be.above(3);
            expect((await q(`name==Chatlio dataflow`)).body.items.map((i: any) => i.id)).to.deep.equal([chain.flowId]);
            expect((await q(`flowSpec.id==${STREAMING_FLOW_SPEC_ID}`)).body.items).to.have.length(all.length);
            expect((await q(`sourceConnectionIds[]==${chain.sourceConnectionId}`)).body.items.length).to.be.above(0);
            expect((await q("inheritedAttributes.properties.isSourceFlow==true")).body.items).to.have.length(all.length);
            expect((await q("name!=Chatlio dataflow")).body.items).to.have.length(all.length - 1);
            expect((await q("scheduleParams")).body.items).to.have.length(0);
            expect((await q("name==Chatlio dataflow", `targetConnectionIds[]==${chain.targetConnectionId}`)).body.items).to.have.length(1);
            const tc = await api.call(
                "GET",
                `${FS}/targetConnections?property=${encodeURIComponent(`params.dataSetId==${chain.datasetId}`)}`,
            );
            expect(tc.body.items.map((i: any) => i.id)).to.deep.equal([chain.targetConnectionId]);
            const sc = await api.call(
                "GET",
                `${FS}/sourceConnections?property=${encodeURIComponent(`connectionSpec.id==${CHATLIO_CONNECTION_SPEC_ID}`)}`,
            );
            expect(sc.body.items.length).to.be.above(0);
        });

        it("pages with limit and continuationToken through _links.next.href, and counts with count=true", async () => {
            const all = (await api.call("GET", `${FS}/flows`)).body.items;
            const seen: string[] = [];
            let next: string | undefined = `/flows?limit=2`;
            while (next) {
                const page: any = await api.call("GET", `${FS}${next}`);
                expect(page.body.items.length).to.be.at.most(2);
                seen.push(...page.body.items.map((i: any) => i.id));
                next = page.body._links?.next?.href;
            }
            expect(seen).to.deep.equal(all.map((i: any) => i.id));
            const count = await api.call("GET", `${FS}/flows?count=true`);
            expect(count.body).to.deep.equal({ count: all.length });
            expectFlowError(await api.call("GET", `${FS}/flows?count=true&limit=2`), "1401-400");
        });
    });

    describe("list envelope and next link (aep-api.md §2.4.1, §4.4)", () => {
        /** A sandbox of its own, holding exactly `n` source connections. */
        async function sourcesIn(sandbox: string, count: number): Promise<{ caller: AepCaller; ids: string[] }> {
            const own = await startEmulator({ sandboxes: [sandbox] });
            after(() => own.close());
            const caller = new AepCaller(own.url, undefined, sandbox);
            const ids: string[] = [];
            for (let i = 0; i < count; i++)
                ids.push((await caller.call("POST", `${FS}/sourceConnections`, { body: sourceBody() })).body.id);
            return { caller, ids };
        }

        it("answers {items, _links, count} on the first, a middle and the last page, and on a GET by id", async () => {
            const { caller, ids } = await sourcesIn("dev", 3);
            const first = await caller.call("GET", `${FS}/sourceConnections?limit=1`);
            expect(first.body).to.have.all.keys("items", "_links", "count");
            expect(first.body.count).to.equal(1);
            expect(first.body._links.next.href).to.be.a("string");
            const middle = await caller.call("GET", `${FS}${first.body._links.next.href}`);
            expect(middle.body).to.have.all.keys("items", "_links", "count");
            expect(middle.body._links.next.href).to.be.a("string");
            const last = await caller.call("GET", `${FS}${middle.body._links.next.href}`);
            // The last page keeps the envelope: _links is there, with no next link (the spec's PageLink is an
            // object, never null).
            expect(last.body).to.have.all.keys("items", "_links", "count");
            expect(last.body._links).to.deep.equal({});
            expect(last.body.count).to.equal(1);
            expect([first, middle, last].flatMap((p) => p.body.items.map((i: any) => i.id))).to.deep.equal(ids);
            const whole = await caller.call("GET", `${FS}/sourceConnections`);
            expect(whole.body).to.deep.include({ _links: {}, count: 3 });
            const one = await caller.call("GET", `${FS}/sourceConnections/${ids[0]}`);
            expect(one.body).to.have.all.keys("items", "_links", "count");
            expect(one.body).to.deep.include({ _links: {}, count: 1 });
            const empty = await caller.call("GET", `${FS}/flows`);
            expect(empty.body).to.deep.equal({ items: [], _links: {}, count: 0 });
        });

        it("links the next page as Adobe documents it, /sourceConnections?continuationToken=…, and the token alone gets it", async () => {
            const { caller, ids } = await sourcesIn("dev", 5);
            const first = await caller.call("GET", `${FS}/sourceConnections?limit=2&orderby=-name`);
            const href: string = first.body._links.next.href;
            expect(href).to.match(/^\/sourceConnections\?continuationToken=[A-Za-z0-9_-]+$/);
            // A client that takes the text after the first "=" as the token, and sends nothing else.
            const seen = first.body.items.map((i: any) => i.id);
            let token: string | undefined = href.slice(href.indexOf("=") + 1);
            while (token) {
                const page: any = await caller.call("GET", `${FS}/sourceConnections?continuationToken=${token}`);
                expect(page.status, JSON.stringify(page.body)).to.equal(200);
                expect(page.body.items.length).to.be.at.most(2);
                seen.push(...page.body.items.map((i: any) => i.id));
                const next: string | undefined = page.body._links.next?.href;
                token = next?.slice(next.indexOf("=") + 1);
            }
            // Same page size and order (by name, descending) all the way.
            const ordered = (await caller.call("GET", `${FS}/sourceConnections?orderby=-name`)).body.items;
            expect(ordered.map((i: any) => i.name)).to.deep.equal(
                ordered
                    .map((i: any) => i.name)
                    .sort()
                    .reverse(),
            );
            expect(seen).to.deep.equal(ordered.map((i: any) => i.id));
            expect([...seen].sort()).to.deep.equal([...ids].sort());
            // Filters travel in the token too.
            const filtered = await caller.call("GET", `${FS}/sourceConnections?limit=1&property=${encodeURIComponent(`id!=${ids[0]}`)}`);
            const rest = await caller.call("GET", `${FS}${filtered.body._links.next.href}`);
            expect(rest.body.items.map((i: any) => i.id)).to.deep.equal([ids[2]]);
            expectFlowError(await caller.call("GET", `${FS}/sourceConnections?continuationToken=not-a-token`), "1401-400");
        });
    });

    describe("specifications", () => {
        it("serves the Chatlio, data lake and streaming flow specs by id and in filtered lists", async () => {
            const chatlio = await api.call("GET", `${FS}/connectionSpecs/${CHATLIO_CONNECTION_SPEC_ID}`);
            expect(chatlio.status).to.equal(200);
            expect(chatlio.body.items[0]).to.include({ id: CHATLIO_CONNECTION_SPEC_ID, providerId: STREAMING_PROVIDER_ID, version: "1.0" });
            const lake = await api.call("GET", `${FS}/connectionSpecs/${DATA_LAKE_CONNECTION_SPEC_ID}`);
            expect(lake.body.items[0].id).to.equal(DATA_LAKE_CONNECTION_SPEC_ID);
            const flow = await api.call("GET", `${FS}/flowSpecs/${STREAMING_FLOW_SPEC_ID}`);
            expect(flow.body.items[0].sourceConnectionSpecIds).to.include(CHATLIO_CONNECTION_SPEC_ID);
            expect(flow.body.items[0].targetConnectionSpecIds).to.include(DATA_LAKE_CONNECTION_SPEC_ID);
            const byName = await api.call("GET", `${FS}/connectionSpecs?property=${encodeURIComponent("name==chatlio")}`);
            expect(byName.body.items.map((i: any) => i.id)).to.deep.equal([CHATLIO_CONNECTION_SPEC_ID]);
            const byId = await api.call("GET", `${FS}/flowSpecs?property=${encodeURIComponent(`id==${STREAMING_FLOW_SPEC_ID}`)}`);
            expect(byId.body.items).to.have.length(1);
            expectFlowError(await api.call("GET", `${FS}/flowSpecs/44444444-4444-4444-8444-444444444444`), "1101-404");
        });
    });
});
