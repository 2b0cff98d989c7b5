// LocalEngine: runs a Pulumi TypeScript program under the SDK's real runtime (`cmd/run`, as the
// Pulumi CLI's nodejs language host does), serves it a ResourceMonitor over gRPC, sends dynamic
// resources to the SDK's own dynamic-provider host, serves both an Engine service for their messages
// and keeps the stack's state in a JSON file.

import * as path from "path";
import { Deployment } from "./deployment";
import { Diagnostics } from "./diagnostics";
import { Display, Kind } from "./display";
import { EngineServer } from "./engine-service";
import { MonitorServer } from "./monitor";
import { eachLine, spawnNode, Spawned } from "./processes";
import { loadProject, loadStackConfigFile, normaliseConfig, Project } from "./project";
import { STACK_TYPE } from "./resources";
import { loadSdk, Sdk } from "./sdk";
import { StateFile } from "./state";
import { ConfigValue, EngineOptions, OutputValue, RunResult } from "./types";

/** How long a program may keep running after a failed step before it is stopped. */
const CANCEL_GRACE_MS = 10_000;

/** What "error: <what> failed" names at the end of a failed run. */
const OPERATION: Record<Kind, string> = { preview: "preview", up: "update", refresh: "refresh", destroy: "destroy" };

export class LocalEngine {
    readonly statePath: string;
    private readonly stateFile: StateFile;

    constructor(private readonly options: EngineOptions) {
        this.stateFile = new StateFile(options.stateDir, options.stack);
        this.statePath = this.stateFile.path;
    }

    /** Check and Diff only: no Create, Update, Delete or Read reaches a provider. */
    preview(): Promise<RunResult> {
        return this.run("preview");
    }

    up(): Promise<RunResult> {
        return this.run("up");
    }

    /** Reads every dynamic resource back from its provider; does not run the program. */
    refresh(): Promise<RunResult> {
        return this.run("refresh");
    }

    /** Deletes every resource, dependents first, with the provider code saved in state. */
    destroy(): Promise<RunResult> {
        return this.run("destroy");
    }

    /** The stack outputs in the state file (secret values decrypted, flagged `secret`). */
    outputs(): Record<string, OutputValue> {
        const project = loadProject(this.options.projectDir);
        const state = this.stateFile.load(project.name, this.options.stack);
        const root = state.resources.find((r) => r.type === STACK_TYPE && !r.pendingDelete);
        return Deployment.outputsOf(root?.outputs);
    }

    /** (addition) The stack config a run uses: Pulumi.yaml defaults < Pulumi.<stack>.yaml < options.config. */
    stackConfig(project: Project = loadProject(this.options.projectDir)): Record<string, ConfigValue> {
        return {
            ...project.configDefaults,
            ...loadStackConfigFile(project, this.options.stack).config,
            ...normaliseConfig(this.options.config, project.name),
        };
    }

    private run(kind: Kind): Promise<RunResult> {
        return new Run(this, this.options, this.stateFile, kind).run();
    }
}

/**
 * One run: what it prints and records, the Engine service the program and the provider host send their
 * messages to, the deployment and, for preview and up, the program.
 */
class Run {
    private readonly t0 = Date.now();
    private readonly log: (line: string) => void;
    private readonly display: Display;
    private readonly diagnostics: string[] = [];
    private readonly pids: number[] = [];
    /** What arrives at the Engine service (diagnostics.ts). */
    private readonly messages: Diagnostics;
    private d: Deployment | undefined;
    /** Set when the program is being stopped or the run ends: the host's output is recorded, not printed (errors aside). */
    private quiet = false;

    constructor(
        private readonly engine: LocalEngine,
        private readonly options: EngineOptions,
        private readonly stateFile: StateFile,
        private readonly kind: Kind,
    ) {
        this.log = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
        this.display = new Display(this.log, kind, !!options.showSames);
        this.messages = new Diagnostics({
            display: this.display,
            stackUrn: () => this.d?.stackUrn() ?? "",
            record: (line) => this.diagnostics.push(line),
            cancelled: () => !!this.d?.cancelled && this.d.errors.length > 0,
        });
    }

    async run(): Promise<RunResult> {
        let project: Project;
        let sdk: Sdk;
        try {
            project = loadProject(this.options.projectDir);
            sdk = loadSdk(this.options.projectDir);
        } catch (e) {
            return this.failedToStart(e);
        }
        const config = this.engine.stackConfig(project);
        this.display.header(this.options.stack, project.name);
        for (const key of loadStackConfigFile(project, this.options.stack).skipped) {
            this.say(
                `warning: config ${key} in Pulumi.${this.options.stack}.yaml is encrypted (secure:) and cannot be read by the local engine; set it with "config set ${key} <value> --secret"`,
            );
        }
        const engineServer = new EngineServer(sdk, (severity, message, urn, ephemeral) =>
            this.messages.log(severity, message, urn, ephemeral),
        );
        let engineAddress: string;
        let d: Deployment;
        try {
            engineAddress = await engineServer.start();
            d = this.d = new Deployment({
                kind: this.kind,
                sdk,
                project,
                stack: this.options.stack,
                config,
                hostEnv: this.hostEnv(config),
                engineAddress,
                stateFile: this.stateFile,
                display: this.display,
                onDiagnostic: (line, print) => this.say(line, print ?? (!this.quiet || line.startsWith("error:"))),
                onSpawn: (pid) => this.pids.push(pid),
            });
        } catch (e) {
            // e.g. an unreadable state file or a missing secrets key
            engineServer.stop();
            return this.failedToStart(e);
        }

        let error: string | undefined;
        try {
            if (this.kind === "refresh") {
                await d.refreshAll();
            } else if (this.kind === "destroy") {
                await d.deleteAll(d.condemnedForDestroy());
            } else {
                error = await this.runProgram(d, sdk, project, config, engineAddress);
            }
        } catch (e) {
            d.report(e);
            error = d.errors.length ? d.errors.join("\n") : (e as Error).message;
            if (!d.errors.length) this.say(`error: ${error}`);
        } finally {
            this.quiet = true;
            await d.stopHost();
            engineServer.stop();
            // The run's last state write, awaited: the state on disk holds every step that finished.
            d.save();
            try {
                await d.flushState();
            } catch (e) {
                const msg = `cannot write the state file ${this.stateFile.path}: ${(e as Error).message}`;
                this.say(`error: ${msg}`);
                error = error ? `${error}\n${msg}` : msg;
            }
        }
        return this.end(d, error);
    }

    /**
     * preview and up: the program runs, each registration a step; after the program, if it and every step
     * succeeded, up's deletes. Resolves with the run's error, if any.
     */
    private async runProgram(
        d: Deployment,
        sdk: Sdk,
        project: Project,
        config: Record<string, ConfigValue>,
        engineAddress: string,
    ): Promise<string | undefined> {
        const server = new MonitorServer(sdk, {
            deployment: d,
            project: project.name,
            stack: this.options.stack,
            dryRun: this.kind === "preview",
            onError: (message) => this.messages.log(3, message, "", false),
        });
        let program: Spawned | undefined;
        let code: number;
        try {
            d.prestartHost();
            const port = await server.start();
            program = this.spawnProgram(sdk, project, `127.0.0.1:${port}`, engineAddress, config);
            this.pids.push(program.pid);
            eachLine(program.child.stdout!, (line) => this.say(line, !d.cancelled));
            eachLine(program.child.stderr!, (line) => this.say(line, !d.cancelled));
            code = await this.exitOf(program, d);
            await d.settle();
        } finally {
            server.stop();
            await program?.kill();
        }
        if (d.errors.length) {
            return d.errors.join("\n");
        }
        if (code !== 0 || this.messages.errors.length) {
            const error = this.messages.errors.length ? this.messages.errors.join("\n") : `the program exited with code ${code}`;
            if (!this.messages.errors.length) this.say(`error: ${error}`);
            return error;
        }
        await d.deleteAll(d.condemnedAfterUp());
        return undefined;
    }

    /** The program's exit code. After a failed step it has CANCEL_GRACE_MS to end before it is stopped. */
    private async exitOf(program: Spawned, d: Deployment): Promise<number> {
        const watchdog = setInterval(() => {
            if (d.cancelled && !this.quiet) {
                this.quiet = true;
                setTimeout(() => void program.kill(), CANCEL_GRACE_MS).unref();
            }
        }, 200);
        try {
            return await program.exited;
        } finally {
            clearInterval(watchdog);
        }
    }

    /** The end of the run, as the CLI prints it: the Diagnostics section, the outputs, the summary, the duration. */
    private end(d: Deployment, error: string | undefined): RunResult {
        const { kind } = this;
        const outputs =
            kind === "destroy"
                ? {}
                : Deployment.outputsOf(kind === "refresh" ? d.stackOutputsFromState() : (d.stackOutputs ?? d.stackOutputsFromState()));
        this.log("");
        this.messages.show();
        if (kind !== "destroy") {
            const raw = kind === "refresh" ? d.stackOutputsFromState() : d.stackOutputs;
            this.display.outputs(raw ?? {});
        }
        this.display.summary(d.changes, this.messages.warnings);
        this.display.duration(Date.now() - this.t0);
        if (error) {
            this.log(`error: ${OPERATION[kind]} failed`);
        }
        return this.result(!error, error, outputs);
    }

    /** A run that could not start (no project, no SDK, an unreadable state file, ...). */
    private failedToStart(e: unknown): RunResult {
        const msg = (e as Error).message;
        this.say(`error: ${msg}`);
        return this.result(false, msg, {});
    }

    private result(ok: boolean, error: string | undefined, outputs: Record<string, OutputValue>): RunResult {
        return {
            ok,
            error,
            steps: this.d?.steps ?? [],
            changes: this.d?.changes ?? {},
            outputs,
            diagnostics: this.diagnostics,
            resourceDiagnostics: this.messages.kept,
            pids: this.pids,
            durationMs: Date.now() - this.t0,
        };
    }

    /** A line of the run's diagnostics, printed unless `print` is false. */
    private say(line: string, print = true): void {
        this.diagnostics.push(line);
        if (print) this.log(line);
    }

    /** The dynamic-provider host's environment: the run's, and the `pulumi-nodejs:*` config as PULUMI_CONFIG. */
    private hostEnv(config: Record<string, ConfigValue>): NodeJS.ProcessEnv {
        return {
            ...process.env,
            ...this.options.env,
            PULUMI_CONFIG: JSON.stringify(
                Object.fromEntries(
                    Object.entries(config)
                        .filter(([k]) => k.startsWith("pulumi-nodejs:"))
                        .map(([k, v]) => [k, v.value]),
                ),
            ),
        };
    }

    /** `cmd/run` with the language host's flags and environment. */
    private spawnProgram(
        sdk: Sdk,
        project: Project,
        monitorAddress: string,
        engineAddress: string,
        config: Record<string, ConfigValue>,
    ): Spawned {
        const args = [
            sdk.runScript,
            `--monitor=${monitorAddress}`,
            `--engine=${engineAddress}`,
            `--project=${project.name}`,
            `--stack=${this.options.stack}`,
            ...(this.kind === "preview" ? ["--dry-run"] : []),
            `--root-directory=${project.dir}`,
            `--pwd=${project.dir}`,
            project.main,
        ];
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            ...this.options.env,
            PULUMI_CONFIG: JSON.stringify(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value]))),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(
                Object.entries(config)
                    .filter(([, v]) => v.secret)
                    .map(([k]) => k),
            ),
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        };
        if (project.typescript) {
            env.PULUMI_NODEJS_TYPESCRIPT = "true";
        }
        return spawnNode(args, { cwd: path.resolve(project.dir), env });
    }
}
