// One run of the local engine: the state as the run changes it, the registrations the program sends
// (each dispatched to its step: components, providers and local random values here, dynamic resources in
// dynamic-step.ts), and the helpers every step shares. The deletes after the program and destroy are in
// deletes.ts, refresh in refresh.ts. State is written after every step that changed something
// (coalesced: see StateWriter in state.ts).

import { randomUUID } from "crypto";
import { deleteAll } from "./deletes";
import { Display, Kind, Op } from "./display";
import { dynamicStep } from "./dynamic-step";
import { DynamicHost, DYNAMIC_PROVIDER_TYPE, ProviderError } from "./host";
import { Project } from "./project";
import { checkRandom, createRandom, isLocalRandomType } from "./random";
import { refreshAll } from "./refresh";
import { isDynamicType, nameOf, PROVIDER_PREFIX, STACK_TYPE } from "./resources";
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

/** The resource a step is about, as the display and the provider calls name it. */
export interface StepTarget {
    type: string;
    name: string;
    urn: string;
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

export interface DeploymentOptions {
    kind: Kind;
    sdk: Sdk;
    project: Project;
    stack: string;
    config: Record<string, ConfigValue>;
    hostEnv: NodeJS.ProcessEnv;
    /** The run's Engine service (engine-service.ts), given to the dynamic-provider host. */
    engineAddress: string;
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
    rootUrn = "";
    stackOutputs: PropertyMap | undefined;

    /** The state the run started from (refresh replaces entries in it as they are read back). */
    readonly old: StackState;
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

    get display(): Display {
        return this.o.display;
    }

    /** A line for the run's diagnostics (shown unless the run was cancelled). */
    diagnostic(line: string): void {
        this.o.onDiagnostic(line);
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

    /** The stack's URN: as the program registered it, else as the state has it, else the one it will have. */
    stackUrn(): string {
        const inState = this.old.resources.find((r) => r.type === STACK_TYPE)?.urn;
        return this.rootUrn || inState || this.urnFor(STACK_TYPE, `${this.o.project.name}-${this.o.stack}`, "");
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
    // The state as the run changes it

    /** Live resources of the old state (not pending delete, not yet taken over, not deleted). */
    unclaimedOld(): ResourceState[] {
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
        const candidates = this.unclaimedOld();
        const hit = candidates.find((r) => r.urn === urn) ?? candidates.find((r) => aliases.includes(r.urn));
        if (hit) this.claimed.add(hit);
        return hit;
    }

    /**
     * Puts a new entry in place. `old` is the entry it takes over from; with `pendingDelete` the old
     * object stays in state, marked for deletion at the end of the run (create-before-delete).
     */
    putNew(entry: ResourceState, old?: ResourceState, pendingDelete = false): void {
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

    /** The object of an old entry is gone (deleted, or found missing by a refresh): it leaves the state. */
    markGone(r: ResourceState): void {
        this.gone.add(r);
        this.save();
    }

    /**
     * The object of an old entry was deleted ahead of its replacement (delete-before-replace); a dependent
     * deleted ahead with it comes back as a replacement when the program registers it.
     */
    markDeletedForReplacement(r: ResourceState, dependent: boolean): void {
        this.gone.add(r);
        this.superseded.add(r);
        if (dependent) this.dependentsReplaced.add(r.urn);
        this.save();
    }

    /** Whether the object of `urn` was deleted ahead of a delete-before-replace of something it depends on. */
    replacedAhead(urn: string): boolean {
        return this.dependentsReplaced.has(urn);
    }

    /** A refresh read an old entry back: the refreshed entry takes its place. */
    replaceOld(r: ResourceState, refreshed: ResourceState): void {
        this.old.resources[this.old.resources.indexOf(r)] = refreshed;
        this.save();
    }

    /** Old resources the program did not register this time, plus replaced objects awaiting delete. */
    condemnedAfterUp(): ResourceState[] {
        return [...this.unclaimedOld(), ...this.pendingDeletes.filter((r) => !this.gone.has(r))];
    }

    condemnedForDestroy(): ResourceState[] {
        return this.old.resources.filter((r) => !this.gone.has(r));
    }

    // ---------------------------------------------------------------------------------------------
    // Steps recorded, failed, shown

    record(op: Op, urn: string, type: string, changed?: string[]): void {
        const step: StepRecord = { op, urn, type, name: nameOf(urn) };
        if (changed && changed.length) step.changedKeys = changed;
        this.steps.push(step);
        this.count(op);
    }

    /** Counts a step in the summary without recording it (a refresh's drift counts as an update). */
    count(op: string): void {
        this.changes[op] = (this.changes[op] ?? 0) + 1;
    }

    /** Fails the step (and so the run); the message is shown by report(), after the step's own line. */
    fail(message: string): never {
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

    /** Prints a step that took no provider round trip (or a preview plan line). */
    show(op: Op, type: string, name: string, ms: number, keys?: string[]): void {
        if (this.preview) {
            this.o.display.planned(op, type, name, keys);
        } else {
            this.o.display.finished(op, type, name, ms, keys);
        }
    }

    /** Runs a step with a provider round trip: progress lines, and the step recorded once it succeeded. */
    async timed<T>(op: Op, goal: StepTarget, keys: string[] | undefined, f: () => Promise<T>, what?: [string, string]): Promise<T> {
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

    /** A provider call; its failure fails the step, naming the resource (`partial` sees a created-but-failed object). */
    async providerCall<T>(goal: StepTarget, f: () => Promise<T>, partial?: (e: ProviderError) => void): Promise<T> {
        try {
            return await f();
        } catch (e) {
            if (e instanceof StepError) throw e;
            if (e instanceof ProviderError && e.initFailure && partial) partial(e);
            this.fail(`${goal.type} (${goal.name}): ${(e as Error).message}`);
        }
    }

    /** Fails the step with the provider's check failures, each naming its property. */
    checkFailures(goal: Goal, news: PropertyMap, failures: Array<{ property: string; reason: string }>): never {
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

    /** The program's inputs with the `ignoreChanges` keys (top-level) kept as they were. */
    applyIgnoreChanges(news: PropertyMap, olds: PropertyMap, ignore: string[]): PropertyMap {
        if (!ignore.length) return news;
        const out = { ...news };
        for (const k of ignore) {
            if (k in olds) out[k] = olds[k];
            else delete out[k];
        }
        return out;
    }

    /** A state entry for a registration, before its step sets id, inputs and outputs. */
    baseEntry(goal: Goal): ResourceState {
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

    // ---------------------------------------------------------------------------------------------
    // Providers

    /** The run's one dynamic-provider host, started and configured on first use. */
    dynamicHost(): Promise<DynamicHost> {
        if (!this.host) {
            this.host = (async () => {
                const host = await DynamicHost.start({
                    sdk: this.o.sdk,
                    projectDir: this.o.project.dir,
                    project: this.o.project.name,
                    env: this.o.hostEnv,
                    engineAddress: this.o.engineAddress,
                    onSpawn: this.o.onSpawn,
                    onOutput: (line) => this.o.onDiagnostic(line),
                });
                try {
                    await host.configure(
                        this.o.config,
                        `urn:pulumi:${this.o.stack}::${this.o.project.name}::${DYNAMIC_PROVIDER_TYPE}::default`,
                    );
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
    defaultProviderRef(pkg: string, version: string): string {
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
            this.fail(
                `${goal.type} (${goal.name}): the import option is not supported by the local engine (it needs the provider's Read on an object with no state)`,
            );
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
            return dynamicStep(this, goal, old);
        }
        if (isLocalRandomType(goal.type)) {
            return this.randomStep(goal, old);
        }
        this.fail(
            `resource type '${goal.type}' (${goal.name}) is not supported by the local engine: it runs dynamic ` +
                `providers (pulumi-nodejs:dynamic:*), components and, locally, random RandomString/RandomId only`,
        );
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
    // After the program: deletes (deletes.ts) and refresh (refresh.ts)

    /** Deletes `condemned`, dependents first (see deletes.ts). */
    deleteAll(condemned: ResourceState[]): Promise<void> {
        return deleteAll(this, condemned);
    }

    /** Reads every resource back from its provider (see refresh.ts). */
    refreshAll(): Promise<void> {
        return refreshAll(this);
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
