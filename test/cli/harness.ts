/**
 * The real Pulumi CLI for the test suite: where it is, the environment it runs in, and one stack driven
 * through it. Built by `npm run pulumi:install` into .tools/pulumi/bin/pulumi.
 *
 * Each suite gets its own PULUMI_HOME (plugins, credentials, workspaces: nothing of the user's ~/.pulumi is
 * read or written), a local file backend and the passphrase secrets provider. PATH carries the SDK's
 * CLI with the SDK's dynamic-provider plugin beside it (as Pulumi's distribution has it; pulumi:install puts
 * it there) and the test-only `random` stand-in (plugins/): the two plugins our programs need.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Job, JobResult } from "./automation-runner";

export const ROOT = path.resolve(__dirname, "..", "..");
export const PULUMI_ROOT = path.join(ROOT, ".tools", "pulumi");
export const PULUMI_BIN = path.join(PULUMI_ROOT, "bin", "pulumi");
export const INSTALL_HINT =
    "the real-CLI suite (test/cli) did not run: the Pulumi CLI is not built; run `npm run pulumi:install` (needs Go 1.26) and `npm test` again";

export function cliInstalled(): boolean {
    return fs.existsSync(PULUMI_BIN);
}

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** One PULUMI_HOME, file backend and passphrase for a suite; remove() deletes all of it. */
export class CliHome {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-cli-"));
    readonly home = path.join(this.dir, "home");
    readonly backend = path.join(this.dir, "state");
    readonly passphrase = "test-passphrase-not-a-secret";
    /**
     * Whether TypeScript programs are type-checked before they run, as `pulumi up` does by default. Off for
     * the suites that do not test type-checking (PULUMI_NODEJS_TRANSPILE_ONLY, which users may set too): each
     * run of a program then skips a type-check of several CPU-seconds. The examples' suite turns it on.
     */
    typeCheck = false;

    constructor() {
        fs.mkdirSync(this.home);
        fs.mkdirSync(this.backend);
    }

    env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
        const pathDirs = [path.dirname(PULUMI_BIN), path.join(__dirname, "plugins"), process.env.PATH ?? ""];
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            PATH: pathDirs.join(path.delimiter),
            PULUMI_HOME: this.home,
            PULUMI_BACKEND_URL: `file://${this.backend}`,
            PULUMI_CONFIG_PASSPHRASE: this.passphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            NO_COLOR: "1",
            ...(this.typeCheck ? {} : { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }),
            ...extra,
        };
        // The provider reads AEP_* variables as a fallback; the stacks here carry their settings as config.
        for (const k of Object.keys(env)) if (k.startsWith("AEP_") && !(k in extra)) delete env[k];
        return env;
    }

    /** Runs the CLI itself (`pulumi ARGS`) in cwd. */
    pulumi(args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
        return new Promise((resolve) => {
            execFile(
                PULUMI_BIN,
                [...args, "--non-interactive"],
                { cwd, env: this.env(extra), maxBuffer: 64 << 20 },
                (err, stdout, stderr) => {
                    resolve({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr });
                },
            );
        });
    }

    /** Deletes the folder, unless AEP_CLI_KEEP is set (to look at the CLI's output and state afterwards). */
    remove(): void {
        if (process.env.AEP_CLI_KEEP) return void console.log(`kept ${this.dir}`);
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

export interface CliStackOptions {
    home: CliHome;
    /** Project name (Pulumi.yaml `name`). */
    project: string;
    stack: string;
    /** Program module (TypeScript): its exports are the stack outputs. */
    program: string;
    /** Workspace folder (Pulumi.yaml, Pulumi.<stack>.yaml); the provider plugins start here. */
    workDir: string;
    /** Extra environment for the operations. */
    env?: NodeJS.ProcessEnv;
}

/** A stack run by the real CLI: up/preview/refresh/destroy through the Automation API, the rest as CLI commands. */
export class CliStack {
    private jobs = 0;
    constructor(readonly opts: CliStackOptions) {
        fs.mkdirSync(opts.workDir, { recursive: true });
    }

    get name(): string {
        return this.opts.stack;
    }

    preview(o: { diff?: boolean } = {}): Promise<JobResult> {
        return this.operation("preview", o);
    }
    up(o: { diff?: boolean } = {}): Promise<JobResult> {
        return this.operation("up", o);
    }
    refresh(): Promise<JobResult> {
        return this.operation("refresh");
    }
    destroy(): Promise<JobResult> {
        return this.operation("destroy");
    }

    /** `pulumi ARGS --stack NAME` in the workspace folder. */
    cli(args: string[]): Promise<CliResult> {
        return this.opts.home.pulumi([...args, "--stack", this.opts.stack], this.opts.workDir, this.opts.env);
    }

    async setConfig(values: Record<string, string | { value: string; secret?: boolean }>): Promise<void> {
        for (const [key, v] of Object.entries(values)) {
            const { value, secret } = typeof v === "string" ? { value: v, secret: false } : v;
            const r = await this.cli(["config", "set", secret ? "--secret" : "--plaintext", key, value]);
            if (r.code !== 0) throw new Error(`pulumi config set ${key} failed: ${r.stderr}`);
        }
    }

    private operation(op: Job["op"], o: { diff?: boolean } = {}): Promise<JobResult> {
        const dir = path.join(this.opts.home.dir, "jobs");
        fs.mkdirSync(dir, { recursive: true });
        const id = `${this.opts.stack}-${op}-${++this.jobs}`;
        const job: Job = {
            op,
            stack: this.opts.stack,
            project: this.opts.project,
            workDir: this.opts.workDir,
            program: this.opts.program,
            pulumiRoot: PULUMI_ROOT,
            diff: o.diff,
            result: path.join(dir, `${id}.result.json`),
        };
        const jobFile = path.join(dir, `${id}.json`);
        fs.writeFileSync(jobFile, JSON.stringify(job));
        const args = ["-r", require.resolve("ts-node/register/transpile-only"), path.join(__dirname, "automation-runner.ts"), jobFile];
        return new Promise((resolve, reject) => {
            execFile(
                process.execPath,
                args,
                { cwd: ROOT, env: this.opts.home.env(this.opts.env), maxBuffer: 64 << 20 },
                (err, _stdout, stderr) => {
                    if (err || !fs.existsSync(job.result))
                        return reject(new Error(`automation runner failed: ${err?.message ?? ""}\n${stderr}`));
                    resolve(JSON.parse(fs.readFileSync(job.result, "utf8")));
                },
            );
        });
    }
}
