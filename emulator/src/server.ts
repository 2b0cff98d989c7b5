/**
 * The HTTP side of the emulator: one loopback server for IMS, every Platform family and the DCS inlet.
 * It reads the body, adds latency, injects faults, runs the gateway checks, dispatches to the family,
 * writes the store, answers, and records the exchange (in memory and, optionally, in a traffic log).
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import { CATALOG_BASE, catalogRoutes, handleCatalog, settleBatches } from "./catalog";
import { DATA_PREP_BASE, dataPrepRoutes, handleDataPrep } from "./data-prep";
import { ApiError, dcsError, imsError, problem, problemError } from "./errors";
import { FLOW_SERVICE_BASE, flowServiceRoutes, handleFlowService } from "./flow-service";
import { Core, Ctx, Reply, RouteInfo, notServed } from "./http";
import { checkGateway, issueToken } from "./ims";
import { handleInlet } from "./inlet";
import { deleteObject, editObject, getObject, listObjects, recordsOf } from "./objects";
import { SANDBOX_BASE, SANDBOX_TOOLING_BASE, handleSandbox, handleSandboxTooling, sandboxRoutes, sandboxToolingRoutes } from "./sandbox";
import { SCHEMA_REGISTRY_BASE, handleSchemaRegistry, schemaRegistryRoutes } from "./schema-registry";
import { Store } from "./store";
import { EmulatorClient, EmulatorOptions, EmulatorState, FaultRule, LogEntry } from "./types";
import { isObject, requestId, seededIds, sleep, withIds } from "./util";

export const DEMO_CREDENTIALS: EmulatorClient = Object.freeze({
    clientId: "emulator-client-id",
    clientSecret: "emulator.secret.not.real",
    orgId: "0123456789ABCDEF01234567@AdobeOrg",
});

interface Family {
    /** The name the request log shows. */
    name: string;
    /** Adobe's title for the API, as the route table shows it. */
    title: string;
    base: string;
    handle: (ctx: Ctx) => Reply;
    routes: () => RouteInfo[];
}

const FAMILIES: Family[] = [
    {
        name: "schemaRegistry",
        title: "Schema Registry",
        base: SCHEMA_REGISTRY_BASE,
        handle: handleSchemaRegistry,
        routes: schemaRegistryRoutes,
    },
    { name: "catalog", title: "Catalog", base: CATALOG_BASE, handle: handleCatalog, routes: catalogRoutes },
    { name: "flowService", title: "Flow Service", base: FLOW_SERVICE_BASE, handle: handleFlowService, routes: flowServiceRoutes },
    { name: "dataPrep", title: "Data Prep", base: DATA_PREP_BASE, handle: handleDataPrep, routes: dataPrepRoutes },
    { name: "sandbox", title: "Sandbox", base: SANDBOX_BASE, handle: handleSandbox, routes: sandboxRoutes },
    { name: "sandbox", title: "Sandbox tooling", base: SANDBOX_TOOLING_BASE, handle: handleSandboxTooling, routes: sandboxToolingRoutes },
];

/** One API family's routes as the emulator knows them: those it serves and those it does not (501). */
export interface FamilyRoutes {
    family: string;
    base: string;
    routes: RouteInfo[];
}

/**
 * Every route the emulator serves, and every route of Adobe's references it does not serve (answered
 * 501), by family. IMS and the inlet come first; their paths are whole.
 */
export function routeTable(): FamilyRoutes[] {
    return [
        { family: "IMS", base: "", routes: [{ method: "POST", path: IMS_PATH }] },
        {
            family: "Streaming ingestion (DCS inlet)",
            base: "",
            routes: [
                { method: "POST", path: "/collection/:inletId" },
                { method: "POST", path: "/collection/batch/:inletId" },
            ],
        },
        ...FAMILIES.map((f) => ({ family: f.title, base: f.base, routes: f.routes() })),
    ];
}

const IMS_PATH = "/ims/token/v3";
/** Adobe's expected data-lake latency for streaming ingestion: "under 60 minutes" (see catalog.ts). */
const DATA_LAKE_LATENCY_MS = 60 * 60 * 1000;
/** Bodies beyond this are refused outright (the inlet's own limit is far lower). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function platformFamily(path: string): Family | undefined {
    return FAMILIES.find((f) => path === f.base || path.startsWith(f.base + "/"));
}

function familyOf(path: string): string {
    if (path === IMS_PATH) return "ims";
    if (path.startsWith("/collection/")) return "inlet";
    return platformFamily(path)?.name ?? "unknown";
}

/** Media type without parameters, lowercase. */
function mediaType(value: string | undefined): string {
    return (value ?? "").split(";")[0].trim().toLowerCase();
}

function isJsonType(media: string): boolean {
    return media === "application/json" || /^application\/[a-z0-9.+-]*\+json$/.test(media);
}

interface ActiveRule {
    rule: FaultRule;
    remaining: number;
}

/** The fault rules in force; the first rule that matches a request applies. */
export class Faults {
    private rules: ActiveRule[] = [];
    injected = 0;

    add(rule: FaultRule): void {
        if (!rule || (typeof rule.path !== "string" && !(rule.path instanceof RegExp)))
            throw new Error("a fault rule needs a path (string prefix or RegExp)");
        this.rules.push({ rule, remaining: rule.count ?? 1 });
    }

    clear(): void {
        this.rules = [];
    }

    list(): FaultRule[] {
        return this.rules.map((r) => ({ ...r.rule, count: r.remaining }));
    }

    /** The rule for this request, if any, counting the injection. */
    take(method: string, path: string): FaultRule | undefined {
        const hit = this.rules.find(
            (r) =>
                (!r.rule.method || r.rule.method.toUpperCase() === method) &&
                (typeof r.rule.path === "string" ? path.startsWith(r.rule.path) : r.rule.path.test(path)),
        );
        if (!hit) return undefined;
        hit.remaining--;
        if (hit.remaining <= 0) this.rules = this.rules.filter((r) => r !== hit);
        this.injected++;
        return hit.rule;
    }
}

export class EmulatorServer {
    readonly server: http.Server;
    readonly faults = new Faults();
    readonly log: LogEntry[] = [];
    core!: Core;
    private readonly trafficLog?: string;
    private readonly sockets = new Set<import("net").Socket>();

    constructor(private readonly options: EmulatorOptions = {}) {
        this.trafficLog = options.trafficLog ?? (process.env.AEP_TRAFFIC_LOG || undefined);
        this.server = http.createServer((req, res) => {
            this.handle(req, res).catch((e) => {
                // A bug in the emulator itself: answer 500 rather than leave the client hanging.
                if (!res.headersSent) {
                    res.writeHead(500, { "Content-Type": "application/json" });
                    res.end(
                        JSON.stringify({
                            type: "/placeholder/type/uri",
                            status: 500,
                            title: "InternalServerError",
                            detail: String(e?.stack ?? e),
                        }),
                    );
                }
            });
        });
        this.server.on("connection", (s) => {
            this.sockets.add(s);
            s.on("close", () => this.sockets.delete(s));
        });
    }

    async listen(): Promise<string> {
        const host = this.options.host ?? "127.0.0.1";
        await new Promise<void>((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(this.options.port ?? 0, host, () => resolve());
        });
        const port = (this.server.address() as AddressInfo).port;
        const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
        const url = `http://${shown}:${port}`;
        const sandboxes = this.options.sandboxes ?? ["prod", "dev"];
        this.core = {
            url,
            tenantId: this.options.tenantId ?? "acme",
            clients: this.options.clients ?? [DEMO_CREDENTIALS],
            sandboxes,
            tokenTtlSeconds: this.options.tokenTtlSeconds ?? 86399,
            flowSettleMs: this.options.flowSettleMs ?? 0,
            dataLakeLatencyMs: this.options.dataLakeLatencyMs ?? DATA_LAKE_LATENCY_MS,
            transitions: new Map(),
            // The store is opened once the URL is known: loading rewrites stored inlet URLs to this server.
            store: new Store(this.options.storeFile, sandboxes, (store) => this.rebaseInlets(store, url)),
        };
        const seed = this.options.seed;
        if (seed !== undefined) this.core.ids = seededIds(String(seed), () => this.core.store.nextIdNumber());
        return url;
    }

    /** Stored flows and base connections keep their inlet id; the host part follows the server they are served from. */
    private rebaseInlets(store: Store, url: string): void {
        const rebase = (u: string) => u.replace(/^.*(\/collection\/[^/]+)$/, `${url}$1`);
        for (const [, sb] of store.all()) {
            for (const flow of Object.values(sb.flows)) {
                const u = flow.options?.inletUrl;
                if (typeof u === "string") flow.options.inletUrl = rebase(u);
            }
            for (const base of Object.values(sb.connections)) {
                const u = base.auth?.params?.inletUrl;
                if (typeof u === "string") base.auth.params.inletUrl = rebase(u);
            }
        }
    }

    /**
     * Back to a fresh emulator: every sandbox emptied (objects, records, batches), the fault rules and the
     * request log cleared, transitional flow states ended, the seeded id sequence restarted. Tokens IMS
     * issued stay valid.
     */
    reset(): void {
        const store = this.core.store;
        store.refresh();
        store.reset();
        store.flush();
        this.faults.clear();
        this.faults.injected = 0;
        this.log.length = 0;
        this.core.transitions.clear();
    }

    /** Lands every batch still in flight to the data lake now (see catalog.ts). */
    flushDataLake(): void {
        const store = this.core.store;
        store.refresh();
        for (const [, sb] of store.all()) settleBatches(this.core, sb, "all");
        store.flush();
    }

    /** What the emulator holds: every sandbox's objects, records and batches (a copy), or one sandbox's. */
    state(sandbox?: string): EmulatorState {
        const store = this.core.store;
        store.refresh();
        for (const [, sb] of store.all()) settleBatches(this.core, sb);
        store.flush();
        const all = store.snapshot();
        if (sandbox !== undefined && !all[sandbox]) throw new ApiError(404, { error: `no sandbox ${sandbox}` });
        const sandboxes = (sandbox === undefined ? all : { [sandbox]: all[sandbox] }) as unknown as EmulatorState["sandboxes"];
        return { url: this.core.url, tenantId: this.core.tenantId, sandboxes };
    }

    async close(): Promise<void> {
        await new Promise<void>((resolve) => {
            this.server.close(() => resolve());
            for (const s of this.sockets) s.destroy();
        });
    }

    // -----------------------------------------------------------------------------------------------

    private async readBody(req: http.IncomingMessage): Promise<{ raw: Buffer; tooLarge: boolean }> {
        const chunks: Buffer[] = [];
        let size = 0;
        let tooLarge = false;
        for await (const chunk of req) {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) tooLarge = true;
            else chunks.push(chunk as Buffer);
        }
        return { raw: Buffer.concat(chunks), tooLarge };
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const method = (req.method ?? "GET").toUpperCase();
        const url = new URL(req.url ?? "/", "http://emulator");
        const path = url.pathname;
        const { raw, tooLarge } = await this.readBody(req);
        const rawBody = raw.toString("utf8");

        if (path === "/__emulator" || path.startsWith("/__emulator/")) {
            // Control routes: no auth, no faults, no latency, never logged.
            let reply: Reply;
            try {
                reply = withIds(this.core.ids, () => this.control(method, path, url.searchParams, rawBody));
            } catch (e) {
                reply = e instanceof ApiError ? { status: e.status, body: e.body } : { status: 400, body: { error: (e as Error).message } };
            }
            return this.send(res, reply);
        }

        const family = familyOf(path);
        const exchange = { method, url, req, rawBody, family };
        if (this.options.latencyMs) await sleep(this.options.latencyMs);
        this.core.store.refresh();

        const fault = this.faults.take(method, path);
        if (fault?.reset === "before") {
            this.record(exchange, 0, undefined);
            req.socket.destroy();
            return;
        }
        // The hold hook: tell the test, then hold the request before acting (FaultRule.onMatch). What
        // follows runs whether or not the client is still there.
        const held = !!fault?.onMatch;
        if (fault?.onMatch) {
            try {
                await fault.onMatch({ method, path });
            } catch {
                // A failing callback is the test's business; the request goes on.
            }
            if (fault.delayMs) await sleep(fault.delayMs);
            this.core.store.refresh();
        }
        const injectedReply = (f: FaultRule): Reply => {
            const headers: Record<string, string> = {};
            if (f.retryAfter !== undefined) headers["Retry-After"] = f.retryAfter;
            const body =
                f.body !== undefined
                    ? f.body
                    : {
                          type: "/placeholder/type/uri",
                          status: f.status,
                          title: "InjectedFault",
                          detail: `Fault injected by the emulator for ${method} ${path}.`,
                      };
            return { status: f.status!, body, headers };
        };
        if (fault?.status !== undefined && !fault.commit) {
            if (fault.delayMs && !held) await sleep(fault.delayMs);
            const reply = injectedReply(fault);
            this.record(exchange, reply.status, reply.body);
            return this.send(res, reply);
        }

        let reply: Reply;
        try {
            if (tooLarge)
                throw family === "inlet"
                    ? dcsError(413, "payload-size", "Payload too large", "The payload is larger than 1 MB.")
                    : problem(413, "The request body is too large.");
            reply = withIds(this.core.ids, () => this.dispatch(method, path, url, req, rawBody, family));
        } catch (e) {
            if (e instanceof ApiError) reply = { status: e.status, body: e.body, headers: e.headers };
            else
                reply = {
                    status: 500,
                    body: {
                        type: "/placeholder/type/uri",
                        status: 500,
                        title: "InternalServerError",
                        detail: String((e as Error)?.stack ?? e),
                    },
                };
        }
        this.core.store.flush();

        if (fault?.reset === "after-commit") {
            // The operation happened and is stored; the client never hears about it.
            this.record(exchange, 0, undefined);
            req.socket.destroy();
            return;
        }
        // The operation happened and is stored; the client hears the injected status instead.
        if (fault?.status !== undefined && fault.commit) reply = injectedReply(fault);
        if (fault?.delayMs && !held) await sleep(fault.delayMs);
        this.record(exchange, reply.status, reply.body);
        this.send(res, reply);
    }

    private dispatch(method: string, path: string, url: URL, req: http.IncomingMessage, rawBody: string, family: string): Reply {
        const contentType = mediaType(req.headers["content-type"]);
        const ctx: Ctx = {
            core: this.core,
            method,
            path,
            query: url.searchParams,
            headers: req.headers,
            rawBody,
            body: undefined,
            contentType,
        };
        if (family === "ims") {
            if (method !== "POST") throw imsError(405, "invalid_request", "The token endpoint only accepts POST.");
            return issueToken(ctx);
        }
        if (family === "inlet") return handleInlet(ctx);
        const fam = platformFamily(path);
        if (!fam) {
            if (path === "/" && method === "GET") return { status: 200, body: { service: "AEP emulator", url: this.core.url } };
            throw notServed(method, path);
        }
        ctx.path = path.slice(fam.base.length) || "/";
        ctx.auth = checkGateway(ctx);
        if (["POST", "PUT", "PATCH"].includes(method) && rawBody.length > 0) {
            // A missing or non-JSON Content-Type on a call with a body: aep-api.md §1.2.
            if (!isJsonType(contentType)) throw problemError(400, "BadRequestError", "A valid content-type must be specified");
            try {
                ctx.body = JSON.parse(rawBody);
            } catch {
                throw problemError(400, "BadRequestError", "The request body is not valid JSON.");
            }
        }
        return fam.handle(ctx);
    }

    private send(res: http.ServerResponse, reply: Reply): void {
        // The client may be gone (killed during a hold): the operation stands, nobody hears the answer.
        if (res.destroyed || res.socket?.destroyed || !res.socket) return;
        const headers: Record<string, string> = { "x-request-id": requestId(), ...(reply.headers ?? {}) };
        if (reply.body === undefined || reply.status === 204) {
            res.writeHead(reply.status, headers);
            res.end();
            return;
        }
        headers["Content-Type"] = "application/json";
        res.writeHead(reply.status, headers);
        res.end(JSON.stringify(reply.body));
    }

    /** Adds the exchange to the in-memory log and, when configured, to the traffic log file. */
    private record(
        ex: { method: string; url: URL; req: http.IncomingMessage; rawBody: string; family: string },
        status: number,
        responseBody: unknown,
    ): void {
        const kind = ex.family === "ims" ? "token" : ex.method === "GET" || ex.method === "HEAD" ? "read" : "write";
        this.log.push({
            method: ex.method,
            path: ex.url.pathname,
            query: ex.url.search.replace(/^\?/, ""),
            status,
            family: ex.family,
            kind,
        });
        if (!this.trafficLog) return;
        const headers: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(ex.req.headers)) headers[k] = k === "authorization" ? "Bearer [redacted]" : v;
        let requestBody: unknown;
        if (ex.rawBody.length > 0) {
            try {
                requestBody = JSON.parse(ex.rawBody);
            } catch {
                requestBody = redactSecret(ex.rawBody);
            }
        }
        // The access token IMS hands out is a credential too: it is hidden like the Authorization header.
        if (ex.family === "ims" && isObject(responseBody) && typeof responseBody.access_token === "string") {
            responseBody = { ...responseBody, access_token: "[redacted]" };
        }
        const line = {
            method: ex.method,
            url: `${this.core.url}${ex.url.pathname}${redactSecret(ex.url.search)}`,
            requestHeaders: headers,
            requestBody,
            status,
            responseBody,
        };
        fs.appendFileSync(this.trafficLog, JSON.stringify(line) + "\n");
    }

    // -----------------------------------------------------------------------------------------------
    // Control routes for other processes (docs/CONTRACTS.md, plus a few additions)

    private control(method: string, path: string, query: URLSearchParams, rawBody: string): Reply {
        const store = this.core.store;
        store.refresh();
        const parts = path.split("/").filter(Boolean).slice(1).map(decodeURIComponent);
        const body = rawBody.trim() ? JSON.parse(rawBody) : undefined;
        const route = `${method} ${parts[0] ?? ""}`;
        switch (route) {
            case "GET ":
            case "GET health":
                return {
                    status: 200,
                    body: { ok: true, url: this.core.url, sandboxes: this.core.sandboxes, tenantId: this.core.tenantId },
                };
            case "GET objects":
                if (parts.length === 3) {
                    const obj = getObject(store, parts[1], parts[2]);
                    return obj ? { status: 200, body: obj } : { status: 404, body: { error: `no ${parts[1]} ${parts[2]}` } };
                }
                return { status: 200, body: listObjects(store, query.get("sandbox") ?? undefined) };
            case "PATCH objects":
                editObject(store, parts[1], parts[2], isObject(body) ? body : {});
                return { status: 204 };
            case "DELETE objects":
                deleteObject(store, parts[1], parts[2]);
                return { status: 204 };
            case "GET records":
                return { status: 200, body: recordsOf(store, parts[1] ?? "") };
            case "GET faults":
                return { status: 200, body: { rules: this.faults.list().map(ruleToJson), injected: this.faults.injected } };
            case "POST faults": {
                this.faults.add(ruleFromJson(body));
                return { status: 201, body: { injected: this.faults.injected } };
            }
            case "DELETE faults":
                this.faults.clear();
                return { status: 204 };
            case "POST reset":
                this.reset();
                return { status: 204 };
            case "POST flush":
                this.flushDataLake();
                return { status: 204 };
            case "GET state":
                return { status: 200, body: this.state(query.get("sandbox") ?? undefined) };
            case "GET log":
                return { status: 200, body: this.log };
            case "DELETE log":
                this.log.length = 0;
                return { status: 204 };
            default:
                return { status: 404, body: { error: `no control route ${method} ${path}` } };
        }
    }
}

const RULE_FIELDS = ["method", "path", "pathRegex", "status", "body", "retryAfter", "delayMs", "reset", "commit", "count"];

/**
 * A fault rule sent to POST /__emulator/faults: the FaultRule fields as JSON, `path` a string prefix or
 * `pathRegex` a regular expression's source; `count` may be null or "Infinity" for always. A field it does
 * not know, or a value of the wrong type, is refused (a misspelt field would otherwise inject nothing).
 */
function ruleFromJson(body: unknown): FaultRule {
    if (!isObject(body)) throw new Error("POST /__emulator/faults takes a fault rule as a JSON object");
    const unknown = Object.keys(body).filter((k) => !RULE_FIELDS.includes(k));
    if (unknown.length)
        throw new Error(
            `unknown fault rule field(s) ${unknown.join(", ")}; a rule has ${RULE_FIELDS.join(", ")} (onMatch only in-process)`,
        );
    const problems: string[] = [];
    const check = (key: string, ok: (v: any) => boolean, what: string) => {
        if (body[key] !== undefined && !ok(body[key])) problems.push(`"${key}" must be ${what}`);
    };
    check("method", (v) => typeof v === "string", "an HTTP method");
    check("path", (v) => typeof v === "string", "a string (a prefix of the request path)");
    check("pathRegex", (v) => typeof v === "string", "a regular expression's source");
    check("status", (v) => Number.isInteger(v) && v >= 100 && v <= 599, "an HTTP status");
    check("retryAfter", (v) => typeof v === "string" || typeof v === "number", "a string");
    check("delayMs", (v) => typeof v === "number" && v >= 0, "a number of milliseconds");
    check("reset", (v) => v === "before" || v === "after-commit", `"before" or "after-commit"`);
    check("commit", (v) => typeof v === "boolean", "true or false");
    check("count", (v) => v === null || v === "Infinity" || (typeof v === "number" && v >= 1), 'a positive number, null or "Infinity"');
    if ((body.path === undefined) === (body.pathRegex === undefined)) problems.push(`give one of "path" and "pathRegex"`);
    if (problems.length) throw new Error(problems.join("; "));
    const { pathRegex, ...rest } = body;
    const rule = { ...rest } as FaultRule;
    if (typeof pathRegex === "string") rule.path = new RegExp(pathRegex);
    if (body.retryAfter !== undefined) rule.retryAfter = String(body.retryAfter);
    if (body.count === null || body.count === "Infinity") rule.count = Infinity;
    return rule;
}

/**
 * A rule as GET /__emulator/faults shows it: `path` as a string (a RegExp as `/source/flags`), `count`
 * the uses left (null when unlimited, as JSON writes Infinity), `onMatch` only noted.
 */
function ruleToJson(rule: FaultRule): Record<string, unknown> {
    const { onMatch, ...rest } = rule;
    const out: Record<string, unknown> = { ...rest, path: String(rule.path) };
    if (onMatch) out.onMatch = "(in-process callback)";
    return out;
}

/** Hides client_secret in a form body or query string. */
function redactSecret(text: string): string {
    return text.replace(/(client_secret=)[^&]*/g, "$1[redacted]");
}
