/**
 * The real Pulumi CLI run in project folders, as users type it: `pulumi stack init`, `pulumi config set`,
 * `pulumi preview --diff`, `pulumi up --yes` … in the folder that holds Pulumi.yaml. The CLI starts
 * Pulumi's Node.js language host (built by `npm run pulumi:install` beside it) to run the program.
 *
 * Each suite gets its own PULUMI_HOME, with the test-only `random` stand-in installed there as a plugin
 * (plugins/resource-random-v4.21.2), as `pulumi plugin install` would place the real one: the CLI then finds
 * it the way it finds an installed plugin, and prints no "using … from $PATH" warning. PATH carries the
 * CLI's folder (the CLI, the language host and the dynamic-provider plugin, as Pulumi's distribution lays
 * them out) and, first, the folder of the `node` that runs the tests (Node 22 from the project's
 * development dependencies), so the language host and the plugins run on it.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Emulator } from "aep-emulator";
import { NEW_CONVERSATION } from "../../provider/internal";
import { CliHome, CliResult, PULUMI_BIN, ROOT } from "./harness";

export const LANGUAGE_HOST = path.join(path.dirname(PULUMI_BIN), "pulumi-language-nodejs");
export const RANDOM_VERSION = "4.21.2";

export function languageHostInstalled(): boolean {
    return fs.existsSync(LANGUAGE_HOST);
}

/** A CliHome whose PATH holds the CLI's folder only, with the random stand-in installed as a plugin. */
export class ProjectHome extends CliHome {
    /** @param nodeDir the folder of the `node` the CLI, the language host and the plugins run on (default: the tests' own). */
    constructor(readonly nodeDir = path.dirname(process.execPath)) {
        super();
        const dir = path.join(this.home, "plugins", `resource-random-v${RANDOM_VERSION}`);
        fs.mkdirSync(dir, { recursive: true });
        const standIn = path.join(ROOT, "test", "cli", "plugins", "pulumi-resource-random");
        fs.writeFileSync(path.join(dir, "pulumi-resource-random"), `#!/bin/sh\nexec "${standIn}" "$@"\n`, { mode: 0o755 });
    }

    /**
     * Removes the empty `.attrs` sidecars a killed CLI can leave in a file backend (gocloud's fileblob writes
     * them in place, so a kill in the middle leaves one empty and the next load fails with EOF); returns them.
     */
    removeEmptySidecars(): string[] {
        const removed: string[] = [];
        const walk = (dir: string) => {
            for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                const f = path.join(dir, e.name);
                if (e.isDirectory()) walk(f);
                else if (e.name.endsWith(".attrs") && fs.statSync(f).size === 0) {
                    fs.rmSync(f);
                    removed.push(path.relative(this.backend, f));
                }
            }
        };
        walk(this.backend);
        return removed;
    }

    env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
        const env = super.env(extra);
        const plugins = path.join(ROOT, "test", "cli", "plugins");
        const rest = (env.PATH ?? "").split(path.delimiter).filter((d) => d && d !== plugins && d !== path.dirname(PULUMI_BIN));
        env.PATH = [this.nodeDir, path.dirname(PULUMI_BIN), ...rest].join(path.delimiter);
        return env;
    }
}

/** One stack of one project folder, driven by the CLI's own commands. */
export class Project {
    private running?: ChildProcess;

    constructor(
        readonly home: ProjectHome,
        readonly dir: string,
        readonly stack: string,
        /** Environment for every command (e.g. the AEP_* variables a CI job passes). */
        readonly env: NodeJS.ProcessEnv = {},
    ) {}

    /** `pulumi ARGS --stack STACK --non-interactive` in the project folder. */
    pulumi(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
        return this.spawn(PULUMI_BIN, [...args, "--stack", this.stack, "--non-interactive"], extra);
    }

    /** Any command in the project folder, with the suite's environment (e.g. `npm run smoke`). */
    run(command: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
        return this.spawn(command, args, extra);
    }

    private spawn(command: string, args: string[], extra: NodeJS.ProcessEnv): Promise<CliResult> {
        return new Promise((resolve) => {
            // Its own process group, so that a test can kill the CLI with everything it started (kill tests).
            const child = spawn(command, args, {
                cwd: this.dir,
                env: this.home.env({ ...this.env, ...extra }),
                detached: true,
                stdio: ["ignore", "pipe", "pipe"],
            });
            this.running = child;
            let stdout = "";
            let stderr = "";
            child.stdout!.on("data", (d) => (stdout += d));
            child.stderr!.on("data", (d) => (stderr += d));
            child.on("close", (code, signal) => {
                if (this.running === child) this.running = undefined;
                resolve({ code: code ?? (signal ? 128 + 9 : 1), stdout, stderr });
            });
        });
    }

    /** The process id of the running command (the CLI), if one runs. */
    get pid(): number | undefined {
        return this.running?.pid;
    }

    /** Kills the running command's whole process group (the CLI, the language host, the program, the plugins) with SIGKILL. */
    kill(): void {
        const pid = this.running?.pid;
        if (pid) {
            try {
                process.kill(-pid, "SIGKILL");
            } catch {
                // already gone
            }
        }
    }

    /** `pulumi stack init` and each config value (`{ value, secret }` for `--secret`). */
    async init(config: Record<string, string | { value: string; secret?: boolean }> = {}): Promise<void> {
        await must(this.pulumi(["stack", "init"]), "stack init");
        for (const [key, v] of Object.entries(config)) {
            const { value, secret } = typeof v === "string" ? { value: v, secret: false } : v;
            await must(this.pulumi(["config", "set", secret ? "--secret" : "--plaintext", key, value]), `config set ${key}`);
        }
    }

    /** The stack's outputs (`pulumi stack output --json [--show-secrets]`). */
    async outputs(showSecrets = false): Promise<Record<string, unknown>> {
        const r = await must(this.pulumi(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])]), "stack output");
        return JSON.parse(r.stdout);
    }

    /** The stack's state (`pulumi stack export`). */
    async export(): Promise<{ deployment: { resources?: any[]; pending_operations?: any[] } }> {
        return JSON.parse((await must(this.pulumi(["stack", "export"]), "stack export")).stdout);
    }

    /** Removes the stack and its config file (`pulumi stack rm --force --yes`). */
    async remove(): Promise<void> {
        await this.pulumi(["stack", "rm", "--force", "--yes"]);
        fs.rmSync(path.join(this.dir, `Pulumi.${this.stack}.yaml`), { force: true });
    }
}

/** Fails with the command's output when it did not succeed. */
export async function must(p: Promise<CliResult>, what: string): Promise<CliResult> {
    const r = await p;
    if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r;
}

/**
 * What a terminal shows for `pulumi preview --diff`: the diff on stdout and, in this display mode, the
 * diagnostics (the provider's warnings) on stderr, one line each, kept as a section of their own (sorted:
 * steps run in parallel).
 */
export function previewText(r: CliResult): string {
    const diagnostics = r.stderr
        .split("\n")
        .filter((l) => l.trim())
        .sort();
    return diagnostics.length ? `${r.stdout}\n(stderr)\n${diagnostics.join("\n")}` : r.stdout;
}

/**
 * A preview's text with what changes from run to run folded, so that it can be compared with a checked-in
 * golden text: ids and hex digests, UUIDs, the stack's random suffix, ports, durations, progress lines.
 */
export function foldPreview(text: string, opts: { stack: string; suffix?: string }): string {
    let t = text.replace(/\r/g, "");
    if (opts.suffix) t = t.split(opts.suffix).join("<suffix>");
    const lines = t.split("\n").filter((l) => !/^@ /.test(l) && !/^\s*$/.test(l) && !/^Duration:/.test(l));
    return sortSections(lines)
        .join("\n")
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
        .replace(/[0-9a-f]{16,}/g, "<hex>")
        .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>")
        .replace(/\(\d+(\.\d+)?s\)/g, "(<t>)")
        .split(`urn:pulumi:${opts.stack}::`)
        .join("urn:pulumi:<stack>::")
        .split(`(${opts.stack})`)
        .join("(<stack>)")
        .split(`-${opts.stack}]`)
        .join("-<stack>]")
        .trim();
}

/**
 * The CLI prints each resource (and each resource's diagnostics) as its step's events arrive, and steps
 * run in parallel: the order varies from run to run. Resource blocks (a `type: (op)` line and what it
 * holds) and diagnostics sections (a `  type (name):` line and its messages) are sorted; everything else
 * keeps its place.
 */
function sortSections(lines: string[]): string[] {
    const out: string[] = [];
    let i = 0;
    const resourceHead = (l: string) => /^ {2,}[~+\-<>=*]*\s*[\w:/.-]+: \([a-z-]+\)/.test(l);
    const diagHead = (l: string) => /^ {2}\S.*\(.*\):$/.test(l);
    while (i < lines.length) {
        const head = resourceHead(lines[i]) ? resourceHead : diagHead(lines[i]) && out.includes("Diagnostics:") ? diagHead : undefined;
        if (!head) {
            out.push(lines[i++]);
            continue;
        }
        const blocks: string[][] = [];
        while (i < lines.length && head(lines[i])) {
            const block = [lines[i++]];
            // A block runs to the next head or to a line that is not indented (the summary, the next section).
            while (i < lines.length && !head(lines[i]) && /^\s/.test(lines[i]) && !(head === diagHead && /^ {2}\S/.test(lines[i])))
                block.push(lines[i++]);
            blocks.push(block);
        }
        const key = (b: string[]) => b.find((l) => l.includes("[urn=")) ?? b[0];
        blocks.sort((a, b) => key(a).localeCompare(key(b)));
        for (const b of blocks) out.push(...b);
    }
    return out;
}

/** The stack config that points a project at an emulator with its first client's credentials (the secret as a secret). */
export function emulatorConfig(emu: Emulator, secret = emu.credentials.clientSecret) {
    return {
        "aep:clientId": emu.credentials.clientId,
        "aep:clientSecret": { value: secret, secret: true },
        "aep:orgId": emu.credentials.orgId,
        "aep:platformUrl": emu.url,
        "aep:imsUrl": emu.url,
    };
}

/** Posts a sample Chatlio event (a new conversation) to a webhook URL; returns the HTTP status. */
export async function postEvent(url: string, body: unknown = NEW_CONVERSATION): Promise<number> {
    const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    return res.status;
}
