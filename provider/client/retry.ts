/** Retry timing: backoff with full jitter, `Retry-After`, and the sleep between attempts. */

/** Milliseconds a `Retry-After` header asks for (delta-seconds, decimals allowed, or an HTTP date); undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(parseFloat(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter: a random wait in [0, min(maxDelayMs, baseDelayMs·2^(attempt-1))]. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.floor(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1)));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Statuses that mean "try again": the server did not act on 429 and 503; 502/504 may hide an applied write. */
export const RETRY_STATUSES = [429, 502, 503, 504];
/** Statuses where the server certainly did not act, so even a POST may be re-sent. */
export const NOT_APPLIED_STATUSES = [429, 503];
/** Network errors raised before the request left this machine (nothing reached the server). */
export const NOT_SENT_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ERR_INVALID_URL"];
