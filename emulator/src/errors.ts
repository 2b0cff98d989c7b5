/**
 * The error bodies AEP answers with. aep-api.md §4.1 describes four families seen in Adobe's material
 * (gateway, Schema Registry, Flow Service, DCS inlet); IMS and the generic Platform "problem" shape used
 * for Content-Type errors complete the set. Handlers throw an {@link ApiError}; the server turns it into
 * the HTTP answer.
 */
import { requestId } from "./util";

/** An HTTP error answer: status, JSON body and optional extra headers. */
export class ApiError extends Error {
    constructor(
        public readonly status: number,
        public readonly body: unknown,
        public readonly headers: Record<string, string> = {},
    ) {
        super(`AEP emulator error ${status}: ${JSON.stringify(body)}`);
    }
}

/** API gateway errors for missing or invalid headers: `{error_code, message}` (aep-api.md §1.2). */
export function gatewayError(status: number, code: string, message: string): ApiError {
    return new ApiError(status, { error_code: code, message });
}

/**
 * IMS token errors. Adobe documents none (aep-api.md §1.1, §5.18); the emulator answers in the
 * OAuth 2.0 style `{error, error_description}` that RFC 6749 §5.2 defines.
 */
export function imsError(status: number, error: string, description: string): ApiError {
    return new ApiError(status, { error, error_description: description });
}

/** The "MM-DD-YYYY HH:mm:ss" UTC stamp used in Schema Registry error reports. */
function registryTimestamp(d = new Date()): string {
    const p = (n: number) => String(n).padStart(2, "0");
    return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * Schema Registry `errorBasic`: `type` ends with the XDM code, `report` carries the request id and the
 * detailed message, `detail` repeats it.
 * @param code e.g. "XDM-1521-400"; the HTTP status is its last part.
 */
export function xdmError(code: string, title: string, message: string): ApiError {
    const status = Number(code.split("-").pop());
    return new ApiError(status, {
        type: `http://ns.adobe.com/aep/errors/${code}`,
        title,
        status,
        report: {
            registryRequestId: requestId(),
            timestamp: registryTimestamp(),
            "detailed-message": message,
            "sub-errors": [],
        },
        detail: message,
    });
}

/**
 * Schema Registry codes the emulator needs but Adobe's material does not name. They are the emulator's
 * choice, kept in one place so a reader can tell them from documented ones.
 */
export const XDM_CODES = {
    /**
     * Request validation (a missing required field, a bad type, an unknown reference; `limit` or `start`
     * without `orderby` on a list): no code documented.
     */
    invalid: "XDM-1000-400",
    /** Missing x-sandbox-name: no code documented for Schema Registry. */
    sandboxMissing: "XDM-1001-400",
    /** Unknown sandbox: no code documented; a 404 in the not-found range. */
    sandboxUnknown: "XDM-1010-404",
    /** Field group not found: XDM-1010…1017-404 are "not found" per resource type; which is which is not stated. */
    fieldGroupNotFound: "XDM-1011-404",
    /** Schema not found: the spec's notFoundError example. */
    schemaNotFound: "XDM-1012-404",
    /** Class not found. */
    classNotFound: "XDM-1013-404",
    /** Data type not found (the emulator holds none). */
    dataTypeNotFound: "XDM-1015-404",
    /** Deleting a resource that is still in use: undocumented (aep-api.md §5.20). */
    inUse: "XDM-1002-400",
    /** Descriptor not found: in the XDM-1010…1017-404 range; which number is which is not stated. */
    descriptorNotFound: "XDM-1014-404",
    /** Removing an immutable tag ("can be set but never removed", §2.2.4): no code documented. */
    immutableTag: "XDM-1003-400",
    /**
     * A destructive change to a schema (or a field group in it) whose dataset has ingested data or is
     * Profile-enabled: the docs say only non-destructive changes are allowed then (§2.2.4), with no code.
     */
    breakingChange: "XDM-1004-400",
} as const;

/**
 * Flow Service error (aep-api.md §4.1 item 3, from labels.md): `type` ends with `FLOW-<code>`, the report
 * holds the detailed message, `errorMessage` and `errorDetails` repeat it.
 * @param code e.g. "1101-404"; the HTTP status is its last part.
 */
export function flowError(code: string, title: string, message: string, report: Record<string, unknown> = {}): ApiError {
    const status = Number(code.split("-").pop());
    return new ApiError(status, {
        type: `https://ns.adobe.com/aep/errors/FLOW-${code}`,
        title,
        status,
        report: { "detailed-message": message, "request-id": requestId(), ...report },
        errorMessage: message,
        errorDetails: message,
    });
}

/**
 * Flow Service codes without an entry in flow-service-errors.md. Emulator's choice.
 */
export const FLOW_CODES = {
    /** A body that fails validation for a reason the error catalogue does not list. */
    invalid: "1400-400",
    /** A method a Flow Service path does not take. */
    notAllowed: "1102-405",
} as const;

/**
 * The generic Platform problem body, documented for Content-Type errors (aep-api.md §1.2):
 * `{type:"/placeholder/type/uri", status, title, detail}`. Catalog and Data Prep document no error body
 * at all (§5.18): the emulator uses this same shape for both.
 */
export function problemError(status: number, title: string, detail: string): ApiError {
    return new ApiError(status, { type: "/placeholder/type/uri", status, title, detail });
}

const PROBLEM_TITLES: Record<number, string> = {
    400: "BadRequestError",
    403: "ForbiddenError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    413: "PayloadTooLargeError",
    500: "InternalServerError",
};

export function problem(status: number, detail: string): ApiError {
    return problemError(status, PROBLEM_TITLES[status] ?? "Error", detail);
}

/**
 * DCS (streaming inlet) error, modelled on the one documented inlet body (the 401 in aep-api.md §4.1
 * item 4): a problem `type` URI, `status` as a *string* (as in that example), `title`, and `report`.
 * Adobe documents no body for the inlet's 400, 404 or 413: the emulator reuses this shape.
 */
export function dcsError(status: number, kind: string, title: string, message: string, extra: Record<string, unknown> = {}): ApiError {
    return new ApiError(status, {
        type: `https://ns.adobe.com/adobecloud/problem/data-collection-service-${kind}`,
        status: String(status),
        title,
        report: { message, ...extra },
    });
}
