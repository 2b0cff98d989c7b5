/**
 * Small helpers every emulated API family shares: id generators in the shapes AEP uses, clocks,
 * deep copies and comparisons.
 */
import * as crypto from "crypto";

/** `n` random lowercase hex characters. */
export function hex(n: number): string {
    return crypto.randomBytes(Math.ceil(n / 2)).toString("hex").slice(0, n);
}

/** A random RFC 4122 version-4 UUID. */
export function uuid(): string {
    return crypto.randomUUID();
}

/**
 * A Flow Service etag: the JSON string holds literal double quotes, in the shape seen in Adobe's
 * examples (`"9b01c840-0000-0200-0000-63f3163e0000"`), aep-api.md §4.6.
 */
export function flowEtag(): string {
    return `"${hex(8)}-0000-0200-0000-${hex(12)}"`;
}

/** A UUID derived from a string, so that sandbox ids stay the same from one run to the next. */
export function stableUuid(seed: string): string {
    const h = crypto.createHash("sha1").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function sha256(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex");
}

/** Milliseconds since the epoch; every AEP family that shows times in examples uses this unit. */
export function nowMs(): number {
    return Date.now();
}

export function clone<T>(value: T): T {
    return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function isObject(value: unknown): value is Record<string, any> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
    if (isObject(a) && isObject(b)) {
        const ka = Object.keys(a);
        const kb = Object.keys(b);
        return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
    }
    return false;
}

/** Reads a dotted path (`visitor.UUID`, `params.dataSetId`) from a value; undefined when absent. */
export function getPath(value: unknown, path: string): unknown {
    let cur: any = value;
    for (const part of path.split(".")) {
        if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
        cur = cur[part];
    }
    return cur;
}

/** Writes a dotted path, creating the intermediate objects. */
export function setPath(target: Record<string, any>, path: string, value: unknown): void {
    const parts = path.split(".");
    let cur = target;
    for (let i = 0; i < parts.length - 1; i++) {
        if (!isObject(cur[parts[i]])) cur[parts[i]] = {};
        cur = cur[parts[i]];
    }
    cur[parts[parts.length - 1]] = value;
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Bumps the minor part of a Schema Registry version: "1.0" → "1.1" → "1.2". */
export function bumpMinor(version: unknown): string {
    const m = /^(\d+)\.(\d+)/.exec(String(version ?? "1.0"));
    return m ? `${m[1]}.${Number(m[2]) + 1}` : "1.1";
}

/** Bumps the patch part of a Catalog version: "1.0.0" → "1.0.1". */
export function bumpPatch(version: unknown): string {
    const m = /^(\d+)\.(\d+)\.(\d+)/.exec(String(version ?? "1.0.0"));
    return m ? `${m[1]}.${m[2]}.${Number(m[3]) + 1}` : "1.0.1";
}

/**
 * One `property=` expression of Catalog and sandbox lists (filter-data.md): `key==value`, `!=`, `<`, `>`,
 * `<=`, `>=`, `~` (a regex), a bare key (it exists) or `!key` (it does not). Keys may be dotted paths.
 */
export function matchesProperty(ds: Record<string, any>, expr: string): boolean {
    const m = /^(.+?)(==|!=|<=|>=|<|>|~)(.*)$/.exec(expr);
    const get = (key: string) => key.split(".").reduce<any>((o, k) => (o == null ? undefined : o[k]), ds);
    if (!m) return expr.startsWith("!") ? get(expr.slice(1)) === undefined : get(expr) !== undefined;
    const [, key, op, value] = m;
    const v = get(key);
    const s = v === undefined ? undefined : typeof v === "object" ? JSON.stringify(v) : String(v);
    switch (op) {
        case "==":
            return s === value;
        case "!=":
            return s !== value;
        case "~":
            return s !== undefined && new RegExp(value).test(s);
        case "<":
            return s !== undefined && (typeof v === "number" ? v < Number(value) : s < value);
        case ">":
            return s !== undefined && (typeof v === "number" ? v > Number(value) : s > value);
        case "<=":
            return s !== undefined && (typeof v === "number" ? v <= Number(value) : s <= value);
        default:
            return s !== undefined && (typeof v === "number" ? v >= Number(value) : s >= value);
    }
}
