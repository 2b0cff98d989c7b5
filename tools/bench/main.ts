// `npm run bench`: requests, wall time, state size and host memory of the local engine against the
// emulator with a fixed latency per request, beside Adobe's manual sequence. See docs/BENCHMARK.md.
//
//   npm run bench [-- --latency MS] [--quick] [--json]
//
//   --latency MS   added by the emulator to every request (default 50)
//   --quick        N = 1 and 10 only (skips N = 50)
//   --json         one JSON object with every figure on stdout (progress stays on stderr)
//   --only GROUPS  comma-separated groups of rows: single, manual, scale, cli (the empty program always runs)
//
// Not part of `npm test`; it asserts nothing and exits 1 only when a run fails.
import { performance } from "perf_hooks";
import { Bench } from "./run";
import { BenchResult, METHOD, compare, evaluate, machine, render } from "./report";

function usage(message?: string): never {
    if (message) process.stderr.write(`bench: ${message}\n`);
    process.stderr.write("usage: npm run bench [-- --latency MS] [--quick] [--json] [--only single,manual,scale,cli]\n");
    process.exit(2);
}

const GROUPS = ["single", "manual", "scale", "cli"];

function parse(argv: string[]): { latencyMs: number; quick: boolean; json: boolean; only?: string[] } {
    const o: { latencyMs: number; quick: boolean; json: boolean; only?: string[] } = { latencyMs: 50, quick: false, json: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--quick") o.quick = true;
        else if (a === "--json") o.json = true;
        else if (a === "--latency" || a.startsWith("--latency=")) {
            const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
            const n = Number(v);
            if (v === undefined || v === "" || !Number.isInteger(n) || n < 0)
                usage(`--latency takes whole milliseconds ≥ 0, got ${JSON.stringify(v)}`);
            o.latencyMs = n;
        } else if (a === "--only" || a.startsWith("--only=")) {
            const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
            const groups = (v ?? "").split(",").filter(Boolean);
            const bad = groups.filter((g) => !GROUPS.includes(g));
            if (!groups.length || bad.length) usage(`--only takes groups among ${GROUPS.join(", ")}, got ${JSON.stringify(v)}`);
            o.only = groups;
        } else if (a === "--help" || a === "-h") usage();
        else usage(`unknown argument ${JSON.stringify(a)}`);
    }
    return o;
}

async function main(): Promise<void> {
    const o = parse(process.argv.slice(2));
    const counts = o.quick ? [1, 10] : [1, 10, 50];
    const m = machine();
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
    progress(`${o.latencyMs} ms per request; N = ${counts.join(", ")}; ${m.cpu}, ${m.cores} cores, load ${m.loadAverage.start.join(" ")}`);
    const bench = new Bench({ latencyMs: o.latencyMs, counts, progress, only: o.only });
    let failure: Error | undefined;
    try {
        await bench.start();
        await bench.all();
    } catch (e) {
        failure = e as Error;
    } finally {
        await bench.stop();
    }
    m.loadAverage.end = (await import("os")).loadavg().map((l) => Math.round(l * 100) / 100);
    const result: BenchResult = {
        method: METHOD,
        machine: m,
        options: { latencyMs: o.latencyMs, counts, quick: o.quick, only: o.only },
        startedAt,
        totalMs: Math.round(performance.now() - t0),
        runs: bench.runs,
        comparison: compare(bench.runs),
        targets: evaluate(bench.runs, counts),
    };
    if (o.json) process.stdout.write(JSON.stringify(failure ? { ...result, error: failure.message } : result, null, 2) + "\n");
    else process.stdout.write(render(result) + "\n");
    if (failure) {
        process.stderr.write(`bench: ${failure.message}\n`);
        process.exitCode = 1;
    }
}

main().catch((e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
