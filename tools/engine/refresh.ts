// refresh: every dynamic resource read back from its provider, with the provider code saved in state;
// the program does not run. Drift is what the next up would change (RefreshStep.Apply in step.go).

import { bounded, PARALLEL } from "./bounded";
import type { Deployment, StepTarget } from "./deployment";
import { DynamicHost } from "./host";
import { displayName, isDynamicType, nameOf, PROVIDER_PREFIX } from "./resources";
import { ResourceState } from "./state";
import { annotateSecrets, changedKeys, deepEqual, PropertyMap, secretKeys, stripSecrets } from "./values";

/**
 * Read(id, properties = state outputs, inputs = state inputs) for every dynamic resource, in parallel
 * (at most PARALLEL at once), each applied to the state as it comes back. Components have nothing to
 * read; the local random provider's read returns its state unchanged. A failed read starts nothing more,
 * lets those in flight finish, and fails the run once the state is on disk.
 */
export async function refreshAll(d: Deployment): Promise<void> {
    const reads: ResourceState[] = [];
    for (const r of [...d.old.resources]) {
        if (r.pendingDelete || r.type.startsWith(PROVIDER_PREFIX)) continue;
        if (!r.custom) {
            d.record("same", r.urn, r.type);
        } else if (!isDynamicType(r.type)) {
            d.record("refresh", r.urn, r.type);
            d.count("same");
        } else {
            reads.push(r);
        }
    }
    const errors = await bounded(reads, PARALLEL, (r) => refreshOne(d, r));
    if (errors.length) {
        errors.forEach((e) => d.report(e));
        d.save();
        await d.flushState();
        throw errors[0];
    }
}

/**
 * One read. No id back means the object is gone: it leaves the state. Otherwise the returned properties
 * (and inputs, if any) replace the stored ones, secrets re-marked.
 */
async function refreshOne(d: Deployment, r: ResourceState): Promise<void> {
    const name = nameOf(r.urn);
    const ids = { urn: r.urn, name, type: r.type };
    const t0 = Date.now();
    d.display.started("refresh", r.type, name);
    let res: { id: string; properties: PropertyMap; inputs?: PropertyMap };
    let drift: string[] = [];
    try {
        const host = await d.providerCall(ids, () => d.dynamicHost());
        res = await d.providerCall(ids, () => host.read(ids, r.id!, stripSecrets(r.outputs), stripSecrets(r.inputs)));
        if (res.id) drift = await driftOf(d, host, ids, r, res);
    } catch (e) {
        d.display.failed("refresh", r.type, name, Date.now() - t0);
        d.report(e);
        throw e;
    }
    if (!res.id) {
        d.markGone(r);
        d.record("delete", r.urn, r.type);
        d.display.finished("delete", r.type, name, Date.now() - t0);
        d.diagnostic(`${displayName(r)} no longer exists (id ${r.id}): removed from the state`);
        return;
    }
    const secretOut = [...secretKeys(r.outputs), ...secretKeys(r.inputs), ...(r.additionalSecretOutputs ?? [])];
    const outputs = annotateSecrets(res.properties, secretOut);
    const inputs = res.inputs ? annotateSecrets(res.inputs, secretKeys(r.inputs)) : r.inputs;
    d.replaceOld(r, { ...r, id: res.id, outputs, inputs });
    d.record("refresh", r.urn, r.type, drift);
    d.count(drift.length ? "update" : "same");
    d.display.finished(drift.length ? "update" : "refresh", r.type, name, Date.now() - t0, drift);
}

/**
 * Drift is what the next up would change, as the Pulumi engine computes it: the provider's Diff with the
 * refreshed outputs and inputs as the old side and the stored inputs as the new side (step.go,
 * RefreshStep.Apply); a server-side counter that Diff ignores is no drift. The SDK's dynamic-provider
 * host names no keys, so the changed outputs are shown.
 */
async function driftOf(
    d: Deployment,
    host: DynamicHost,
    ids: StepTarget,
    r: ResourceState,
    res: { id: string; properties: PropertyMap; inputs?: PropertyMap },
): Promise<string[]> {
    const refreshedInputs = res.inputs ?? r.inputs;
    const diff = await d.providerCall(ids, () =>
        host.diff(ids, res.id, stripSecrets(res.properties), stripSecrets(r.inputs), stripSecrets(refreshedInputs), []),
    );
    if (diff.changes === "unknown") return changedKeys(refreshedInputs, r.inputs);
    if (diff.changes !== "some") return [];
    const stored = stripSecrets(r.inputs);
    const moved = changedKeys(r.outputs, res.properties);
    const drift = moved.length
        ? moved
        : Object.keys(stored)
              .filter((k) => !deepEqual(res.properties[k], stored[k]))
              .sort();
    return drift.length ? drift : ["(the provider's diff)"];
}
