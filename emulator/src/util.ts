/**
 * Small helpers every emulated API family shares: id generators in the shapes AEP uses, clocks,
 * deep copies and comparisons.
 */
import * as crypto from "crypto";

/** Where object ids come from: random bytes, or a seeded sequence (EmulatorOptions.seed). */
export type IdSource = (bytes: number) => Buffer;

const randomIds: IdSource = (bytes) => crypto.randomBytes(bytes);

let activeIds: IdSource = randomIds;

/**
 * Runs `f` with object ids taken from `source` (random when undefined). Handlers are synchronous, so
 * each emulator sets its own source around the work it does and no other request's ids interleave.
 */
export function withIds<T>(source: IdSource | undefined, f: () => T): T {
    const previous = activeIds;
    activeIds = source ?? randomIds;
    try {
        return f();
    } finally {
        activeIds = previous;
    }
}

/**
 * A seeded id source: the `n`-th id is derived from SHA-256 of the seed and `n`, so the same seed and the
 * same sequence of requests give the same ids. `next()` hands out the sequence numbers (the store keeps
 * the counter, so a restarted emulator continues the sequence instead of repeating ids it stored).
 */
export function seededIds(seed: string, next: () => number): IdSource {
    return (bytes) => {
        const n = next();
        const blocks: Buffer[] = [];
        for (let i = 0; blocks.length * 32 < bytes; i++) blocks.push(crypto.createHash("sha256").update(`${seed}:${n}:${i}`).digest());
        return Buffer.concat(blocks).subarray(0, bytes);
    };
}

/** `n` lowercase hex characters: random, or from the emulator's seed. */
export function hex(n: number): string {
    return activeIds(Math.ceil(n / 2))
        .toString("hex")
        .slice(0, n);
}

/** An RFC 4122 version-4 UUID: random, or from the emulator's seed. */
export function uuid(): string {
    const b = Buffer.from(activeIds(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * An id for one exchange rather than for an object (x-request-id, error report ids, inlet transaction
 * ids): always random, even when the emulator's object ids are seeded.
 */
export function requestId(): string {
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
