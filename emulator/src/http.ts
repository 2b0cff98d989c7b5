/**
 * What a route handler sees and returns, and a small router matching `/tenant/schemas/:id` patterns.
 * Every handler is synchronous: the state is in memory, and the server adds latency and faults around it.
 */
import * as http from "http";
import { ApiError } from "./errors";
import { SandboxData, Store, TokenInfo } from "./store";
import { EmulatorClient } from "./types";
import { stableUuid } from "./util";

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

export class Router {
    private readonly routes: Route[] = [];

    /** Adds a route; `:name` segments capture one URL-decoded path segment. */
    on(method: string, pattern: string, handler: Handler): this {
        this.routes.push({ method, parts: pattern.split("/").filter(Boolean), handler });
        return this;
    }

    /**
     * Runs the matching handler. When the path matches but not the method, `notAllowed` builds the error;
     * when nothing matches, `notFound` does.
     */
    dispatch(ctx: Ctx, notFound: () => ApiError, notAllowed: () => ApiError): Reply {
        const segs = ctx.path.split("/").filter(Boolean);
        let pathMatched = false;
        for (const r of this.routes) {
            const params = match(r.parts, segs);
            if (!params) continue;
            pathMatched = true;
            if (r.method === ctx.method) return r.handler(ctx, params);
        }
        throw pathMatched ? notAllowed() : notFound();
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
