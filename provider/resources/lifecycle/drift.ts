/**
 * Drift a reviewer can see. The Node.js dynamic-provider host gives the engine no detailed diff, so after
 * a change made in AEP by hand `pulumi preview --diff` would show `~ update` without a changed line. The
 * provider says it instead, under the resource: each drifted field, AEP's value and the program's.
 *
 * What `diff` receives cannot tell drift from a program change by itself: `olds` are the outputs in
 * state (after a refresh, what AEP answered), `news` the program's checked inputs, and the inputs of the
 * last deployment are not passed. So `read` keeps them: when a refresh finds an owned field holding
 * another value than the one in state, the value in state (the program's, as last deployed) is kept in
 * the hidden output `__declared` (keys starting with `__` are not shown by the CLI). A later refresh
 * keeps the first value, and forgets it when AEP holds it again; an update, which sets the program's
 * values, drops it.
 */
import { sameJson } from "./json";

/** The hidden output holding the deployed values of the fields AEP holds differently (by key). */
export const DECLARED = "__declared";

const orNull = (v: unknown) => (v === undefined ? null : v);

/**
 * The `__declared` record after a refresh: `olds` are the outputs in state, `live` what AEP answers now,
 * `keys` the fields the resource owns. Undefined when nothing drifted.
 */
export function declaredAfterRead(
    olds: Record<string, any>,
    live: Record<string, any>,
    keys: readonly string[],
): Record<string, unknown> | undefined {
    const declared: Record<string, unknown> = { ...(olds[DECLARED] ?? {}) };
    for (const k of keys) {
        if (live[k] === undefined) continue; // not echoed by AEP: the last known value stays
        if (k in declared) {
            if (sameJson(orNull(declared[k]), orNull(live[k]))) delete declared[k];
        } else if (!sameJson(orNull(olds[k]), orNull(live[k]))) {
            declared[k] = orNull(olds[k]);
        }
    }
    return Object.keys(declared).length ? declared : undefined;
}

function show(v: unknown): string {
    if (v === undefined || v === null) return "(not set)";
    const text = JSON.stringify(v);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The leaf paths where two JSON values differ (`fields.rating.title`, `mappings[2].source`), at most `limit`. */
export function differences(a: unknown, b: unknown, path: string, limit = 6): Array<{ path: string; a: unknown; b: unknown }> {
    const out: Array<{ path: string; a: unknown; b: unknown }> = [];
    const walk = (x: unknown, y: unknown, p: string) => {
        if (out.length >= limit || sameJson(orNull(x), orNull(y))) return;
        if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
            x.forEach((v, i) => walk(v, y[i], `${p}[${i}]`));
            return;
        }
        const isObj = (v: unknown) => !!v && typeof v === "object" && !Array.isArray(v);
        if (isObj(x) && isObj(y)) {
            const xr = x as Record<string, unknown>;
            const yr = y as Record<string, unknown>;
            for (const k of new Set([...Object.keys(xr), ...Object.keys(yr)])) walk(xr[k], yr[k], `${p}.${k}`);
            return;
        }
        out.push({ path: p, a: x, b: y });
    };
    walk(a, b, path);
    return out;
}

/**
 * One line per drifted field among `changed`: AEP's value and the program's (`news`; during a refresh, the
 * inputs of the last deployment, `newsLabel`), noting when the program changed the field too. Empty when
 * nothing drifted.
 */
export function driftLines(
    olds: Record<string, any>,
    news: Record<string, any>,
    changed: readonly string[],
    newsLabel = "the program",
): string[] {
    const declared: Record<string, unknown> = olds[DECLARED] ?? {};
    const lines: string[] = [];
    for (const k of changed) {
        if (!(k in declared)) continue;
        const programChanged = !sameJson(orNull(declared[k]), orNull(news[k]));
        for (const d of differences(olds[k], news[k], k))
            lines.push(
                `${d.path}: ${show(d.a)} in AEP, ${show(d.b)} in ${newsLabel}${programChanged ? " (the program changed it too)" : ""}`,
            );
    }
    return lines;
}
