/**
 * A seeded soak: random sequences of up (with random input changes through config), refresh and
 * destroy of the seven AEP resources (test/fixtures/aep-stack), run by the local engine against an
 * in-process emulator that injects random faults into each run (and now and then holds the dataflow in
 * Flow Service's `updating` state). A run that fails is run once more with the faults cleared, to see it
 * converge; runs that got through their faults on their own are counted apart from those that needed it. After every run AEP (the emulator's store) is compared with
 * state: no duplicate, no orphan, no object lost. At the end the stack is destroyed and compared again.
 *
 * Kills: a CI job cancelled in the middle of `pulumi up`. One run in five that calls AEP (drawn from the seed,
 * from a stream of its own so that the seed's operations and HTTP faults are those it had before kills
 * existed) runs the engine's command line (`npm start`'s entry, tools/engine/cli.ts) in a child process of
 * its own process group instead of in-process, and the whole group (the command, the program, the
 * dynamic-provider host) gets SIGKILL at a random request of the run: the first write after a random number
 * of answers is held in the emulator before AEP acts or after AEP acted and the group is killed while it
 * waits, or the kill comes just after a random answer (see `KillPlan`).
 * The HTTP faults of the run stay in force. A killed run is a failed run whose fault ended: it is run again
 * in-process with the faults cleared. Right after the kill only duplicates are checked: an object the killed
 * run made that the state does not hold yet (or one it deleted that the state still holds) is the rerun's to
 * take over (or forget); after the rerun it counts as an orphan (or lost) like any other.
 *
 *     npm run soak -- --seed 1 --runs 40 [--kill-percent 20]
 *
 * Progress goes to stderr, one line per run; the figures go to stdout as one JSON line. The exit code
 * is non-zero when AEP and state ever disagreed or a run did not converge once its faults cleared.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChildProcess, spawn } from "child_process";
import { DEMO_CREDENTIALS, Emulator, FaultRule, startEmulator } from "aep-emulator";
import { LocalConfigStore, LocalEngine, RunResult } from "./engine";
import { Invariants, stateIds } from "../test/support/invariants";

export interface SoakOptions {
    seed: number;
    /** Operations to run (a failed run's retry is not counted). */
    runs: number;
    /** Progress lines (default: stderr). */
    progress?: (line: string) => void;
    /** The client's per-attempt timeout in the provider host; "late" faults answer 1 s after it. Default 1500. */
    timeoutMs?: number;
    /** The share of runs that call AEP whose engine is killed (SIGKILL) at a random request. Default 0.2; 0 for none. */
    killShare?: number;
}

export interface SoakResult {
    seed: number;
    runs: number;
    operations: Record<"up" | "update" | "refresh" | "destroy", number>;
    /** Fault rules added and faults the emulator actually injected. */
    faultRules: number;
    faultsInjected: number;
    /** Distinct problems seen after any run (each counted once however long it lasted). */
    duplicates: number;
    orphans: number;
    objectsLost: number;
    /** Runs that met at least one injected fault (or a held flow state) and succeeded all the same. */
    runsConvergedOnTheirOwn: number;
    /** Runs that failed under their faults and needed a rerun; of those, how many succeeded when run again without faults. */
    runsFailed: number;
    /** runsFailed / runs. */
    rerunShare: number;
    /**
     * Of runsFailed, those whose faults included one that never cleared during the run (×∞: an outage of a
     * route, which no retry can outlast); the others failed under faults that ended.
     */
    runsFailedWithLastingFault: number;
    runsConvergedOnRetry: number;
    runsNotConverged: number;
    /**
     * Runs whose engine was killed (SIGKILL to the process group of `npm start`'s entry) at their kill point.
     * Each is also one of runsFailed (a failure whose fault ended: never one of runsFailedWithLastingFault),
     * and its rerun one of runsConvergedOnRetry or runsNotConverged.
     */
    runsKilled: number;
    /** Of runsKilled, those whose rerun (faults cleared) converged. */
    killedRunsConverged: number;
    /** Runs the seed chose to kill that ended (succeeded or failed under their faults) before their kill point came. */
    killsMissed: number;
    /**
     * Runs whose operation needed more than one command to converge: the first command failed (under its
     * faults, or killed) and the rerun succeeded. With one rerun per run this is runsConvergedOnRetry, kills included.
     */
    runsNeedingMoreThanOneCommand: number;
    /** Each kill: the run, its operation, the point it was killed at, what it left for the rerun and how the rerun went. */
    kills: string[];
    /** Objects other than mapping sets left in AEP, and resources left in state, after the final destroy. */
    leftAfterDestroy: number;
    leftInState: number;
    /** The problems themselves, for the report. */
    problems: string[];
    durationMs: number;
}

const SR = "/data/foundation/schemaregistry";
const CAT = "/data/foundation/catalog";
const FS = "/data/foundation/flowservice";
const DP = "/data/foundation/conversion";

/** Routes a run may meet, by what the run does. */
const ROUTES = {
    create: [
        { method: "POST", path: `${SR}/tenant/fieldgroups` },
        { method: "POST", path: `${SR}/tenant/schemas` },
        { method: "POST", path: `${CAT}/dataSets` },
        { method: "POST", path: `${FS}/sourceConnections` },
        { method: "POST", path: `${FS}/targetConnections` },
        { method: "POST", path: `${DP}/mappingSets` },
        { method: "POST", path: new RegExp(`^${FS}/flows$`) },
    ],
    update: [
        { method: "PUT", path: `${SR}/tenant/fieldgroups/` },
        { method: "PUT", path: `${SR}/tenant/schemas/` },
        { method: "PATCH", path: `${CAT}/dataSets/` },
        { method: "PATCH", path: `${FS}/sourceConnections/`, flowService: true },
        { method: "PATCH", path: `${FS}/targetConnections/`, flowService: true },
        { method: "PUT", path: `${DP}/mappingSets/` },
        { method: "PATCH", path: new RegExp(`^${FS}/flows/[^/]+$`), flowService: true },
        { method: "POST", path: new RegExp(`^${FS}/flows/[^/]+/action$`) },
    ],
    read: [
        { method: "GET", path: `${SR}/tenant/fieldgroups` },
        { method: "GET", path: `${SR}/tenant/schemas` },
        { method: "GET", path: `${SR}/stats` },
        { method: "GET", path: `${CAT}/dataSets` },
        { method: "GET", path: `${FS}/sourceConnections` },
        { method: "GET", path: `${FS}/targetConnections` },
        { method: "GET", path: `${DP}/mappingSets` },
        { method: "GET", path: new RegExp(`^${FS}/flows(/[^/]+)?$`) },
        { method: "POST", path: "/ims/token/v3" },
    ],
    delete: [
        { method: "DELETE", path: `${SR}/tenant/fieldgroups/` },
        { method: "DELETE", path: `${SR}/tenant/schemas/` },
        { method: "DELETE", path: `${CAT}/dataSets/` },
        { method: "DELETE", path: `${FS}/sourceConnections/` },
        { method: "DELETE", path: `${FS}/targetConnections/` },
        { method: "DELETE", path: new RegExp(`^${FS}/flows/[^/]+$`) },
    ],
};

/** What AEP does wrong. A 404 is not injected: AEP saying an existing object is gone is a lie Pulumi must believe. */
const FAULTS: Array<{ name: string; rule: (lateMs: number) => Omit<FaultRule, "path" | "method">; flowServicePatchOnly?: boolean }> = [
    { name: "429+Retry-After", rule: () => ({ status: 429, retryAfter: "1" }) },
    { name: "429", rule: () => ({ status: 429 }) },
    { name: "500", rule: () => ({ status: 500 }) },
    { name: "502", rule: () => ({ status: 502 }) },
    { name: "503", rule: () => ({ status: 503 }) },
    { name: "504", rule: () => ({ status: 504 }) },
    { name: "late", rule: (lateMs) => ({ delayMs: lateMs }) },
    { name: "reset-before", rule: () => ({ reset: "before" }) },
    { name: "reset-after-commit", rule: () => ({ reset: "after-commit" }) },
    { name: "504-after-commit", rule: () => ({ status: 504, commit: true }) },
    { name: "412", rule: () => ({ status: 412 }), flowServicePatchOnly: true },
];

/** A route as a person reads it: `POST flowservice/flows`. */
function shown(p: string | RegExp): string {
    const text = typeof p === "string" ? p : p.source.replace(/\\\//g, "/").replace(/^\^|\$$/g, "");
    return text.replace(/^\/data\/foundation\//, "");
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const ROOT = path.resolve(__dirname, "..");
/** The engine's command line, the entry of `npm start`: what a CI job runs, and what a cancelled job kills. */
const ENGINE_CLI = path.join(__dirname, "engine", "cli.ts");
/** How long the emulator holds the request a kill lands on: far longer than it takes to see the hold and kill. */
const HOLD_MS = 5_000;
/** A killed run's command that has neither ended nor been killed by then is killed and counted as failed. */
const CHILD_LIMIT_MS = 300_000;

/**
 * Requests a run makes without faults (measured against the emulator): where a kill at a random request can
 * land. Faults add requests (retries, look-ups) and drift adds reads, so a kill point drawn below these
 * counts is nearly always reached; one that is not is counted in killsMissed.
 */
const REQUESTS = { up: 17, refresh: 8, destroy: 8, description: 8, extraField: 4, enabled: 2, sandbox: 27 } as const;

/**
 * Where a killed run dies:
 * - "held-before": the first write (create, update, delete) to arrive after `at` answers is held by the
 *   emulator before AEP acts (a 503 it never gets to send), and the engine is killed while it waits: AEP
 *   never did it;
 * - "held-after": the same write is performed and stored by AEP, then its answer is held, and the engine
 *   is killed while it waits: AEP did it, the engine never heard (the case that leaves an object the state
 *   does not hold, or holds one AEP deleted);
 * - "between": the engine is killed as soon as the emulator has sent `at` answers (at ≥ 1), while the engine
 *   works on the last one (a step finishing, a state write, the next request being sent).
 */
interface KillPlan {
    flavour: "held-before" | "held-after" | "between";
    at: number;
}

/** An AEP path as a person reads it, ids folded: `DELETE catalog/dataSets/{id}`. */
function brief(method: string, p: string): string {
    const short = p
        .replace(/^\/data\/foundation\//, "")
        .split("/")
        .map((seg) => (/^[0-9a-f]{24,}$|^[0-9a-f-]{36}$|^https%3A/i.test(seg) ? "{id}" : seg))
        .join("/");
    return `${method} ${short}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The command of a killed run: a child process in a process group of its own, and what it printed. */
interface Child {
    child: ChildProcess;
    output: string[];
    exited: Promise<void>;
}

function spawnEngine(op: "up" | "refresh" | "destroy", projectDir: string, stack: string, stateDir: string, env: NodeJS.ProcessEnv): Child {
    const child = spawn(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", ENGINE_CLI, op, "--yes", "--cwd", projectDir, "--stack", stack, "--state-dir", stateDir],
        {
            cwd: ROOT,
            env,
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    const output: string[] = [];
    const keep = (b: Buffer) => {
        output.push(...String(b).split("\n").filter(Boolean));
        if (output.length > 400) output.splice(0, output.length - 400);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    return { child, output, exited };
}

/** SIGKILL to every process of the child's group (the command, the program, the provider host); resolves once none is left. */
async function killGroup(c: Child): Promise<void> {
    try {
        process.kill(-c.child.pid!, "SIGKILL");
    } catch {
        // the group is gone already
    }
    await c.exited;
    for (const t0 = Date.now(); Date.now() - t0 < 10_000; await sleep(20)) {
        try {
            process.kill(-c.child.pid!, 0);
        } catch {
            return;
        }
    }
    throw new Error(`the killed engine's process group ${c.child.pid} is still there after 10 s`);
}

/**
 * Hold rules for a kill: one per write route the soak knows and one per write method for any other AEP
 * route, each marked so that the one taken names the request. Only writes are held: a read held and killed
 * is no different from a kill between two answers, while a write held after AEP acted is the kill that
 * leaves AEP ahead of the state (an object made that the state does not hold, one deleted that it still holds).
 */
function holdRules(flavour: "held-before" | "held-after", mark: number): Array<{ rule: FaultRule; shown: string }> {
    const seen = new Set<string>();
    const rules: Array<{ rule: FaultRule; shown: string }> = [];
    const routes: Array<{ method: string; path: string | RegExp }> = [...ROUTES.create, ...ROUTES.update, ...ROUTES.delete];
    for (const m of ["POST", "PUT", "PATCH", "DELETE"]) routes.push({ method: m, path: "/data/" });
    for (const r of routes) {
        const shownAs = r.path === "/data/" ? `${r.method} (another route)` : `${r.method} ${shown(r.path)}`;
        if (seen.has(shownAs)) continue;
        seen.add(shownAs);
        const body = { soakHold: mark, route: rules.length };
        const rule: FaultRule = { method: r.method, path: r.path, delayMs: HOLD_MS, body, count: 1 };
        if (flavour === "held-before") rule.status = 503;
        rules.push({ rule, shown: shownAs });
    }
    return rules;
}

/** The hold rules of `mark` still waiting (GET /__emulator/faults lists the rules in force). */
async function holdsLeft(emu: Emulator, mark: number): Promise<Set<number>> {
    const res = await fetch(`${emu.url}/__emulator/faults`);
    const { rules } = (await res.json()) as { rules: Array<{ body?: { soakHold?: number; route?: number } }> };
    return new Set(rules.filter((r) => r.body?.soakHold === mark).map((r) => r.body!.route!));
}

interface KilledRun {
    result: Pick<RunResult, "ok" | "error">;
    /** Where it was killed; undefined when the run ended first. */
    point?: string;
    /** A hold was taken (it counts in the emulator's injected faults). */
    held: boolean;
    /** When every answer the emulator still holds for the killed command has been sent to nobody. */
    quietAt: number;
}

/**
 * Runs `op` with the engine's command line in a process group of its own and kills the group at `plan`'s
 * point. `stateDir` holds the state (the same file the in-process engine uses) and the config the command
 * reads (written here from `config`, as `npm start -- config set` would).
 */
async function runAndKill(
    emu: Emulator,
    plan: KillPlan,
    mark: number,
    op: "up" | "refresh" | "destroy",
    run: {
        projectDir: string;
        stack: string;
        stateDir: string;
        config: Record<string, string | { value: string; secret?: boolean }>;
        env: Record<string, string>;
        lateMs: number;
    },
): Promise<KilledRun> {
    const store = new LocalConfigStore(path.join(run.stateDir, `${run.stack}.config.json`));
    fs.rmSync(store.file, { force: true });
    for (const [k, v] of Object.entries(run.config)) store.set(k, typeof v === "string" ? v : v.value, typeof v !== "string" && !!v.secret);

    const base = emu.log.length;
    const holds = plan.flavour === "between" ? [] : holdRules(plan.flavour, mark);
    let holding = false;
    /** Answers sent when the hold rules went in: the held request is the first to arrive after them. */
    let holdFrom = 0;
    const hold = () => {
        holdFrom = emu.log.length - base;
        holds.forEach((h) => emu.faults.add(h.rule));
        holding = true;
    };
    if (holds.length && plan.at === 0) hold();
    const c = spawnEngine(op, run.projectDir, run.stack, run.stateDir, { ...process.env, ...run.env });
    let exited = false;
    void c.exited.then(() => (exited = true));
    const t0 = Date.now();
    let injected = emu.faults.injected;
    let point: string | undefined;
    let held = false;
    let heldAt = 0;
    const watch = async () => {
        while (!exited && point === undefined) {
            const answered = emu.log.length - base;
            const last = answered ? emu.log[emu.log.length - 1] : undefined;
            if (plan.flavour === "between" && answered >= plan.at) {
                point = `after answer ${answered} (${last ? brief(last.method, last.path) : "none"})`;
            } else if (holds.length && !holding && answered >= plan.at) {
                hold();
            } else if (holding && emu.faults.injected !== injected) {
                injected = emu.faults.injected;
                const left = await holdsLeft(emu, mark);
                const taken = holds.findIndex((_, i) => !left.has(i));
                if (taken >= 0) {
                    held = true;
                    heldAt = Date.now();
                    point = `first write after answer ${holdFrom} (${holds[taken].shown}) held ${plan.flavour === "held-before" ? "before AEP acts" : "after AEP acted"}`;
                }
            }
            if (point === undefined && Date.now() - t0 > CHILD_LIMIT_MS) break;
            if (point === undefined) await sleep(10);
        }
    };
    try {
        await watch();
    } catch (e) {
        await killGroup(c); // the soak's own failure: leave no engine behind
        throw e;
    }
    const hung = !exited && point === undefined;
    const killTime = Date.now();
    if (point !== undefined || hung) await killGroup(c);
    else await c.exited;
    // The hold answers after HOLD_MS: a kill later than that came after the engine could have heard the answer.
    if (held && killTime - heldAt >= HOLD_MS)
        point += ` (but the kill came ${killTime - heldAt} ms after the hold began, once it may have ended)`;
    // A late fault or the hold answers the killed command HOLD_MS (or lateMs) after it was taken: to nobody, but into the emulator's log.
    const quietAt = Date.now() + Math.max(HOLD_MS, run.lateMs) + 500;
    if (hung)
        return {
            result: {
                ok: false,
                error: `the command did not end within ${CHILD_LIMIT_MS / 1000} s and was killed before its kill point:\n${c.output.slice(-20).join("\n")}`,
            },
            held,
            quietAt,
        };
    const killed = c.child.signalCode === "SIGKILL";
    if (!killed) {
        const ok = c.child.exitCode === 0;
        // The command's own error lines ("error: ..." under the resource or at the end) say why it failed.
        const errors = c.output.filter((l) => /^\s*error: /.test(l)).map((l) => l.trim());
        const error = ok ? undefined : errors.join("\n") || c.output.slice(-5).join("\n") || `exit code ${c.child.exitCode}`;
        return { result: { ok, error }, held, quietAt };
    }
    return { result: { ok: false, error: `killed (SIGKILL to its process group) at ${point}` }, point, held, quietAt };
}

export async function soak(options: SoakOptions): Promise<SoakResult> {
    const t0 = Date.now();
    const progress = options.progress ?? ((line: string) => process.stderr.write(line + "\n"));
    const random = prng(options.seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const timeoutMs = options.timeoutMs ?? 1500;
    const lateMs = timeoutMs + 1000;
    // Kills are drawn from a stream of their own: the seed's operations, drift and HTTP faults stay what they were without them.
    const killRandom = prng(options.seed ^ 0x4b11ed);
    const killShare = options.killShare ?? 0.2;

    const emu = await startEmulator();
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-soak-"));
    const invariants = new Invariants(emu);
    const config: Record<string, string | { value: string; secret?: boolean }> = {
        "aep:clientId": DEMO_CREDENTIALS.clientId,
        "aep:clientSecret": { value: DEMO_CREDENTIALS.clientSecret, secret: true },
        "aep:orgId": DEMO_CREDENTIALS.orgId,
        "aep:platformUrl": emu.url,
        "aep:imsUrl": emu.url,
    };
    const projectDir = path.join(__dirname, "..", "test", "fixtures", "aep-stack");
    const env = { AEP_HTTP_TIMEOUT_MS: String(timeoutMs), AEP_HTTP_DEADLINE_MS: "30000", AEP_HTTP_RETRY_BASE_MS: "20" };
    const engine = new LocalEngine({ projectDir, stack: "soak", stateDir, config, env, log: () => undefined });

    const result: SoakResult = {
        seed: options.seed,
        runs: options.runs,
        operations: { up: 0, update: 0, refresh: 0, destroy: 0 },
        faultRules: 0,
        faultsInjected: 0,
        duplicates: 0,
        orphans: 0,
        objectsLost: 0,
        runsConvergedOnTheirOwn: 0,
        runsFailed: 0,
        rerunShare: 0,
        runsFailedWithLastingFault: 0,
        runsConvergedOnRetry: 0,
        runsNotConverged: 0,
        runsKilled: 0,
        killedRunsConverged: 0,
        killsMissed: 0,
        runsNeedingMoreThanOneCommand: 0,
        kills: [],
        leftAfterDestroy: 0,
        leftInState: 0,
        problems: [],
        durationMs: 0,
    };
    const seen = { duplicates: new Set<string>(), orphans: new Set<string>(), lost: new Set<string>() };
    /** Objects deleted outside Pulumi on purpose: state may hold them until a run meets their 404. */
    const goneOutside = new Set<string>();
    const deployed = () => invariants.check(engine.statePath).inState > 0;

    /**
     * `afterKill`: right after a killed run, only duplicates count. An object the killed run made that the
     * state does not hold yet, or deleted while the state still holds it, is the rerun's to take over or
     * forget; the audit after the rerun counts whatever is left as an orphan or lost.
     */
    const audit = (when: string, afterKill = false) => {
        const r = invariants.check(engine.statePath, goneOutside);
        const lists = [
            [r.duplicates, seen.duplicates, "duplicate"],
            [r.orphans, seen.orphans, "orphan"],
            [r.lost, seen.lost, "lost"],
        ] as const;
        for (const [list, set, what] of afterKill ? lists.slice(0, 1) : lists) {
            for (const p of list) {
                if (!set.has(p)) result.problems.push(`${when}: ${what} ${p}`);
                set.add(p);
            }
        }
        return r;
    };

    const runOnce = async (op: "up" | "refresh" | "destroy"): Promise<Pick<RunResult, "ok" | "error">> => {
        const before = emu.faults.injected;
        const r = await engine[op]();
        result.faultsInjected += emu.faults.injected - before;
        return r;
    };
    /** When the emulator has answered, to nobody, every request a killed command left held (see runAndKill). */
    let quietAt = 0;

    try {
        for (let n = 1; n <= options.runs; n++) {
            const has = deployed();
            // The operation: a first up when nothing is deployed; otherwise an update (inputs changed), a
            // refresh, a destroy or a plain up.
            const roll = random();
            const op: keyof SoakResult["operations"] = !has
                ? "up"
                : roll < 0.55
                  ? "update"
                  : roll < 0.75
                    ? "refresh"
                    : roll < 0.9
                      ? "destroy"
                      : "up";
            const changes: string[] = [];
            if (op === "update") {
                // A sandbox change replaces all seven objects (the slowest run): one update in ten.
                const k = random() < 0.1 ? "sandbox" : pick(["description", "description", "extraField", "enabled"] as const);
                if (k === "description")
                    config["test:description"] = pick(
                        ["first", "second", "third", "fourth"].filter((d) => d !== (config["test:description"] ?? "first")),
                    );
                if (k === "extraField") config["test:extraField"] = config["test:extraField"] === "true" ? "false" : "true";
                if (k === "enabled") config["test:enabled"] = config["test:enabled"] === "false" ? "true" : "false";
                if (k === "sandbox") config["test:sandbox"] = config["test:sandbox"] === "dev" ? "prod" : "dev";
                changes.push(`${k}=${config[`test:${k}`]}`);
            }
            // Drift: someone edits (or, before a destroy, deletes) an object in the AEP UI.
            const sandbox = String(config["test:sandbox"] ?? "prod");
            const held = new Set(stateIds(engine.statePath).map((r) => r.id));
            const editable = emu
                .objects(sandbox)
                .filter((o) => ["sourceConnection", "targetConnection", "flow", "dataset"].includes(o.kind) && held.has(o.id));
            if (has && editable.length && random() < 0.2) {
                const o = pick(editable);
                if (op === "destroy") {
                    emu.deleteObject(o.kind, o.id);
                    goneOutside.add(o.id);
                    changes.push(`deleted ${o.kind} outside`);
                } else {
                    emu.editObject(o.kind, o.id, { description: `edited in the AEP UI before run ${n}` });
                    changes.push(`edited ${o.kind} outside`);
                }
            }

            // Faults on the routes this run calls (an unchanged up calls none: it gets none).
            const replacing = changes.some((c) => c.startsWith("sandbox="));
            // Writes get three faults in four: they are where duplicates, orphans and losses come from.
            const writes =
                op === "destroy"
                    ? ROUTES.delete
                    : op === "up"
                      ? has
                          ? []
                          : ROUTES.create
                      : op === "update"
                        ? replacing
                            ? [...ROUTES.create, ...ROUTES.delete]
                            : ROUTES.update
                        : [];
            const reads = op === "destroy" ? ROUTES.read.filter((r) => r.method === "POST") : op === "up" && has ? [] : ROUTES.read;
            const routes = [...writes, ...reads];
            const rules: string[] = [];
            let lasting = false;
            emu.faults.clear();
            for (let i = 0, count = routes.length ? 1 + Math.floor(random() * 4) : 0; i < count; i++) {
                const route = writes.length && (random() < 0.75 || !reads.length) ? pick(writes) : pick(reads);
                const fault = pick(FAULTS.filter((f) => !f.flowServicePatchOnly || ("flowService" in route && route.flowService)));
                const times = random() < 0.1 ? Infinity : 1 + Math.floor(random() * 3);
                if (times === Infinity) lasting = true;
                emu.faults.add({ method: route.method, path: route.path, ...fault.rule(lateMs), count: times });
                rules.push(
                    `${route.method} ${shown(route.path)} ${fault.name}${times === 1 ? "" : ` ×${times === Infinity ? "∞" : times}`}`,
                );
            }
            // Flow Service still busy with the dataflow (a change in the AEP UI, or its own work): it shows
            // `updating` and refuses updates, actions and deletes for a few calls.
            const flowId = editable.find((o) => o.kind === "flow")?.id;
            let busyFor = 0;
            if (
                flowId &&
                (op === "update" || op === "destroy") &&
                !replacing &&
                random() < 0.15 &&
                emu.objects().some((o) => o.id === flowId)
            ) {
                busyFor = 1 + Math.floor(random() * 3);
                emu.holdFlowState(flowId, "updating", 60_000, busyFor);
                rules.push(`flow updating ×${busyFor}`);
            }
            result.faultRules += rules.length;
            result.operations[op]++;

            // The kill: one run in five (killShare) of those that call AEP (a plain up of a deployed stack calls
            // nothing). Every run draws its three numbers, killed or not, so each run's kill depends on the seed
            // and its number only. Kills only while every name is automatic: the soak never sets `test:names`,
            // so every object is named by the stack (from its URN) and the rerun may take over what a killed run
            // made. An object under a name the user wrote is not taken over (the provider refuses it, rightly:
            // it may be someone else's), so a kill there would fail its rerun by design, not for a fault: were
            // explicit names ever varied here, such runs would have to be left unkilled.
            const [killRoll, flavourRoll, atRoll] = [killRandom(), killRandom(), killRandom()];
            const automaticNames = !("test:names" in config);
            const requests =
                op === "up"
                    ? has
                        ? 0
                        : REQUESTS.up
                    : op === "update"
                      ? REQUESTS[changes[0].split("=")[0] as "description" | "extraField" | "enabled" | "sandbox"]
                      : REQUESTS[op];
            let kill: KillPlan | undefined;
            if (automaticNames && requests > 0 && killRoll < killShare) {
                // A refresh writes nothing to AEP: it has no write to hold, and is killed between two answers.
                const flavour = op === "refresh" || flavourRoll >= 0.7 ? "between" : flavourRoll < 0.4 ? "held-after" : "held-before";
                // Held: the first write after `at` answers (0 to requests - 1); between: after answer `at` (1 to requests).
                kill = { flavour, at: flavour === "between" ? 1 + Math.floor(atRoll * requests) : Math.floor(atRoll * requests) };
            }

            const engineOp = op === "update" ? "up" : op;
            const injectedBefore = emu.faults.injected;
            let first: Pick<RunResult, "ok" | "error">;
            let killedAt: string | undefined;
            if (kill) {
                // Answers a previous kill left held must not count as this run's.
                if (quietAt > Date.now()) await sleep(quietAt - Date.now());
                const k = await runAndKill(emu, kill, n, engineOp, { projectDir, stack: "soak", stateDir, config, env, lateMs });
                quietAt = k.quietAt;
                // The hold is the kill's, not an HTTP fault.
                result.faultsInjected += emu.faults.injected - injectedBefore - (k.held ? 1 : 0);
                first = k.result;
                killedAt = k.point;
                if (!killedAt) result.killsMissed++;
            } else {
                first = await runOnce(engineOp);
            }
            if (first.ok && (emu.faults.injected > injectedBefore || busyFor)) result.runsConvergedOnTheirOwn++;
            emu.faults.clear();
            if (busyFor && flowId && emu.objects().some((o) => o.id === flowId)) emu.holdFlowState(flowId, "updating", 0); // settled
            const afterFirst = audit(`run ${n} ${op}${killedAt ? " (killed)" : ""}`, !!killedAt);
            let ok = first.ok;
            const planned = kill
                ? ` kill [${kill.flavour === "between" ? `after answer ${kill.at}` : `first write after answer ${kill.at}, held ${kill.flavour === "held-before" ? "before AEP acts" : "after AEP acted"}`}]`
                : "";
            let line = `run ${n}/${options.runs} ${op}${changes.length ? ` (${changes.join(", ")})` : ""} faults [${rules.join("; ")}]${planned}: `;
            line += killedAt
                ? `KILLED ${killedAt}`
                : kill
                  ? `${first.ok ? "ok" : "failed"} (the run ended before its kill point)`
                  : first.ok
                    ? "ok"
                    : "failed";
            let pending = "";
            if (killedAt) {
                result.runsKilled++;
                const named = (list: string[]) => (list.length ? ` (${list.map((p) => p.replace(/ \(.*$/, "")).join(", ")})` : "");
                pending = `left for the rerun: ${afterFirst.orphans.length} in AEP not in state${named(afterFirst.orphans)}, ${afterFirst.lost.length} in state not in AEP${named(afterFirst.lost)}`;
                line += `; ${pending}`;
            }
            if (!first.ok) {
                result.runsFailed++;
                // A killed run failed because it was killed, a fault that ended.
                if (lasting && !killedAt) result.runsFailedWithLastingFault++;
                const again = await runOnce(engineOp);
                audit(`run ${n} ${op} again`);
                ok = again.ok;
                if (again.ok) {
                    result.runsConvergedOnRetry++;
                    result.runsNeedingMoreThanOneCommand++;
                    if (killedAt) result.killedRunsConverged++;
                } else {
                    result.runsNotConverged++;
                    result.problems.push(`run ${n} ${op} did not converge once its faults cleared: ${again.error}`);
                }
                line += `, then ${again.ok ? "converged" : `FAILED AGAIN: ${(again.error ?? "").split("\n")[0]}`}`;
                if (!killedAt) line += ` (${(first.error ?? "").split("\n")[0].slice(0, 160)})`;
                if (killedAt)
                    result.kills.push(
                        `run ${n} ${op}: killed ${killedAt}; ${pending}; the rerun ${again.ok ? "converged" : "did not converge"}`,
                    );
            }
            if (op === "destroy" && ok) goneOutside.clear();
            progress(`${line} [${Math.round((Date.now() - t0) / 1000)}s]`);
        }

        // The end: faults cleared, everything destroyed, AEP compared with state.
        emu.faults.clear();
        const last = await runOnce("destroy");
        const end = audit("final destroy");
        if (!last.ok) result.problems.push(`final destroy failed: ${last.error}`);
        result.leftInState = end.inState;
        result.leftAfterDestroy = emu.objects().filter((o) => o.kind !== "mappingSet").length;
        progress(
            `final destroy: ${last.ok ? "ok" : "FAILED"}; left in AEP (mapping sets aside): ${result.leftAfterDestroy}; left in state: ${result.leftInState}`,
        );
        progress(
            `kills: ${result.runsKilled} runs killed (${result.killsMissed} more ended before their kill point), ${result.killedRunsConverged} converged on the rerun; ` +
                `runs that needed more than one command: ${result.runsNeedingMoreThanOneCommand} of ${options.runs}`,
        );
    } finally {
        await emu.close();
        fs.rmSync(stateDir, { recursive: true, force: true });
    }
    result.duplicates = seen.duplicates.size;
    result.orphans = seen.orphans.size;
    result.objectsLost = seen.lost.size;
    result.rerunShare = options.runs ? Math.round((result.runsFailed / options.runs) * 1000) / 1000 : 0;
    result.durationMs = Date.now() - t0;
    return result;
}

/** True when the soak found AEP and state in disagreement, or a run that did not converge. */
export function soakFailed(r: SoakResult): boolean {
    return r.duplicates + r.orphans + r.objectsLost + r.runsNotConverged + r.leftAfterDestroy + r.leftInState > 0;
}

function argument(name: string, fallback: number): number {
    const i = process.argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
    if (!Number.isInteger(v) || v < 0) {
        process.stderr.write(`--${name} must be a whole number\n`);
        process.exit(2);
    }
    return v;
}

if (require.main === module) {
    soak({ seed: argument("seed", 1), runs: argument("runs", 20), killShare: argument("kill-percent", 20) / 100 }).then(
        (r) => {
            const { problems, ...figures } = r;
            for (const p of problems) process.stderr.write(`problem: ${p}\n`);
            process.stdout.write(JSON.stringify(figures) + "\n");
            process.exit(soakFailed(r) ? 1 : 0);
        },
        (e) => {
            process.stderr.write(`soak: ${e?.stack ?? e}\n`);
            process.exit(2);
        },
    );
}
