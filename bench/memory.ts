/**
 * Peak memory of the engine's child processes while a run is going on, from /proc (Linux).
 *
 * The local engine spawns the program and the dynamic-provider host as direct children of this process
 * (test/engine/processes.ts), so they are found in /proc/<our pid>/task/<tid>/children and told apart
 * by their command line (`cmd/dynamic-provider` for the host, `cmd/run` for the program). Every few
 * milliseconds the sampler reads each one's /proc/<pid>/status; VmHWM is the kernel's own high-water
 * mark of resident memory, so a sample taken shortly before the process ends already holds its peak.
 * No hook in the engine is needed.
 */
import * as fs from "fs";

export interface PeakMemory {
    /** Highest VmHWM (KiB) seen of the dynamic-provider host; undefined when it never ran or /proc is missing. */
    hostKb?: number;
    /** The same for the program process (preview and up only). */
    programKb?: number;
    /** Process ids seen, by role. */
    pids: { host: number[]; program: number[] };
    samples: number;
}

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

/** Samples until stop(); call stop() right after the run returns. */
export class ChildMemorySampler {
    private readonly role = new Map<number, "host" | "program" | "other">();
    private readonly peak = new Map<number, number>();
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

    stop(): PeakMemory {
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
        const pick = (r: "host" | "program") => {
            const pids = [...this.role].filter(([, v]) => v === r).map(([p]) => p);
            const values = pids.map((p) => this.peak.get(p)).filter((v): v is number => v !== undefined);
            return { pids, kb: values.length ? Math.max(...values) : undefined };
        };
        const host = pick("host");
        const program = pick("program");
        return { hostKb: host.kb, programKb: program.kb, pids: { host: host.pids, program: program.pids }, samples: this.samples };
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
            if (!status) continue;
            const v = kb(status, "VmHWM") ?? kb(status, "VmRSS");
            if (v !== undefined && v > (this.peak.get(pid) ?? 0)) this.peak.set(pid, v);
        }
    }
}
