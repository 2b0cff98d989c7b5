/**
 * The emulator's routes as a whole: every route it serves answers from its family, every route Adobe's
 * references describe that it does not serve answers 501 saying so, and a route no reference describes
 * answers 501 too (never a 404 "no route" a caller would take for its own mistake).
 */
import { expect } from "chai";
import { Emulator, routeTable, startEmulator } from "../src";
import { AepCaller, BASE } from "./testing";

/** A concrete path for a route pattern: each `:param` becomes a made-up id. */
function concrete(base: string, path: string): string {
    return base + path.replace(/:[A-Za-z]+/g, "0123456789abcdef01234567");
}

describe("emulator routes", () => {
    let em: Emulator;
    let api: AepCaller;

    before(async () => {
        em = await startEmulator();
        api = new AepCaller(em.url);
    });
    after(() => em.close());

    const bodyFor = (method: string) => (["POST", "PUT", "PATCH"].includes(method) ? {} : undefined);

    it("lists routes by family: IMS, the inlet and the five Platform families, each with served routes", () => {
        const families = routeTable().map((f) => f.family);
        expect(families).to.deep.equal([
            "IMS",
            "Streaming ingestion (DCS inlet)",
            "Schema Registry",
            "Catalog",
            "Flow Service",
            "Data Prep",
            "Sandbox",
            "Sandbox tooling",
        ]);
        for (const f of routeTable().filter((f) => f.family !== "Sandbox tooling")) {
            expect(f.routes.filter((r) => !r.notServed).length, f.family).to.be.above(0);
        }
    });

    it("answers 501 with a JSON message naming the family and the spec for every described route it does not serve", async () => {
        const gaps = routeTable().flatMap((f) =>
            f.routes.filter((r) => r.notServed).map((r) => ({ ...r, family: f.family, base: f.base })),
        );
        expect(gaps.length).to.be.above(40);
        for (const gap of gaps) {
            const path = concrete(gap.base, gap.path);
            const res = await api.call(gap.method, path, { body: bodyFor(gap.method) });
            const what = `${gap.method} ${path}`;
            expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(501);
            expect(res.headers.get("content-type"), what).to.equal("application/json");
            expect(res.body, what).to.include({
                type: "urn:aep-emulator:not-served",
                status: 501,
                title: "Not served by the AEP emulator",
            });
            expect(res.body.detail, what).to.contain(`Adobe's ${gap.family} API (${gap.notServed})`).and.contain("does not serve");
        }
    });

    it("serves every route it lists as served (no 501 for any of them)", async () => {
        for (const f of routeTable()) {
            for (const r of f.routes.filter((r) => !r.notServed)) {
                const path = concrete(f.base, r.path);
                const res = await api.call(r.method, path, {
                    body: bodyFor(r.method),
                    headers: { Accept: "application/vnd.adobe.xed-id+json" },
                });
                expect(res.status, `${r.method} ${path}: ${JSON.stringify(res.body)}`).to.not.equal(501);
            }
        }
    });

    it("answers 501 for a path no reference describes, inside a family or outside them all", async () => {
        for (const path of [
            `${BASE.flowService}/nothing/here`,
            `${BASE.schemaRegistry}/tenant/nothing`,
            `${BASE.catalog}/dataSetz`,
            "/data/core/ups/access/entities",
            "/data/foundation/query/queries",
        ]) {
            const res = await api.call("GET", path);
            expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(501);
            expect(res.body.type, path).to.equal("urn:aep-emulator:not-served");
            expect(res.body.detail, path).to.contain("do not describe this route");
        }
    });

    it("keeps 405 for a method a served path does not take, and 404 for an unknown object", async () => {
        const put = await api.call("PUT", `${BASE.flowService}/flows/x`, { body: {} });
        expect(put.status).to.equal(405);
        expect((await api.call("PATCH", `${BASE.dataPrep}/mappingSets/x`, { body: {} })).status).to.equal(405);
        expect((await api.call("GET", `${BASE.flowService}/flows/0123`)).status).to.equal(404);
    });

    it("checks the gateway first: a route it does not serve still needs a token", async () => {
        const res = await api.call("GET", `${BASE.schemaRegistry}/global/behaviors`, { noAuth: true });
        expect(res.status).to.equal(403);
        expect(res.body.error_code).to.equal("403010");
    });
});
