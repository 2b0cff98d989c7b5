/**
 * Peak memory, CPU time and a CPU timeline of every process a run starts, from /proc (Linux).
 *
 * The sampler walks this process's descendants (/proc/<pid>/task/<tid>/children, recursively) every few
 * milliseconds and tells them apart by their command line: the local engine's program (`cmd/run`) and
 * dynamic-provider host (`cmd/dynamic-provider`), and under the real CLI also the Automation API's runner,
 * the `pulumi` CLI, the Node.js language host and resource plugins. For each role it keeps the peak VmHWM
 * (the kernel's own high-water mark, so a sample shortly before a process ends already holds its peak),
 * the CPU time (utime + stime, last seen), when the first process of the role was first seen, and CPU
 * per time bucket. This process's own CPU (the local engine and the emulator) is sampled as `bench`.
 * No hook in the engine or the CLI is needed.
 */
import * as fs from "fs";
import { performance } from "perf_hooks";

export type Role = "program" | "host" | "cli" | "language host" | "plugin" | "automation" | "bench" | "other";
export const ROLES: Role[] = ["bench", "automation", "cli", "language host", "program", "plugin", "host", "other"];

export interface RoleFigures {
    pids: number[];
    /** Highest VmHWM (KiB) of any process of the role. */
    peakKb?: number;
    /** CPU seconds (user + system) of all its processes, as last sampled. */
    cpuS: number;
    /** When a process of the role was first seen, ms after start(). */
    firstSeenMs?: number;
    /** CPU ms used in each bucket of `bucketMs`, from start(). */
    cpuMsByBucket: number[];
}

export interface ProcessFigures {
    /** Shortcuts for the report's columns. */
    hostKb?: number;
    programKb?: number;
    hostCpuS?: number;
    programCpuS?: number;
    roles: Partial<Record<Role, RoleFigures>>;
    bucketMs: number;
    samples: number;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux this runs on). */
const TICKS = 100;

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
}

function children(pid: number): number[] {
    const out: number[] = [];
    let tasks: string[] = [];
    try {
        tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
        return out;
    }
    for (const tid of tasks) {
        for (const c of (read(`/proc/${pid}/task/${tid}/children`) ?? "").split(/\s+/)) if (c) out.push(Number(c));
    }
    return out;
}

function descendants(pid: number): number[] {
    const out: number[] = [];
    const queue = children(pid);
    while (queue.length) {
        const p = queue.shift()!;
        out.push(p);
        queue.push(...children(p));
    }
    return out;
}

function kb(status: string, key: "VmHWM" | "VmRSS"): number | undefined {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status);
    return m ? Number(m[1]) : undefined;
}

/** utime + stime in ticks; the command name (field 2) may hold spaces, so count from its closing parenthesis. */
function cpuTicks(stat: string): number | undefined {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

function roleOf(cmdline: string[]): Role | undefined {
    const exe = (cmdline[0] ?? "").split("/").pop() ?? "";
    const cmd = cmdline.join(" ");
    if (/cmd[\\/]dynamic-provider/.test(cmd)) return "host";
    if (/cmd[\\/]run\b/.test(cmd)) return "program";
    if (/automation-runner/.test(cmd)) return "automation";
    if (exe === "pulumi") return "cli";
    if (exe === "pulumi-language-nodejs") return "language host";
    if (exe.startsWith("pulumi-resource-")) return "plugin";
    // Right after fork, before exec, a child still shows its parent's command line: look again later.
    if (exe === "node" || exe === "" || cmdline.length === 0) return undefined;
    return "other";
}

/** Samples this process and its descendants until stop(); call stop() right after the run returns. */
export class ProcessSampler {
    private readonly role = new Map<number, Role | undefined>();
    private readonly peak = new Map<number, number>();
    private readonly ticks = new Map<number, number>();
    private readonly firstSeen = new Map<number, number>();
    private readonly buckets = new Map<Role, number[]>();
    private samples = 0;
    private timer?: NodeJS.Timeout;
    private t0 = 0;
    private ownStart = process.cpuUsage();

    constructor(
        private readonly intervalMs = 20,
        readonly bucketMs = 250,
    ) {}

    static available(): boolean {
        return fs.existsSync(`/proc/${process.pid}/task`);
    }

    start(): this {
        this.t0 = performance.now();
        this.ownStart = process.cpuUsage();
        this.sample();
        this.timer = setInterval(() => this.sample(), this.intervalMs);
        return this;
    }

    stop(): ProcessFigures {
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
        this.sample();
        const roles: ProcessFigures["roles"] = {};
        for (const r of ROLES) {
            const pids = [...this.role].filter(([, v]) => v === r).map(([p]) => p);
            if (!pids.length) continue;
            const peaks = pids.map((p) => this.peak.get(p)).filter((v): v is number => v !== undefined);
            const seen = pids.map((p) => this.firstSeen.get(p)!).filter((v) => v !== undefined);
            roles[r] = {
                pids: pids.filter((p) => p !== process.pid),
                peakKb: peaks.length ? Math.max(...peaks) : undefined,
                cpuS: pids.reduce((a, p) => a + (this.ticks.get(p) ?? 0), 0) / TICKS,
                firstSeenMs: r === "bench" ? 0 : seen.length ? Math.round(Math.min(...seen)) : undefined,
                cpuMsByBucket: (this.buckets.get(r) ?? []).map((v) => Math.round(v)),
            };
        }
        return {
            hostKb: roles.host?.peakKb,
            programKb: roles.program?.peakKb,
            hostCpuS: roles.host?.cpuS,
            programCpuS: roles.program?.cpuS,
            roles,
            bucketMs: this.bucketMs,
            samples: this.samples,
        };
    }

    private add(role: Role, atMs: number, cpuMs: number): void {
        if (cpuMs <= 0) return;
        const b = this.buckets.get(role) ?? [];
        const i = Math.max(0, Math.floor(atMs / this.bucketMs));
        while (b.length <= i) b.push(0);
        b[i] += cpuMs;
        this.buckets.set(role, b);
    }

    private sample(): void {
        this.samples++;
        const at = performance.now() - this.t0;
        // This process: the local engine and the emulator (its CPU in ms, kept in the same tick units).
        const own = process.cpuUsage(this.ownStart);
        const ownTicks = ((own.user + own.system) / 1e6) * TICKS;
        this.role.set(process.pid, "bench");
        this.add("bench", at, ((ownTicks - (this.ticks.get(process.pid) ?? 0)) * 1000) / TICKS);
        this.ticks.set(process.pid, ownTicks);
        for (const pid of descendants(process.pid)) {
            let role = this.role.get(pid);
            if (role === undefined) {
                const cmdline = read(`/proc/${pid}/cmdline`)?.split("\0").filter(Boolean) ?? [];
                role = roleOf(cmdline);
                this.role.set(pid, role);
                if (!this.firstSeen.has(pid)) this.firstSeen.set(pid, at);
            }
            if (role === undefined) continue;
            const status = read(`/proc/${pid}/status`);
            const v = status ? (kb(status, "VmHWM") ?? kb(status, "VmRSS")) : undefined;
            if (v !== undefined && v > (this.peak.get(pid) ?? 0)) this.peak.set(pid, v);
            const stat = read(`/proc/${pid}/stat`);
            const t = stat ? cpuTicks(stat) : undefined;
            if (t !== undefined && t >= (this.ticks.get(pid) ?? 0)) {
                this.add(role, at, ((t - (this.ticks.get(pid) ?? 0)) * 1000) / TICKS);
                this.ticks.set(pid, t);
            }
        }
    }
}
