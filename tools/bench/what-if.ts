/**
 * What would meet the N = 50 target: the same up and destroy of N = 1 and N = 50 ChatlioSources as
 * `npm run bench`, with two changes to the local engine tried in this process only (tools/engine is not
 * edited; its prototypes are patched here, for this measurement):
 *
 *   writes      the state file is written at most every 250 ms (and at the end of the run) instead of
 *               after every step: at N = 50 each write re-serializes ~4.5 MB, synchronously
 *   deletes     destroy deletes in waves: every resource nothing left depends on, at once, instead of
 *               one at a time (dependents still go first)
 *
 *   npx ts-node --transpile-only tools/bench/what-if.ts [--latency MS] [--variants base,writes,writes+deletes] [--counts 1,50]
 *
 * Its figures are quoted in docs/BENCHMARK.md ("what would meet it"). It asserts nothing.
 */
import { performance } from "perf_hooks";
import { deleteOrder, Deployment } from "../engine";
import { Bench, RunFigures } from "./run";
import { runTable } from "./report";

type Variant = "base" | "writes" | "writes+deletes";

/** A resource in the engine's state, as its deletes see it. */
type StateEntry = Parameters<typeof deleteOrder>[0][number];

interface Patchable {
    save(): void;
    stopHost(): Promise<void>;
    deleteAll(condemned: unknown[]): Promise<void>;
    old: { resources: StateEntry[] };
}

const proto = Deployment.prototype as unknown as Patchable;
const original = { save: proto.save, stopHost: proto.stopHost, deleteAll: proto.deleteAll };

function restore(): void {
    Object.assign(proto, original);
}

/** At most one state write per 250 ms, the last one always; writes are immediate once the run is ending. */
function coalesceWrites(): void {
    const last = new WeakMap<object, number>();
    const pending = new WeakMap<object, NodeJS.Timeout>();
    const ending = new WeakSet<object>();
    proto.save = function (this: Patchable) {
        const now = performance.now();
        const write = () => {
            pending.delete(this);
            last.set(this, performance.now());
            original.save.call(this);
        };
        if (ending.has(this) || now - (last.get(this) ?? -Infinity) >= 250) {
            clearTimeout(pending.get(this));
            write();
        } else if (!pending.has(this)) {
            pending.set(this, setTimeout(write, 250 - (now - (last.get(this) ?? 0))));
        }
    };
    // The engine stops the host right before its final save: from then on, write at once.
    proto.stopHost = function (this: Patchable) {
        ending.add(this);
        clearTimeout(pending.get(this));
        pending.delete(this);
        return original.stopHost.call(this);
    };
}

/** Deletes in dependency waves, each wave at once (the engine's own single delete, per resource). */
function parallelDeletes(): void {
    proto.deleteAll = async function (this: Patchable, condemned: unknown[]) {
        const order = deleteOrder(condemned as StateEntry[], this.old.resources);
        const depsOf = (r: (typeof order)[number]) => {
            const s = new Set<string>(r.dependencies ?? []);
            if (r.parent) s.add(r.parent);
            for (const urns of Object.values(r.propertyDependencies ?? {})) urns.forEach((u) => s.add(u));
            if (r.provider) s.add(r.provider.slice(0, r.provider.lastIndexOf("::")));
            return s;
        };
        const remaining = new Set(order);
        while (remaining.size) {
            const blocked = new Set<string>();
            for (const r of remaining) depsOf(r).forEach((u) => blocked.add(u));
            let wave = order.filter((r) => remaining.has(r) && !blocked.has(r.urn));
            if (!wave.length) wave = [order.find((r) => remaining.has(r))!];
            await Promise.all(wave.map((r) => original.deleteAll.call(this, [r])));
            wave.forEach((r) => remaining.delete(r));
        }
    };
}

function flag(name: string): string | undefined {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
    const latencyMs = Number(flag("latency") ?? 50);
    const variants = (flag("variants") ?? "base,writes,writes+deletes").split(",") as Variant[];
    const counts = (flag("counts") ?? "1,50").split(",").map(Number);
    const progress = (line: string) => process.stderr.write(`what-if: ${line}\n`);
    const rows: RunFigures[] = [];
    const ratios: string[] = [];
    for (const v of variants) {
        restore();
        if (v !== "base") coalesceWrites();
        if (v === "writes+deletes") parallelDeletes();
        const bench = new Bench({ latencyMs, counts, progress });
        try {
            await bench.start();
            const empty = bench.stack("empty", "empty");
            await bench.engineRun(`${v}: warm-up (empty program)`, "reference", 0, empty, "up", "forward");
            for (const n of counts) {
                const s = bench.stack("chatlio", `n${n}`, { "bench:count": String(n) });
                await bench.engineRun(`${v}: N=${n} up`, "scale", n, s, "up", "forward");
                await bench.engineRun(`${v}: N=${n} destroy`, "scale", n, s, "destroy", "backward");
            }
        } finally {
            await bench.stop();
        }
        rows.push(...bench.runs);
        const w = (name: string) => bench.runs.find((r) => r.name === `${v}: ${name}`)?.wallMs;
        const [lo, hi] = [Math.min(...counts), Math.max(...counts)];
        for (const k of ["up", "destroy"]) {
            const a = w(`N=${lo} ${k}`);
            const b = w(`N=${hi} ${k}`);
            if (a && b) ratios.push(`${v}: N=${hi} ${k} ÷ N=${lo} ${k} = ${(b / a).toFixed(2)}× (${Math.round(b)} / ${Math.round(a)} ms)`);
        }
    }
    restore();
    process.stdout.write(`${latencyMs} ms per request\n\n${runTable(rows)}\n\n${ratios.join("\n")}\n`);
}

main().catch((e) => {
    process.stderr.write(`what-if: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
