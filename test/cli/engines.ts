/** The two engines behind one interface (scenario.ts): the local engine and the real Pulumi CLI. */
import * as fs from "fs";
import * as path from "path";
import { LocalEngine, RunResult } from "../../tools/engine";
import { StackConfig } from "../support/stack";
import type { JobResult } from "./automation-runner";
import { CliHome, CliStack } from "./harness";
import { EngineUnderTest, Run } from "./scenario";

const own = (type: string) => type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");

export class LocalEngineUnderTest implements EngineUnderTest {
    readonly name = "local engine";
    private config: StackConfig = {};
    constructor(private readonly opts: { projectDir: string; stack: string; stateDir: string }) {}

    engine(): LocalEngine {
        return new LocalEngine({ ...this.opts, config: this.config, log: () => undefined });
    }
    async setConfig(values: StackConfig): Promise<void> {
        Object.assign(this.config, values);
    }
    preview = () => this.engine().preview().then(fromLocal);
    up = () => this.engine().up().then(fromLocal);
    refresh = () => this.engine().refresh().then(fromLocal);
    destroy = () => this.engine().destroy().then(fromLocal);
}

/**
 * The local engine's steps in the CLI's words: a refresh read is `same` or, with drift, `update`; the delete
 * of an object a replacement superseded is `delete-replaced`.
 */
function fromLocal(r: RunResult): Run {
    const replaced = new Set(r.steps.filter((s) => s.op === "replace").map((s) => s.urn));
    const op = (s: RunResult["steps"][number]) =>
        s.op === "refresh"
            ? s.changedKeys?.length
                ? "update"
                : "same"
            : s.op === "delete" && replaced.has(s.urn)
              ? "delete-replaced"
              : s.op;
    return {
        ok: r.ok,
        error: r.error,
        steps: r.steps.filter((s) => own(s.type)).map((s) => ({ op: op(s), name: s.name, type: s.type })),
        outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, { value: v.value, secret: v.secret }])),
        diagnostics: r.diagnostics,
        stdout: "",
    };
}

export class CliEngineUnderTest implements EngineUnderTest {
    readonly name = "Pulumi CLI";
    readonly stack: CliStack;
    constructor(home: CliHome, opts: { project: string; stack: string; program: string; workDir: string; env?: NodeJS.ProcessEnv }) {
        this.stack = new CliStack({ home, ...opts });
    }
    /** Creates the stack (`pulumi stack init`). */
    async init(): Promise<void> {
        const r = await this.stack.opts.home.pulumi(["stack", "init", this.stack.name], this.stack.opts.workDir, this.stack.opts.env);
        if (r.code !== 0) throw new Error(`pulumi stack init failed: ${r.stderr}`);
    }
    /** Pulumi.<stack>.yaml in the workspace folder. */
    get stackConfigFile(): string {
        return path.join(this.stack.opts.workDir, `Pulumi.${this.stack.name}.yaml`);
    }
    /** Removes the stack and its config file (kept with AEP_CLI_KEEP, to look at them afterwards). */
    async remove(): Promise<void> {
        if (process.env.AEP_CLI_KEEP) return;
        await this.stack.cli(["stack", "rm", "--yes", "--force"]);
        fs.rmSync(this.stackConfigFile, { force: true });
    }
    setConfig = (values: StackConfig) => this.stack.setConfig(values);
    preview = (o?: { diff?: boolean }) => this.stack.preview(o).then(fromCli);
    up = (o?: { diff?: boolean }) => this.stack.up(o).then(fromCli);
    refresh = () => this.stack.refresh().then(fromCli);
    destroy = () => this.stack.destroy().then(fromCli);
}

function fromCli(r: JobResult): Run {
    return {
        ok: r.ok,
        error: r.error,
        steps: r.finished.filter((s) => own(s.type)),
        outputs: r.outputs ?? {},
        diagnostics: r.diagnostics.filter((d) => d.severity !== "debug").map((d) => `${d.severity}: ${d.message}`),
        stdout: r.stdout,
    };
}
