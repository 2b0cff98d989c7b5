/**
 * The program's own cost, without the engine: the benchmark's Chatlio program (tools/bench/fixtures/chatlio)
 * run under the SDK's mocks (`pulumi.runtime.setMocks`) for N components, timed from construction to
 * every output resolved. Variant "memo" hands every resource of one kind the same provider forwarder
 * (hostedProvider memoized per kind, patched in this process only), so the SDK's serialization cache
 * (a WeakMap keyed by the provider object) serializes 7 closures instead of one per resource.
 *
 *   npx ts-node --transpile-only tools/bench/program-only.ts [--counts 1,10,50] [--repeat 3]
 *
 * Each measurement runs in a fresh child process; the median of the repeats is printed. Quoted in
 * docs/BENCHMARK.md. It asserts nothing.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { performance } from "perf_hooks";
import { textTable } from "./report";

interface Sample {
    constructMs: number;
    outputsMs: number;
    registrations: number;
}

/** In the child: construct the program under mocks and time it. */
async function child(count: number, memo: boolean): Promise<void> {
    const pulumi: typeof import("@pulumi/pulumi") = require("@pulumi/pulumi");
    let registrations = 0;
    pulumi.runtime.setAllConfig({ "bench:count": String(count) });
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => {
                registrations++;
                return { id: `${a.name}-id`, state: { ...a.inputs, tenantId: "acme", mappingVersion: 0 } };
            },
            call: () => ({}),
        },
        "bench-chatlio",
        "mock",
        false,
    );
    require("../../provider");
    if (memo) {
        const hosted = require("../../provider/resources/hosted");
        const original = hosted.hostedProvider;
        const cache = new Map<string, unknown>();
        hosted.hostedProvider = (kind: string) => {
            if (!cache.has(kind)) cache.set(kind, original(kind));
            return cache.get(kind);
        };
    }
    const t0 = performance.now();
    const program = require("./fixtures/chatlio/index.ts");
    const t1 = performance.now();
    await new Promise((resolve) => pulumi.all([program.dataflowIds, program.mappingVersions]).apply(resolve));
    const t2 = performance.now();
    const sample: Sample = { constructMs: t1 - t0, outputsMs: t2 - t0, registrations };
    process.stdout.write(JSON.stringify(sample) + "\n");
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

function flag(name: string): string | undefined {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
    if (process.argv[2] === "--child") return child(Number(process.argv[3]), process.argv[4] === "memo");
    const counts = (flag("counts") ?? "1,10,50").split(",").map(Number);
    const repeat = Number(flag("repeat") ?? 3);
    const rows: string[][] = [];
    for (const n of counts) {
        const samples: Record<string, Sample[]> = { each: [], memo: [] };
        for (let i = 0; i < repeat; i++) {
            for (const v of ["each", "memo"]) {
                const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", __filename, "--child", String(n), v], {
                    cwd: path.resolve(__dirname, "..", ".."),
                    encoding: "utf8",
                });
                samples[v].push(JSON.parse(out.trim().split("\n").pop()!));
            }
        }
        for (const v of ["each", "memo"]) {
            const s = samples[v];
            rows.push([
                `N=${n}`,
                v === "each" ? "one forwarder per resource (as shipped)" : "one forwarder per kind",
                String(s[0].registrations),
                String(Math.round(median(s.map((x) => x.constructMs)))),
                String(Math.round(median(s.map((x) => x.outputsMs)))),
            ]);
        }
    }
    process.stdout.write(`median of ${repeat}, each in a fresh process\n\n`);
    process.stdout.write(textTable(["program", "providers", "registrations", "construct ms", "all outputs ms"], rows, [0, 1]) + "\n");
}

main().catch((e) => {
    process.stderr.write(`program-only: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
