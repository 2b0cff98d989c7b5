import type { AepSettings } from "../config";
import { AepError, OutcomeUnknownError, redact, responseError } from "./errors";
import { send } from "./http";
import { listAll } from "./paging";
import { parseRetryAfter, retrying } from "./retry";
import { getToken } from "./token";

/** The APIs the provider talks to. `ims` issues tokens; the others are Platform services. */
export type ApiFamily = "ims" | "schemaRegistry" | "catalog" | "flowService" | "dataPrep" | "sandbox";

/** Each Platform family's base path below `settings.platformUrl` (aep-api.md §2.1). */
export const FAMILY_BASE: Record<Exclude<ApiFamily, "ims">, string> = {
    schemaRegistry: "/data/foundation/schemaregistry",
    catalog: "/data/foundation/catalog",
    flowService: "/data/foundation/flowservice",
    dataPrep: "/data/foundation/conversion",
    sandbox: "/data/foundation/sandbox-management",
};

/** One Platform call. */
export interface AepRequest {
    family: Exclude<ApiFamily, "ims">;
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    /** Below the family base, e.g. `/tenant/schemas`; ids in it already URL-encoded (a Schema Registry `$id`). */
    path: string;
    query?: Record<string, string | number | boolean | undefined>;
    /** Sent as JSON unless it is already a string. */
    body?: unknown;
    /** Extra headers, e.g. `{ "If-Match": etag }` or an `Accept` override; they win over the defaults. */
    headers?: Record<string, string>;
    /** Default `application/json` when there is a body. */
    contentType?: string;
    /** What is being done, e.g. `create dataset` (for errors and progress). */
    operation: string;
    /** The object's name or id (for errors). */
    object?: string;
    /** A 404 resolves (status 404) instead of throwing. */
    allow404?: boolean;
    /**
     * The request sets fixed values, so sending it twice leaves AEP as sending it once would (a Catalog PATCH
     * of name, description and tags; a flow action): retried like a PUT when its answer is lost, never
     * reported as {@link OutcomeUnknownError}. Only for writes whose repeat is harmless.
     */
    idempotent?: boolean;
}

/** A successful answer. `data` is parsed JSON, the text when it is not JSON, or undefined when empty. */
export interface AepResponse<T = any> {
    status: number;
    data: T;
    /** Lowercased header names. */
    headers: Record<string, string>;
}

/** Timeouts, retry budget and progress reporting. */
export interface ClientOptions {
    /** Per attempt, default 30000. */
    timeoutMs?: number;
    /** Overall per call including retries and waits, default 120000. */
    deadlineMs?: number;
    /** Attempts per call, default 6 (the one immediate re-send after a 401 token refresh is not counted). */
    maxAttempts?: number;
    /** Backoff base, default 500. */
    baseDelayMs?: number;
    /** One wait at most (also caps `Retry-After`), default 20000. */
    maxDelayMs?: number;
    /** Called before each wait; the resource layer prints progress. */
    onRetry?: (info: { operation: string; attempt: number; delayMs: number; reason: string }) => void;
}

/** Flow Service refusals while an object is in a transitional state (updating, enabling, disabling, delete-finalizing). */
const BUSY = /^(1416|1420|1421|1457|1458)-400$/;

/** The `Accept` header a call gets unless it passes its own (aep-api.md §2.2.2). */
export function defaultAccept(family: AepRequest["family"], method: string, path: string): string {
    const seg = path.split("?")[0].split("/").filter(Boolean);
    if (family !== "schemaRegistry" || method !== "GET" || (seg[0] !== "tenant" && seg[0] !== "global")) return "application/json";
    const descriptors = seg[1] === "descriptors";
    if (seg.length <= 2) return descriptors ? "application/vnd.adobe.xdm-id+json" : "application/vnd.adobe.xed-id+json";
    return descriptors ? "application/vnd.adobe.xdm+json" : "application/vnd.adobe.xed+json; version=1";
}

/**
 * The one AEP client: IMS token, headers, retries, error mapping, paging. Build it inside provider methods
 * (never at module scope): it holds the credentials, which must not be serialized into Pulumi state.
 *
 * Retry rules (each call, within `deadlineMs` and `maxAttempts`, backoff with full jitter, `Retry-After` honoured):
 * - 429 and 503: retried for every method (the server did not act).
 * - 502, 504, timeouts and connection resets: retried for GET, PUT, DELETE, PATCH with If-Match and requests
 *   marked `idempotent`; for any other POST or PATCH they throw {@link OutcomeUnknownError} (never re-sent).
 * - Flow Service 1416, 1420, 1421, 1457 and 1458 (the object is in a transitional state such as `updating`;
 *   AEP did not act): waited out and retried for every method until the deadline, `maxAttempts` aside.
 * - Connection refused, DNS failures, a reset before the request was fully sent: retried for every method.
 * - 500 (AEP: "may" mean API limits; wait and retry): retried like a 502 or 504, i.e. for requests safe to
 *   repeat; a POST or PATCH without If-Match throws {@link OutcomeUnknownError}.
 * - 401: the token is dropped and re-fetched once, and the call re-sent once.
 */
export class AepClient {
    private readonly settings!: AepSettings;
    private readonly options!: Required<Omit<ClientOptions, "onRetry">> & Pick<ClientOptions, "onRetry">;

    constructor(settings: AepSettings, options: ClientOptions = {}) {
        // Non-enumerable, so logging or inspecting the client does not print the secret.
        Object.defineProperty(this, "settings", { value: settings, enumerable: false });
        Object.defineProperty(this, "options", {
            enumerable: false,
            value: {
                timeoutMs: options.timeoutMs ?? 30_000,
                deadlineMs: options.deadlineMs ?? 120_000,
                maxAttempts: options.maxAttempts ?? 6,
                baseDelayMs: options.baseDelayMs ?? 500,
                maxDelayMs: options.maxDelayMs ?? 20_000,
                onRetry: options.onRetry,
            },
        });
    }

    /** Removes the secret, bearer tokens and other credentials from a line before it is logged. */
    redact(text: string): string {
        return redact(text, this.settings.clientSecret);
    }

    /** One Platform call with the retry rules above; throws {@link AepError} (or {@link OutcomeUnknownError}). */
    async request<T = any>(req: AepRequest): Promise<AepResponse<T>> {
        const s = this.settings;
        const b = { ...this.options, deadline: Date.now() + this.options.deadlineMs };
        const base = { operation: req.operation, object: req.object, method: req.method };
        const extra = req.headers ?? {};
        const unsafe =
            !req.idempotent &&
            (req.method === "POST" || (req.method === "PATCH" && !Object.keys(extra).some((k) => /^if-match$/i.test(k))));
        // AEP's filter syntax stays readable: property=title==X
        const qs = Object.entries(req.query ?? {})
            .filter(([, v]) => v !== undefined)
            .map(
                ([k, v]) =>
                    `${encodeURIComponent(k)}=${encodeURIComponent(String(v)).replace(/%3D/g, "=").replace(/%3A/g, ":").replace(/%2C/g, ",")}`,
            )
            .join("&");
        const url = `${s.platformUrl}${FAMILY_BASE[req.family]}${req.path}${qs ? (req.path.includes("?") ? "&" : "?") + qs : ""}`;
        const body = req.body === undefined || typeof req.body === "string" ? req.body : JSON.stringify(req.body);
        let rejected: string | undefined;
        return retrying<AepResponse<T>>(base, b, async (_n, timeoutMs) => {
            const token = await getToken(s, b, rejected);
            const headers: Record<string, string> = {
                Authorization: `Bearer ${token}`,
                "x-api-key": s.clientId,
                "x-gw-ims-org-id": s.orgId,
                "x-sandbox-name": s.sandboxName,
                Accept: defaultAccept(req.family, req.method, req.path),
            };
            if (body !== undefined) headers["Content-Type"] = req.contentType ?? "application/json";
            for (const [k, v] of Object.entries(extra)) {
                for (const h of Object.keys(headers)) if (h.toLowerCase() === k.toLowerCase()) delete headers[h];
                headers[k] = v;
            }
            const r = await send({ method: req.method, url, headers, body, timeoutMs, fresh: unsafe });
            if ("code" in r) {
                if (unsafe && r.sent) throw new OutcomeUnknownError({ ...base, code: r.code, aepMessage: r.detail });
                return { retry: { ...base, code: r.code, aepMessage: r.detail } };
            }
            if ((r.status >= 200 && r.status < 300) || (r.status === 404 && req.allow404))
                return { value: { status: r.status, data: r.data, headers: r.headers } };
            const init = responseError(base, r, s.clientSecret, token);
            if (r.status === 401 && !rejected) {
                rejected = token;
                return { retry: init, now: true, reason: "401: refreshing the IMS access token" };
            }
            const wait = parseRetryAfter(r.headers["retry-after"]);
            if (r.status === 429 || r.status === 503) return { retry: init, wait };
            if (req.family === "flowService" && BUSY.test(init.code ?? "")) {
                // aep-api.md §2.4.5, §4.7: the object is in a transitional state and AEP refused without acting.
                return {
                    retry: init,
                    untilDeadline: true,
                    reason: `AEP is busy with it (${init.code}: ${init.aepMessage ?? "transitional state"}); waiting for it to settle`,
                };
            }
            if (r.status === 502 || r.status === 504) {
                if (unsafe) throw new OutcomeUnknownError(init);
                return { retry: init, wait };
            }
            if (r.status === 500) {
                // AEP: a 500 "may" mean API limits, wait and retry (troubleshooting.md). Whether the write was applied
                // is not known, so only requests safe to repeat are sent again; a create is looked up first.
                if (unsafe) throw new OutcomeUnknownError(init);
                return { retry: init, wait };
            }
            throw new AepError(init);
        });
    }

    /** Flow Service lists: follows `_links.next` (continuationToken); returns all items. */
    listFlowService<T = any>(path: string, query: Record<string, string | number | undefined>, operation: string): Promise<T[]> {
        return listAll(this, "flowService", path, query, operation);
    }

    /** Catalog lists (an object keyed by id): start/limit (≤ 100) paging; returns `[{id, ...}]`. */
    listCatalog<T = any>(
        path: string,
        query: Record<string, string | number | undefined>,
        operation: string,
    ): Promise<Array<T & { id: string }>> {
        return listAll(this, "catalog", path, query, operation);
    }

    /** Schema Registry lists: orderby + start from `_page.next`, limit ≤ 300; `accept` defaults to `xed-id+json`. */
    listSchemaRegistry<T = any>(
        path: string,
        query: Record<string, string | number | undefined>,
        operation: string,
        accept?: string,
    ): Promise<T[]> {
        return listAll(this, "schemaRegistry", path, query, operation, accept);
    }

    /** Data Prep lists: start/limit paging; returns data. */
    listDataPrep<T = any>(path: string, query: Record<string, string | number | undefined>, operation: string): Promise<T[]> {
        return listAll(this, "dataPrep", path, query, operation);
    }
}
