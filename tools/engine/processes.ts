// Child processes of the local engine (the program and the dynamic-provider host). None may outlive
// the run: each is killed when its run ends, on process exit, on SIGINT/SIGTERM, and, through the
// preloaded watchdog, when the engine itself dies.

import { ChildProcess, spawn } from "child_process";
import * as path from "path";

const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
    for (const child of live) {
        try {
            child.kill("SIGKILL");
        } catch {
            // already gone
        }
    }
    live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
    killAll();
    unhook();
    // Re-raise so the default behaviour (exit with 128+n) or other listeners still apply.
    process.kill(process.pid, signal);
}

const onSigint = () => onSignal("SIGINT");
const onSigterm = () => onSignal("SIGTERM");

function hook(): void {
    if (hooked) return;
    hooked = true;
    process.on("exit", killAll);
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigterm);
}

function unhook(): void {
    if (!hooked) return;
    hooked = false;
    process.removeListener("exit", killAll);
    process.removeListener("SIGINT", onSigint);
    process.removeListener("SIGTERM", onSigterm);
}

export interface Spawned {
    child: ChildProcess;
    pid: number;
    exited: Promise<number>;
    /** SIGKILL unless already exited; resolves when it has exited. */
    kill(): Promise<void>;
}

/** Spawns `node [--require watchdog] <args>` and tracks it until it exits. */
export function spawnNode(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Spawned {
    const watchdog = path.join(__dirname, "watchdog.js");
    const child = spawn(process.execPath, ["--require", watchdog, ...args], {
        cwd: options.cwd,
        env: options.env,
        stdio: ["pipe", "pipe", "pipe"],
    });
    live.add(child);
    hook();
    let done = false;
    const exited = new Promise<number>((resolve) => {
        child.once("exit", (code, signal) => {
            done = true;
            live.delete(child);
            if (live.size === 0) unhook();
            resolve(code ?? (signal ? 128 : 1));
        });
        child.once("error", () => {
            if (!done) {
                done = true;
                live.delete(child);
                if (live.size === 0) unhook();
                resolve(127);
            }
        });
    });
    child.stdin!.on("error", () => undefined);
    return {
        child,
        pid: child.pid ?? -1,
        exited,
        async kill() {
            if (!done) {
                try {
                    child.kill("SIGKILL");
                } catch {
                    // already gone
                }
            }
            await exited;
        },
    };
}

/** Calls `onLine` for each complete line of a stream. */
export function eachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
    let buf = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf("\n")) >= 0) {
            onLine(buf.slice(0, i).replace(/\r$/, ""));
            buf = buf.slice(i + 1);
        }
    });
    stream.on("end", () => {
        if (buf) onLine(buf);
        buf = "";
    });
}
