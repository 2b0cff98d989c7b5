/** What an {@link AepError} is built from. */
export interface AepErrorInit {
    /** What was being done, e.g. `create dataset`. */
    operation: string;
    /** The object's name or id. */
    object?: string;
    /** HTTP status, when AEP answered. */
    status?: number;
    /** AEP's error code (`XDM-1521-400`, `1404-412`, `403010`), or a network code (`ECONNRESET`). */
    code?: string;
    /** AEP's request id (from the body's report or the `x-request-id` header). */
    requestId?: string;
    /** AEP's own words: title and detail. */
    aepMessage?: string;
    /** HTTP method of the failed call. */
    method?: string;
    /** Text added after the standard message (e.g. what to do next). */
    note?: string;
}

/**
 * The one error type for AEP failures. It names the operation, the object, the HTTP status, AEP's error code
 * and request id, and AEP's message, and never the token, the secret or any request header: it is built from
 * clean values only (no axios error, config or request is attached).
 *
 * `message` reads like
 * `create schema "Chatlio Events": 400 XDM-1521-400 Title not unique: Object titles must be unique… (request id abc)`.
 */
export class AepError extends Error {
    operation: string;
    object?: string;
    status?: number;
    code?: string;
    requestId?: string;
    aepMessage?: string;
    method?: string;
    constructor(init: AepErrorInit) {
        const what = init.object ? `${init.operation} "${init.object}"` : init.operation;
        const head = [init.status, init.code].filter((x) => x !== undefined && x !== "").join(" ");
        const body = [head, init.aepMessage].filter(Boolean).join(" ") || "failed";
        const rid = init.requestId ? ` (request id ${init.requestId})` : "";
        super(redact(`${what}: ${body}${rid}${init.note ? `; ${init.note}` : ""}`));
        this.name = "AepError";
        this.operation = init.operation;
        for (const k of ["object", "status", "code", "requestId", "aepMessage", "method"] as const) {
            if (init[k] !== undefined) (this as any)[k] = k === "aepMessage" ? redact(init[k] as string) : init[k];
        }
    }
}

/**
 * A write (POST, or PATCH without If-Match) whose outcome is unknown: it was sent, then the connection
 * failed, timed out, or a gateway answered 502/504. It may have been applied: look the object up before
 * trying again. The client never re-sends such a request.
 */
export class OutcomeUnknownError extends AepError {
    constructor(init: AepErrorInit) {
        super({
            ...init,
            note: init.note ?? "the outcome is unknown (the request may have been applied): look the object up before trying again",
        });
        this.name = "OutcomeUnknownError";
    }
}

/** True for an {@link AepError} with status 404 (or a Schema Registry / Flow Service not-found code). */
export function isNotFound(e: unknown): boolean {
    return e instanceof AepError && (e.status === 404 || /^(XDM-10(1[0-7])-404|1101-404)$/.test(e.code ?? ""));
}

/**
 * Removes credentials from text meant for a message or a log line: the given secret values, bearer tokens,
 * JWT-shaped strings, and `client_secret=` / `access_token` fields.
 */
export function redact(text: string, ...secrets: Array<string | undefined>): string {
    let t = String(text);
    for (const s of secrets) if (s && s.length >= 4) t = t.split(s).join("[redacted]");
    return t
        .replace(/(bearer\s+)[^\s"',;]+/gi, "$1[redacted]")
        .replace(/eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, "[redacted]")
        .replace(/((?:client_secret|access_token)"?\s*[:=]\s*"?)[^\s"&,;]+/gi, "$1[redacted]");
}

/** AEP's error fields found in a response body (any of the shapes in aep-api.md §4.1, or plain text). */
export interface ParsedError {
    code?: string;
    requestId?: string;
    message?: string;
}

/**
 * Reads an error body: gateway `{error_code, message}`; Schema Registry and Flow Service
 * `{type: ".../XDM-1521-400", title, status, report{…}, detail | errorMessage}`; bare `{errorMessage}`;
 * the older `{type:"/placeholder/type/uri", title, detail}`; DCS `{type, status:"401", report{message}}`;
 * IMS `{error, error_description}`; `{message}`, `{error}`, `{title, detail}`, arrays, HTML and plain text.
 * Flow Service codes lose their `FLOW-` prefix (`1404-412`, as its docs list them); `XDM-` codes keep theirs.
 */
export function parseErrorBody(data: unknown): ParsedError {
    const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : typeof v === "number" ? String(v) : undefined);
    if (typeof data === "string") {
        const t = data
            .replace(/<[^>]*>/g, " ")
            .replace(/\s+/g, " ")
            .trim();
        return { message: t ? t.slice(0, 300) : undefined };
    }
    if (Array.isArray(data)) {
        const parts = data.slice(0, 3).map(parseErrorBody);
        return {
            ...parts[0],
            message:
                parts
                    .map((p) => p.message)
                    .filter(Boolean)
                    .join("; ") || undefined,
        };
    }
    if (!data || typeof data !== "object") return { message: str(data) };
    const b = data as Record<string, any>;
    if (b.error && typeof b.error === "object") return parseErrorBody(b.error);
    const report = b.report && typeof b.report === "object" ? b.report : {};
    const type = str(b.type);
    const code =
        str(b.error_code) ??
        str(b.code) ??
        (b.error_description ? str(b.error) : undefined) ??
        (type && !type.includes("placeholder")
            ? type
                  .split("/")
                  .pop()!
                  .replace(/^FLOW-(?=\d+-\d+$)/, "") || undefined
            : undefined);
    const title = str(b.title);
    const detail =
        str(report["detailed-message"]) ??
        str(report.message) ??
        str(b.detail) ??
        str(b.errorMessage) ??
        str(b.errorDetails) ??
        str(b.error_description) ??
        str(b.message) ??
        str(b.description) ??
        str(b.error);
    return {
        code,
        requestId:
            str(report.registryRequestId) ?? str(report["request-id"]) ?? str(report.requestId) ?? str(b.requestId) ?? str(b["request-id"]),
        message: title && detail && !detail.includes(title) ? `${title}: ${detail}` : (detail ?? title),
    };
}

/** The error fields of a non-2xx answer, with credentials redacted from AEP's text. */
export function responseError(
    base: AepErrorInit,
    r: { status: number; statusText: string; data: unknown; headers: Record<string, string> },
    ...secrets: string[]
): AepErrorInit {
    const p = parseErrorBody(r.data);
    const aepMessage = redact(p.message ?? r.statusText, ...secrets) || undefined;
    return { ...base, status: r.status, code: p.code, requestId: p.requestId ?? r.headers["x-request-id"], aepMessage };
}
