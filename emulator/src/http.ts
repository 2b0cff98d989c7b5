/**
 * What a route handler sees and returns, and a small router matching `/tenant/schemas/:id` patterns.
 * Every handler is synchronous: the state is in memory, and the server adds latency and faults around it.
 */
import * as http from "http";
import { ApiError } from "./errors";
import { SandboxData, Store, TokenInfo } from "./store";
import { EmulatorClient } from "./types";
import { IdSource, stableUuid } from "./util";

/** The emulator-wide state handlers work with. */
export interface Core {
    /** Base URL, e.g. "http://127.0.0.1:41234". */
    url: string;
    tenantId: string;
    clients: EmulatorClient[];
    sandboxes: string[];
    tokenTtlSeconds: number;
    store: Store;
    /** How long a flow stays in a transitional state after a change (0: never). */
    flowSettleMs: number;
    /** Flows in a transitional state: id → the state shown and when it ends. Not persisted. */
    transitions: Map<string, { state: string; until: number; refusals?: number }>;
    /** How long streamed records take to land in the data lake as a Catalog batch (see catalog.ts). */
    dataLakeLatencyMs: number;
    /** Where object ids come from when the emulator is seeded (EmulatorOptions.seed); random otherwise. */
    ids?: IdSource;
}

export interface Ctx {
    core: Core;
    method: string;
    /** The path below the API family's base path, still URL-encoded. */
    path: string;
    query: URLSearchParams;
    headers: http.IncomingHttpHeaders;
    rawBody: string;
    /** The parsed JSON body, or undefined when there is none. */
    body: unknown;
    /** The media type of the request body, lowercase, without parameters ("" when absent). */
    contentType: string;
    /** The token's client and organisation, set once the gateway checks passed. */
    auth?: TokenInfo;
}

export interface Reply {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

/** A header's value as one string (the first when repeated), or undefined. */
export function header(ctx: { headers: http.IncomingHttpHeaders }, name: string): string | undefined {
    const v = ctx.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
}

export type Handler = (ctx: Ctx, params: Record<string, string>) => Reply;

interface Route {
    method: string;
    parts: string[];
    handler: Handler;
}

/** A route Adobe's references describe that the emulator does not serve, and where it is described. */
interface Gap {
    method: string;
    parts: string[];
    source: string;
}

/** A route of a family's table, for the README and the route checks. */
export interface RouteInfo {
    method: string;
    /** The path below the family's base, with `:name` segments. */
    path: string;
    /** Where Adobe describes a route the emulator does not serve; absent for served routes. */
    notServed?: string;
}

/** The body of a 501: the emulator's gap, told apart from an error in the request. */
export function notServed(method: string, fullPath: string, described?: { family: string; source: string }): ApiError {
    const detail = described
        ? `${method} ${fullPath} is part of Adobe's ${described.family} API (${described.source}), but the AEP emulator does not serve it. This is a gap of the emulator, not an error in your request; the emulator's README lists every route it serves and every one it does not.`
        : `The AEP emulator does not serve ${method} ${fullPath}: the Adobe API references it follows do not describe this route (it may exist in AEP, or the path may be mistyped). The emulator's README lists every route it serves.`;
    return new ApiError(501, { type: "urn:aep-emulator:not-served", status: 501, title: "Not served by the AEP emulator", detail });
}

export class Router {
    private readonly routes: Route[] = [];
    private readonly gaps: Gap[] = [];

    /**
     * @param family the API family's name as Adobe titles it ("Schema Registry")
     * @param base the family's base path ("/data/foundation/schemaregistry")
     */
    constructor(
        readonly family: string,
        readonly base: string,
    ) {}

    /** Adds a route; `:name` segments capture one URL-decoded path segment. */
    on(method: string, pattern: string, handler: Handler): this {
        this.routes.push({ method, parts: pattern.split("/").filter(Boolean), handler });
        return this;
    }

    /**
     * Records a route Adobe's references describe (`source`, e.g. "schema-registry.yaml") that the emulator
     * does not serve: it answers 501 saying so, rather than a 404 the caller would take for its own mistake.
     */
    notServed(method: string, pattern: string, source: string): this {
        this.gaps.push({ method, parts: pattern.split("/").filter(Boolean), source });
        return this;
    }

    /** Every route served and every route described but not served, in the order they were added. */
    table(): RouteInfo[] {
        const path = (parts: string[]) => "/" + parts.join("/");
        return [
            ...this.routes.map((r) => ({ method: r.method, path: path(r.parts) })),
            ...this.gaps.map((g) => ({ method: g.method, path: path(g.parts), notServed: g.source })),
        ];
    }

    /**
     * Runs the matching handler. A described route the emulator does not serve answers 501; when the path
     * matches a route but not its method, `notAllowed` builds the error; a path no route matches answers
     * 501 too (the emulator cannot tell a route of AEP it does not know from a mistyped one).
     */
    dispatch(ctx: Ctx, notAllowed: () => ApiError): Reply {
        const segs = ctx.path.split("/").filter(Boolean);
        let pathMatched = false;
        for (const r of this.routes) {
            const params = match(r.parts, segs);
            if (!params) continue;
            pathMatched = true;
            if (r.method === ctx.method) return r.handler(ctx, params);
        }
        const full = `${this.base}${ctx.path === "/" ? "" : ctx.path}`;
        for (const g of this.gaps) {
            if (g.method === ctx.method && match(g.parts, segs))
                throw notServed(ctx.method, full, { family: this.family, source: g.source });
        }
        if (pathMatched || this.gaps.some((g) => match(g.parts, segs))) throw notAllowed();
        throw notServed(ctx.method, full);
    }
}

function match(parts: string[], segs: string[]): Record<string, string> | undefined {
    if (parts.length !== segs.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
        if (parts[i].startsWith(":")) {
            try {
                params[parts[i].slice(1)] = decodeURIComponent(segs[i]);
            } catch {
                params[parts[i].slice(1)] = segs[i];
            }
        } else if (parts[i] !== segs[i]) {
            return undefined;
        }
    }
    return params;
}

/** The sandbox named by x-sandbox-name, after the family's own checks. */
export interface SandboxRef {
    name: string;
    data: SandboxData;
}

/**
 * Resolves x-sandbox-name. Each family answers a missing or unknown sandbox in its own way, so the two
 * error builders come from the caller.
 */
export function requireSandbox(ctx: Ctx, missing: () => ApiError, unknown: (name: string) => ApiError): SandboxRef {
    const name = header(ctx, "x-sandbox-name");
    if (!name) throw missing();
    const data = ctx.core.store.sandbox(name);
    if (!data) throw unknown(name);
    return { name, data };
}

/** The user id shown in createdBy / modifiedBy fields for the calling client. */
export function userOf(ctx: Ctx): string {
    const client = ctx.auth?.clientId ?? "anonymous";
    return `${client}@techacct.adobe.com`;
}

export function sandboxId(name: string, core: Core): string {
    // Stable across runs, so stored objects keep pointing at the same sandbox id.
    return stableUuid(`${core.tenantId}/${name}`);
}

export function sandboxType(name: string): "production" | "development" {
    return name === "prod" ? "production" : "development";
}
