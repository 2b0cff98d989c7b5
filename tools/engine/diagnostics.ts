// What the Engine service's Log calls (from the program and from the provider code in the dynamic-provider
// host) become, as the Pulumi CLI shows them (pkg/v3 backend/display: progress.go, rows.go):
//   * a message is about the resource its URN names, or about the stack when it names none;
//   * it is shown as it arrives, on a line naming that resource;
//   * unless it is ephemeral (progress: a wait, a retry), it is kept: listed again under its resource in
//     the "Diagnostics:" section before the outputs, and a warning is counted in the summary;
//   * debug messages are dropped (the CLI shows them only with --debug).
// Each message shown is also a line of RunResult.diagnostics, "<severity>: <message>".

import { Display } from "./display";
import { nameOf, typeOf } from "./resources";
import { ResourceDiagnostic, Severity } from "./types";

/** LogSeverity (engine.proto): debug 0 (dropped), info 1, warning 2, error 3. */
const SEVERITIES: Array<Severity | undefined> = [undefined, "info", "warning", "error"];

export interface DiagnosticsOptions {
    display: Display;
    /** The stack's URN: what a message without a URN is about. */
    stackUrn: () => string;
    /** Adds a line to RunResult.diagnostics (without printing it). */
    record: (line: string) => void;
    /**
     * True once a step failed and the deployment was cancelled: error messages from then on are the
     * program's echo of the cancellation (the step's own error is shown already), recorded only.
     */
    cancelled: () => boolean;
}

export class Diagnostics {
    /** The messages kept, in order of arrival. */
    readonly kept: ResourceDiagnostic[] = [];
    /** The error messages kept (the run's error when the program fails after logging them). */
    readonly errors: string[] = [];

    constructor(private readonly o: DiagnosticsOptions) {}

    /** One Engine.Log call. */
    log(severity: number, message: string, urn: string, ephemeral: boolean): void {
        const s = SEVERITIES[severity];
        if (!s) return;
        this.o.record(`${s}: ${message}`);
        if (s === "error" && this.o.cancelled()) return;
        const about = urn || this.o.stackUrn();
        this.o.display.message(s, typeOf(about), nameOf(about), message);
        if (ephemeral) return;
        this.kept.push({ severity: s, message, urn: about });
        if (s === "error") this.errors.push(message);
    }

    /** How many warnings were kept (the summary counts them). */
    get warnings(): number {
        return this.kept.filter((m) => m.severity === "warning").length;
    }

    /** The "Diagnostics:" section: the kept messages grouped by resource, in order of each one's first. */
    show(): void {
        const groups = new Map<string, ResourceDiagnostic[]>();
        for (const m of this.kept) {
            const g = groups.get(m.urn);
            if (g) g.push(m);
            else groups.set(m.urn, [m]);
        }
        this.o.display.diagnostics([...groups].map(([urn, messages]) => ({ type: typeOf(urn), name: nameOf(urn), messages })));
    }
}
