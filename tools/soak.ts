/**
 * A seeded soak: random sequences of up (with random input changes through config), refresh and
 * destroy of the seven AEP resources (test/fixtures/aep-stack), run by the local engine against an
 * in-process emulator that injects random faults into each run (and now and then holds the dataflow in
 * Flow Service's `updating` state). A run that fails is run once more with the faults cleared, to see it
 * converge; runs that got through their faults on their own are counted apart from those that needed it. After every run AEP (the emulator's store) is compared with
 * state: no duplicate, no orphan, no object lost. At the end the stack is destroyed and compared again.
 *
 *     npm run soak -- --seed 1 --runs 40
 *
 * Progress goes to stderr, one line per run; the figures go to stdout as one JSON line. The exit code
 * is non-zero when AEP and state ever disagreed or a run did not converge once its faults cleared.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_CREDENTIALS, FaultRule, startEmulator } from "aep-emulator";
import { LocalEngine, RunResult } from "./engine";
import { Invariants, stateIds } from "../test/support/invariants";

export interface SoakOptions {
    seed: number;
    /** Operations to run (a failed run's retry is not counted). */
    runs: number;
    /** Progress lines (default: stderr). */
    progress?: (line: string) => void;
    /** The client's per-attempt timeout in the provider host; "late" faults answer 1 s after it. Default 1500. */
    timeoutMs?: number;
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

export async function soak(options: SoakOptions): Promise<SoakResult> {
    const t0 = Date.now();
    const progress = options.progress ?? ((line: string) => process.stderr.write(line + "\n"));
    const random = prng(options.seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const timeoutMs = options.timeoutMs ?? 1500;
    const lateMs = timeoutMs + 1000;

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
    const engine = new LocalEngine({
        projectDir: path.join(__dirname, "..", "test", "fixtures", "aep-stack"),
        stack: "soak",
        stateDir,
        config,
        env: { AEP_HTTP_TIMEOUT_MS: String(timeoutMs), AEP_HTTP_DEADLINE_MS: "30000", AEP_HTTP_RETRY_BASE_MS: "20" },
        log: () => undefined,
    });

    const result: SoakResult = {
        seed: options.seed, runs: options.runs, operations: { up: 0, update: 0, refresh: 0, destroy: 0 }, faultRules: 0, faultsInjected: 0,
        duplicates: 0, orphans: 0, objectsLost: 0, runsConvergedOnTheirOwn: 0, runsFailed: 0, rerunShare: 0, runsFailedWithLastingFault: 0, runsConvergedOnRetry: 0, runsNotConverged: 0,
        leftAfterDestroy: 0, leftInState: 0, problems: [], durationMs: 0,
    };
    const seen = { duplicates: new Set<string>(), orphans: new Set<string>(), lost: new Set<string>() };
    /** Objects deleted outside Pulumi on purpose: state may hold them until a run meets their 404. */
    const goneOutside = new Set<string>();
    const deployed = () => invariants.check(engine.statePath).inState > 0;

    const audit = (when: string) => {
        const r = invariants.check(engine.statePath, goneOutside);
        for (const [list, set, what] of [[r.duplicates, seen.duplicates, "duplicate"], [r.orphans, seen.orphans, "orphan"], [r.lost, seen.lost, "lost"]] as const) {
            for (const p of list) {
                if (!set.has(p)) result.problems.push(`${when}: ${what} ${p}`);
                set.add(p);
            }
        }
        return r;
    };

    const runOnce = async (op: "up" | "refresh" | "destroy"): Promise<RunResult> => {
        const before = emu.faults.injected;
        const r = await engine[op]();
        result.faultsInjected += emu.faults.injected - before;
        return r;
    };

    try {
        for (let n = 1; n <= options.runs; n++) {
            const has = deployed();
            // The operation: a first up when nothing is deployed; otherwise an update (inputs changed), a
            // refresh, a destroy or a plain up.
            const roll = random();
            const op: keyof SoakResult["operations"] = !has ? "up" : roll < 0.55 ? "update" : roll < 0.75 ? "refresh" : roll < 0.9 ? "destroy" : "up";
            const changes: string[] = [];
            if (op === "update") {
                // A sandbox change replaces all seven objects (the slowest run): one update in ten.
                const k = random() < 0.1 ? "sandbox" : pick(["description", "description", "extraField", "enabled"] as const);
                if (k === "description") config["test:description"] = pick(["first", "second", "third", "fourth"].filter((d) => d !== (config["test:description"] ?? "first")));
                if (k === "extraField") config["test:extraField"] = config["test:extraField"] === "true" ? "false" : "true";
                if (k === "enabled") config["test:enabled"] = config["test:enabled"] === "false" ? "true" : "false";
                if (k === "sandbox") config["test:sandbox"] = config["test:sandbox"] === "dev" ? "prod" : "dev";
                changes.push(`${k}=${config[`test:${k}`]}`);
            }
            // Drift: someone edits (or, before a destroy, deletes) an object in the AEP UI.
            const sandbox = String(config["test:sandbox"] ?? "prod");
            const held = new Set(stateIds(engine.statePath).map((r) => r.id));
            const editable = emu.objects(sandbox).filter((o) => ["sourceConnection", "targetConnection", "flow", "dataset"].includes(o.kind) && held.has(o.id));
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
                op === "destroy" ? ROUTES.delete
                : op === "up" ? (has ? [] : ROUTES.create)
                : op === "update" ? (replacing ? [...ROUTES.create, ...ROUTES.delete] : ROUTES.update)
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
                rules.push(`${route.method} ${shown(route.path)} ${fault.name}${times === 1 ? "" : ` ×${times === Infinity ? "∞" : times}`}`);
            }
            // Flow Service still busy with the dataflow (a change in the AEP UI, or its own work): it shows
            // `updating` and refuses updates, actions and deletes for a few calls.
            const flowId = editable.find((o) => o.kind === "flow")?.id;
            let busyFor = 0;
            if (flowId && (op === "update" || op === "destroy") && !replacing && random() < 0.15 && emu.objects().some((o) => o.id === flowId)) {
                busyFor = 1 + Math.floor(random() * 3);
                emu.holdFlowState(flowId, "updating", 60_000, busyFor);
                rules.push(`flow updating ×${busyFor}`);
            }
            result.faultRules += rules.length;
            result.operations[op]++;

            const engineOp = op === "update" ? "up" : op;
            const injectedBefore = emu.faults.injected;
            const first = await runOnce(engineOp);
            if (first.ok && (emu.faults.injected > injectedBefore || busyFor)) result.runsConvergedOnTheirOwn++;
            emu.faults.clear();
            if (busyFor && flowId && emu.objects().some((o) => o.id === flowId)) emu.holdFlowState(flowId, "updating", 0); // settled
            audit(`run ${n} ${op}`);
            let ok = first.ok;
            let line = `run ${n}/${options.runs} ${op}${changes.length ? ` (${changes.join(", ")})` : ""} faults [${rules.join("; ")}]: ${first.ok ? "ok" : "failed"}`;
            if (!first.ok) {
                result.runsFailed++;
                if (lasting) result.runsFailedWithLastingFault++;
                const again = await runOnce(engineOp);
                audit(`run ${n} ${op} again`);
                ok = again.ok;
                if (again.ok) result.runsConvergedOnRetry++;
                else {
                    result.runsNotConverged++;
                    result.problems.push(`run ${n} ${op} did not converge once its faults cleared: ${again.error}`);
                }
                line += `, then ${again.ok ? "converged" : `FAILED AGAIN: ${(again.error ?? "").split("\n")[0]}`} (${(first.error ?? "").split("\n")[0].slice(0, 160)})`;
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
        progress(`final destroy: ${last.ok ? "ok" : "FAILED"}; left in AEP (mapping sets aside): ${result.leftAfterDestroy}; left in state: ${result.leftInState}`);
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
    soak({ seed: argument("seed", 1), runs: argument("runs", 20) }).then(
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
