import { createHash } from "crypto";
import type { AepSettings } from "../config";
import { AepError, responseError } from "./errors";
import { send } from "./http";
import { Budget, parseRetryAfter, retrying } from "./retry";

type TokenCache = Map<string, { token?: string; refreshAt: number; pending?: Promise<string>; refused?: AepError }>;
/** This process's tokens, by credentials (see {@link getToken}). */
const cache: TokenCache = new Map();

/** Forgets every cached token of this process (tests, credential rotation). */
export function clearTokenCache(): void {
    cache.clear();
}

/**
 * An IMS access token (OAuth Server-to-Server): the cached one until 5 minutes before it expires (or half its
 * lifetime, if shorter), else one `POST {imsUrl}/ims/token/v3` shared by every caller meanwhile. A failed
 * fetch is not cached, except when IMS refuses the credentials themselves (a 4xx other than 429: a wrong
 * secret, client id or scope): asking again with the same credentials gets the same answer, so the
 * refusal is kept and every later call of this process fails at once with it (one IMS call per run, one
 * error text). `rejected` is a token a Platform call just saw refused (401): it is forgotten first, unless
 * a newer one already replaced it. The fetch retries 429, 5xx and network errors (safe to repeat).
 *
 * The cache is this module's: the provider host loads the package once per process, so every resource's
 * calls share it. Its key holds a SHA-256 of the secret, never the secret.
 */
export function getToken(s: AepSettings, b: Budget, rejected?: string): Promise<string> {
    const key = [s.imsUrl, s.clientId, s.orgId, s.scopes, createHash("sha256").update(s.clientSecret).digest("hex")].join("\n");
    const slot = cache.get(key) ?? { refreshAt: 0 };
    cache.set(key, slot);
    if (slot.refused) return Promise.reject(slot.refused);
    if (rejected && slot.token === rejected) slot.token = undefined;
    if (slot.token && Date.now() < slot.refreshAt) return Promise.resolve(slot.token);
    if (slot.pending) return slot.pending;
    const base = { operation: "get IMS access token" };
    const body = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: s.clientId,
        client_secret: s.clientSecret,
        scope: s.scopes,
    }).toString();
    const fetched = retrying<{ token: string; ms: number }>(base, b, async (_n, timeoutMs) => {
        const headers = { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" };
        const r = await send({ method: "POST", url: `${s.imsUrl}/ims/token/v3`, headers, body, timeoutMs });
        if ("code" in r) return { retry: { ...base, code: r.code, aepMessage: r.detail } };
        if (r.status >= 200 && r.status < 300 && typeof r.data?.access_token === "string") {
            let seconds = Number(r.data.expires_in) > 0 ? Number(r.data.expires_in) : 3600;
            if (seconds > 1e7) seconds /= 1000; // a legacy millisecond value
            return { value: { token: r.data.access_token as string, ms: seconds * 1000 } };
        }
        const init = responseError(base, r, s.clientSecret);
        if (r.status < 300) throw new AepError({ ...init, aepMessage: "IMS answered without an access_token" });
        if (r.status === 429 || r.status >= 500) return { retry: init, wait: parseRetryAfter(r.headers["retry-after"]) };
        throw new AepError(init);
    });
    slot.token = undefined;
    slot.pending = fetched.then(
        ({ token, ms }) => {
            Object.assign(slot, { token, refreshAt: Date.now() + ms - Math.min(300_000, ms / 2), pending: undefined });
            return token;
        },
        (e) => {
            slot.pending = undefined;
            if (e instanceof AepError && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429) slot.refused = e;
            throw e;
        },
    );
    return slot.pending;
}
