// The step of a dynamic resource, as the Pulumi engine takes it (shared/reference/pulumi-dynamic.md §2.4;
// step_generator.go): check the inputs, create if there is no old object, otherwise decide from the
// provider's Diff between same, update and replace, and take that step. One method per decision.

import type { Deployment, Goal, Registered, StepTarget } from "./deployment";
import { DynamicHost } from "./host";
import { displayName, isDynamicType, nameOf } from "./resources";
import { ResourceState } from "./state";
import { annotateSecrets, changedKeys, PropertyMap, secretKeys, stripSecrets, UNKNOWN } from "./values";

/** What the Diff of an existing resource decided. */
type Decision =
    { step: "same" } | { step: "update"; changed: string[] } | { step: "replace"; keys: string[]; deleteBeforeReplace: boolean };

/** The step for one registration of a dynamic resource (`old`: its entry in the old state, if any). */
export async function dynamicStep(d: Deployment, goal: Goal, old: ResourceState | undefined): Promise<Registered> {
    const host = await d.providerCall(goal, () => d.dynamicHost());
    const step = new DynamicStep(d, host, goal, old);
    await step.check();
    if (!old) {
        return step.create();
    }
    const decision = await step.decide(old);
    switch (decision.step) {
        case "same":
            return step.same(old);
        case "update":
            return step.update(old, decision.changed);
        case "replace":
            return step.replace(old, decision.keys, decision.deleteBeforeReplace);
    }
}

class DynamicStep {
    private readonly ids: StepTarget;
    /** The program's inputs, `ignoreChanges` applied. */
    private readonly news: PropertyMap;
    private readonly secretIn: string[];
    private readonly secretOut: string[];
    /** The new state entry; its inputs are the checked inputs. */
    private readonly entry: ResourceState;

    constructor(
        private readonly d: Deployment,
        private readonly host: DynamicHost,
        private readonly goal: Goal,
        private readonly old: ResourceState | undefined,
    ) {
        this.ids = { urn: goal.urn, name: goal.name, type: goal.type };
        this.news = old ? d.applyIgnoreChanges(goal.inputs, old.inputs, goal.ignoreChanges) : goal.inputs;
        this.secretIn = secretKeys(this.news);
        this.secretOut = [...this.secretIn, ...goal.additionalSecretOutputs];
        this.entry = { ...d.baseEntry(goal), inputs: this.news, provider: d.defaultProviderRef("pulumi-nodejs", "") };
    }

    /** The inputs the provider checked (what Create, Update and Diff get). */
    private get checked(): PropertyMap {
        return this.entry.inputs;
    }

    /**
     * Check(olds, news): the provider validates the inputs and fills in defaults. `olds` are the old
     * inputs, or none for a replacement, so that defaults such as automatic names are chosen afresh.
     */
    async check(olds: PropertyMap | undefined = this.old?.inputs): Promise<void> {
        const r = await this.d.providerCall(this.goal, () =>
            this.host.check(this.ids, olds ? stripSecrets(olds) : {}, stripSecrets(this.news)),
        );
        if (r.failures.length) this.d.checkFailures(this.goal, this.news, r.failures);
        this.entry.inputs = annotateSecrets(r.inputs, this.secretIn);
    }

    /**
     * Diff(id, old outputs, checked inputs, old inputs) decides. DIFF_UNKNOWN: the engine compares the
     * inputs itself, and only then honours `replaceOnChanges`. A partially created object (init errors)
     * is updated until it initialises. A replacement is delete-before-replace when the provider asks,
     * unless the resource says `deleteBeforeReplace: false`.
     */
    async decide(old: ResourceState): Promise<Decision> {
        const { goal } = this;
        const diff = await this.d.providerCall(goal, () =>
            this.host.diff(
                this.ids,
                old.id!,
                stripSecrets(old.outputs),
                stripSecrets(this.checked),
                stripSecrets(old.inputs),
                goal.ignoreChanges,
            ),
        );
        let changed = changedKeys(old.inputs, this.checked);
        let replaces: string[];
        let hasChanges: boolean;
        if (diff.changes === "unknown") {
            // The provider had no opinion: the engine diffs old and new inputs itself.
            hasChanges = changed.length > 0;
            replaces = goal.replaceOnChanges.includes("*") ? changed : changed.filter((k) => goal.replaceOnChanges.includes(k));
        } else {
            hasChanges = diff.changes === "some";
            replaces = hasChanges ? diff.replaces : [];
            if (hasChanges && !changed.length) changed = replaces.length ? replaces : [];
        }
        if (old.initErrors?.length && !hasChanges) {
            hasChanges = true; // a partially created object is updated until it initialises
        }
        if (!hasChanges) return { step: "same" };
        if (!replaces.length) return { step: "update", changed };
        const deleteBeforeReplace = goal.deleteBeforeReplaceDefined ? goal.deleteBeforeReplace : diff.deleteBeforeReplace;
        return { step: "replace", keys: [...new Set([...changed, ...replaces])].sort(), deleteBeforeReplace };
    }

    /** SameStep: new inputs, old outputs (so the outputs keep the old __provider). No provider call. */
    same(old: ResourceState): Registered {
        const { d, goal, entry } = this;
        entry.id = old.id;
        entry.outputs = old.outputs;
        d.putNew(entry, old);
        d.record("same", goal.urn, goal.type);
        d.show("same", goal.type, goal.name, 0);
        d.save();
        return { urn: goal.urn, id: old.id!, outputs: old.outputs };
    }

    /** A new object. A dependent deleted ahead of a delete-before-replace comes back as its replacement. */
    async create(): Promise<Registered> {
        const { d, goal } = this;
        if (d.preview) {
            d.record("create", goal.urn, goal.type);
            d.display.planned("create", goal.type, goal.name);
            return this.createObject();
        }
        return d.timed(d.replacedAhead(goal.urn) ? "replace" : "create", goal, undefined, () => this.createObject());
    }

    /** Update(id, old outputs, checked inputs, old inputs) in place; a preview plans it. */
    async update(old: ResourceState, changed: string[]): Promise<Registered> {
        const { d, goal, entry } = this;
        if (d.preview) {
            d.record("update", goal.urn, goal.type, changed);
            d.display.planned("update", goal.type, goal.name, changed);
            return { urn: goal.urn, id: old.id!, outputs: this.checked };
        }
        return d.timed("update", goal, changed, async () => {
            const outs = await d.providerCall(goal, () =>
                this.host.update(
                    this.ids,
                    old.id!,
                    stripSecrets(old.outputs),
                    stripSecrets(this.checked),
                    stripSecrets(old.inputs),
                    goal.ignoreChanges,
                ),
            );
            entry.id = old.id;
            entry.outputs = annotateSecrets(outs, this.secretOut);
            d.putNew(entry, old);
            d.save();
            return { urn: goal.urn, id: old.id!, outputs: entry.outputs };
        });
    }

    /**
     * A new object in place of the old one: checked again without the old inputs (step_generator.go does
     * the same), then created before the old object is deleted at the end of the run, or, delete before
     * replace, after the old object and what would be replaced with it are deleted.
     */
    async replace(old: ResourceState, keys: string[], deleteBeforeReplace: boolean): Promise<Registered> {
        const { d, goal } = this;
        if (old.protect) {
            d.fail(`${goal.type} (${goal.name}) is protected and cannot be replaced; set protect: false first`);
        }
        await this.check({});
        if (d.preview) {
            d.record("replace", goal.urn, goal.type, keys);
            d.display.planned("replace", goal.type, goal.name, keys, deleteBeforeReplace ? " (delete before replace)" : "");
            return this.createObject();
        }
        if (!deleteBeforeReplace) {
            return d.timed("replace", goal, keys, () => this.createObject(old));
        }
        return d.timed(
            "replace",
            goal,
            keys,
            async () => {
                await this.deleteAhead(old);
                return this.createObject();
            },
            ["replacing (delete before replace)", "replaced (delete before replace)"],
        );
    }

    /**
     * Delete before replace: as the engine does (calculateDependentReplacements), what would be replaced
     * once the old object's outputs are unknown is deleted first, dependents of dependents before them,
     * then the old object.
     */
    private async deleteAhead(old: ResourceState): Promise<void> {
        const { d, goal, host } = this;
        const dependents = (await this.dependentReplacements(old)).reverse();
        const guarded = dependents.find((x) => x.protect);
        if (guarded)
            d.fail(
                `${displayName(guarded)} is protected and cannot be replaced as part of replacing ${goal.type} (${goal.name}); set protect: false first`,
            );
        for (const dep of dependents) {
            const depIds = { urn: dep.urn, name: nameOf(dep.urn), type: dep.type };
            await d.providerCall(depIds, () => host.delete(depIds, dep.id!, stripSecrets(dep.outputs), stripSecrets(dep.inputs)));
            d.markDeletedForReplacement(dep, true);
        }
        await d.providerCall(goal, () => host.delete(this.ids, old.id!, stripSecrets(old.outputs), stripSecrets(old.inputs)));
        d.markDeletedForReplacement(old, false);
    }

    /**
     * The old-state resources that must be replaced along with `root` when it is deleted first: those not
     * registered yet whose inputs take a value from `root` (or from another such resource) and whose
     * provider's Diff, with those inputs unknown, asks for a replacement. In dependency order.
     */
    private async dependentReplacements(root: ResourceState): Promise<ResourceState[]> {
        const { d, host } = this;
        const replaceSet = new Set([root.urn]);
        const out: ResourceState[] = [];
        let grew = true;
        while (grew) {
            grew = false;
            for (const dep of d.unclaimedOld()) {
                if (replaceSet.has(dep.urn) || !dep.custom || !isDynamicType(dep.type) || !dep.id) continue;
                const keys = Object.entries(dep.propertyDependencies ?? {})
                    .filter(([, urns]) => urns.some((u) => replaceSet.has(u)))
                    .map(([k]) => k);
                if (!keys.length) continue;
                const inputs = stripSecrets(dep.inputs);
                const news: PropertyMap = { ...inputs };
                for (const k of keys) if (k in news) news[k] = UNKNOWN;
                const depIds = { urn: dep.urn, name: nameOf(dep.urn), type: dep.type };
                const diff = await d.providerCall(depIds, () => host.diff(depIds, dep.id!, stripSecrets(dep.outputs), news, inputs, []));
                if (diff.replaces.length) {
                    replaceSet.add(dep.urn);
                    out.push(dep);
                    grew = true;
                }
            }
        }
        return out;
    }

    /**
     * Create(checked inputs); `replacing` is the old object it replaces, kept in state for deletion at the
     * end of the run (create-before-delete). A preview creates nothing: outputs = checked inputs.
     */
    private async createObject(replacing?: ResourceState): Promise<Registered> {
        const { d, goal, entry } = this;
        if (d.preview) {
            return { urn: goal.urn, id: "", outputs: this.checked };
        }
        const r = await d.providerCall(
            goal,
            () => this.host.create(this.ids, stripSecrets(this.checked)),
            (e) => {
                // Created but not initialised: keep it, so the next run can update or delete it.
                const partial = {
                    ...entry,
                    id: e.initFailure!.id,
                    outputs: annotateSecrets(e.initFailure!.properties, this.secretOut),
                    initErrors: e.initFailure!.reasons,
                };
                d.putNew(partial, replacing, true);
                d.save();
            },
        );
        if (!r.id) d.fail(`${goal.type} (${goal.name}): the provider's create returned an empty id`);
        entry.id = r.id;
        entry.outputs = annotateSecrets(r.properties, this.secretOut);
        d.putNew(entry, replacing, true);
        d.save();
        return { urn: goal.urn, id: r.id, outputs: entry.outputs };
    }
}
