import { expect } from "chai";
import * as http from "http";
import * as net from "net";
import * as util from "util";
import type { AepSettings } from "../provider/config";
import { AepClient, AepError, ClientOptions, OutcomeUnknownError, clearTokenCache, parseRetryAfter, redact } from "../provider/client";

// A tiny loopback AEP: IMS token endpoint plus scripted Platform answers. Not the full emulator.
interface Seen {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: http.IncomingHttpHeaders;
    body: string;
    at: number;
}
type Responder = (req: Seen, res: http.ServerResponse) => void;

const SECRET = "s3cr3t-CLIENT-SECRET-value-0042";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Responder {
    return (_req, res) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body));
    };
}
const ok = (body: unknown = { ok: true }) => json(200, body);
/** Reads the request, then drops the connection without answering (the server may have acted). */
const resetAfterSend: Responder = (req, res) => res.socket?.destroy();
/** Never answers. */
const hang: Responder = () => undefined;

class FakeAep {
    server!: http.Server;
    url = "";
    seen: Seen[] = [];
    tokenRequests: Seen[] = [];
    tokenDelayMs = 30;
    tokenTtl = 86399;
    valid = new Set<string>();
    issued: string[] = [];
    ims: Responder[] = [];
    private routes: Array<{ method: string; path: string; responders: Responder[] }> = [];

    async start(port = 0): Promise<this> {
        this.server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c) => (body += c));
            req.on("end", () => this.handle(req, res, body));
        });
        await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", () => resolve()));
        this.url = `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
        return this;
    }
    close(): Promise<void> {
        this.server.closeAllConnections();
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
    reset(): void {
        this.seen = [];
        this.tokenRequests = [];
        this.routes = [];
        this.ims = [];
        this.valid.clear();
        this.issued = [];
        this.tokenDelayMs = 30;
        this.tokenTtl = 86399;
    }
    /** Answers `method path` with each responder in turn; the last one repeats. */
    on(method: string, path: string, ...responders: Responder[]): void {
        this.routes.push({ method, path, responders });
    }
    calls(method: string, path?: string): Seen[] {
        return this.seen.filter((s) => s.method === method && (path === undefined || s.path === path));
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
        const u = new URL(req.url ?? "/", "http://x");
        const seen: Seen = {
            method: req.method ?? "",
            path: u.pathname,
            query: u.searchParams,
            headers: req.headers,
            body,
            at: Date.now(),
        };
        if (u.pathname === "/ims/token/v3") {
            this.tokenRequests.push(seen);
            const scripted = this.ims.shift();
            if (scripted) return scripted(seen, res);
            setTimeout(() => {
                const token = `at-${this.issued.length + 1}-${Math.random().toString(36).slice(2)}`;
                this.issued.push(token);
                this.valid.add(token);
                json(200, { access_token: token, token_type: "bearer", expires_in: this.tokenTtl })(seen, res);
            }, this.tokenDelayMs);
            return;
        }
        this.seen.push(seen);
        const auth = String(req.headers.authorization ?? "");
        if (!this.valid.has(auth.replace(/^Bearer /, "")))
            return json(401, { error_code: "401013", message: "Oauth token is not valid" })(seen, res);
        const route = this.routes.find((r) => r.method === seen.method && r.path === seen.path);
        if (!route) return json(404, { title: "no route", detail: `${seen.method} ${seen.path}` })(seen, res);
        const responder = route.responders.length > 1 ? route.responders.shift()! : route.responders[0];
        responder(seen, res);
    }
}

describe("AEP client", function () {
    this.timeout(5000);
    const fake = new FakeAep();
    let settings: AepSettings;
    const FAST: ClientOptions = { baseDelayMs: 5, maxDelayMs: 2000, timeoutMs: 2000, deadlineMs: 5000 };
    const client = (o: ClientOptions = {}) => new AepClient(settings, { ...FAST, ...o });
    const SR = "/data/foundation/schemaregistry";
    const CAT = "/data/foundation/catalog";
    const FLOW = "/data/foundation/flowservice";
    const PREP = "/data/foundation/conversion";

    before(async () => {
        await fake.start();
    });
    after(() => fake.close());
    beforeEach(() => {
        fake.reset();
        clearTokenCache();
        settings = {
            clientId: "client-123",
            clientSecret: SECRET,
            orgId: "0123456789ABCDEF01234567@AdobeOrg",
            sandboxName: "dev",
            scopes: "openid,AdobeID",
            platformUrl: fake.url,
            imsUrl: fake.url,
        };
    });

    async function rejection(p: Promise<unknown>): Promise<AepError> {
        try {
            await p;
        } catch (e) {
            expect(e).to.be.instanceOf(AepError);
            return e as AepError;
        }
        throw new Error("expected the call to fail");
    }

    describe("IMS access token", () => {
        it("fetches the token once for 20 concurrent calls and reuses it", async () => {
            fake.on("GET", `${CAT}/dataSets/d1`, ok({ d1: {} }));
            const c = client();
            await Promise.all(
                Array.from({ length: 20 }, () =>
                    c.request({ family: "catalog", method: "GET", path: "/dataSets/d1", operation: "read dataset" }),
                ),
            );
            await client().request({ family: "catalog", method: "GET", path: "/dataSets/d1", operation: "read dataset" });
            expect(fake.tokenRequests).to.have.length(1);
            expect(fake.seen).to.have.length(21);
            const t = fake.tokenRequests[0];
            expect(t.method).to.equal("POST");
            expect(t.headers["content-type"]).to.equal("application/x-www-form-urlencoded");
            expect(Object.fromEntries(new URLSearchParams(t.body))).to.deep.equal({
                grant_type: "client_credentials",
                client_id: "client-123",
                client_secret: SECRET,
                scope: "openid,AdobeID",
            });
            expect(new Set(fake.seen.map((s) => s.headers.authorization))).to.deep.equal(new Set([`Bearer ${fake.issued[0]}`]));
        });

        it("keeps separate tokens for a different secret, and re-fetches when the token nears expiry", async () => {
            fake.on("GET", `${CAT}/dataSets`, ok({}));
            const get = (c: AepClient) => c.request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" });
            await get(client());
            await get(new AepClient({ ...settings, clientSecret: SECRET + "-rotated" }, FAST));
            expect(fake.tokenRequests).to.have.length(2);
            clearTokenCache();
            fake.tokenTtl = 0.1; // 100 ms lifetime: usable for half of it
            await get(client());
            await new Promise((r) => setTimeout(r, 70));
            await get(client());
            expect(fake.tokenRequests).to.have.length(4);
        });

        it("keeps IMS's refusal of the credentials for the rest of the process: later calls fail at once with it, IMS asked once", async () => {
            fake.ims.push(json(400, { error: "invalid_scope", error_description: "invalid scope" }));
            fake.on("GET", `${CAT}/dataSets`, ok({}));
            const first = await rejection(
                client().request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" }),
            );
            expect(first.operation).to.equal("get IMS access token");
            expect(first.code).to.equal("invalid_scope");
            const again = await rejection(
                client().request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" }),
            );
            expect(again.message).to.equal(first.message);
            expect(fake.tokenRequests).to.have.length(1);
            // Other credentials (a fixed secret) are asked for anew.
            const fixed = new AepClient({ ...settings, clientSecret: `${settings.clientSecret}-rotated` }, FAST);
            await fixed.request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" });
            expect(fake.tokenRequests).to.have.length(2);
        });

        it("does not keep a token fetch that failed without IMS deciding (unavailable to the end)", async () => {
            fake.ims.push(...Array.from({ length: 6 }, () => json(503, { error: "unavailable" })));
            fake.on("GET", `${CAT}/dataSets`, ok({}));
            const err = await rejection(
                client({ maxAttempts: 2 }).request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" }),
            );
            expect(err.status).to.equal(503);
            fake.ims.length = 0;
            await client().request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" });
        });

        it("drops a rejected token, fetches a new one once and re-sends the call once", async () => {
            fake.on("GET", `${CAT}/dataSets/d1`, ok({ d1: {} }));
            const c = client();
            await c.request({ family: "catalog", method: "GET", path: "/dataSets/d1", operation: "read dataset" });
            fake.valid.clear(); // IMS revoked it
            const retries: string[] = [];
            const r = await client({ onRetry: (i) => retries.push(i.reason) }).request({
                family: "catalog",
                method: "GET",
                path: "/dataSets/d1",
                operation: "read dataset",
            });
            expect(r.status).to.equal(200);
            expect(fake.tokenRequests).to.have.length(2);
            expect(fake.seen.map((s) => s.headers.authorization)).to.deep.equal([
                `Bearer ${fake.issued[0]}`,
                `Bearer ${fake.issued[0]}`,
                `Bearer ${fake.issued[1]}`,
            ]);
            expect(retries[0]).to.match(/401/);
        });

        it("re-fetches only once when 20 concurrent calls meet a revoked token", async () => {
            fake.on("POST", `${FLOW}/flows`, json(201, { id: "f" }));
            await client().request({ family: "flowService", method: "POST", path: "/flows", body: {}, operation: "create dataflow" });
            fake.valid.clear();
            const c = client();
            await Promise.all(
                Array.from({ length: 20 }, () =>
                    c.request({ family: "flowService", method: "POST", path: "/flows", body: {}, operation: "create dataflow" }),
                ),
            );
            expect(fake.tokenRequests).to.have.length(2);
            expect(fake.calls("POST")).to.have.length(1 + 20 + 20);
        });

        it("gives up with the 401 after one refresh when the new token is refused too", async () => {
            fake.on("GET", `${CAT}/dataSets/d1`, json(401, { error_code: "403025", message: "Profile is not valid" }));
            const err = await rejection(
                client().request({ family: "catalog", method: "GET", path: "/dataSets/d1", operation: "read dataset", object: "d1" }),
            );
            expect(err.status).to.equal(401);
            expect(fake.tokenRequests).to.have.length(2);
            expect(fake.seen).to.have.length(2);
        });

        it("retries the token fetch on 429, 5xx and refused connections, honouring Retry-After", async () => {
            fake.ims.push(json(503, { error: "unavailable" }, { "retry-after": "0.05" }), json(429, {}));
            fake.on("GET", `${CAT}/dataSets`, ok({}));
            await client().request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" });
            expect(fake.tokenRequests).to.have.length(3);
            expect(fake.tokenRequests[1].at - fake.tokenRequests[0].at).to.be.at.least(40);
        });

        it("maps an IMS error to AepError without retrying it, and keeps the secret out", async () => {
            fake.ims.push(
                json(
                    401,
                    { error: "invalid_client", error_description: `invalid client_secret parameter: ${SECRET}` },
                    { "x-request-id": "ims-req-1" },
                ),
            );
            const err = await rejection(
                client().request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" }),
            );
            expect(err.operation).to.equal("get IMS access token");
            expect(err.status).to.equal(401);
            expect(err.code).to.equal("invalid_client");
            expect(err.requestId).to.equal("ims-req-1");
            expect(err.message).to.match(/^get IMS access token: 401 invalid_client invalid client_secret parameter/);
            expect(fake.tokenRequests).to.have.length(1);
            for (const text of [err.message, err.stack, JSON.stringify(err), util.inspect(err)]) expect(text).to.not.include(SECRET);
        });
    });

    describe("headers and URLs", () => {
        it("sends the auth, org and sandbox headers and the Accept AEP expects for each family", async () => {
            fake.on("GET", `${SR}/tenant/schemas/_acme.schemas.abc`, ok({}));
            fake.on("GET", `${SR}/tenant/schemas`, ok({ results: [], _page: { next: null } }));
            fake.on("GET", `${SR}/tenant/descriptors`, ok({}));
            fake.on("POST", `${SR}/tenant/fieldgroups`, json(201, {}));
            fake.on("GET", `${CAT}/dataSets/d1`, ok({}));
            fake.on("GET", `${FLOW}/flows/f1`, ok({ items: [] }));
            fake.on("GET", `${PREP}/mappingSets/m1`, ok({}));
            fake.on("GET", `${"/data/foundation/sandbox-management"}/sandboxes/dev`, ok({}));
            fake.on("PATCH", `${FLOW}/flows/f1`, ok({}));
            fake.on("PATCH", `${CAT}/dataSets/d1`, ok({}));
            const c = client();
            await c.request({
                family: "schemaRegistry",
                method: "GET",
                path: "/tenant/schemas/_acme.schemas.abc",
                operation: "read schema",
            });
            await c.request({ family: "schemaRegistry", method: "GET", path: "/tenant/schemas", operation: "find schema" });
            await c.listSchemaRegistry("/tenant/schemas", {}, "list schemas");
            await c.listSchemaRegistry("/tenant/schemas", {}, "list schemas", "application/vnd.adobe.xed+json");
            await c.request({ family: "schemaRegistry", method: "GET", path: "/tenant/descriptors", operation: "list descriptors" });
            await c.request({
                family: "schemaRegistry",
                method: "POST",
                path: "/tenant/fieldgroups",
                body: { title: "x" },
                operation: "create field group",
            });
            await c.request({ family: "catalog", method: "GET", path: "/dataSets/d1", operation: "read dataset" });
            await c.request({ family: "flowService", method: "GET", path: "/flows/f1", operation: "read dataflow" });
            await c.request({ family: "dataPrep", method: "GET", path: "/mappingSets/m1", operation: "read mapping set" });
            await c.request({ family: "sandbox", method: "GET", path: "/sandboxes/dev", operation: "check sandbox" });
            await c.request({
                family: "flowService",
                method: "PATCH",
                path: "/flows/f1",
                body: [],
                headers: { "If-Match": '"etag-1"' },
                operation: "update dataflow",
            });
            await c.request({
                family: "catalog",
                method: "PATCH",
                path: "/dataSets/d1",
                body: [],
                contentType: "application/json-patch+json",
                headers: { accept: "text/plain" },
                operation: "update dataset",
            });

            const token = fake.issued[0];
            for (const s of fake.seen) {
                expect(s.headers.authorization).to.equal(`Bearer ${token}`);
                expect(s.headers["x-api-key"]).to.equal("client-123");
                expect(s.headers["x-gw-ims-org-id"]).to.equal("0123456789ABCDEF01234567@AdobeOrg");
                expect(s.headers["x-sandbox-name"]).to.equal("dev");
            }
            const accept = fake.seen.map((s) => s.headers.accept);
            expect(accept).to.deep.equal([
                "application/vnd.adobe.xed+json; version=1",
                "application/vnd.adobe.xed-id+json",
                "application/vnd.adobe.xed-id+json",
                "application/vnd.adobe.xed+json",
                "application/vnd.adobe.xdm-id+json",
                "application/json",
                "application/json",
                "application/json",
                "application/json",
                "application/json",
                "application/json",
                "text/plain",
            ]);
            const contentTypes = fake.seen.map((s) => s.headers["content-type"]);
            expect(contentTypes.filter((x) => x !== undefined)).to.deep.equal([
                "application/json",
                "application/json",
                "application/json-patch+json",
            ]);
            expect(fake.seen[0].headers["content-type"]).to.equal(undefined);
            expect(fake.calls("PATCH", `${FLOW}/flows/f1`)[0].headers["if-match"]).to.equal('"etag-1"');
            expect(JSON.parse(fake.calls("POST")[0].body)).to.deep.equal({ title: "x" });
        });

        it("keeps AEP's filter syntax in the query string and resolves an allowed 404", async () => {
            fake.on("GET", `${FLOW}/flows/gone`, json(404, { title: "Resource not found" }));
            fake.on("GET", `${CAT}/dataSets`, ok({}));
            await client().request({
                family: "catalog",
                method: "GET",
                path: "/dataSets",
                query: { property: "name==Chatlio Events", limit: 5, skip: undefined },
                operation: "find dataset",
            });
            expect(fake.seen[0].query.get("property")).to.equal("name==Chatlio Events");
            expect([...fake.seen[0].query.keys()]).to.deep.equal(["property", "limit"]);
            const r = await client().request({
                family: "flowService",
                method: "GET",
                path: "/flows/gone",
                allow404: true,
                operation: "read dataflow",
            });
            expect(r.status).to.equal(404);
        });

        it("hides the secret when the client itself is logged", () => {
            const c = client();
            expect(util.inspect(c)).to.not.include(SECRET);
            expect(JSON.stringify(c)).to.not.include(SECRET);
        });
    });

    describe("retries", () => {
        const methods = ["GET", "PUT", "DELETE", "POST", "PATCH"] as const;
        for (const status of [429, 503]) {
            for (const method of methods) {
                it(`re-sends a ${method} after ${status} (the server did not act)`, async () => {
                    fake.on(method, `${FLOW}/flows/f1`, json(status, { title: "busy" }), ok({ id: "f1" }));
                    const waits: number[] = [];
                    const r = await client({ onRetry: (i) => waits.push(i.attempt) }).request({
                        family: "flowService",
                        method,
                        path: "/flows/f1",
                        body: method === "GET" || method === "DELETE" ? undefined : {},
                        operation: "touch dataflow",
                    });
                    expect(r.data).to.deep.equal({ id: "f1" });
                    expect(fake.calls(method)).to.have.length(2);
                    expect(waits).to.deep.equal([1]);
                });
            }
        }

        for (const status of [502, 504]) {
            for (const method of ["GET", "PUT", "DELETE"] as const) {
                it(`re-sends a ${method} after ${status} (safe to repeat)`, async () => {
                    fake.on(method, `${CAT}/dataSets/d1`, json(status, "gateway"), ok({}));
                    await client().request({ family: "catalog", method, path: "/dataSets/d1", operation: "touch dataset" });
                    expect(fake.calls(method)).to.have.length(2);
                });
            }
        }

        it("re-sends a PATCH carrying If-Match after a 504 and after a reset", async () => {
            fake.on("PATCH", `${FLOW}/flows/f1`, json(504, {}), resetAfterSend, ok({}));
            await client().request({
                family: "flowService",
                method: "PATCH",
                path: "/flows/f1",
                body: [],
                headers: { "if-match": '"e"' },
                operation: "update dataflow",
            });
            expect(fake.calls("PATCH")).to.have.length(3);
        });

        it("re-sends a GET after a dropped connection and after an attempt timeout", async () => {
            fake.on("GET", `${CAT}/dataSets/d1`, resetAfterSend, hang, ok({}));
            await client({ timeoutMs: 100 }).request({ family: "catalog", method: "GET", path: "/dataSets/d1", operation: "read dataset" });
            expect(fake.calls("GET")).to.have.length(3);
        });

        const unknown: Array<[string, Responder]> = [
            ["the connection drops after it was sent", resetAfterSend],
            ["a gateway answers 504", json(504, { type: "https://ns.adobe.com/aep/errors/FLOW-1104-504", title: "Gateway timeout" })],
            ["a gateway answers 502", json(502, "<html><body>Bad Gateway</body></html>")],
            ["the attempt times out", hang],
        ];
        for (const [what, responder] of unknown) {
            it(`never re-sends a POST when ${what}: OutcomeUnknownError, exactly one POST`, async () => {
                fake.on("POST", `${CAT}/dataSets`, responder, json(201, ["@/dataSets/d2"]));
                const err = await rejection(
                    client({ timeoutMs: 150 }).request({
                        family: "catalog",
                        method: "POST",
                        path: "/dataSets",
                        body: { name: "Chatlio Events" },
                        operation: "create dataset",
                        object: "Chatlio Events",
                    }),
                );
                expect(err).to.be.instanceOf(OutcomeUnknownError);
                expect(err.operation).to.equal("create dataset");
                expect(err.object).to.equal("Chatlio Events");
                expect(err.message).to.match(/^create dataset "Chatlio Events": .*look the object up/);
                expect(fake.calls("POST")).to.have.length(1);
            });
        }

        it("treats a PATCH without If-Match like a POST: OutcomeUnknownError after a 504", async () => {
            fake.on("PATCH", `${SR}/tenant/schemas/s1`, json(504, {}), ok({}));
            const err = await rejection(
                client().request({
                    family: "schemaRegistry",
                    method: "PATCH",
                    path: "/tenant/schemas/s1",
                    body: [],
                    operation: "update schema",
                }),
            );
            expect(err).to.be.instanceOf(OutcomeUnknownError);
            expect(fake.calls("PATCH")).to.have.length(1);
        });

        it("re-sends a POST whose connection was refused (nothing reached the server)", async () => {
            const probe = await new FakeAep().start();
            const port = Number(new URL(probe.url).port);
            await probe.close();
            const late = new FakeAep();
            settings.platformUrl = `http://127.0.0.1:${port}`;
            // Fetch the token first, so the POST meets the closed port straight away.
            await client({ maxAttempts: 1 })
                .request({ family: "catalog", method: "GET", path: "/dataSets", operation: "warm token" })
                .catch(() => undefined);
            const reasons: string[] = [];
            const started = client({ baseDelayMs: 60, onRetry: (i) => reasons.push(i.reason) }).request({
                family: "catalog",
                method: "POST",
                path: "/dataSets",
                body: {},
                operation: "create dataset",
            });
            setTimeout(() => {
                void late.start(port).then(() => {
                    late.valid = fake.valid;
                    late.on("POST", `${CAT}/dataSets`, json(201, ["@/dataSets/d9"]));
                });
            }, 30);
            const r = await started;
            await late.close();
            expect(r.data).to.deep.equal(["@/dataSets/d9"]);
            expect(late.calls("POST")).to.have.length(1);
            expect(reasons[0]).to.equal("ECONNREFUSED");
        });

        it("waits as long as Retry-After says, in seconds", async () => {
            fake.on("GET", `${CAT}/dataSets`, json(429, {}, { "retry-after": "1" }), ok({}));
            const delays: number[] = [];
            await client({ onRetry: (i) => delays.push(i.delayMs) }).request({
                family: "catalog",
                method: "GET",
                path: "/dataSets",
                operation: "list datasets",
            });
            const [a, b] = fake.calls("GET");
            expect(delays).to.deep.equal([1000]);
            expect(b.at - a.at).to.be.within(950, 1500);
        });

        it("waits until the HTTP date in Retry-After", async () => {
            const target = Math.ceil((Date.now() + 300) / 1000) * 1000;
            fake.on("GET", `${CAT}/dataSets`, json(503, {}, { "retry-after": new Date(target).toUTCString() }), ok({}));
            await client().request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" });
            const [, b] = fake.calls("GET");
            expect(b.at).to.be.within(target - 30, target + 300);
        });

        it("caps a long Retry-After at maxDelayMs", async () => {
            fake.on("GET", `${CAT}/dataSets`, json(503, {}, { "retry-after": "30" }), ok({}));
            const t0 = Date.now();
            await client({ maxDelayMs: 80 }).request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" });
            expect(Date.now() - t0).to.be.within(70, 600);
        });

        it("gives up at once when Retry-After would pass the deadline", async () => {
            fake.on("GET", `${CAT}/dataSets`, json(429, { message: "slow down" }, { "retry-after": "3" }));
            const t0 = Date.now();
            const err = await rejection(
                client({ maxDelayMs: 10_000, deadlineMs: 1000 }).request({
                    family: "catalog",
                    method: "GET",
                    path: "/dataSets",
                    operation: "list datasets",
                }),
            );
            expect(Date.now() - t0).to.be.below(500);
            expect(err.status).to.equal(429);
            expect(err.message).to.match(/gave up after 1 attempts: waiting 3000 ms would pass the deadline/);
        });

        it("respects the overall deadline across attempts and per-attempt timeouts", async () => {
            fake.on("GET", `${CAT}/dataSets`, hang);
            const t0 = Date.now();
            const err = await rejection(
                client({ timeoutMs: 150, deadlineMs: 400, baseDelayMs: 10, maxAttempts: 100 }).request({
                    family: "catalog",
                    method: "GET",
                    path: "/dataSets",
                    operation: "list datasets",
                }),
            );
            expect(Date.now() - t0).to.be.within(300, 700);
            expect(err.code).to.equal("ETIMEDOUT");
            expect(fake.calls("GET").length).to.be.within(2, 4);
        });

        it("stops after maxAttempts, with backoff between attempts", async () => {
            fake.on("DELETE", `${FLOW}/flows/f1`, json(503, { title: "Service unavailable" }));
            const info: Array<{ attempt: number; delayMs: number }> = [];
            const err = await rejection(
                client({ maxAttempts: 3, baseDelayMs: 20, onRetry: (i) => info.push(i) }).request({
                    family: "flowService",
                    method: "DELETE",
                    path: "/flows/f1",
                    operation: "delete dataflow",
                }),
            );
            expect(fake.calls("DELETE")).to.have.length(3);
            expect(info.map((i) => i.attempt)).to.deep.equal([1, 2]);
            expect(info[0].delayMs).to.be.within(0, 20);
            expect(info[1].delayMs).to.be.within(0, 40);
            expect(err.message).to.match(/503 Service unavailable; gave up after 3 attempts$/);
        });

        it("retries a 500 where a repeat is safe (GET, PUT, idempotent PATCH), reports a POST's 500 as outcome unknown, and never retries a 400", async () => {
            fake.on("GET", `${CAT}/dataSets`, json(500, { message: "internal" }));
            fake.on("PUT", `${CAT}/dataSets/d1`, json(500, { message: "internal" }));
            fake.on("PATCH", `${CAT}/dataSets/d1`, json(500, { message: "internal" }));
            fake.on("POST", `${CAT}/dataSets`, json(500, { message: "internal" }));
            fake.on("POST", `${SR}/tenant/schemas`, json(400, { title: "bad" }));
            const c = client({ maxAttempts: 2, baseDelayMs: 5 });
            expect(
                (await rejection(c.request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" }))).status,
            ).to.equal(500);
            expect(
                (
                    await rejection(
                        c.request({ family: "catalog", method: "PUT", path: "/dataSets/d1", body: {}, operation: "update dataset" }),
                    )
                ).status,
            ).to.equal(500);
            expect(
                (
                    await rejection(
                        c.request({
                            family: "catalog",
                            method: "PATCH",
                            path: "/dataSets/d1",
                            body: {},
                            idempotent: true,
                            operation: "update dataset",
                        }),
                    )
                ).status,
            ).to.equal(500);
            const lost = await rejection(
                c.request({ family: "catalog", method: "POST", path: "/dataSets", body: {}, operation: "create dataset" }),
            );
            expect(lost).to.be.instanceOf(OutcomeUnknownError);
            expect(
                (
                    await rejection(
                        c.request({
                            family: "schemaRegistry",
                            method: "POST",
                            path: "/tenant/schemas",
                            body: {},
                            operation: "create schema",
                        }),
                    )
                ).status,
            ).to.equal(400);
            expect(fake.seen.map((s) => s.method)).to.deep.equal(["GET", "GET", "PUT", "PUT", "PATCH", "PATCH", "POST", "POST"]);
        });

        it("sends a PATCH marked idempotent again after a 504 or a dropped connection, like a PUT; a plain PATCH without If-Match is outcome unknown", async () => {
            let n = 0;
            fake.on("PATCH", `${CAT}/dataSets/d1`, (_req, res) =>
                ++n === 1 ? json(504, { message: "gateway" })(_req, res) : json(200, ["@/dataSets/d1"])(_req, res),
            );
            const ok = await client({ baseDelayMs: 5 }).request({
                family: "catalog",
                method: "PATCH",
                path: "/dataSets/d1",
                body: { name: "x" },
                idempotent: true,
                operation: "update dataset",
            });
            expect(ok.data).to.deep.equal(["@/dataSets/d1"]);
            expect(n).to.equal(2);
            n = 0;
            const plain = await rejection(
                client({ baseDelayMs: 5 }).request({
                    family: "catalog",
                    method: "PATCH",
                    path: "/dataSets/d1",
                    body: { name: "x" },
                    operation: "update dataset",
                }),
            );
            expect(plain).to.be.instanceOf(OutcomeUnknownError);
            expect(n).to.equal(1);
        });

        it("waits out a Flow Service transitional state (1421 while updating) beyond maxAttempts, within the deadline, saying so", async () => {
            let n = 0;
            const busy = {
                type: "https://ns.adobe.com/aep/errors/FLOW-1421-400",
                title: "Operation not allowed while updating",
                status: 400,
                report: { "detailed-message": 'The flow f1 is in state "updating".' },
            };
            fake.on("PATCH", `${FLOW}/flows/f1`, (req, res) =>
                ++n <= 4 ? json(400, busy)(req, res) : json(200, { id: "f1", etag: '"e2"' })(req, res),
            );
            const info: Array<{ reason: string }> = [];
            const r = await client({ maxAttempts: 2, baseDelayMs: 5, onRetry: (i) => info.push(i) }).request({
                family: "flowService",
                method: "PATCH",
                path: "/flows/f1",
                body: [],
                headers: { "If-Match": '"e1"' },
                operation: "update dataflow",
            });
            expect(r.data.etag).to.equal('"e2"');
            expect(n).to.equal(5);
            expect(info).to.have.length(4);
            expect(info[0].reason).to.match(/AEP is busy with it \(1421-400: .*"updating".*\); waiting for it to settle/);
        });
    });

    describe("errors", () => {
        const cases: Array<{
            shape: string;
            status: number;
            body: unknown;
            headers?: Record<string, string>;
            code?: string;
            requestId?: string;
            aepMessage?: string;
            message?: string;
        }> = [
            {
                shape: "Schema Registry",
                status: 400,
                body: {
                    type: "http://ns.adobe.com/aep/errors/XDM-1521-400",
                    title: "Title not unique",
                    status: 400,
                    report: {
                        registryRequestId: "abc",
                        timestamp: "06-01-2021 04:11:06",
                        "detailed-message":
                            "Object titles must be unique. An object https://ns.adobe.com/acme/schemas/1 already exists with the same title",
                        "sub-errors": [],
                    },
                    detail: "Object titles must be unique. An object https://ns.adobe.com/acme/schemas/1 already exists with the same title",
                },
                code: "XDM-1521-400",
                requestId: "abc",
                message:
                    'create schema "Chatlio Events": 400 XDM-1521-400 Title not unique: Object titles must be unique. An object https://ns.adobe.com/acme/schemas/1 already exists with the same title (request id abc)',
            },
            {
                shape: "gateway",
                status: 403,
                body: { error_code: "403010", message: "Oauth token is missing." },
                headers: { "x-request-id": "gw-1" },
                code: "403010",
                requestId: "gw-1",
                message: 'create schema "Chatlio Events": 403 403010 Oauth token is missing. (request id gw-1)',
            },
            {
                shape: "Flow Service",
                status: 404,
                body: {
                    type: "https://ns.adobe.com/aep/errors/FLOW-1439-404",
                    title: "Resource not found",
                    status: 404,
                    report: {
                        "detailed-message": "The requested flows resource f1 is not found.",
                        id: "f1",
                        "request-id": "flow-req",
                        type: "flows",
                    },
                    errorMessage: "The requested flows resource f1 is not found.",
                    errorDetails: "The requested flows resource f1 is not found.",
                },
                code: "1439-404",
                requestId: "flow-req",
                aepMessage: "Resource not found: The requested flows resource f1 is not found.",
            },
            {
                shape: "Flow Service, code in type",
                status: 412,
                body: {
                    type: "https://ns.adobe.com/aep/errors/1404-412",
                    title: "Version not matching",
                    status: 412,
                    report: { "request-id": "r412" },
                },
                code: "1404-412",
                requestId: "r412",
                aepMessage: "Version not matching",
            },
            {
                shape: "bare errorMessage",
                status: 412,
                body: { errorMessage: "Supplied version=[1] does not match the current version on entity=[flow]" },
                code: undefined,
                aepMessage: "Supplied version=[1] does not match the current version on entity=[flow]",
            },
            {
                shape: "older placeholder",
                status: 400,
                body: {
                    type: "/placeholder/type/uri",
                    status: 400,
                    title: "BadRequestError",
                    detail: "A valid content-type must be specified",
                },
                code: undefined,
                aepMessage: "BadRequestError: A valid content-type must be specified",
            },
            {
                shape: "DCS",
                status: 403,
                body: {
                    type: "https://ns.adobe.com/adobecloud/problem/data-collection-service-authorization",
                    status: "401",
                    title: "Authorization",
                    report: { message: "token invalid" },
                },
                code: "data-collection-service-authorization",
                aepMessage: "Authorization: token invalid",
            },
            {
                shape: "Catalog {message}",
                status: 400,
                body: { message: "limit must be between 1 and 100" },
                aepMessage: "limit must be between 1 and 100",
            },
            { shape: "{error}", status: 409, body: { error: "conflict" }, aepMessage: "conflict" },
            {
                shape: "{title, detail}",
                status: 422,
                body: { title: "Invalid", detail: "name is required" },
                aepMessage: "Invalid: name is required",
            },
            { shape: "plain text", status: 400, body: "Bad things happened", aepMessage: "Bad things happened" },
            {
                shape: "HTML",
                status: 400,
                body: "<html><head><title>400</title></head><body>Bad request</body></html>",
                aepMessage: "400 Bad request",
            },
            {
                shape: "array",
                status: 400,
                body: [{ code: "E1", message: "first" }, { message: "second" }],
                code: "E1",
                aepMessage: "first; second",
            },
            {
                shape: "empty body",
                status: 400,
                body: undefined,
                aepMessage: "Bad Request",
                message: 'create schema "Chatlio Events": 400 Bad Request',
            },
        ];
        for (const c of cases) {
            it(`maps the ${c.shape} error body`, async () => {
                fake.on("PUT", `${SR}/tenant/schemas/s1`, json(c.status, c.body, c.headers));
                const err = await rejection(
                    client().request({
                        family: "schemaRegistry",
                        method: "PUT",
                        path: "/tenant/schemas/s1",
                        body: {},
                        operation: "create schema",
                        object: "Chatlio Events",
                    }),
                );
                expect(err.name).to.equal("AepError");
                expect(err.operation).to.equal("create schema");
                expect(err.object).to.equal("Chatlio Events");
                expect(err.status).to.equal(c.status);
                expect(err.code).to.equal(c.code);
                expect(err.requestId).to.equal(c.requestId);
                if (c.aepMessage) expect(err.aepMessage).to.equal(c.aepMessage);
                if (c.message) expect(err.message).to.equal(c.message);
                else expect(err.message).to.include(`create schema "Chatlio Events": ${c.status}`).and.include(c.aepMessage!);
            });
        }

        it("names the network failure when nothing answers", async () => {
            settings.platformUrl = "http://127.0.0.1:1";
            const err = await rejection(
                client({ maxAttempts: 2 }).request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" }),
            );
            expect(err.code).to.equal("ECONNREFUSED");
            expect(err.status).to.equal(undefined);
            expect(err.message).to.match(/^list datasets: ECONNREFUSED connect ECONNREFUSED 127\.0\.0\.1:1; gave up after 2 attempts$/);
        });

        it("keeps the token and the secret out of messages, stacks, JSON and inspection", async () => {
            const echo: Responder = (req, res) =>
                json(400, {
                    title: "Echo",
                    detail: `you sent ${req.headers.authorization} with secret ${SECRET} and access_token=${String(req.headers.authorization).slice(7)}`,
                })(req, res);
            fake.on("PUT", `${CAT}/dataSets/d1`, echo);
            fake.on("POST", `${CAT}/dataSets`, resetAfterSend);
            const errors = [
                await rejection(
                    client().request({
                        family: "catalog",
                        method: "PUT",
                        path: "/dataSets/d1",
                        body: { secret: SECRET },
                        operation: "update dataset",
                    }),
                ),
                await rejection(
                    client().request({
                        family: "catalog",
                        method: "POST",
                        path: "/dataSets",
                        body: { secret: SECRET },
                        operation: "create dataset",
                    }),
                ),
            ];
            expect(fake.issued).to.have.length(1);
            const token = fake.issued[0];
            for (const err of errors) {
                for (const text of [
                    err.message,
                    err.stack ?? "",
                    JSON.stringify(err),
                    util.inspect(err, { depth: 10, showHidden: true }),
                ]) {
                    expect(text).to.not.include(token);
                    expect(text).to.not.include(SECRET);
                }
            }
            expect(errors[0].aepMessage).to.include("[redacted]");
        });

        it("redacts credentials from any log line", () => {
            expect(redact("Authorization: Bearer abc.def-123 x")).to.equal("Authorization: Bearer [redacted] x");
            expect(redact("grant_type=client_credentials&client_secret=p8e-xyz&scope=a")).to.equal(
                "grant_type=client_credentials&client_secret=[redacted]&scope=a",
            );
            expect(redact('{"access_token":"eyJabcdef.eyJghijkl.sig"}')).to.not.include("eyJ");
            expect(redact("my value hunter2 here", "hunter2")).to.equal("my value [redacted] here");
            expect(client().redact(`failed with ${SECRET}`)).to.equal("failed with [redacted]");
        });

        it("reads Retry-After as seconds or an HTTP date", () => {
            const now = Date.parse("Tue, 01 Jan 2030 00:00:00 GMT");
            expect(parseRetryAfter("2", now)).to.equal(2000);
            expect(parseRetryAfter("0.5", now)).to.equal(500);
            expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:03 GMT", now)).to.equal(3000);
            expect(parseRetryAfter("Mon, 31 Dec 2029 00:00:00 GMT", now)).to.equal(0);
            expect(parseRetryAfter("soon", now)).to.equal(undefined);
            expect(parseRetryAfter(undefined, now)).to.equal(undefined);
        });
    });

    describe("paging", () => {
        it("follows Flow Service continuation tokens until there is no next link", async () => {
            fake.on(
                "GET",
                `${FLOW}/flows`,
                ok({ items: [{ id: "a" }, { id: "b" }], _links: { next: { href: "/flows?continuationToken=t1&property=name%3D%3DX" } } }),
                ok({ items: [{ id: "c" }], _links: { next: { href: "/flows?continuationToken=t2&property=name%3D%3DX" } } }),
                ok({ items: [{ id: "d" }], _links: {} }),
            );
            const items = await client().listFlowService<{ id: string }>("/flows", { property: "name==X" }, "find dataflow");
            expect(items.map((i) => i.id)).to.deep.equal(["a", "b", "c", "d"]);
            expect(fake.seen.map((s) => s.query.get("continuationToken"))).to.deep.equal([null, "t1", "t2"]);
            expect(fake.seen.every((s) => s.query.get("property") === "name==X")).to.equal(true);
        });

        it("pages Catalog lists by start and limit=100 and turns the id-keyed object into rows", async () => {
            const page = (from: number, n: number) =>
                Object.fromEntries(Array.from({ length: n }, (_, i) => [`d${from + i}`, { name: `n${from + i}` }]));
            fake.on("GET", `${CAT}/dataSets`, ok(page(0, 100)), ok(page(100, 100)), ok(page(200, 5)));
            const rows = await client().listCatalog<{ name: string }>("/dataSets", { properties: "name" }, "list datasets");
            expect(rows).to.have.length(205);
            expect(rows[204]).to.deep.equal({ id: "d204", name: "n204" });
            expect(fake.seen.map((s) => [s.query.get("start"), s.query.get("limit"), s.query.get("properties")])).to.deep.equal([
                ["0", "100", "name"],
                ["100", "100", "name"],
                ["200", "100", "name"],
            ]);
        });

        it("pages Schema Registry lists with orderby and the start value from _page.next", async () => {
            fake.on(
                "GET",
                `${SR}/tenant/fieldgroups`,
                ok({ results: [{ title: "A" }, { title: "B" }], _page: { orderby: "title", next: "B", count: 2 } }),
                ok({ results: [{ title: "C" }], _page: { orderby: "title", next: null, count: 1 } }),
            );
            const results = await client().listSchemaRegistry<{ title: string }>(
                "/tenant/fieldgroups",
                { limit: 1000 },
                "list field groups",
            );
            expect(results.map((r) => r.title)).to.deep.equal(["A", "B", "C"]);
            expect(fake.seen.map((s) => [s.query.get("orderby"), s.query.get("limit"), s.query.get("start")])).to.deep.equal([
                ["title", "300", null],
                ["title", "300", "B"],
            ]);
        });

        it("pages Data Prep lists by start and limit", async () => {
            fake.on(
                "GET",
                `${PREP}/mappingSets`,
                ok({ data: [{ id: "m1" }, { id: "m2" }], _page: { count: 2, limit: 2 } }),
                ok({ data: [{ id: "m3" }], _page: { count: 1, limit: 2 } }),
            );
            const rows = await client().listDataPrep<{ id: string }>("/mappingSets", { limit: 2, name: "x" }, "list mapping sets");
            expect(rows.map((r) => r.id)).to.deep.equal(["m1", "m2", "m3"]);
            expect(fake.seen.map((s) => [s.query.get("start"), s.query.get("limit"), s.query.get("name")])).to.deep.equal([
                ["0", "2", "x"],
                ["2", "2", "x"],
            ]);
        });
    });
});
