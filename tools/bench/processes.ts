/**
 * Peak memory and CPU time of the engine's child processes while a run is going on, from /proc (Linux).
 *
 * The local engine spawns the program and the dynamic-provider host as direct children of this process
 * (tools/engine/processes.ts), so they are found in /proc/<our pid>/task/<tid>/children and told apart
 * by their command line (`cmd/dynamic-provider` for the host, `cmd/run` for the program). Every few
 * milliseconds the sampler reads each one's /proc/<pid>/status and /proc/<pid>/stat. VmHWM is the
 * kernel's own high-water mark of resident memory, so a sample taken shortly before the process ends
 * already holds its peak; CPU time is the last utime + stime seen. No hook in the engine is needed.
 */
import * as fs from "fs";

export interface ChildFigures {
    /** Highest VmHWM (KiB) of the dynamic-provider host; undefined when it never ran or /proc is missing. */
    hostKb?: number;
    /** The same for the program process (preview and up only). */
    programKb?: number;
    /** CPU seconds (user + system) the host and the program used, as last sampled. */
    hostCpuS?: number;
    programCpuS?: number;
    /** Process ids seen, by role. */
    pids: { host: number[]; program: number[] };
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

type Role = "host" | "program" | "other";

/** Samples the engine's children until stop(); call stop() right after the run returns. */
export class ChildSampler {
    private readonly role = new Map<number, Role>();
    private readonly peak = new Map<number, number>();
    private readonly cpu = new Map<number, number>();
    private samples = 0;
    private timer?: NodeJS.Timeout;

    constructor(private readonly intervalMs = 20) {}

    static available(): boolean {
        return fs.existsSync(`/proc/${process.pid}/task`);
    }

    start(): this {
        this.sample();
        this.timer = setInterval(() => this.sample(), this.intervalMs);
        return this;
    }

    stop(): ChildFigures {
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
        const pick = (r: Role) => {
            const pids = [...this.role].filter(([, v]) => v === r).map(([p]) => p);
            const peaks = pids.map((p) => this.peak.get(p)).filter((v): v is number => v !== undefined);
            const ticks = pids.map((p) => this.cpu.get(p)).filter((v): v is number => v !== undefined);
            return {
                pids,
                kb: peaks.length ? Math.max(...peaks) : undefined,
                cpuS: ticks.length ? ticks.reduce((a, b) => a + b, 0) / TICKS : undefined,
            };
        };
        const host = pick("host");
        const program = pick("program");
        return {
            hostKb: host.kb,
            programKb: program.kb,
            hostCpuS: host.cpuS,
            programCpuS: program.cpuS,
            pids: { host: host.pids, program: program.pids },
            samples: this.samples,
        };
    }

    private sample(): void {
        this.samples++;
        for (const pid of children(process.pid)) {
            let role = this.role.get(pid);
            if (!role || role === "other") {
                // Read again until it is known: right after fork, before exec, it is still our own.
                const cmd = read(`/proc/${pid}/cmdline`)?.split("\0").join(" ") ?? "";
                role = /cmd[\\/]dynamic-provider/.test(cmd) ? "host" : /cmd[\\/]run/.test(cmd) ? "program" : "other";
                this.role.set(pid, role);
            }
            if (role === "other") continue;
            const status = read(`/proc/${pid}/status`);
            const v = status ? kb(status, "VmHWM") ?? kb(status, "VmRSS") : undefined;
            if (v !== undefined && v > (this.peak.get(pid) ?? 0)) this.peak.set(pid, v);
            const stat = read(`/proc/${pid}/stat`);
            const t = stat ? cpuTicks(stat) : undefined;
            if (t !== undefined && t >= (this.cpu.get(pid) ?? 0)) this.cpu.set(pid, t);
        }
    }
}
