/**
 * The benchmark's output: the machine, the table (plain text, aligned), the bound chains, the tool
 * beside the manual sequence, and how each figure fares against the targets (issue 6). The JSON form
 * carries every figure the table shows and more (per-route request counts, engine durations, pids).
 */
import * as fs from "fs";
import * as os from "os";
import { describeChain } from "./bound";
import { ROLES } from "./processes";
import { RunFigures } from "./run";

export interface Machine {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    os: string;
    /** 1/5/15-minute load averages at the start and the end: other work on the machine skews wall times. */
    loadAverage: { start: number[]; end?: number[] };
}

export function machine(): Machine {
    let cpu = os.cpus()[0]?.model ?? "unknown";
    try {
        const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
        if (m) cpu = m[1].trim();
    } catch {
        // not Linux: os.cpus() it is
    }
    return {
        cpu,
        cores: os.cpus().length,
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        loadAverage: { start: os.loadavg().map((l) => Math.round(l * 100) / 100) },
    };
}

export interface TargetResult {
    target: string;
    /** true met, false missed, null not measured. */
    met: boolean | null;
    figures: string;
}

export interface Comparison {
    /** The tool's up from empty of one ChatlioSource beside Adobe's manual sequence. */
    requests: { tool: number; manual: number; ratio: number };
    wallMs: { tool: number; manual: number; ratio: number };
    netMs: { tool: number; manual: number; ratio: number };
    boundMs: { tool: number; manual: number };
}

/** The method, in words, for readers of the JSON alone. */
export const METHOD = {
    requests: "the emulator's log: token = IMS /ims/token/v3, read = GET, write = POST/PUT/PATCH/DELETE",
    bound:
        "longest chain of requests that must follow one another × latency: requests attributed to the token, the tenant lookup (/stats) " +
        "or an AEP kind by path; a kind weighs its requests ÷ the run's steps on it (rounded up); edges field group → schema → dataset → " +
        "target connection → dataflow, schema → mapping set → dataflow, field group → mapping set, source connection → dataflow (reversed " +
        "for destroy, none for refresh); the token precedes everything, the tenant lookup the field group",
    fixed: "wall time outside the request window: call → first request's start (answer time − latency) plus last answer → return",
    net: "wall − fixed",
    providerBytes:
        "the __provider string of each dynamic resource in the state file (one copy; perResource counts the inputs' and outputs' copies)",
    processes:
        "VmHWM and utime+stime from /proc of every descendant of the bench's process, by role from its command line (program, host, cli, " +
        "language host, plugin, automation; bench = this process, engine and emulator), sampled every 20 ms, with CPU per 250 ms bucket",
    inFlight: "mean requests in flight per 250 ms bucket from the call (a request is in flight for the latency before its answer)",
    hostCalls:
        "local engine only: the host's calls by kind, timed around DynamicHost in this process; outsideMs = mean duration − requests per call × latency",
};

export interface BenchResult {
    method?: typeof METHOD;
    machine: Machine;
    options: { latencyMs: number; counts: number[]; quick: boolean; only?: string[] };
    startedAt: string;
    totalMs: number;
    runs: RunFigures[];
    comparison?: Comparison;
    targets: TargetResult[];
}

const find = (runs: RunFigures[], name: string) => runs.find((r) => r.name === name);

export function compare(runs: RunFigures[]): Comparison | undefined {
    const tool = find(runs, "1. up from empty");
    const manual = find(runs, "manual sequence (tutorial)");
    if (!tool || !manual || tool.netMs === undefined || manual.netMs === undefined) return undefined;
    return {
        requests: { tool: tool.requests.total, manual: manual.requests.total, ratio: tool.requests.total / manual.requests.total },
        wallMs: { tool: tool.wallMs, manual: manual.wallMs, ratio: tool.wallMs / manual.wallMs },
        netMs: { tool: tool.netMs, manual: manual.netMs, ratio: tool.netMs / manual.netMs },
        boundMs: { tool: tool.bound.ms, manual: manual.bound.ms },
    };
}

const x = (v: number | undefined) => (v === undefined || !isFinite(v) ? "—" : `${v < 10 ? v.toFixed(2) : v.toFixed(1)}×`);
const ms = (v: number | undefined) => (v === undefined ? "—" : String(Math.round(v)));
const mb = (kb: number | undefined) => (kb === undefined ? "—" : (kb / 1024).toFixed(1));
const cpu = (s: number | undefined) => (s === undefined ? "—" : s.toFixed(1));

export function evaluate(runs: RunFigures[], counts: number[]): TargetResult[] {
    const out: TargetResult[] = [];
    const engineRuns = runs.filter((r) => r.kind !== "manual");

    const preview = find(runs, "2. preview, no change");
    const same = find(runs, "3. up, no change");
    if (preview && same) {
        out.push({
            target: "preview and up with no change make zero requests",
            met: preview.requests.total === 0 && same.requests.total === 0,
            figures: `preview ${preview.requests.total}, up ${same.requests.total} requests`,
        });
    }

    const tokens = engineRuns.filter((r) => r.requests.total > 0).map((r) => r.requests.token);
    const worst = engineRuns.reduce((a, r) => (r.requests.token > a.requests.token ? r : a), engineRuns[0]);
    out.push({
        target: "one IMS token request per run",
        met: tokens.length ? tokens.every((t) => t === 1) : null,
        figures: `${tokens.filter((t) => t === 1).length} of ${tokens.length} runs with requests made exactly 1; most in one run: ${worst?.requests.token ?? 0}${worst && worst.requests.token > 1 ? ` (${worst.name})` : ""}`,
    });

    const refresh = find(runs, "4. refresh");
    if (refresh) {
        const resources = refresh.state?.dynamicResources ?? 0;
        out.push({
            target: "refresh makes one read per resource",
            met: refresh.requests.read === resources && refresh.requests.write === 0,
            figures: `${refresh.requests.read} reads, ${refresh.requests.write} writes for ${resources} AEP resources`,
        });
    }

    const up = find(runs, "1. up from empty");
    if (up) {
        const scale = runs.filter((r) => r.group === "scale" && r.kind === "up");
        const more = scale.map((r) => `N=${r.components} net ${x(r.netOverBound)}`).join(", ");
        out.push({
            target: "N = 1 up from empty within 1.25× the dependency-chain bound",
            met: up.netOverBound !== undefined ? up.netOverBound <= 1.25 : null,
            figures: `net ${ms(up.netMs)} ms / bound ${ms(up.bound.ms)} ms = ${x(up.netOverBound)}; wall ${x(up.wallOverBound)} (start-up included)${more ? `; ${more}` : ""}`,
        });
    }

    // Scale targets (issue 19): N = 50 within 2.5× of the chain bound, local engine and real CLI (default
    // settings); the real CLI's destroy at N = 10 within 1.5× of the local engine's net time.
    const top = Math.max(...counts);
    const localTop = find(runs, `N=${top}: up from empty`);
    const cliTop = find(runs, `CLI N=${top}: up from empty`);
    if (top === 50 && localTop) {
        const cliSkip = find(runs, `CLI N=${top}, no checkpoints: up`);
        out.push({
            target: "N = 50 up within 2.5× the dependency-chain bound (local engine and real CLI)",
            met:
                localTop.netOverBound !== undefined && cliTop?.netOverBound !== undefined
                    ? localTop.netOverBound <= 2.5 && cliTop.netOverBound <= 2.5
                    : null,
            figures:
                `local engine: net ${ms(localTop.netMs)} ms / bound ${ms(localTop.bound.ms)} ms = ${x(localTop.netOverBound)}` +
                (cliTop ? `; real CLI: net ${ms(cliTop.netMs)} ms = ${x(cliTop.netOverBound)}` : "; real CLI: not measured") +
                (cliSkip
                    ? `; real CLI with PULUMI_SKIP_CHECKPOINTS and PULUMI_PARALLEL=64: net ${ms(cliSkip.netMs)} ms = ${x(cliSkip.netOverBound)}`
                    : ""),
        });
    }
    const d10 = find(runs, "N=10: destroy");
    const cliD10 = find(runs, "CLI N=10: destroy");
    if (d10 && cliD10 && d10.netMs && cliD10.netMs) {
        out.push({
            target: "real CLI destroy at N = 10 within 1.5× the local engine's net time",
            met: cliD10.netMs <= 1.5 * d10.netMs,
            figures: `net ${ms(cliD10.netMs)} ms through the CLI against ${ms(d10.netMs)} ms locally = ${x(cliD10.netMs / d10.netMs)}`,
        });
    }

    const sizes = engineRuns.map((r) => r.state).filter((s) => s?.providerPerResourceMaxBytes !== undefined);
    if (sizes.length) {
        const single = Math.max(...sizes.map((s) => s!.providerMaxBytes!));
        const both = Math.max(...sizes.map((s) => s!.providerPerResourceMaxBytes!));
        out.push({
            target: "at most 32 KB of serialized provider per resource",
            met: both <= 32 * 1024,
            figures: `max ${single} B per __provider string; ${both} B per resource with the copy in its outputs`,
        });
    }

    const n1 = find(runs, "N=1: up from empty");
    const n50 = find(runs, "N=50: up from empty");
    const d1 = find(runs, "N=1: destroy");
    const d50 = find(runs, "N=50: destroy");
    if (n1 && n50 && d1 && d50) {
        const upRatio = n50.wallMs / n1.wallMs;
        const downRatio = d50.wallMs / d1.wallMs;
        // Phases 1 and 6 are a second sample of N = 1 (same program): start-up noise shows in the spread.
        const up1 = find(runs, "1. up from empty");
        const down1 = find(runs, "6. destroy");
        const second =
            up1 && down1
                ? `; against phases 1 and 6 (another N = 1 sample): up ${x(n50.wallMs / up1.wallMs)}, destroy ${x(d50.wallMs / down1.wallMs)}`
                : "";
        out.push({
            target: "N = 50 takes at most 5× the wall time of N = 1",
            met: upRatio <= 5 && downRatio <= 5,
            figures: `up ${ms(n50.wallMs)} / ${ms(n1.wallMs)} ms = ${x(upRatio)}; destroy ${ms(d50.wallMs)} / ${ms(d1.wallMs)} ms = ${x(downRatio)}${second}`,
        });
    } else {
        const n10 = find(runs, "N=10: up from empty");
        const d10 = find(runs, "N=10: destroy");
        out.push({
            target: "N = 50 takes at most 5× the wall time of N = 1",
            met: null,
            figures: `not measured (${counts.join(", ")} only)${n1 && n10 && d1 && d10 ? `; N=10 ÷ N=1: up ${x(n10.wallMs / n1.wallMs)}, destroy ${x(d10.wallMs / d1.wallMs)}` : ""}`,
        });
    }
    return out;
}

function steps(changes: Record<string, number>): string {
    const order = ["create", "update", "replace", "delete", "refresh", "same"];
    return Object.entries(changes)
        .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
        .map(([k, v]) => `${v} ${k}`)
        .join(", ");
}

/** Plain text with aligned columns; numbers right-aligned. */
export function textTable(header: string[], rows: string[][], left: number[] = [0]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (left.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])))
            .join("  ")
            .trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function runTable(runs: RunFigures[]): string {
    const header = [
        "run",
        "token",
        "reads",
        "writes",
        "wall ms",
        "bound ms",
        "wall/bound",
        "fixed ms",
        "net ms",
        "net/bound",
        "provider B mean/max",
        "state KB",
        "host MB",
        "steps",
    ];
    const rows = runs.map((r) => [
        r.name,
        String(r.requests.token),
        String(r.requests.read),
        String(r.requests.write),
        ms(r.wallMs),
        r.bound.ms ? ms(r.bound.ms) : "—",
        x(r.wallOverBound),
        ms(r.fixedMs),
        ms(r.netMs),
        x(r.netOverBound),
        r.state?.providerMeanBytes !== undefined ? `${r.state.providerMeanBytes}/${r.state.providerMaxBytes}` : "—",
        r.state ? (r.state.stateBytes / 1024).toFixed(1) : "—",
        mb(r.processes?.hostKb),
        steps(r.changes),
    ]);
    return textTable(header, rows, [0, header.length - 1]);
}

/** Where a run's time goes besides requests: start-up, shut-down, state writes (CPU per process: cpuTable). */
export function timeTable(runs: RunFigures[]): string {
    const header = [
        "run",
        "program up ms",
        "before 1st request ms",
        "after last answer ms",
        "max in flight",
        "state writes",
        "writes ms",
        "program MB",
    ];
    const rows = runs
        .filter((r) => r.kind !== "manual")
        .map((r) => [
            r.name,
            ms(r.programUpMs),
            ms(r.beforeFirstRequestMs),
            ms(r.afterLastAnswerMs),
            String(r.maxInFlight),
            String(r.stateWrites?.count ?? "—"),
            ms(r.stateWrites?.ms),
            mb(r.processes?.programKb),
        ]);
    return textTable(header, rows);
}

/**
 * CPU seconds by process role (from /proc, every process the run started): where the CPU goes under the
 * local engine (program, host, bench = engine and emulator) and under the real CLI (the Automation API's
 * runner with the program in it, the CLI, plugins, the host); the start of each role, ms after the call.
 */
export function cpuTable(runs: RunFigures[]): string {
    const roles = ROLES.filter((role) => runs.some((r) => r.processes?.roles[role]));
    const header = [
        "run",
        ...roles.map((r) => `CPU s ${r}`),
        "CPU s total",
        ...roles.filter((r) => r !== "bench").map((r) => `${r} starts ms`),
    ];
    const rows = runs
        .filter((r) => r.processes)
        .map((r) => {
            const by = r.processes!.roles;
            const total = Object.values(by).reduce((a, v) => a + (v?.cpuS ?? 0), 0);
            return [
                r.name,
                ...roles.map((role) => cpu(by[role]?.cpuS)),
                cpu(total),
                ...roles.filter((x) => x !== "bench").map((role) => ms(by[role]?.firstSeenMs)),
            ];
        });
    return textTable(header, rows);
}

/** Mean requests in flight per bucket, for the runs with the most requests: how much of the window is spent waiting on AEP. */
export function inFlightLines(runs: RunFigures[]): string[] {
    return runs
        .filter((r) => r.inFlightByBucket && r.requests.total >= 300)
        .map(
            (r) =>
                `  ${r.name} (per ${r.processes?.bucketMs ?? 250} ms): ${r.inFlightByBucket!.map((v) => (v >= 10 ? Math.round(v) : v.toFixed(1))).join(" ")}`,
        );
}

export function render(result: BenchResult): string {
    const m = result.machine;
    const out: string[] = [];
    out.push(
        `npm run bench: ${result.options.latencyMs} ms per request, N = ${result.options.counts.join(", ")}${result.options.quick ? " (--quick)" : ""}`,
    );
    out.push(
        `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; load average ${m.loadAverage.start.join(" ")} at start${m.loadAverage.end ? `, ${m.loadAverage.end.join(" ")} at end` : ""}`,
    );
    out.push(`started ${result.startedAt}, took ${(result.totalMs / 1000).toFixed(0)} s`);
    out.push("");
    out.push(runTable(result.runs));
    out.push("");
    out.push("where the time goes (program up: its stack registration reached the engine):");
    out.push(timeTable(result.runs));
    out.push("");
    out.push(
        "CPU by process (bench: this process, the local engine and the emulator; automation: the Automation API runner, which runs the program under the CLI):",
    );
    out.push(cpuTable(result.runs));
    const flights = inFlightLines(result.runs);
    if (flights.length) {
        out.push("requests in flight over time:");
        out.push(...flights);
    }
    out.push("");
    out.push(
        `bound = the longest chain of requests that must follow one another × ${result.options.latencyMs} ms (requests per object, attributed by path):`,
    );
    for (const r of result.runs) if (r.bound.requests) out.push(`  ${r.name}: ${describeChain(r.bound)}`);
    const gapped = result.runs.filter((r) => r.chainGaps?.length);
    if (gapped.length) {
        out.push(
            "idle ms on the chain (from one request's answer to the next request's start; A→A inside one operation, A→B between objects):",
        );
        for (const r of gapped) out.push(`  ${r.name}: ${r.chainGaps!.map((g) => `${g.from}→${g.to} ${g.ms}`).join(", ")}`);
    }
    out.push(
        "fixed = time outside the request window (start-up before the first request + shut-down after the last answer); net = wall − fixed.",
    );
    const c = result.comparison;
    if (c) {
        out.push("");
        out.push("tool ÷ manual sequence (one ChatlioSource, up from empty):");
        out.push(
            `  requests ${c.requests.tool} vs ${c.requests.manual} = ${x(c.requests.ratio)}; wall ${ms(c.wallMs.tool)} vs ${ms(c.wallMs.manual)} ms = ${x(c.wallMs.ratio)}; net ${ms(c.netMs.tool)} vs ${ms(c.netMs.manual)} ms = ${x(c.netMs.ratio)}; bound ${ms(c.boundMs.tool)} vs ${ms(c.boundMs.manual)} ms`,
        );
    }
    out.push("");
    out.push("targets:");
    for (const t of result.targets) out.push(`  [${t.met === null ? "n/a " : t.met ? "met " : "MISS"}] ${t.target}: ${t.figures}`);
    return out.join("\n");
}
