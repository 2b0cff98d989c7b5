/** JSON helpers every provider method uses: the preview "unknown" sentinel, clean values, structural equality. */

/** The value the Pulumi engine sends to check and diff for inputs not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the value is, or holds anywhere, the preview "unknown" sentinel. */
export function isUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(isUnknown);
    if (value && typeof value === "object") return Object.values(value).some(isUnknown);
    return false;
}

/** Drops `undefined` (which Pulumi's wire format rejects) and turns the value into plain JSON. */
export function clean<T>(value: T): T {
    if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(clean) as unknown as T;
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (v !== undefined && typeof v !== "function") out[k] = clean(v);
        }
        return out as T;
    }
    return value;
}

/** Structural equality of JSON values, key order ignored, `undefined` members ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
        if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
        return a.every((v, i) => sameJson(v, b[i]));
    }
    if (a && b && typeof a === "object" && typeof b === "object") {
        const ra = a as Record<string, unknown>;
        const rb = b as Record<string, unknown>;
        const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
        const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
        if (ka.length !== kb.length) return false;
        return ka.every((k) => sameJson(ra[k], rb[k]));
    }
    return false;
}
