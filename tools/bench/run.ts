/**
 * The benchmark's runs: the local engine (tools/engine) against the emulator (aep-emulator) with a fixed
 * latency per request, and Adobe's manual sequence through the same client beside it. Each run yields
 * one {@link RunFigures}; report.ts turns them into the table, the targets and the JSON.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { DEMO_CREDENTIALS, Emulator, LogEntry, startEmulator } from "aep-emulator";
import { DynamicHost, LocalEngine, RunResult, StateFile } from "../engine";
import { DEFAULT_SCOPES } from "../../provider/config";
import { Bound, Direction, KINDS, Kind, attribute, chainBound } from "./bound";
import { manualSequence } from "./manual";
import { ProcessFigures, ProcessSampler } from "./processes";
import { StateSize, stateSize } from "./state";
import { CliHome, CliStack, cliInstalled } from "../../test/cli/harness";

const FIXTURES = path.join(__dirname, "fixtures");

export interface BenchOptions {
    /** Added by the emulator to every request. */
    latencyMs: number;
    /** Component counts of the scale runs (1, 10, 50; --quick: 1, 10). */
    counts: number[];
    /** Progress lines (stderr). */
    progress: (line: string) => void;
    /** Only these groups of rows (default all): reference, single, manual, scale, cli. */
    only?: string[];
}

export type RunKind = "up" | "preview" | "refresh" | "destroy" | "manual";

export interface RunFigures {
    /** Row label, e.g. "1. up from empty". */
    name: string;
    group: "reference" | "single" | "manual" | "scale" | "cli";
    kind: RunKind;
    /** ChatlioSource components in the program (0 for the empty program). */
    components: number;
    ok: boolean;
    error?: string;
    requests: { token: number; read: number; write: number; total: number };
    /** Requests per path family, e.g. "GET /data/foundation/flowservice/flows": 2. */
    byRoute: Record<string, number>;
    /** Engine step counts ({ create: 10 }). */
    changes: Record<string, number>;
    /** Measured around the call. */
    wallMs: number;
    /** The engine's own RunResult.durationMs. */
    engineMs?: number;
    /** From the call to the first request's start (the request was logged when answered, latency after it started). */
    beforeFirstRequestMs?: number;
    /** From the last answer to the end of the run. */
    afterLastAnswerMs?: number;
    /** The run's fixed cost: its time outside the request window (before + after); the whole run when it made no request. */
    fixedMs: number;
    /** wall − fixed: from the first request's start to the last answer. */
    netMs?: number;
    bound: Bound;
    /**
     * Where net time beyond the bound goes, for runs with one object per kind: the idle time on the
     * chain between one link's last answer and the next link's first request (between objects: the
     * engine, the program and the host passing outputs on; inside one operation: the client), and the
     * time inside each link beyond its latency.
     */
    chainGaps?: Array<{ from: string; to: string; ms: number }>;
    wallOverBound?: number;
    netOverBound?: number;
    /** The state file the run left (for destroy, provider sizes come from the state it started with). */
    state?: StateSize;
    /** Every process of the run by role (peak memory, CPU, when it started, CPU over time), from /proc. */
    processes?: ProcessFigures;
    /** Mean requests in flight in each bucket of processes.bucketMs from the call (each taken to last the latency before its answer). */
    inFlightByBucket?: number[];
    /** Local engine: the host's calls by kind and operation: how many, their mean duration, and the mean time outside their requests' latency. */
    hostCalls?: Array<{ kind: string; op: string; calls: number; meanMs: number; requestsPerCall: number; outsideMs: number }>;
    /** The engine's state-file writes during the run: how many, and the milliseconds they blocked its event loop. */
    stateWrites?: { count: number; ms: number };
    /** Most requests in flight at once (each taken to last the latency before it was answered). */
    maxInFlight: number;
    /** When the program's stack registration reached the engine (ms after the call): the program's start-up. */
    programUpMs?: number;
}

export type TimedEntry = LogEntry & { at: number };

/**
 * Wraps methods of a class of the engine (in this process, once per prototype) to time every call: until it
 * returns (how long it held the event loop), or with `settled` until its promise settles. tools/engine is
 * not edited for the bench.
 */
function timeCalls(proto: object, methods: string[], settled: boolean, done: (method: string, args: unknown[], ms: number) => void): void {
    const p = proto as Record<string, unknown> & { __benchTimed?: boolean };
    if (p.__benchTimed) return;
    p.__benchTimed = true;
    for (const method of methods) {
        const original = p[method] as ((...a: unknown[]) => unknown) | undefined;
        if (!original) continue;
        p[method] = function (this: unknown, ...a: unknown[]) {
            const t = performance.now();
            const finish = () => done(method, a, performance.now() - t);
            let result: unknown;
            try {
                result = original.apply(this, a);
            } catch (e) {
                finish();
                throw e;
            }
            if (settled && result instanceof Promise) return result.finally(finish);
            finish();
            return result;
        };
    }
}

/**
 * The engine's state writes: StateFile.save (synchronous) and StateFile.write (the run's coalesced writes:
 * the state is serialized synchronously, then written without blocking). The time is how long each call
 * held the event loop (the emulator shares it).
 */
const writes = { count: 0, ms: 0 };
function watchStateWrites(): void {
    timeCalls(StateFile.prototype, ["save", "write"], false, (_m, _a, ms) => {
        writes.count++;
        writes.ms += ms;
    });
}

/** Stamps each log entry with performance.now() when the emulator records it (when it answers). */
export function clockLog(emu: Emulator): void {
    const log = emu.log as TimedEntry[];
    const push = log.push.bind(log);
    log.push = (...entries: TimedEntry[]) => {
        const at = performance.now();
        for (const e of entries) e.at = at;
        return push(...entries);
    };
}

function countRequests(log: LogEntry[]): RunFigures["requests"] {
    const r = { token: 0, read: 0, write: 0, total: log.length };
    for (const e of log) r[e.kind]++;
    return r;
}

function byRoute(log: LogEntry[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of log) {
        // ids last: keep the collection, drop the id
        const route = e.path.replace(/\/(https%3A%2F%2F[^/]+|[0-9a-f]{24}|[0-9a-f]{32}|[0-9a-f-]{36})(?=\/|$)/gi, "/{id}");
        const key = `${e.method} ${route}`;
        out[key] = (out[key] ?? 0) + 1;
    }
    return out;
}

/** Objects per kind the run's steps touched (creates, updates, replaces, deletes, reads). */
function objectsPerKind(steps: RunResult["steps"]): Partial<Record<Kind, number>> {
    const out: Partial<Record<Kind, number>> = {};
    for (const s of steps) {
        if (s.op === "same") continue;
        const m = /^pulumi-nodejs:dynamic(?:\/aep)?:(.*)$/.exec(s.type);
        const k = m?.[1] as Kind | undefined;
        if (k && (KINDS as readonly string[]).includes(k)) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
}

/** Idle time between consecutive links of the chain (one object per kind only). */
function chainGaps(log: TimedEntry[], bound: Bound, latencyMs: number): RunFigures["chainGaps"] {
    if (Object.values(bound.perNode).some((p) => p && p.objects > 1)) return undefined;
    const byNode = new Map<string, TimedEntry[]>();
    for (const e of log) {
        const n = attribute(e.path);
        if (n) byNode.set(n, [...(byNode.get(n) ?? []), e]);
    }
    const gaps: Array<{ from: string; to: string; ms: number }> = [];
    let prev: { node: string; end: number } | undefined;
    for (const link of bound.chain) {
        const entries = (byNode.get(link.node) ?? []).sort((a, b) => a.at - b.at);
        if (!entries.length) continue;
        for (let i = 0; i < entries.length; i++) {
            const start = entries[i].at - latencyMs;
            if (i === 0 && prev) gaps.push({ from: prev.node, to: link.node, ms: Math.round(start - prev.end) });
            if (i > 0) gaps.push({ from: link.node, to: link.node, ms: Math.round(start - entries[i - 1].at) });
        }
        prev = { node: link.node, end: entries[entries.length - 1].at };
    }
    return gaps;
}

function maxInFlight(log: TimedEntry[], latencyMs: number): number {
    const events = log
        .flatMap((e) => [
            { t: e.at - latencyMs, d: 1 },
            { t: e.at, d: -1 },
        ])
        .sort((a, b) => a.t - b.t || a.d - b.d);
    let now = 0;
    let max = 0;
    for (const e of events) max = Math.max(max, (now += e.d));
    return max;
}

function timing(log: TimedEntry[], t0: number, t1: number, latencyMs: number) {
    const wallMs = t1 - t0;
    if (!log.length) return { wallMs, fixedMs: wallMs };
    const start = Math.max(t0, Math.min(...log.map((e) => e.at)) - latencyMs);
    const end = Math.max(...log.map((e) => e.at));
    return {
        wallMs,
        beforeFirstRequestMs: start - t0,
        afterLastAnswerMs: t1 - end,
        fixedMs: wallMs - (end - start),
        netMs: end - start,
    };
}

/** Mean requests in flight per bucket from t0 to t1 (a request is in flight for the latency before its answer). */
function inFlight(log: TimedEntry[], t0: number, t1: number, latencyMs: number, bucketMs: number): number[] {
    const n = Math.max(1, Math.ceil((t1 - t0) / bucketMs));
    const out = new Array<number>(n).fill(0);
    for (const e of log) {
        const a = Math.max(0, e.at - latencyMs - t0);
        const b = Math.max(a, e.at - t0);
        for (let i = Math.floor(a / bucketMs); i < n && i * bucketMs < b; i++) {
            out[i] += Math.min(b, (i + 1) * bucketMs) - Math.max(a, i * bucketMs);
        }
    }
    return out.map((v) => Math.round((v / bucketMs) * 10) / 10);
}

/**
 * The local engine's calls on the dynamic-provider host, timed by wrapping DynamicHost in this process:
 * per kind and operation, the mean duration and the mean time outside the latency of the requests the
 * call made (requests attributed to a kind by path, divided by its calls). That remainder is the host's
 * own time per call: the gRPC round trip, the provider's work before a request leaves and after its
 * answer, and any wait for the host's CPU.
 */
const hostCalls: Array<{ kind: string; op: string; ms: number }> = [];
function watchHostCalls(): void {
    timeCalls(DynamicHost.prototype, ["create", "update", "delete", "read"], true, (op, args, ms) => {
        const type = String((args[0] as { type?: string } | undefined)?.type ?? "");
        hostCalls.push({ kind: type.split(":").pop() ?? type, op, ms });
    });
}

function hostCallFigures(log: LogEntry[], latencyMs: number): RunFigures["hostCalls"] {
    if (!hostCalls.length) return undefined;
    const requestsByKind = new Map<string, number>();
    for (const e of log) {
        const k = attribute(e.path);
        if (k) requestsByKind.set(k, (requestsByKind.get(k) ?? 0) + 1);
    }
    const groups = new Map<string, number[]>();
    for (const c of hostCalls) {
        const key = `${c.kind} ${c.op}`;
        groups.set(key, [...(groups.get(key) ?? []), c.ms]);
    }
    return [...groups].map(([key, times]) => {
        const [kind, op] = key.split(" ");
        const perCall = (requestsByKind.get(kind) ?? 0) / times.length;
        const meanMs = times.reduce((a, b) => a + b, 0) / times.length;
        return {
            kind,
            op,
            calls: times.length,
            meanMs: Math.round(meanMs),
            requestsPerCall: Math.round(perCall * 10) / 10,
            outsideMs: Math.round(meanMs - perCall * latencyMs),
        };
    });
}

export class Bench {
    private emu!: Emulator;
    private readonly dirs: string[] = [];
    private cliHome?: CliHome;
    private readonly cliStacks: CliStack[] = [];
    readonly runs: RunFigures[] = [];

    constructor(private readonly o: BenchOptions) {}

    async start(): Promise<void> {
        this.emu = await startEmulator({ latencyMs: this.o.latencyMs, trafficLog: "" });
        clockLog(this.emu);
        watchStateWrites();
        watchHostCalls();
    }

    async stop(): Promise<void> {
        for (const s of this.cliStacks) {
            await s.cli(["stack", "rm", "--yes", "--force"]);
            fs.rmSync(path.join(s.opts.workDir, `Pulumi.${s.name}.yaml`), { force: true });
        }
        this.cliHome?.remove();
        await this.emu?.close();
        for (const d of this.dirs) fs.rmSync(d, { recursive: true, force: true });
    }

    private config(extra: Record<string, string>): Record<string, string | { value: string; secret?: boolean }> {
        return {
            "aep:clientId": DEMO_CREDENTIALS.clientId,
            "aep:clientSecret": { value: DEMO_CREDENTIALS.clientSecret, secret: true },
            "aep:orgId": DEMO_CREDENTIALS.orgId,
            "aep:platformUrl": this.emu.url,
            "aep:imsUrl": this.emu.url,
            ...extra,
        };
    }

    /** A fresh stack of a fixture program; `config` may be changed between runs. */
    stack(fixture: "chatlio" | "empty", name: string, config: Record<string, string> = {}) {
        const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `aep-bench-${name}-`));
        this.dirs.push(stateDir);
        const lines: Array<{ at: number; line: string }> = [];
        const settings = config;
        const engine = () =>
            new LocalEngine({
                projectDir: path.join(FIXTURES, fixture),
                stack: name,
                stateDir,
                config: this.config(settings),
                showSames: true,
                log: (line) => lines.push({ at: performance.now(), line }),
            });
        return { engine, settings, statePath: engine().statePath, lines };
    }

    /** One engine run, measured. */
    async engineRun(
        name: string,
        group: RunFigures["group"],
        components: number,
        stack: ReturnType<Bench["stack"]>,
        kind: Exclude<RunKind, "manual">,
        direction: Direction,
    ): Promise<RunFigures> {
        this.o.progress(`${name} …`);
        const before = stateSize(stack.statePath);
        const engine = stack.engine();
        stack.lines.length = 0;
        this.emu.resetLog();
        const sampler = ProcessSampler.available() ? new ProcessSampler().start() : undefined;
        hostCalls.length = 0;
        writes.count = 0;
        writes.ms = 0;
        const t0 = performance.now();
        const r = await engine[kind]();
        const t1 = performance.now();
        const processes = sampler?.stop();
        const stackLine = stack.lines.find((l) => l.line.includes("pulumi:pulumi:Stack"));
        const log = [...(this.emu.log as TimedEntry[])];
        const after = stateSize(stack.statePath);
        const state: StateSize = after.dynamicResources
            ? after
            : {
                  ...after,
                  providerMeanBytes: before.providerMeanBytes,
                  providerMaxBytes: before.providerMaxBytes,
                  providerPerResourceMeanBytes: before.providerPerResourceMeanBytes,
                  providerPerResourceMaxBytes: before.providerPerResourceMaxBytes,
              };
        const bound = chainBound(log, objectsPerKind(r.steps), direction, this.o.latencyMs);
        const t = timing(log, t0, t1, this.o.latencyMs);
        const figures: RunFigures = {
            name,
            group,
            kind,
            components,
            ok: r.ok,
            error: r.ok ? undefined : `${r.error}\n${r.diagnostics.slice(-20).join("\n")}`,
            requests: countRequests(log),
            byRoute: byRoute(log),
            maxInFlight: maxInFlight(log, this.o.latencyMs),
            changes: r.changes,
            engineMs: r.durationMs,
            ...t,
            bound,
            chainGaps: direction === "none" ? undefined : chainGaps(log, bound, this.o.latencyMs),
            wallOverBound: bound.ms ? t.wallMs / bound.ms : undefined,
            netOverBound: bound.ms && t.netMs !== undefined ? t.netMs / bound.ms : undefined,
            state,
            processes,
            inFlightByBucket: inFlight(log, t0, t1, this.o.latencyMs, processes?.bucketMs ?? 250),
            hostCalls: hostCallFigures(log, this.o.latencyMs),
            stateWrites: { count: writes.count, ms: Math.round(writes.ms) },
            programUpMs: (kind === "up" || kind === "preview") && stackLine ? stackLine.at - t0 : undefined,
        };
        this.runs.push(figures);
        this.o.progress(`${name}: ${(t.wallMs / 1000).toFixed(1)} s, ${log.length} requests${r.ok ? "" : " FAILED"}`);
        if (!r.ok) throw new Error(`${name} failed: ${figures.error}`);
        return figures;
    }

    /**
     * A stack of the fixture program run by the real Pulumi CLI (test/cli/harness.ts: the Automation API
     * hands the program to the CLI, each operation in a process of its own as a deployment script would run it).
     */
    async cliStack(name: string, config: Record<string, string>, env?: NodeJS.ProcessEnv): Promise<CliStack> {
        this.cliHome ??= new CliHome();
        const workDir = path.join(FIXTURES, "chatlio");
        const stack = new CliStack({
            home: this.cliHome,
            project: "bench-chatlio",
            stack: `${name}-${process.pid}`,
            program: path.join(workDir, "index.ts"),
            workDir,
            env,
        });
        const init = await this.cliHome.pulumi(["stack", "init", stack.name], workDir);
        if (init.code !== 0) throw new Error(`pulumi stack init: ${init.stderr}`);
        this.cliStacks.push(stack);
        await stack.setConfig({ ...this.config(config) });
        return stack;
    }

    /** One operation through the real CLI, measured around the whole operation (its process start included). */
    async cliRun(
        name: string,
        components: number,
        stack: CliStack,
        kind: Exclude<RunKind, "manual">,
        direction: Direction,
    ): Promise<RunFigures> {
        this.o.progress(`${name} …`);
        this.emu.resetLog();
        const sampler = ProcessSampler.available() ? new ProcessSampler().start() : undefined;
        const t0 = performance.now();
        const r = await stack[kind]();
        const t1 = performance.now();
        const processes = sampler?.stop();
        const log = [...(this.emu.log as TimedEntry[])];
        const steps = r.finished.map((s) => ({ ...s, op: s.op as RunResult["steps"][number]["op"] }));
        const bound = chainBound(log, objectsPerKind(steps), direction, this.o.latencyMs);
        const t = timing(log, t0, t1, this.o.latencyMs);
        const figures: RunFigures = {
            name,
            group: "cli",
            kind,
            components,
            ok: r.ok,
            error: r.ok ? undefined : `${r.error}`,
            requests: countRequests(log),
            byRoute: byRoute(log),
            maxInFlight: maxInFlight(log, this.o.latencyMs),
            changes: r.summary ?? {},
            ...t,
            bound,
            wallOverBound: bound.ms ? t.wallMs / bound.ms : undefined,
            netOverBound: bound.ms && t.netMs !== undefined ? t.netMs / bound.ms : undefined,
            processes,
            inFlightByBucket: inFlight(log, t0, t1, this.o.latencyMs, processes?.bucketMs ?? 250),
        };
        this.runs.push(figures);
        this.o.progress(`${name}: ${(t.wallMs / 1000).toFixed(1)} s, ${log.length} requests${r.ok ? "" : " FAILED"}`);
        if (!r.ok) throw new Error(`${name} failed: ${figures.error}`);
        return figures;
    }

    /** Adobe's tutorial sequence through AepClient, in this process. */
    async manualRun(name: string): Promise<RunFigures> {
        this.o.progress(`${name} …`);
        this.emu.resetLog();
        const settings = {
            clientId: DEMO_CREDENTIALS.clientId,
            clientSecret: DEMO_CREDENTIALS.clientSecret,
            orgId: DEMO_CREDENTIALS.orgId,
            sandboxName: "prod",
            scopes: DEFAULT_SCOPES,
            platformUrl: this.emu.url,
            imsUrl: this.emu.url,
        };
        const t0 = performance.now();
        let error: string | undefined;
        try {
            await manualSequence(settings, `manual${Date.now().toString(36)}`);
        } catch (e) {
            error = (e as Error).message;
        }
        const t1 = performance.now();
        const log = [...(this.emu.log as TimedEntry[])];
        const bound = chainBound(log, Object.fromEntries(KINDS.map((k) => [k, 1])), "forward", this.o.latencyMs);
        const t = timing(log, t0, t1, this.o.latencyMs);
        const figures: RunFigures = {
            name,
            group: "manual",
            kind: "manual",
            components: 1,
            ok: !error,
            error,
            requests: countRequests(log),
            byRoute: byRoute(log),
            maxInFlight: maxInFlight(log, this.o.latencyMs),
            changes: { create: 7 },
            ...t,
            bound,
            wallOverBound: bound.ms ? t.wallMs / bound.ms : undefined,
            netOverBound: bound.ms && t.netMs !== undefined ? t.netMs / bound.ms : undefined,
        };
        this.runs.push(figures);
        this.o.progress(`${name}: ${(t.wallMs / 1000).toFixed(1)} s, ${log.length} requests${error ? " FAILED" : ""}`);
        if (error) throw new Error(`${name} failed: ${error}`);
        return figures;
    }

    /** Everything, in order: the empty program, one ChatlioSource's six phases, the manual sequence, then N = counts. */
    async all(): Promise<void> {
        const want = (g: RunFigures["group"]) => !this.o.only || this.o.only.includes(g);
        // The empty program first: the fixed cost of a run, and a warm-up of the file cache.
        const empty = this.stack("empty", "empty");
        await this.engineRun("empty program: up", "reference", 0, empty, "up", "forward");

        if (want("single")) await this.single();
        if (want("manual")) await this.manualRun("manual sequence (tutorial)");
        if (want("scale")) {
            for (const n of this.o.counts) {
                const s = this.stack("chatlio", `n${n}`, { "bench:count": String(n) });
                await this.engineRun(`N=${n}: up from empty`, "scale", n, s, "up", "forward");
                await this.engineRun(`N=${n}: destroy`, "scale", n, s, "destroy", "backward");
            }
        }
        if (want("cli")) await this.cli();
    }

    /** One ChatlioSource's six phases through the local engine. */
    private async single(): Promise<void> {
        const one = this.stack("chatlio", "one", { "bench:count": "1" });
        await this.engineRun("1. up from empty", "single", 1, one, "up", "forward");
        await this.engineRun("2. preview, no change", "single", 1, one, "preview", "none");
        await this.engineRun("3. up, no change", "single", 1, one, "up", "forward");
        await this.engineRun("4. refresh", "single", 1, one, "refresh", "none");
        one.settings["bench:mappingChange"] = "true";
        await this.engineRun("5. mapping change", "single", 1, one, "up", "forward");
        await this.engineRun("6. destroy", "single", 1, one, "destroy", "backward");
    }

    private async cli(): Promise<void> {
        // The same program through the real Pulumi CLI, in the same run (N = 1, 10 and 50).
        if (!cliInstalled()) {
            this.o.progress("no Pulumi CLI rows: run `npm run pulumi:install` first");
            return;
        }
        for (const n of this.o.counts) {
            const s = await this.cliStack(`cli-n${n}`, { "bench:count": String(n) });
            await this.cliRun(`CLI N=${n}: up from empty`, n, s, "up", "forward");
            if (n <= 10) {
                await this.cliRun(`CLI N=${n}: preview, no change`, n, s, "preview", "none");
                await this.cliRun(`CLI N=${n}: refresh`, n, s, "refresh", "none");
            }
            await this.cliRun(`CLI N=${n}: destroy`, n, s, "destroy", "backward");
        }
        // At the largest N, the CLI again with what a user can set: PULUMI_SKIP_CHECKPOINTS (the state is
        // written once at the end instead of after every step) and PULUMI_PARALLEL (more steps at once than
        // the default of four per core). docs/BENCHMARK.md says what skipping checkpoints gives up.
        const top = Math.max(...this.o.counts);
        if (top > 1) {
            const s = await this.cliStack(
                `cli-skip-n${top}`,
                { "bench:count": String(top) },
                { PULUMI_SKIP_CHECKPOINTS: "true", PULUMI_PARALLEL: "64" },
            );
            await this.cliRun(`CLI N=${top}, no checkpoints: up`, top, s, "up", "forward");
            await this.cliRun(`CLI N=${top}, no checkpoints: destroy`, top, s, "destroy", "backward");
        }
    }
}
