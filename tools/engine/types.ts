// The engine's public types. The shapes in docs/CONTRACTS.md ("tools/engine") are fixed; members
// marked "(addition)" go beyond the contract.

export interface ConfigValue {
    value: string;
    secret?: boolean;
}

export interface EngineOptions {
    /** The folder holding Pulumi.yaml. */
    projectDir: string;
    stack: string;
    /** State kept as <stateDir>/<stack>.json. */
    stateDir: string;
    /** Stack config; keys are namespaced ("aep:clientId"); a key without ":" gets the project name. */
    config?: Record<string, string | ConfigValue>;
    /** Added to the program's and the dynamic-provider host's environment. */
    env?: Record<string, string>;
    /** Plan, progress and summary lines (default: stdout). */
    log?: (line: string) => void;
    /** (addition) Show unchanged resources ("= same") in the progress display. Default false. */
    showSames?: boolean;
}

export interface StepRecord {
    op: "create" | "update" | "replace" | "delete" | "same" | "read" | "refresh";
    urn: string;
    type: string;
    name: string;
    changedKeys?: string[];
}

export interface RunResult {
    ok: boolean;
    error?: string;
    steps: StepRecord[];
    /** Counts by step op, e.g. { create: 2, same: 5 }. A refresh also counts drifted resources as "update". */
    changes: Record<string, number>;
    /** Stack outputs; in a preview a value not known yet has `unknown: true` and value undefined. */
    outputs: Record<string, OutputValue>;
    /**
     * What the run said besides its steps, in order: messages and progress the program and the providers
     * sent to the engine ("warning: ...", "error: ...", "info: ..."), the run's own errors and warnings,
     * and the host's and program's output (plain lines).
     */
    diagnostics: string[];
    /**
     * (addition) The messages the run kept (progress excluded), in order, each with the resource it is
     * about (the stack's URN when the message named none): what the "Diagnostics:" section lists.
     */
    resourceDiagnostics: ResourceDiagnostic[];
    /** (addition) The process ids this run spawned (program, dynamic-provider host); all gone when the run returns. */
    pids: number[];
    /** (addition) Wall time of the run in milliseconds. */
    durationMs: number;
}

export type Severity = "info" | "warning" | "error";

export interface ResourceDiagnostic {
    severity: Severity;
    message: string;
    urn: string;
}

export interface OutputValue {
    value: unknown;
    secret: boolean;
    /** (addition) true in a preview when the value is not known yet. */
    unknown?: boolean;
}
