import { createHash } from "crypto";
import type { AepSettings } from "../config";
import { AepError, parseErrorBody, redact } from "./errors";
import { parseBody, send } from "./http";
import { backoffDelay, parseRetryAfter, sleep } from "./retry";

/** How the token fetch retries (the client's options, with an absolute deadline). */
export interface TokenFetchOptions {
  timeoutMs: number;
  deadline: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; reason: string }) => void;
}

interface Slot {
  token?: string;
  refreshAt?: number;
  pending?: Promise<string>;
}

/**
 * The per-process token cache. It lives on `globalThis` (never in module scope, which would be serialized
 * into each provider's closure), under a registry symbol so every serialized copy of this code shares it.
 */
function slots(): Map<string, Slot> {
  const g = globalThis as any;
  const k = Symbol.for("pulumi-aep-chatlio/ims-token-cache/v1");
  return g[k] ?? (g[k] = new Map<string, Slot>());
}

/** The cache key: IMS URL, client, org, scopes, and a hash of the secret (never the secret itself). */
export function tokenCacheKey(s: AepSettings): string {
  const secretHash = createHash("sha256").update(s.clientSecret).digest("hex");
  return [s.imsUrl, s.clientId, s.orgId, s.scopes, secretHash].join("\n");
}

/**
 * An IMS access token for these settings: the cached one until 5 minutes before it expires (or half its
 * lifetime, if shorter); otherwise one fetch shared by every caller that asks meanwhile. A failed fetch is
 * not cached.
 */
export function getToken(s: AepSettings, o: TokenFetchOptions): Promise<string> {
  const key = tokenCacheKey(s);
  const map = slots();
  let slot = map.get(key);
  if (!slot) map.set(key, (slot = {}));
  if (slot.token && slot.refreshAt !== undefined && Date.now() < slot.refreshAt) return Promise.resolve(slot.token);
  if (slot.pending) return slot.pending;
  const own = slot;
  const p = fetchToken(s, o).then(
    ({ token, lifetimeMs }) => {
      own.token = token;
      own.refreshAt = Date.now() + lifetimeMs - Math.min(5 * 60_000, lifetimeMs / 2);
      own.pending = undefined;
      return token;
    },
    (e) => {
      own.pending = undefined;
      throw e;
    },
  );
  own.token = undefined;
  own.pending = p;
  return p;
}

/** Forgets `token` (after a 401), unless a newer one already replaced it. */
export function dropToken(s: AepSettings, token: string): void {
  const slot = slots().get(tokenCacheKey(s));
  if (slot && slot.token === token) {
    slot.token = undefined;
    slot.refreshAt = undefined;
  }
}

/** Forgets every cached token of this process (tests, credential rotation). */
export function clearTokenCache(): void {
  slots().clear();
}

const OPERATION = "get IMS access token";

/** POST {imsUrl}/ims/token/v3 (client credentials); retries 429, 5xx and network errors, which are safe here. */
async function fetchToken(s: AepSettings, o: TokenFetchOptions): Promise<{ token: string; lifetimeMs: number }> {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: s.clientId, client_secret: s.clientSecret, scope: s.scopes });
  for (let attempt = 1; ; attempt++) {
    const left = o.deadline - Date.now();
    if (left <= 0) throw new AepError({ operation: OPERATION, code: "DEADLINE", aepMessage: "no token before the deadline" });
    const r = await send({
      method: "POST",
      url: `${s.imsUrl}/ims/token/v3`,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form.toString(),
      timeoutMs: Math.min(o.timeoutMs, left),
    });
    let err: AepError;
    let wait: number | undefined;
    if ("status" in r) {
      const data = parseBody(r.text);
      if (r.status >= 200 && r.status < 300 && data && typeof data === "object" && typeof data.access_token === "string") {
        let seconds = Number(data.expires_in);
        if (!(seconds > 0)) seconds = 3600;
        if (seconds > 10_000_000) seconds /= 1000; // a legacy millisecond value (JWT exchange era)
        return { token: data.access_token, lifetimeMs: seconds * 1000 };
      }
      const p = r.status < 300 ? { message: "IMS answered without an access_token" } : parseErrorBody(data);
      err = new AepError({
        operation: OPERATION,
        status: r.status,
        code: p.code,
        requestId: p.requestId ?? r.headers["x-request-id"],
        aepMessage: redact(p.message ?? r.statusText, s.clientSecret),
      });
      if (r.status !== 429 && r.status < 500) throw err;
      wait = parseRetryAfter(r.headers["retry-after"]);
    } else {
      err = new AepError({ operation: OPERATION, code: r.code, aepMessage: r.detail });
    }
    const delay = Math.min(wait ?? backoffDelay(attempt, o.baseDelayMs, o.maxDelayMs), o.maxDelayMs);
    if (attempt >= o.maxAttempts || Date.now() + delay >= o.deadline) throw err;
    try {
      o.onRetry?.({ operation: OPERATION, attempt, delayMs: delay, reason: "status" in r ? String(r.status) : r.code });
    } catch {
      /* a progress callback must not break the call */
    }
    await sleep(delay);
  }
}
