/** Offline input checks shared by every resource: names, ids, and keys that do not exist. */
import { UNKNOWN } from "./json";

/** One problem with an input, as Pulumi shows it: the property and the reason. */
export interface CheckFailure {
    property: string;
    reason: string;
}

/** Checks a name-like input: a string with something other than spaces in it, within AEP's length limit. */
export function checkText(
    failures: CheckFailure[],
    inputs: Record<string, unknown>,
    key: string,
    opts: { required?: boolean; max: number; hint?: string; label?: string },
): void {
    const v = inputs[key];
    const label = opts.label ?? key;
    if (v === undefined || v === UNKNOWN) {
        if (opts.required && v === undefined)
            failures.push({ property: key, reason: `${label} is required${opts.hint ? `: ${opts.hint}` : ""}` });
        return;
    }
    if (typeof v !== "string") {
        failures.push({ property: key, reason: `${label} must be a string, got ${typeof v}` });
    } else if (v.trim().length === 0) {
        failures.push({
            property: key,
            reason: `${label} must not be empty or only spaces: give a value or leave it out${opts.hint ? ` (${opts.hint})` : ""}`,
        });
    } else if (v.length > opts.max) {
        failures.push({ property: key, reason: `${label} is ${v.length} characters; AEP accepts at most ${opts.max}: shorten it` });
    }
}

/** Checks that an input looks like the id of the right AEP object kind. */
export function checkId(
    failures: CheckFailure[],
    inputs: Record<string, unknown>,
    key: string,
    pattern: RegExp,
    what: string,
    opts: { required?: boolean } = { required: true },
): void {
    const v = inputs[key];
    if (v === UNKNOWN) return;
    if (v === undefined || v === "") {
        if (opts.required) failures.push({ property: key, reason: `${key} is required: pass the ${what}` });
        return;
    }
    if (typeof v !== "string" || !pattern.test(v)) {
        failures.push({
            property: key,
            reason: `${key} ${JSON.stringify(v)} is not a ${what}: pass the \`id\` output of the resource that owns it`,
        });
    }
}

/** Edit distance (insertions, deletions, substitutions; a swap of neighbours counts once). */
function distance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/** The known key closest to `key` (case ignored first), when one is close enough to be a likely misspelling. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
    const lower = key.toLowerCase();
    const same = known.find((k) => k.toLowerCase() === lower);
    if (same) return same;
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
        const dist = distance(lower, k.toLowerCase());
        if (dist < bestDistance) [best, bestDistance] = [k, dist];
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * Refuses keys a resource does not take (JavaScript and YAML programs get no compiler to catch
 * `descripton` or `sandboxname`): each failure names the key, the nearest known one, and the list.
 * Keys starting with `__` are Pulumi's and this package's own and are never refused; `accepted` keys are
 * taken without being offered (inputs the resource class sets itself, such as `resourceName`).
 */
export function checkKnownKeys(
    failures: CheckFailure[],
    inputs: Record<string, unknown>,
    known: readonly string[],
    what: string,
    accepted: readonly string[] = [],
): void {
    for (const key of Object.keys(inputs)) {
        if (key.startsWith("__") || known.includes(key) || accepted.includes(key)) continue;
        const near = nearestKey(key, known);
        failures.push({
            property: key,
            reason: `${what} has no input "${key}"${near ? `: did you mean "${near}"?` : ""} (its inputs are ${known.join(", ")})`,
        });
    }
}

/**
 * Refuses keys inside a nested input (an XDM field, a mapping, an identity) that it does not take: a
 * typo such as `requird` would otherwise be dropped on the way to AEP without a word. Each failure
 * names the key's path (`extraFields.rating.requird`), the nearest known key and the list of keys.
 */
export function checkNestedKeys(failures: CheckFailure[], value: unknown, known: readonly string[], path: string, what: string): void {
    if (!value || typeof value !== "object" || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
        if (known.includes(key)) continue;
        const near = nearestKey(key, known);
        failures.push({
            property: `${path}.${key}`,
            reason: `${path}.${key}: ${what} has no key "${key}"${near ? `: did you mean "${near}"?` : ""} (its keys are ${known.join(", ")})`,
        });
    }
}
