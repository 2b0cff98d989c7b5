/**
 * What this provider host process saw of the current Pulumi run, shared by every kind. Pulumi starts one
 * dynamic-provider host per run (a `preview`, an `up`, a `refresh`), so these notes last exactly one run;
 * they live in the host only (resources serialize a forwarder, see hosted.ts) and hold no settings.
 *
 * - Refreshed URNs tell the `diff` the CLI v3.274 makes during a refresh (`pulumi refresh`, or the refresh
 *   step of `preview --refresh`: right after `read`, of the refreshed outputs against the inputs in state,
 *   with no `check` between) from the `diff` of a preview or an up (after the `check` of the program's
 *   inputs). The refresh's writes nothing, so it must not warn of writes, nor refuse a replacement.
 * - Replaced URNs: the engine checks a replacement's inputs again as if for a new object; warnings about a
 *   new object are not for it.
 * - Created ids: objects this run made, so that a new object can tell a fresh stack (everything it points
 *   at is made in the same run) from one re-created beside objects that already existed.
 */

const refreshed = new Set<string>();
const replaced = new Set<string>();
const created = new Set<string>();

/** Notes that `read` refreshed the resource at `urn`: the next `diff`, unless a `check` comes first, is the refresh's. */
export function noteRead(urn: string | undefined): void {
    if (urn) refreshed.add(urn);
}

/** Notes that `check` ran for the resource at `urn`: its next `diff` is a preview's or an up's. */
export function noteChecked(urn: string | undefined): void {
    if (urn) refreshed.delete(urn);
}

/** True when the `diff` of the resource at `urn` is the one a refresh makes (see above). */
export function isRefreshDiff(urn: string | undefined): boolean {
    return urn !== undefined && refreshed.has(urn);
}

/** Notes that `diff` decided to replace the resource at `urn`. */
export function noteReplaced(urn: string | undefined): void {
    if (urn) replaced.add(urn);
}

/** True when `diff` decided, in this run, to replace the resource at `urn`. */
export function isReplaced(urn: string | undefined): boolean {
    return urn !== undefined && replaced.has(urn);
}

/** Notes the id of an object this run created. */
export function noteCreated(id: string): void {
    created.add(id);
}

/** True when this run created the object with this id. */
export function createdThisRun(id: string): boolean {
    return created.has(id);
}
