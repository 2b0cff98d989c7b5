// One Pulumi operation through the Automation API and the real Pulumi CLI, in a process of its own, as a
// user's deployment script would run it: `node -r ts-node/register/transpile-only automation-runner.ts JOB`.
//
// An inline program: the Automation API serves the program itself and hands its address to the CLI
// (`pulumi up --client=…`), as a user's deployment script does; everything else (step generation, diffs,
// replacement order, plugins, state, secrets) is the CLI's own. Programs in a project folder, run by
// `pulumi` with the Node.js language host as users type it, are driven by test/cli/project.ts.
//
// JOB is a JSON file: { op, stack, project, workDir, program, pulumiRoot, diff, result }. The program module's
// exports become the stack outputs, as they do for a Pulumi.yaml program. The result (summary, outputs,
// steps, diagnostics, stdout) is written as JSON to JOB's `result` path; the exit code is 0 even when the
// operation failed (the result says so), so the caller sees everything.
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import type * as automation from "@pulumi/pulumi/automation";

export interface Job {
    op: "preview" | "up" | "refresh" | "destroy";
    stack: string;
    project: string;
    workDir: string;
    /** Absolute path of the program module (its exports are the stack outputs). */
    program: string;
    /** Folder holding bin/pulumi. */
    pulumiRoot: string;
    /** preview/up: detailed diffs in stdout (`--diff`). */
    diff?: boolean;
    result: string;
}

export interface Step {
    op: string;
    urn: string;
    type: string;
    name: string;
    diffs?: string[];
}

export interface JobResult {
    ok: boolean;
    error?: string;
    stdout: string;
    summary?: Record<string, number>;
    outputs?: Record<string, { value: unknown; secret: boolean }>;
    /** Steps as the engine announced them (resourcePreEvent), failed ones included. */
    steps: Step[];
    /** Steps that finished (resOutputsEvent). */
    finished: Step[];
    diagnostics: Array<{ severity: string; message: string; urn?: string }>;
}

async function main(): Promise<void> {
    const job: Job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    // The program's own SDK (a consumer project's node_modules, or this repository's): the Automation API
    // and the program must share one copy of @pulumi/pulumi, as they do in a user's deployment script.
    const { LocalWorkspace, PulumiCommand }: typeof automation = createRequire(job.program)("@pulumi/pulumi/automation");
    const steps: Step[] = [];
    const finished: Step[] = [];
    const diagnostics: JobResult["diagnostics"] = [];
    const out: string[] = [];
    const onEvent = (e: automation.EngineEvent) => {
        const m = e.resourcePreEvent?.metadata;
        if (m) steps.push({ op: m.op, urn: m.urn, type: m.type, name: m.urn.split("::").pop()!, diffs: m.diffs });
        const done = e.resOutputsEvent?.metadata;
        if (done) finished.push({ op: done.op, urn: done.urn, type: done.type, name: done.urn.split("::").pop()!, diffs: done.diffs });
        const d = e.diagnosticEvent;
        if (d) diagnostics.push({ severity: d.severity, message: d.message.trim(), urn: d.urn });
    };
    const onOutput = (s: string) => out.push(s);
    const result: JobResult = { ok: false, stdout: "", steps, finished, diagnostics };
    try {
        const pulumiCommand = await PulumiCommand.get({ root: job.pulumiRoot, skipVersionCheck: true });
        const program = async () => ({ ...require(job.program) });
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: job.stack, projectName: job.project, program },
            { workDir: job.workDir, pulumiCommand },
        );
        const common = { onEvent, onOutput, color: "never" as const };
        if (job.op === "preview") {
            const r = await stack.preview({ ...common, diff: job.diff });
            result.summary = r.changeSummary as Record<string, number>;
        } else if (job.op === "up") {
            const r = await stack.up({ ...common, diff: job.diff });
            result.summary = r.summary.resourceChanges as Record<string, number>;
            result.outputs = r.outputs;
        } else if (job.op === "refresh") {
            const r = await stack.refresh({ ...common });
            result.summary = r.summary.resourceChanges as Record<string, number>;
        } else {
            const r = await stack.destroy({ ...common });
            result.summary = r.summary.resourceChanges as Record<string, number>;
        }
        result.ok = true;
    } catch (e) {
        result.error = e instanceof Error ? e.message : String(e);
    }
    result.stdout = out.join("");
    fs.mkdirSync(path.dirname(job.result), { recursive: true });
    fs.writeFileSync(job.result, JSON.stringify(result));
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
