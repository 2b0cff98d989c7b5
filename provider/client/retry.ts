import { AepError, AepErrorInit } from "./errors";

/** The retry budget of one call: the client's options with an absolute deadline. */
export interface Budget {
    deadline: number;
    timeoutMs: number;
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    onRetry?: (info: { operation: string; attempt: number; delayMs: number; reason: string }) => void;
}

/**
 * What one attempt decided: a value, or "try again" with the error to throw when the budget runs out,
 * the server's `Retry-After` wait, and `now` for an immediate re-send that does not count as an attempt.
 * `untilDeadline` (AEP is busy with the object: a Flow Service transitional state) waits and tries again
 * until the deadline, whatever `maxAttempts` says.
 */
export type Attempt<T> = { value: T } | { retry: AepErrorInit; wait?: number; now?: boolean; reason?: string; untilDeadline?: boolean };

/** Milliseconds a `Retry-After` header asks for (delta-seconds, decimals allowed, or an HTTP date); undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
    const v = (value ?? "").trim();
    if (/^\d+(\.\d+)?$/.test(v)) return Math.round(parseFloat(v) * 1000);
    const at = v ? Date.parse(v) : NaN;
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Runs attempts until one returns a value or throws, within `maxAttempts` and the deadline. Waits
 * `Retry-After` when given, else exponential backoff with full jitter (random in
 * [0, min(maxDelayMs, baseDelayMs·2^(n-1))]); every wait is capped by `maxDelayMs`, and a wait that would
 * pass the deadline is not started. `onRetry` hears about each wait.
 */
export async function retrying<T>(
    base: AepErrorInit,
    b: Budget,
    attempt: (n: number, timeoutMs: number) => Promise<Attempt<T>>,
): Promise<T> {
    for (let n = 1; ; n++) {
        const left = b.deadline - Date.now();
        if (left <= 0) throw new AepError({ ...base, code: "DEADLINE", aepMessage: "the deadline passed before an answer came" });
        const r = await attempt(n, Math.min(b.timeoutMs, left));
        if ("value" in r) return r.value;
        const delay = r.now
            ? 0
            : Math.floor(Math.min(r.wait ?? Math.random() * Math.min(b.maxDelayMs, b.baseDelayMs * 2 ** (n - 1)), b.maxDelayMs));
        if (!r.now && !r.untilDeadline && n >= b.maxAttempts) throw new AepError({ ...r.retry, note: `gave up after ${n} attempts` });
        if (Date.now() + delay >= b.deadline)
            throw new AepError({ ...r.retry, note: `gave up after ${n} attempts: waiting ${delay} ms would pass the deadline` });
        try {
            b.onRetry?.({
                operation: base.operation,
                attempt: n,
                delayMs: delay,
                reason: r.reason ?? ([r.retry.status, r.retry.code].filter(Boolean).join(" ") || "network error"),
            });
        } catch {
            // a progress callback must not break the call
        }
        if (r.now) n--;
        else await new Promise((resolve) => setTimeout(resolve, delay));
    }
}
