// One run of the local engine: the step logic the Pulumi engine applies to each registration
// (shared/reference/pulumi-dynamic.md §2.4), the deletes after the program, refresh and destroy.
// State is written after every step that changed something (coalesced: see StateWriter in state.ts).

import { randomUUID } from "crypto";
import { Display, Kind, Op } from "./display";
import { DynamicHost, DYNAMIC_PROVIDER_TYPE, ProviderError } from "./host";
import { Project } from "./project";
import { checkRandom, createRandom, isLocalRandomType } from "./random";
import { Sdk } from "./sdk";
import { ResourceState, StackState, StateFile, StateWriter } from "./state";
import { ConfigValue, OutputValue, StepRecord } from "./types";
import {
    annotateSecrets,
    changedKeys,
    containsUnknown,
    deepEqual,
    isSecret,
    PropertyMap,
    secretKeys,
    stripSecrets,
    UNKNOWN,
} from "./values";

export const STACK_TYPE = "pulumi:pulumi:Stack";
const PROVIDER_PREFIX = "pulumi:providers:";
/** How many deletes (one wave) or refresh reads are in flight at once. */
export const PARALLEL = 16;

/**
 * Runs `f` over `items`, at most `limit` at once, in order of `items`. After the first failure no
 * further item starts; the ones in flight finish. Resolves with the errors (none when all succeeded).
 */
async function bounded<T>(items: T[], limit: number, f: (item: T) => Promise<void>): Promise<unknown[]> {
    const errors: unknown[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
        while (!errors.length && next < items.length) {
            const item = items[next++];
            try {
                await f(item);
            } catch (e) {
                errors.push(e);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return errors;
}

/** What the program asked for in one RegisterResource call. */
export interface Goal {
    type: string;
    name: string;
    urn: string;
    parent: string;
    custom: boolean;
    inputs: PropertyMap;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    provider: string;
    version: string;
    protect?: boolean;
    deleteBeforeReplace: boolean;
    deleteBeforeReplaceDefined: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    additionalSecretOutputs: string[];
    aliases: string[];
    retainOnDelete?: boolean;
    /** The `import` resource option (not supported). */
    importId: string;
    /** A multi-language component (not supported). */
    remote: boolean;
}

export interface Registered {
    urn: string;
    id: string;
    outputs: PropertyMap;
}

/** An error already reported to the user (the run fails with it). */
export class StepError extends Error {
    /** Set once the message has been shown. */
    reported = false;
    constructor(message: string) {
        super(message);
        this.name = "StepError";
    }
}

export function isDynamicType(type: string): boolean {
    return type.startsWith("pulumi-nodejs:dynamic");
}

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The URNs a resource depends on, for delete order: dependencies, parent, property dependencies, provider. */
function depsOf(r: ResourceState): Set<string> {
    const s = new Set<string>(r.dependencies ?? []);
    if (r.parent) s.add(r.parent);
    for (const urns of Object.values(r.propertyDependencies ?? {})) urns.forEach((u) => s.add(u));
    if (r.provider) s.add(r.provider.slice(0, r.provider.lastIndexOf("::")));
    return s;
}

/** A default provider: recorded in state, hidden in the display. */
function isHiddenProvider(r: ResourceState): boolean {
    return r.type.startsWith(PROVIDER_PREFIX) && /::default(_[0-9_a-z]+)?$/.test(r.urn);
}

function displayName(r: ResourceState): string {
    return `${r.type} (${nameOf(r.urn)})`;
}

export interface DeploymentOptions {
    kind: Kind;
    sdk: Sdk;
    project: Project;
    stack: string;
    config: Record<string, ConfigValue>;
    hostEnv: NodeJS.ProcessEnv;
    stateFile: StateFile;
    display: Display;
    onDiagnostic: (line: string, print?: boolean) => void;
    onSpawn: (pid: number) => void;
}

export class Deployment {
    readonly steps: StepRecord[] = [];
    readonly changes: Record<string, number> = {};
    readonly errors: string[] = [];
    /** Set after the first failed step: later registrations are refused, like a cancelled deployment. */
    cancelled = false;

    private readonly old: StackState;
    private readonly claimed = new Set<ResourceState>();
    private readonly news: ResourceState[] = [];
    private readonly newByUrn = new Map<string, ResourceState>();
    private readonly pendingDeletes: ResourceState[] = [];
    private readonly gone = new Set<ResourceState>();
    /** Old entries a new entry has taken the place of (same URN or an alias), or moved to pendingDeletes. */
    private readonly superseded = new Set<ResourceState>();
    /** URNs whose objects were deleted ahead of a delete-before-replace of something they depend on. */
    private readonly dependentsReplaced = new Set<string>();
    private host: Promise<DynamicHost> | undefined;
    private readonly inflight = new Set<Promise<unknown>>();
    private readonly writer: StateWriter;
    rootUrn = "";
    stackOutputs: PropertyMap | undefined;

    constructor(private readonly o: DeploymentOptions) {
        this.old = o.stateFile.load(o.project.name, o.stack);
        this.writer = new StateWriter(o.stateFile, () => this.currentState());
        for (const r of this.old.resources) {
            if (r.pendingDelete) this.pendingDeletes.push(r);
        }
    }

    get preview(): boolean {
        return this.o.kind === "preview";
    }

    urnFor(type: string, name: string, parent: string): string {
        let qualified = type;
        if (parent) {
            const parentType = parent.split("::")[2] ?? "";
            if (parentType && parentType !== STACK_TYPE) {
                qualified = `${parentType}$${type}`;
            }
        }
        return `urn:pulumi:${this.o.stack}::${this.o.project.name}::${qualified}::${name}`;
    }

    /** Tracks a promise so shutdown can wait for every step in flight. */
    track<T>(p: Promise<T>): Promise<T> {
        this.inflight.add(p);
        const done = () => this.inflight.delete(p);
        p.then(done, done);
        return p;
    }

    async settle(): Promise<void> {
        while (this.inflight.size) {
            await Promise.allSettled([...this.inflight]);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // State bookkeeping

    /** Live resources of the old state (not pending delete, not yet taken over, not deleted). */
    private unclaimedOld(): ResourceState[] {
        return this.old.resources.filter((r) => !r.pendingDelete && !this.claimed.has(r) && !this.gone.has(r));
    }

    /**
     * What the state file holds right now: this run's entries in registration order, then the old
     * entries nothing has replaced yet (a failed step keeps its old entry), then objects awaiting delete.
     */
    currentState(): StackState {
        return {
            ...this.old,
            resources: [
                ...this.news,
                ...this.old.resources.filter((r) => !r.pendingDelete && !this.superseded.has(r) && !this.gone.has(r)),
                ...this.pendingDeletes.filter((r) => !this.gone.has(r)),
            ],
        };
    }

    /** Asks for the state to be written (coalesced with the writes in flight; see flushState). */
    save(): void {
        if (!this.preview) {
            this.writer.request();
        }
    }

    /** Waits until every state write asked for so far is on disk; throws a write's error. */
    flushState(): Promise<void> {
        return this.writer.flush();
    }

    private claimOld(urn: string, aliases: string[]): ResourceState | undefined {
        const candidates = this.old.resources.filter((r) => !r.pendingDelete && !this.claimed.has(r) && !this.gone.has(r));
        const hit = candidates.find((r) => r.urn === urn) ?? candidates.find((r) => aliases.includes(r.urn));
        if (hit) this.claimed.add(hit);
        return hit;
    }

    private record(op: Op, urn: string, type: string, changed?: string[]): void {
        const step: StepRecord = { op, urn, type, name: nameOf(urn) };
        if (changed && changed.length) step.changedKeys = changed;
        this.steps.push(step);
        this.changes[op] = (this.changes[op] ?? 0) + 1;
    }

    /**
     * Puts a new entry in place. `old` is the entry it takes over from; with `pendingDelete` the old
     * object stays in state, marked for deletion at the end of the run (create-before-delete).
     */
    private putNew(entry: ResourceState, old?: ResourceState, pendingDelete = false): void {
        if (old) {
            this.superseded.add(old);
            if (pendingDelete) this.pendingDeletes.push({ ...old, pendingDelete: true });
        }
        const existing = this.newByUrn.get(entry.urn);
        if (existing) {
            this.news[this.news.indexOf(existing)] = entry;
        } else {
            this.news.push(entry);
        }
        this.newByUrn.set(entry.urn, entry);
    }

    /** Fails the step (and so the run); the message is shown by report(), after the step's own line. */
    private fail(message: string): never {
        this.errors.push(message);
        this.cancelled = true;
        throw new StepError(message);
    }

    /** Shows a step's error once. */
    report(e: unknown): void {
        if (e instanceof StepError && !e.reported) {
            e.reported = true;
            this.o.onDiagnostic(`error: ${e.message}`);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Providers

    private dynamicHost(): Promise<DynamicHost> {
        if (!this.host) {
            this.host = (async () => {
                const host = await DynamicHost.start({
                    sdk: this.o.sdk,
                    projectDir: this.o.project.dir,
                    project: this.o.project.name,
                    env: this.o.hostEnv,
                    onSpawn: this.o.onSpawn,
                    onOutput: (line) => this.o.onDiagnostic(line),
                });
                try {
                    await host.configure(this.o.config, `urn:pulumi:${this.o.stack}::${this.o.project.name}::${DYNAMIC_PROVIDER_TYPE}::default`);
                } catch (e) {
                    await host.stop();
                    throw e;
                }
                return host;
            })();
        }
        return this.host;
    }

    /**
     * Starts the host ahead of the first dynamic registration, in parallel with the program's own
     * start-up (both load the SDK, ~1.5 s each). A start failure surfaces when a step needs the host.
     */
    prestartHost(): void {
        this.dynamicHost().catch(() => undefined);
    }

    async stopHost(): Promise<void> {
        if (this.host) {
            const h = this.host;
            this.host = undefined;
            try {
                await (await h).stop();
            } catch {
                // it never started; nothing to stop
            }
        }
    }

    /** The default provider a custom resource uses (recorded in state like the engine's default providers). */
    private defaultProviderRef(pkg: string, version: string): string {
        const name = pkg === "pulumi-nodejs" || !version ? "default" : `default_${version.replace(/[.+-]/g, "_")}`;
        const type = `${PROVIDER_PREFIX}${pkg}`;
        const urn = this.urnFor(type, name, "");
        let entry = this.newByUrn.get(urn);
        if (!entry) {
            const old = this.claimOld(urn, []);
            entry = {
                urn,
                type,
                custom: true,
                id: old?.id ?? (this.preview ? UNKNOWN : randomUUID()),
                inputs: version ? { version } : {},
                outputs: version ? { version } : {},
                dependencies: [],
                propertyDependencies: {},
            };
            this.putNew(entry, old);
        }
        return `${urn}::${entry.id}`;
    }

    // ---------------------------------------------------------------------------------------------
    // Registrations

    async register(goal: Goal): Promise<Registered> {
        if (this.cancelled) {
            const e = new StepError("the deployment was cancelled after an earlier error");
            e.reported = true;
            throw e;
        }
        if (this.newByUrn.has(goal.urn)) {
            this.fail(`Duplicate resource URN '${goal.urn}'; try giving it a unique name`);
        }
        if (goal.importId) {
            this.fail(`${goal.type} (${goal.name}): the import option is not supported by the local engine (it needs the provider's Read on an object with no state)`);
        }
        if (goal.remote) {
            this.fail(`${goal.type} (${goal.name}): multi-language (remote) components are not supported by the local engine`);
        }
        const old = this.claimOld(goal.urn, goal.aliases);
        if (!goal.custom) {
            return this.componentStep(goal, old);
        }
        if (goal.type.startsWith(PROVIDER_PREFIX)) {
            return this.providerStep(goal, old);
        }
        if (isDynamicType(goal.type)) {
            return this.dynamicStep(goal, old);
        }
        if (isLocalRandomType(goal.type)) {
            return this.randomStep(goal, old);
        }
        this.fail(
            `resource type '${goal.type}' (${goal.name}) is not supported by the local engine: it runs dynamic ` +
                `providers (pulumi-nodejs:dynamic:*), components and, locally, random RandomString/RandomId only`,
        );
    }

    private baseEntry(goal: Goal): ResourceState {
        const e: ResourceState = {
            urn: goal.urn,
            type: goal.type,
            custom: goal.custom,
            parent: goal.parent || undefined,
            inputs: goal.inputs,
            outputs: {},
            dependencies: goal.dependencies,
            propertyDependencies: goal.propertyDependencies,
        };
        if (goal.additionalSecretOutputs.length) e.additionalSecretOutputs = goal.additionalSecretOutputs;
        if (goal.deleteBeforeReplaceDefined) e.deleteBeforeReplace = goal.deleteBeforeReplace;
        if (goal.protect) e.protect = true;
        if (goal.retainOnDelete) e.retainOnDelete = true;
        return e;
    }

    private componentStep(goal: Goal, old: ResourceState | undefined): Registered {
        const entry = this.baseEntry(goal);
        entry.outputs = old ? old.outputs : goal.inputs;
        const op: Op = !old ? "create" : deepEqual(old.inputs, goal.inputs) ? "same" : "update";
        if (goal.type === STACK_TYPE) this.rootUrn = goal.urn;
        this.putNew(entry, old);
        this.record(op, goal.urn, goal.type);
        this.show(op, goal.type, goal.name, 0);
        this.save();
        return { urn: goal.urn, id: "", outputs: goal.inputs };
    }

    private providerStep(goal: Goal, old: ResourceState | undefined): Registered {
        const entry = this.baseEntry(goal);
        entry.id = old?.id ?? (this.preview ? UNKNOWN : randomUUID());
        entry.outputs = goal.inputs;
        const changed = old ? changedKeys(old.inputs, goal.inputs) : [];
        const op: Op = !old ? "create" : changed.length ? "update" : "same";
        this.putNew(entry, old);
        this.record(op, goal.urn, goal.type, changed);
        this.show(op, goal.type, goal.name, 0, changed);
        this.save();
        return { urn: goal.urn, id: entry.id === UNKNOWN ? "" : entry.id!, outputs: goal.inputs };
    }

    /** Prints a step that took no provider round trip (or a preview plan line). */
    private show(op: Op, type: string, name: string, ms: number, keys?: string[]): void {
        if (this.preview) {
            this.o.display.planned(op, type, name, keys);
        } else {
            this.o.display.finished(op, type, name, ms, keys);
        }
    }

    private checkFailures(goal: Goal, news: PropertyMap, failures: Array<{ property: string; reason: string }>): never {
        const t = goal.type;
        const messages = failures.map((f) => {
            if (!f.property) return `${t} resource '${goal.name}' has a problem: ${f.reason}`;
            const v = news[f.property];
            const shown = isSecret(v) ? "[secret]" : JSON.stringify(stripSecrets(v) ?? null);
            return `${t} resource '${goal.name}': property ${f.property} value {${shown}} has a problem: ${f.reason}`;
        });
        for (const m of messages.slice(0, -1)) {
            this.errors.push(m);
            this.o.onDiagnostic(`error: ${m}`);
        }
        this.fail(messages[messages.length - 1]);
    }

    private applyIgnoreChanges(news: PropertyMap, olds: PropertyMap, ignore: string[]): PropertyMap {
        if (!ignore.length) return news;
        const out = { ...news };
        for (const k of ignore) {
            if (k in olds) out[k] = olds[k];
            else delete out[k];
        }
        return out;
    }

    /** Runs a step with a provider round trip: progress lines, and the step recorded once it succeeded. */
    private async timed<T>(op: Op, goal: { type: string; name: string; urn: string }, keys: string[] | undefined, f: () => Promise<T>, what?: [string, string]): Promise<T> {
        const t0 = Date.now();
        this.o.display.started(op, goal.type, goal.name, keys, what?.[0]);
        try {
            const r = await f();
            this.record(op, goal.urn, goal.type, keys);
            this.o.display.finished(op, goal.type, goal.name, Date.now() - t0, keys, what?.[1]);
            return r;
        } catch (e) {
            this.o.display.failed(op, goal.type, goal.name, Date.now() - t0, what?.[0]);
            this.report(e);
            throw e;
        }
    }

    private async providerCall<T>(goal: { type: string; name: string; urn: string }, f: () => Promise<T>, partial?: (e: ProviderError) => void): Promise<T> {
        try {
            return await f();
        } catch (e) {
            if (e instanceof StepError) throw e;
            if (e instanceof ProviderError && e.initFailure && partial) partial(e);
            this.fail(`${goal.type} (${goal.name}): ${(e as Error).message}`);
        }
    }

    private async dynamicStep(goal: Goal, old: ResourceState | undefined): Promise<Registered> {
        const host = await this.providerCall(goal, () => this.dynamicHost());
        const ids = { urn: goal.urn, name: goal.name, type: goal.type };
        const provider = this.defaultProviderRef("pulumi-nodejs", "");
        const news = old ? this.applyIgnoreChanges(goal.inputs, old.inputs, goal.ignoreChanges) : goal.inputs;
        const secretIn = secretKeys(news);
        const secretOut = [...secretIn, ...goal.additionalSecretOutputs];
        const check = await this.providerCall(goal, () => host.check(ids, old ? stripSecrets(old.inputs) : {}, stripSecrets(news)));
        if (check.failures.length) this.checkFailures(goal, news, check.failures);
        let checked = annotateSecrets(check.inputs, secretIn);
        const entry = { ...this.baseEntry(goal), inputs: checked, provider };

        /** Creates the object; `replacing` is the old one it replaces (create-before-delete). */
        const create = async (replacing?: ResourceState): Promise<Registered> => {
            if (this.preview) {
                return { urn: goal.urn, id: "", outputs: checked };
            }
            const r = await this.providerCall(
                goal,
                () => host.create(ids, stripSecrets(checked)),
                (e) => {
                    // Created but not initialised: keep it, so the next run can update or delete it.
                    const partial = { ...entry, id: e.initFailure!.id, outputs: annotateSecrets(e.initFailure!.properties, secretOut), initErrors: e.initFailure!.reasons };
                    this.putNew(partial, replacing, true);
                    this.save();
                },
            );
            if (!r.id) this.fail(`${goal.type} (${goal.name}): the provider's create returned an empty id`);
            entry.id = r.id;
            entry.outputs = annotateSecrets(r.properties, secretOut);
            this.putNew(entry, replacing, true);
            this.save();
            return { urn: goal.urn, id: r.id, outputs: entry.outputs };
        };

        if (!old) {
            if (this.preview) {
                this.record("create", goal.urn, goal.type);
                this.o.display.planned("create", goal.type, goal.name);
                return create();
            }
            // A dependent deleted ahead of a delete-before-replace comes back as its replacement.
            return this.timed(this.dependentsReplaced.has(goal.urn) ? "replace" : "create", goal, undefined, create);
        }

        const diff = await this.providerCall(goal, () =>
            host.diff(ids, old.id!, stripSecrets(old.outputs), stripSecrets(checked), stripSecrets(old.inputs), goal.ignoreChanges),
        );
        let changed = changedKeys(old.inputs, checked);
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

        if (!hasChanges) {
            // SameStep: new inputs, old outputs (so the outputs keep the old __provider).
            entry.id = old.id;
            entry.outputs = old.outputs;
            this.putNew(entry, old);
            this.record("same", goal.urn, goal.type);
            this.show("same", goal.type, goal.name, 0);
            this.save();
            return { urn: goal.urn, id: old.id!, outputs: old.outputs };
        }

        if (!replaces.length) {
            const update = async (): Promise<Registered> => {
                if (this.preview) {
                    return { urn: goal.urn, id: old.id!, outputs: checked };
                }
                const outs = await this.providerCall(goal, () =>
                    host.update(ids, old.id!, stripSecrets(old.outputs), stripSecrets(checked), stripSecrets(old.inputs), goal.ignoreChanges),
                );
                entry.id = old.id;
                entry.outputs = annotateSecrets(outs, secretOut);
                this.putNew(entry, old);
                this.save();
                return { urn: goal.urn, id: old.id!, outputs: entry.outputs };
            };
            if (this.preview) {
                this.record("update", goal.urn, goal.type, changed);
                this.o.display.planned("update", goal.type, goal.name, changed);
                return update();
            }
            return this.timed("update", goal, changed, update);
        }

        // Replacement.
        if (old.protect) {
            this.fail(`${goal.type} (${goal.name}) is protected and cannot be replaced; set protect: false first`);
        }
        const dbr = goal.deleteBeforeReplaceDefined ? goal.deleteBeforeReplace : diff.deleteBeforeReplace;
        const keys = [...new Set([...changed, ...replaces])].sort();
        // As the real engine does, a replacement is checked again without the old inputs, so that defaults
        // carried over from the old object (automatic names above all) are chosen afresh.
        const recheck = await this.providerCall(goal, () => host.check(ids, {}, stripSecrets(news)));
        if (recheck.failures.length) this.checkFailures(goal, news, recheck.failures);
        checked = annotateSecrets(recheck.inputs, secretIn);
        entry.inputs = checked;
        if (this.preview) {
            this.record("replace", goal.urn, goal.type, keys);
            this.o.display.planned("replace", goal.type, goal.name, keys, dbr ? " (delete before replace)" : "");
            return create();
        }
        return this.timed("replace", goal, keys, async () => {
            if (dbr) {
                // As the engine does (calculateDependentReplacements), what would be replaced once this object's
                // outputs are unknown goes first, dependents of dependents before them.
                const dependents = (await this.dependentReplacements(old, host)).reverse();
                const guarded = dependents.find((d) => d.protect);
                if (guarded) this.fail(`${displayName(guarded)} is protected and cannot be replaced as part of replacing ${goal.type} (${goal.name}); set protect: false first`);
                for (const d of dependents) {
                    const dIds = { urn: d.urn, name: nameOf(d.urn), type: d.type };
                    await this.providerCall(dIds, () => host.delete(dIds, d.id!, stripSecrets(d.outputs), stripSecrets(d.inputs)));
                    this.gone.add(d);
                    this.superseded.add(d);
                    this.dependentsReplaced.add(d.urn);
                    this.save();
                }
                await this.providerCall(goal, () => host.delete(ids, old.id!, stripSecrets(old.outputs), stripSecrets(old.inputs)));
                this.gone.add(old);
                this.superseded.add(old);
                this.save();
                return create();
            }
            return create(old);
        }, dbr ? ["replacing (delete before replace)", "replaced (delete before replace)"] : undefined);
    }

    /**
     * The old-state resources that must be replaced along with `root` when it is deleted first: those not
     * registered yet whose inputs take a value from `root` (or from another such resource) and whose
     * provider's Diff, with those inputs unknown, asks for a replacement. In dependency order.
     */
    private async dependentReplacements(root: ResourceState, host: DynamicHost): Promise<ResourceState[]> {
        const replaceSet = new Set([root.urn]);
        const out: ResourceState[] = [];
        let grew = true;
        while (grew) {
            grew = false;
            for (const d of this.unclaimedOld()) {
                if (replaceSet.has(d.urn) || !d.custom || !isDynamicType(d.type) || !d.id) continue;
                const keys = Object.entries(d.propertyDependencies ?? {}).filter(([, urns]) => urns.some((u) => replaceSet.has(u))).map(([k]) => k);
                if (!keys.length) continue;
                const inputs = stripSecrets(d.inputs);
                const news: PropertyMap = { ...inputs };
                for (const k of keys) if (k in news) news[k] = UNKNOWN;
                const ids = { urn: d.urn, name: nameOf(d.urn), type: d.type };
                const diff = await this.providerCall(ids, () => host.diff(ids, d.id!, stripSecrets(d.outputs), news, inputs, []));
                if (diff.replaces.length) {
                    replaceSet.add(d.urn);
                    out.push(d);
                    grew = true;
                }
            }
        }
        return out;
    }

    private async randomStep(goal: Goal, old: ResourceState | undefined): Promise<Registered> {
        const provider = this.defaultProviderRef(goal.type.split(":")[0], goal.version);
        const news = old ? this.applyIgnoreChanges(goal.inputs, old.inputs, goal.ignoreChanges) : goal.inputs;
        const failures = checkRandom(goal.type, news);
        if (failures.length) this.checkFailures(goal, news, failures);
        const secretOut = [...secretKeys(news), ...goal.additionalSecretOutputs];
        const entry = { ...this.baseEntry(goal), inputs: news, provider };
        const create = (replacing?: ResourceState): Registered => {
            const r = createRandom(goal.type, news, this.preview || containsUnknown(news));
            entry.id = r.id || undefined;
            entry.outputs = annotateSecrets(r.outputs, secretOut);
            if (!this.preview) {
                this.putNew(entry, replacing, true);
                this.save();
            }
            return { urn: goal.urn, id: r.id, outputs: entry.outputs };
        };
        if (!old) {
            this.record("create", goal.urn, goal.type);
            this.show("create", goal.type, goal.name, 0);
            return create();
        }
        const changed = changedKeys(old.inputs, news);
        if (!changed.length) {
            entry.id = old.id;
            entry.outputs = old.outputs;
            this.putNew(entry, old);
            this.record("same", goal.urn, goal.type);
            this.show("same", goal.type, goal.name, 0);
            this.save();
            return { urn: goal.urn, id: old.id!, outputs: old.outputs };
        }
        if (old.protect) {
            this.fail(`${goal.type} (${goal.name}) is protected and cannot be replaced; set protect: false first`);
        }
        // Every input of a random resource forces a replacement (create before delete).
        this.record("replace", goal.urn, goal.type, changed);
        this.show("replace", goal.type, goal.name, 0, changed);
        return create(old);
    }

    registerOutputs(urn: string, outputs: PropertyMap): void {
        const entry = this.newByUrn.get(urn);
        if (!entry) {
            throw new Error(`RegisterResourceOutputs: unknown resource ${urn}`);
        }
        entry.outputs = outputs;
        if (urn === this.rootUrn) this.stackOutputs = outputs;
        this.save();
    }

    // ---------------------------------------------------------------------------------------------
    // Deletes (after `up`, and `destroy`)

    /** Old resources the program did not register this time, plus replaced objects awaiting delete. */
    condemnedAfterUp(): ResourceState[] {
        return [...this.unclaimedOld(), ...this.pendingDeletes.filter((r) => !this.gone.has(r))];
    }

    condemnedForDestroy(): ResourceState[] {
        return this.old.resources.filter((r) => !this.gone.has(r));
    }

    /**
     * Orders deletes so that a resource goes before everything it depends on (dependencies, parent,
     * property dependencies, provider). Ties: later in state first (state order is creation order).
     */
    deleteOrder(condemned: ResourceState[]): ResourceState[] {
        const index = new Map(this.old.resources.map((r, i) => [r, i] as const));
        const remaining = new Set(condemned);
        const order: ResourceState[] = [];
        while (remaining.size) {
            const blocked = new Set<string>();
            for (const r of remaining) depsOf(r).forEach((u) => blocked.add(u));
            const ready = [...remaining].filter((r) => !blocked.has(r.urn));
            // (A dependency cycle cannot come from the SDK; should state hold one, fall back to state order.)
            const pick = (ready.length ? ready : [...remaining]).sort((a, b) => (index.get(b) ?? -1) - (index.get(a) ?? -1))[0];
            order.push(pick);
            remaining.delete(pick);
        }
        return order;
    }

    /**
     * The deletes in waves: each wave is every condemned resource that nothing still condemned depends
     * on (same relations as deleteOrder), later in state first. A dependency cycle (which the SDK cannot
     * make) falls back to one resource, the latest in state, as deleteOrder does.
     */
    deleteWaves(condemned: ResourceState[]): ResourceState[][] {
        const index = new Map(this.old.resources.map((r, i) => [r, i] as const));
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

    /**
     * Deletes dependents before what they depend on, like the engine: wave after wave (deleteWaves),
     * the deletes of a wave in parallel (at most PARALLEL at once). A failed delete stops the run: no
     * further delete starts, those in flight finish, what remains stays in state, and the state is on
     * disk before the error is thrown. Preview lists the deletes one by one in deleteOrder.
     */
    async deleteAll(condemned: ResourceState[]): Promise<void> {
        if (this.preview) {
            for (const r of this.deleteOrder(condemned)) {
                if (isHiddenProvider(r)) continue;
                this.record("delete", r.urn, r.type);
                this.o.display.planned("delete", r.type, nameOf(r.urn), undefined, r.pendingDelete ? " (original)" : "");
            }
            return;
        }
        for (const wave of this.deleteWaves(condemned)) {
            const errors = await bounded(wave, PARALLEL, (r) => this.deleteOne(r));
            if (errors.length) {
                errors.forEach((e) => this.report(e));
                this.save();
                await this.flushState();
                throw errors[0];
            }
        }
    }

    private async deleteOne(r: ResourceState): Promise<void> {
        const name = nameOf(r.urn);
        if (r.protect && !r.pendingDelete) {
            this.fail(`${r.type} (${name}) is protected and cannot be deleted; set protect: false first`);
        }
        if (isHiddenProvider(r)) {
            this.gone.add(r);
            this.save();
            return;
        }
        const what: [string, string] | undefined = r.pendingDelete ? ["deleting original", "deleted original"] : undefined;
        if (!r.custom || !isDynamicType(r.type) || r.retainOnDelete) {
            this.record("delete", r.urn, r.type);
            // No provider round trip: components, the stack, local random values, retained objects.
            this.gone.add(r);
            this.save();
            this.o.display.finished("delete", r.type, name, 0, undefined, what?.[1]);
            return;
        }
        await this.timed("delete", { type: r.type, name, urn: r.urn }, undefined, async () => {
            const host = await this.providerCall({ type: r.type, name, urn: r.urn }, () => this.dynamicHost());
            await this.providerCall({ type: r.type, name, urn: r.urn }, () =>
                host.delete({ urn: r.urn, name, type: r.type }, r.id!, stripSecrets(r.outputs), stripSecrets(r.inputs)),
            );
            this.gone.add(r);
            this.save();
        }, what);
    }

    // ---------------------------------------------------------------------------------------------
    // Refresh

    /**
     * Read(id, properties = state outputs, inputs = state inputs) for every dynamic resource, with the
     * provider code saved in state. No id back means the object is gone: it leaves the state.
     * Otherwise the returned properties (and inputs, if any) replace the stored ones; drift is the set
     * of output keys that changed. Components have nothing to read; the local random provider's read
     * returns its state unchanged.
     */
    async refreshAll(): Promise<void> {
        const count = (k: string) => (this.changes[k] = (this.changes[k] ?? 0) + 1);
        const reads: ResourceState[] = [];
        for (const r of [...this.old.resources]) {
            if (r.pendingDelete || r.type.startsWith(PROVIDER_PREFIX)) continue;
            if (!r.custom) {
                this.record("same", r.urn, r.type);
            } else if (!isDynamicType(r.type)) {
                this.record("refresh", r.urn, r.type);
                count("same");
            } else {
                reads.push(r);
            }
        }
        // The reads in parallel (at most PARALLEL at once), each applied to the state as it comes back.
        const errors = await bounded(reads, PARALLEL, async (r) => {
            const name = nameOf(r.urn);
            const ids = { urn: r.urn, name, type: r.type };
            const t0 = Date.now();
            this.o.display.started("refresh", r.type, name);
            let res: { id: string; properties: PropertyMap; inputs?: PropertyMap };
            let host: DynamicHost;
            let drift: string[] = [];
            try {
                host = await this.providerCall(ids, () => this.dynamicHost());
                res = await this.providerCall(ids, () => host.read(ids, r.id!, stripSecrets(r.outputs), stripSecrets(r.inputs)));
                if (res.id) {
                    // Drift is what the next up would change, as the Pulumi engine computes it: the provider's
                    // Diff with the refreshed outputs and inputs as the old side and the stored inputs as the new
                    // side (step.go, RefreshStep.Apply); a server-side counter that Diff ignores is no drift. The
                    // SDK's dynamic-provider host names no keys, so the changed outputs are shown.
                    const refreshedInputs = res.inputs ?? r.inputs;
                    const d = await this.providerCall(ids, () => host.diff(ids, res.id, stripSecrets(res.properties), stripSecrets(r.inputs), stripSecrets(refreshedInputs), []));
                    if (d.changes === "unknown") drift = changedKeys(refreshedInputs, r.inputs);
                    else if (d.changes === "some") {
                        const stored = stripSecrets(r.inputs);
                        const moved = changedKeys(r.outputs, res.properties);
                        drift = moved.length ? moved : Object.keys(stored).filter((k) => !deepEqual(res.properties[k], stored[k])).sort();
                        if (!drift.length) drift = ["(the provider's diff)"];
                    }
                }
            } catch (e) {
                this.o.display.failed("refresh", r.type, name, Date.now() - t0);
                this.report(e);
                throw e;
            }
            if (!res.id) {
                this.gone.add(r);
                this.record("delete", r.urn, r.type);
                this.o.display.finished("delete", r.type, name, Date.now() - t0);
                this.o.onDiagnostic(`${displayName(r)} no longer exists (id ${r.id}): removed from the state`);
                this.save();
                return;
            }
            const secretOut = [...secretKeys(r.outputs), ...secretKeys(r.inputs), ...(r.additionalSecretOutputs ?? [])];
            const outputs = annotateSecrets(res.properties, secretOut);
            const inputs = res.inputs ? annotateSecrets(res.inputs, secretKeys(r.inputs)) : r.inputs;
            this.old.resources[this.old.resources.indexOf(r)] = { ...r, id: res.id, outputs, inputs };
            this.record("refresh", r.urn, r.type, drift);
            count(drift.length ? "update" : "same");
            this.o.display.finished(drift.length ? "update" : "refresh", r.type, name, Date.now() - t0, drift);
            this.save();
        });
        if (errors.length) {
            errors.forEach((e) => this.report(e));
            this.save();
            await this.flushState();
            throw errors[0];
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Outputs

    static outputsOf(outputs: PropertyMap | undefined): Record<string, OutputValue> {
        const out: Record<string, OutputValue> = {};
        for (const [k, v] of Object.entries(outputs ?? {})) {
            const secret = isSecret(v) || JSON.stringify(v ?? null).includes("1b47061264138c4ac30d75fd1eb44270");
            const plain = stripSecrets(v);
            if (containsUnknown(plain)) {
                out[k] = { value: undefined, secret, unknown: true };
            } else {
                out[k] = { value: plain, secret };
            }
        }
        return out;
    }

    stackOutputsFromState(): PropertyMap | undefined {
        const root = this.currentState().resources.find((r) => r.type === STACK_TYPE && !r.pendingDelete);
        return root?.outputs;
    }
}
