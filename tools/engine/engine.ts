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

    private async run(kind: Kind): Promise<RunResult> {
        const t0 = Date.now();
        const log = this.options.log ?? ((line: string) => process.stdout.write(line + "\n"));
        const diagnostics: string[] = [];
        const pids: number[] = [];
        const display = new Display(log, kind, !!this.options.showSames);
        // What the program and the providers send to the Engine service (deployment: once there is one).
        let deployment: Deployment | undefined;
        const messages = new Diagnostics({
            display,
            stackUrn: () => deployment?.stackUrn() ?? "",
            record: (line) => diagnostics.push(line),
            cancelled: () => !!deployment?.cancelled && deployment.errors.length > 0,
        });
        const result = (ok: boolean, error: string | undefined, d: Deployment | undefined, outputs: Record<string, OutputValue>): RunResult => ({
            ok,
            error,
            steps: d?.steps ?? [],
            changes: d?.changes ?? {},
            outputs,
            diagnostics,
            resourceDiagnostics: messages.kept,
            pids,
            durationMs: Date.now() - t0,
        });

        let project: Project;
        let sdk: Sdk;
        try {
            project = loadProject(this.options.projectDir);
            sdk = loadSdk(this.options.projectDir);
        } catch (e) {
            const msg = (e as Error).message;
            diagnostics.push(`error: ${msg}`);
            log(`error: ${msg}`);
            return result(false, msg, undefined, {});
        }
        const config = this.stackConfig(project);
        const skipped = loadStackConfigFile(project, this.options.stack).skipped;
        display.header(this.options.stack, project.name);
        let cancelled = false;
        const onDiagnostic = (line: string, print = true) => {
            diagnostics.push(line);
            if (print) log(line);
        };
        for (const key of skipped) {
            onDiagnostic(`warning: config ${key} in Pulumi.${this.options.stack}.yaml is encrypted (secure:) and cannot be read by the local engine; set it with "config set ${key} <value> --secret"`);
        }
        const hostEnv: NodeJS.ProcessEnv = {
            ...process.env,
            ...this.options.env,
            PULUMI_CONFIG: JSON.stringify(
                Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith("pulumi-nodejs:")).map(([k, v]) => [k, v.value])),
            ),
        };
        // The Engine service the program and the dynamic-provider host send their messages to.
        const engineServer = new EngineServer(sdk, (severity, message, urn, ephemeral) => messages.log(severity, message, urn, ephemeral));
        let engineAddress: string;
        let d: Deployment;
        try {
            engineAddress = await engineServer.start();
            d = new Deployment({
                kind,
                sdk,
                project,
                stack: this.options.stack,
                config,
                hostEnv,
                engineAddress,
                stateFile: this.stateFile,
                display,
                onDiagnostic: (line, print) => onDiagnostic(line, print ?? (!cancelled || line.startsWith("error:"))),
                onSpawn: (pid) => pids.push(pid),
            });
        } catch (e) {
            // e.g. an unreadable state file or a missing secrets key
            engineServer.stop();
            const msg = (e as Error).message;
            onDiagnostic(`error: ${msg}`);
            return result(false, msg, undefined, {});
        }
        deployment = d;

        let error: string | undefined;
        let program: Spawned | undefined;
        let server: MonitorServer | undefined;
        try {
            if (kind === "preview" || kind === "up") {
                server = new MonitorServer(sdk, {
                    deployment: d,
                    project: project.name,
                    stack: this.options.stack,
                    dryRun: kind === "preview",
                    onError: (message) => messages.log(3, message, "", false),
                });
                d.prestartHost();
                const port = await server.start();
                program = this.spawnProgram(sdk, project, `127.0.0.1:${port}`, engineAddress, kind === "preview", config);
                pids.push(program.pid);
                eachLine(program.child.stdout!, (line) => onDiagnostic(line, !d.cancelled));
                eachLine(program.child.stderr!, (line) => onDiagnostic(line, !d.cancelled));
                const watchdog = setInterval(() => {
                    if (d.cancelled && !cancelled) {
                        cancelled = true;
                        const p = program;
                        setTimeout(() => void p?.kill(), CANCEL_GRACE_MS).unref();
                    }
                }, 200);
                let code: number;
                try {
                    code = await program.exited;
                } finally {
                    clearInterval(watchdog);
                }
                await d.settle();
                server.stop();
                server = undefined;
                if (d.errors.length) {
                    error = d.errors.join("\n");
                } else if (code !== 0 || messages.errors.length) {
                    error = messages.errors.length ? messages.errors.join("\n") : `the program exited with code ${code}`;
                    if (!messages.errors.length) onDiagnostic(`error: ${error}`);
                } else {
                    await d.deleteAll(d.condemnedAfterUp());
                }
            } else if (kind === "refresh") {
                await d.refreshAll();
            } else {
                await d.deleteAll(d.condemnedForDestroy());
            }
        } catch (e) {
            d.report(e);
            error = d.errors.length ? d.errors.join("\n") : (e as Error).message;
            if (!d.errors.length) onDiagnostic(`error: ${error}`);
        } finally {
            cancelled = true;
            server?.stop();
            await program?.kill();
            await d.stopHost();
            engineServer.stop();
            // The run's last state write, awaited: the state on disk holds every step that finished.
            d.save();
            try {
                await d.flushState();
            } catch (e) {
                const msg = `cannot write the state file ${this.statePath}: ${(e as Error).message}`;
                onDiagnostic(`error: ${msg}`);
                error = error ? `${error}\n${msg}` : msg;
            }
        }

        const outputs =
            kind === "destroy" ? {} : Deployment.outputsOf(kind === "refresh" ? d.stackOutputsFromState() : d.stackOutputs ?? d.stackOutputsFromState());
        log("");
        messages.show();
        if (kind !== "destroy") {
            const raw = kind === "refresh" ? d.stackOutputsFromState() : d.stackOutputs;
            display.outputs(raw ?? {});
        }
        display.summary(d.changes, messages.warnings);
        display.duration(Date.now() - t0);
        if (error) {
            log(`error: ${kind === "preview" ? "preview" : kind === "destroy" ? "destroy" : kind === "refresh" ? "refresh" : "update"} failed`);
        }
        return result(!error, error, d, outputs);
    }

    private spawnProgram(sdk: Sdk, project: Project, monitorAddress: string, engineAddress: string, dryRun: boolean, config: Record<string, ConfigValue>): Spawned {
        const args = [
            sdk.runScript,
            `--monitor=${monitorAddress}`,
            `--engine=${engineAddress}`,
            `--project=${project.name}`,
            `--stack=${this.options.stack}`,
            ...(dryRun ? ["--dry-run"] : []),
            `--root-directory=${project.dir}`,
            `--pwd=${project.dir}`,
            project.main,
        ];
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            ...this.options.env,
            PULUMI_CONFIG: JSON.stringify(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value]))),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(Object.entries(config).filter(([, v]) => v.secret).map(([k]) => k)),
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        };
        if (project.typescript) {
            env.PULUMI_NODEJS_TYPESCRIPT = "true";
        }
        return spawnNode(args, { cwd: path.resolve(project.dir), env });
    }
}
