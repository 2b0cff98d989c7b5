import type { AepSettings } from "../config";
import { AepError, AepErrorInit, OutcomeUnknownError, parseErrorBody, redact } from "./errors";
import { parseBody, send } from "./http";
import { listCatalog, listDataPrep, listFlowService, listSchemaRegistry } from "./paging";
import { NOT_APPLIED_STATUSES, RETRY_STATUSES, backoffDelay, parseRetryAfter, sleep } from "./retry";
import { dropToken, getToken } from "./token";

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
  /** Below the family base, e.g. `/tenant/schemas`. */
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

/** The `Accept` header a call gets unless it passes its own (aep-api.md §2.2.2). */
export function defaultAccept(family: AepRequest["family"], method: string, path: string): string {
  const seg = path.split("?")[0].split("/").filter(Boolean);
  if (family !== "schemaRegistry" || method !== "GET" || (seg[0] !== "tenant" && seg[0] !== "global")) return "application/json";
  const descriptors = seg[1] === "descriptors";
  if (seg.length <= 2) return descriptors ? "application/vnd.adobe.xdm-id+json" : "application/vnd.adobe.xed-id+json";
  return descriptors ? "application/vnd.adobe.xdm+json" : "application/vnd.adobe.xed+json; version=1";
}

/** Query string with AEP's filter syntax kept readable (`property=title==X`, `orderby=title`). */
export function queryString(query: Record<string, string | number | boolean | undefined> | undefined): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%3D/g, "=").replace(/%3A/g, ":").replace(/%2C/g, ",");
  const parts = Object.entries(query ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${enc(String(v))}`);
  return parts.join("&");
}

/**
 * The one AEP client: IMS token, headers, retries, error mapping, paging. Build it inside provider methods
 * (never at module scope): it holds the credentials, which must not be serialized into Pulumi state.
 *
 * Retry rules (each call, within `deadlineMs` and `maxAttempts`, backoff with full jitter, `Retry-After` honoured):
 * - 429 and 503: retried for every method (the server did not act).
 * - 502, 504, timeouts and connection resets: retried for GET, PUT, DELETE and PATCH with If-Match; for a POST
 *   or a PATCH without If-Match they throw {@link OutcomeUnknownError} (never re-sent).
 * - Connection refused, DNS failures, a reset before the request was fully sent: retried for every method.
 * - 500: a GET is retried once (AEP says 500 may mean API limits); other methods are not retried.
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
    const o = this.options;
    const s = this.settings;
    const deadline = Date.now() + o.deadlineMs;
    const custom = req.headers ?? {};
    const ifMatch = Object.keys(custom).some((k) => k.toLowerCase() === "if-match");
    const unsafe = req.method === "POST" || (req.method === "PATCH" && !ifMatch);
    const qs = queryString(req.query);
    const url = `${s.platformUrl}${FAMILY_BASE[req.family]}${req.path}${qs ? (req.path.includes("?") ? "&" : "?") + qs : ""}`;
    const body = req.body === undefined ? undefined : typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    const base = { operation: req.operation, object: req.object, method: req.method };
    let refreshed = false;
    let retried500 = false;
    for (let attempt = 1; ; attempt++) {
      if (deadline - Date.now() <= 0) throw new AepError({ ...base, code: "DEADLINE", aepMessage: `no answer within ${o.deadlineMs} ms` });
      const token = await getToken(s, { ...o, deadline });
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        "x-api-key": s.clientId,
        "x-gw-ims-org-id": s.orgId,
        "x-sandbox-name": s.sandboxName,
        Accept: defaultAccept(req.family, req.method, req.path),
      };
      if (body !== undefined) headers["Content-Type"] = req.contentType ?? "application/json";
      for (const [k, v] of Object.entries(custom)) {
        for (const h of Object.keys(headers)) if (h.toLowerCase() === k.toLowerCase()) delete headers[h];
        headers[k] = v;
      }
      const r = await send({ method: req.method, url, headers, body, timeoutMs: Math.min(o.timeoutMs, deadline - Date.now()), fresh: unsafe });

      let init: AepErrorInit;
      let wait: number | undefined;
      if ("status" in r) {
        const data = parseBody(r.text);
        if ((r.status >= 200 && r.status < 300) || (r.status === 404 && req.allow404)) return { status: r.status, data, headers: r.headers };
        const p = parseErrorBody(data);
        init = {
          ...base,
          status: r.status,
          code: p.code,
          requestId: p.requestId ?? r.headers["x-request-id"],
          aepMessage: redact(p.message ?? r.statusText, s.clientSecret, token) || undefined,
        };
        if (r.status === 401 && !refreshed) {
          refreshed = true;
          dropToken(s, token);
          this.notify(req.operation, attempt, 0, "401: refreshing the IMS access token");
          attempt--;
          continue;
        }
        const notApplied = NOT_APPLIED_STATUSES.includes(r.status);
        if (RETRY_STATUSES.includes(r.status) && unsafe && !notApplied) throw new OutcomeUnknownError(init);
        const again = RETRY_STATUSES.includes(r.status) || (r.status === 500 && req.method === "GET" && !retried500);
        if (!again) throw new AepError(init);
        if (r.status === 500) retried500 = true;
        wait = parseRetryAfter(r.headers["retry-after"]);
      } else {
        init = { ...base, code: r.code, aepMessage: r.detail };
        if (unsafe && r.sent) throw new OutcomeUnknownError(init);
      }
      const delay = Math.min(wait ?? backoffDelay(attempt, o.baseDelayMs, o.maxDelayMs), o.maxDelayMs);
      if (attempt >= o.maxAttempts) throw new AepError({ ...init, note: `gave up after ${attempt} attempts` });
      if (Date.now() + delay >= deadline) throw new AepError({ ...init, note: `gave up after ${attempt} attempts: the ${o.deadlineMs} ms deadline would pass` });
      this.notify(req.operation, attempt, delay, [init.status, init.code].filter(Boolean).join(" ") || "network error");
      await sleep(delay);
    }
  }

  private notify(operation: string, attempt: number, delayMs: number, reason: string): void {
    try {
      this.options.onRetry?.({ operation, attempt, delayMs, reason });
    } catch {
      /* a progress callback must not break the call */
    }
  }

  /** Flow Service lists: follows `_links.next` (continuationToken); returns all items. */
  listFlowService<T = any>(path: string, query: Record<string, string | number | undefined>, operation: string): Promise<T[]> {
    return listFlowService<T>(this, path, query, operation);
  }

  /** Catalog lists (an object keyed by id): start/limit paging; returns `[{id, ...}]`. */
  listCatalog<T = any>(path: string, query: Record<string, string | number | undefined>, operation: string): Promise<Array<T & { id: string }>> {
    return listCatalog<T>(this, path, query, operation);
  }

  /** Schema Registry lists: orderby + start from `_page.next`, limit ≤ 300; returns results. */
  listSchemaRegistry<T = any>(path: string, query: Record<string, string | number | undefined>, operation: string, accept?: string): Promise<T[]> {
    return listSchemaRegistry<T>(this, path, query, operation, accept);
  }

  /** Data Prep lists: start/limit; returns data. */
  listDataPrep<T = any>(path: string, query: Record<string, string | number | undefined>, operation: string): Promise<T[]> {
    return listDataPrep<T>(this, path, query, operation);
  }
}
