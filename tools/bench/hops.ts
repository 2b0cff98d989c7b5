/**
 * Where one hop of the chain goes in an up from empty of one ChatlioSource: for each AEP resource, when
 * the engine called Check and Create on the host, when its first request started and its last answer
 * came, and when Create returned. The engine's host calls are timed by wrapping DynamicHost's methods in
 * this process (tools/engine is not edited).
 *
 *   npx ts-node --transpile-only tools/bench/hops.ts [--latency MS] [--repeat 3]
 *
 * A hop from object A to its dependent B = program (A's Create answer → B's Check: the engine answers the
 * program, the SDK resolves B's inputs and registers B) + Check + host (Create call → first request).
 * Quoted in docs/BENCHMARK.md. It asserts nothing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { DEMO_CREDENTIALS, startEmulator } from "aep-emulator";
import { DynamicHost, LocalEngine } from "../engine";
import { attribute } from "./bound";
import { textTable } from "./report";

type Mark = { at: number; what: "check>" | "check<" | "create>" | "create<"; name: string } | { at: number; what: "answer"; node: string };

const marks: Mark[] = [];
for (const m of ["check", "create"] as const) {
    const proto = DynamicHost.prototype as unknown as Record<string, (r: { name: string }, ...a: unknown[]) => Promise<unknown>>;
    const original = proto[m];
    proto[m] = async function (this: unknown, r: { name: string }, ...a: unknown[]) {
        marks.push({ at: performance.now(), what: `${m}>`, name: r.name });
        try {
            return await original.call(this, r, ...a);
        } finally {
            marks.push({ at: performance.now(), what: `${m}<`, name: r.name });
        }
    };
}

const KIND_OF: Record<string, string> = {
    "chatlio-fields": "FieldGroup",
    "chatlio-schema": "Schema",
    "chatlio-dataset": "Dataset",
    "chatlio-source": "SourceConnection",
    "chatlio-target": "TargetConnection",
    "chatlio-mapping": "MappingSet",
    "chatlio-dataflow": "Dataflow",
};
/** The chain of an up from empty, and each link's dependency on it. */
const CHAIN: Array<[string, string | undefined]> = [
    ["chatlio-fields", undefined],
    ["chatlio-schema", "chatlio-fields"],
    ["chatlio-dataset", "chatlio-schema"],
    ["chatlio-target", "chatlio-dataset"],
    ["chatlio-dataflow", "chatlio-target"],
];

function flag(name: string): string | undefined {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
    const latencyMs = Number(flag("latency") ?? 50);
    const repeat = Number(flag("repeat") ?? 3);
    const emu = await startEmulator({ latencyMs, trafficLog: "" });
    const push = emu.log.push.bind(emu.log);
    emu.log.push = (...entries) => {
        for (const e of entries) {
            const node = attribute(e.path);
            if (node) marks.push({ at: performance.now(), what: "answer", node });
        }
        return push(...entries);
    };
    const rows: string[][] = [];
    try {
        for (let i = 1; i <= repeat; i++) {
            const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-bench-hops-"));
            const config = {
                "aep:clientId": DEMO_CREDENTIALS.clientId,
                "aep:clientSecret": { value: DEMO_CREDENTIALS.clientSecret, secret: true },
                "aep:orgId": DEMO_CREDENTIALS.orgId,
                "aep:platformUrl": emu.url,
                "aep:imsUrl": emu.url,
            };
            const engine = new LocalEngine({
                projectDir: path.join(__dirname, "fixtures", "chatlio"),
                stack: "hops",
                stateDir,
                config,
                log: () => undefined,
            });
            marks.length = 0;
            const r = await engine.up();
            if (!r.ok) throw new Error(r.error);
            const at = (what: string, name: string) => marks.find((m) => m.what === what && "name" in m && m.name === name)?.at ?? NaN;
            const answers = (name: string) =>
                marks
                    .filter((m): m is Extract<Mark, { what: "answer" }> => m.what === "answer" && m.node === KIND_OF[name])
                    .map((m) => m.at);
            for (const [name, dep] of CHAIN) {
                const a = answers(name);
                const firstStart = Math.min(...a) - latencyMs;
                const cells = [
                    `run ${i}`,
                    dep ? `${KIND_OF[dep]} → ${KIND_OF[name]}` : KIND_OF[name],
                    dep ? String(Math.round(at("check>", name) - at("create<", dep))) : "—",
                    String(Math.round(at("check<", name) - at("check>", name))),
                    String(Math.round(firstStart - at("create>", name))),
                    String(a.length),
                    String(Math.round(at("create<", name) - Math.max(...a))),
                    dep ? String(Math.round(firstStart - Math.max(...answers(dep)))) : "—",
                ];
                rows.push(cells);
            }
            await engine.destroy();
            fs.rmSync(stateDir, { recursive: true, force: true });
        }
    } finally {
        await emu.close();
    }
    process.stdout.write(`${latencyMs} ms per request; one ChatlioSource, up from empty; ms\n\n`);
    process.stdout.write(
        textTable(
            [
                "run",
                "hop",
                "program (dep. created → check)",
                "check",
                "host (create → 1st request)",
                "requests",
                "create answer",
                "whole hop (dep. last answer → 1st request)",
            ],
            rows,
            [0, 1],
        ) + "\n",
    );
}

main().catch((e) => {
    process.stderr.write(`hops: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
