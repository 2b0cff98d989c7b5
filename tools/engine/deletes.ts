// Deletes: up's end-of-run deletes (objects replaced or no longer declared) and destroy. Dependents go
// before what they depend on, in waves; the order (a preview lists it) is the waves one after the other.

import { bounded, PARALLEL } from "./bounded";
import type { Deployment } from "./deployment";
import { isDynamicType, isHiddenProvider, nameOf } from "./resources";
import { ResourceState } from "./state";
import { stripSecrets } from "./values";

/** The URNs a resource depends on, for delete order: dependencies, parent, property dependencies, provider. */
function depsOf(r: ResourceState): Set<string> {
    const s = new Set<string>(r.dependencies ?? []);
    if (r.parent) s.add(r.parent);
    for (const urns of Object.values(r.propertyDependencies ?? {})) urns.forEach((u) => s.add(u));
    if (r.provider) s.add(r.provider.slice(0, r.provider.lastIndexOf("::")));
    return s;
}

/**
 * The deletes in waves: each wave is every condemned resource that nothing still condemned depends on
 * (depsOf), later in `stateOrder` first (state order is creation order). A dependency cycle (which the
 * SDK cannot make) falls back to one resource, the latest in state.
 */
export function deleteWaves(condemned: ResourceState[], stateOrder: ResourceState[]): ResourceState[][] {
    const index = new Map(stateOrder.map((r, i) => [r, i] as const));
    const byStateDesc = (a: ResourceState, b: ResourceState) => (index.get(b) ?? -1) - (index.get(a) ?? -1);
    const deps = new Map(condemned.map((r) => [r, depsOf(r)] as const));
    const remaining = new Set(condemned);
    const waves: ResourceState[][] = [];
    while (remaining.size) {
        const blocked = new Set<string>();
        for (const r of remaining) deps.get(r)!.forEach((u) => blocked.add(u));
        const ready = [...remaining].filter((r) => !blocked.has(r.urn)).sort(byStateDesc);
        const wave = ready.length ? ready : [[...remaining].sort(byStateDesc)[0]];
        wave.forEach((r) => remaining.delete(r));
        waves.push(wave);
    }
    return waves;
}

/** The order of the deletes: the waves, one after the other. */
export function deleteOrder(condemned: ResourceState[], stateOrder: ResourceState[]): ResourceState[] {
    return deleteWaves(condemned, stateOrder).flat();
}

/**
 * Deletes dependents before what they depend on, like the engine: wave after wave, the deletes of a wave
 * in parallel (at most PARALLEL at once). A failed delete stops the run: no further delete starts, those
 * in flight finish, what remains stays in state, and the state is on disk before the error is thrown.
 * A preview lists the deletes one by one, in order.
 */
export async function deleteAll(d: Deployment, condemned: ResourceState[]): Promise<void> {
    if (d.preview) {
        for (const r of deleteOrder(condemned, d.old.resources)) {
            if (isHiddenProvider(r)) continue;
            d.record("delete", r.urn, r.type);
            d.display.planned("delete", r.type, nameOf(r.urn), undefined, r.pendingDelete ? " (original)" : "");
        }
        return;
    }
    for (const wave of deleteWaves(condemned, d.old.resources)) {
        const errors = await bounded(wave, PARALLEL, (r) => deleteOne(d, r));
        if (errors.length) {
            errors.forEach((e) => d.report(e));
            d.save();
            await d.flushState();
            throw errors[0];
        }
    }
}

/**
 * Delete(id, outputs, old inputs) with the provider code saved in state. Protected resources refuse
 * (unless it is a replaced original); components, the stack, local random values and retained objects
 * leave the state without a provider call; default providers leave it unseen.
 */
async function deleteOne(d: Deployment, r: ResourceState): Promise<void> {
    const name = nameOf(r.urn);
    if (r.protect && !r.pendingDelete) {
        d.fail(`${r.type} (${name}) is protected and cannot be deleted; set protect: false first`);
    }
    if (isHiddenProvider(r)) {
        d.markGone(r);
        return;
    }
    const what: [string, string] | undefined = r.pendingDelete ? ["deleting original", "deleted original"] : undefined;
    if (!r.custom || !isDynamicType(r.type) || r.retainOnDelete) {
        d.record("delete", r.urn, r.type);
        d.markGone(r);
        d.display.finished("delete", r.type, name, 0, undefined, what?.[1]);
        return;
    }
    const target = { type: r.type, name, urn: r.urn };
    await d.timed(
        "delete",
        target,
        undefined,
        async () => {
            const host = await d.providerCall(target, () => d.dynamicHost());
            await d.providerCall(target, () =>
                host.delete({ urn: r.urn, name, type: r.type }, r.id!, stripSecrets(r.outputs), stripSecrets(r.inputs)),
            );
            d.markGone(r);
        },
        what,
    );
}
