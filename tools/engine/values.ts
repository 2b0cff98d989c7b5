// Property values as they travel between the engine, the program and the providers ("wire form", the
// JavaScript view of a google.protobuf.Struct as the SDK's runtime/rpc.js writes it):
//   * a secret is `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value }`;
//   * an unknown (preview only) is the string "04da6b54-80e4-46f7-96ec-b56ff0331ba9".
// The engine keeps state in the same form, so "which keys are secret" is never lost.

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type PropertyMap = Record<string, unknown>;

export function isSecret(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

export function makeSecret(v: unknown): unknown {
    return isSecret(v) ? v : { [SIG_KEY]: SECRET_SIG, value: v };
}

export function isUnknown(v: unknown): boolean {
    return v === UNKNOWN;
}

/** True when the value is or holds a secret anywhere inside. */
export function containsSecret(v: unknown): boolean {
    if (isSecret(v)) {
        return true;
    }
    if (Array.isArray(v)) {
        return v.some(containsSecret);
    }
    if (typeof v === "object" && v !== null) {
        return Object.values(v).some(containsSecret);
    }
    return false;
}

/** True when the value is or holds an unknown anywhere inside. */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) {
        return true;
    }
    if (Array.isArray(v)) {
        return v.some(containsUnknown);
    }
    if (typeof v === "object" && v !== null) {
        return Object.values(v).some(containsUnknown);
    }
    return false;
}

/** Removes every secret wrapper (what the engine does for a provider that said acceptSecrets=false). */
export function stripSecrets<T = unknown>(v: T): T {
    if (isSecret(v)) {
        return stripSecrets(v.value) as T;
    }
    if (Array.isArray(v)) {
        return v.map(stripSecrets) as unknown as T;
    }
    if (typeof v === "object" && v !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
            out[k] = stripSecrets(x);
        }
        return out as T;
    }
    return v;
}

/** The top-level keys whose values hold a secret. */
export function secretKeys(map: PropertyMap | undefined): string[] {
    return Object.keys(map ?? {}).filter((k) => containsSecret(map![k]));
}

/**
 * Re-marks outputs after a provider call: an output whose key was secret in the inputs, a key listed
 * in `additionalSecretOutputs`, or a key that was secret before stays secret (`annotateSecrets` in the
 * engine's provider_plugin.go, plus the additionalSecretOutputs registration option).
 */
export function annotateSecrets(outputs: PropertyMap, secret: Iterable<string>): PropertyMap {
    const keys = new Set(secret);
    const out: PropertyMap = {};
    for (const [k, v] of Object.entries(outputs)) {
        out[k] = keys.has(k) && !containsSecret(v) ? makeSecret(v) : v;
    }
    return out;
}

/** Structural equality of two wire values (secret wrappers compare by their contents). */
export function deepEqual(a: unknown, b: unknown): boolean {
    const x = stripSecrets(a);
    const y = stripSecrets(b);
    return canonical(x) === canonical(y);
}

function canonical(v: unknown): string {
    return JSON.stringify(v, (_k, val) => {
        if (val && typeof val === "object" && !Array.isArray(val)) {
            const sorted: Record<string, unknown> = {};
            for (const k of Object.keys(val).sort()) {
                sorted[k] = (val as Record<string, unknown>)[k];
            }
            return sorted;
        }
        return val;
    });
}

/** Top-level keys that differ between two property maps (an unknown new value counts as a change). */
export function changedKeys(olds: PropertyMap, news: PropertyMap, ignore: string[] = []): string[] {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    const changed: string[] = [];
    for (const k of keys) {
        if (ignore.includes(k)) {
            continue;
        }
        if (containsUnknown(news[k]) || !deepEqual(olds[k], news[k])) {
            changed.push(k);
        }
    }
    return changed.sort();
}
