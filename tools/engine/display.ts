// What the run prints, laid out like the Pulumi CLI's non-interactive display: one line per step as it
// starts and ends ("creating (0s)" / "created (1.2s)"), or one plan line per step in a preview, then
// "Outputs:", "Resources:" and "Duration:". Property values are never printed except stack outputs,
// and secrets show as [secret].

import { Severity } from "./types";
import { isSecret, UNKNOWN } from "./values";

export type Op = "create" | "update" | "replace" | "delete" | "same" | "refresh" | "read";
export type Kind = "preview" | "up" | "refresh" | "destroy";

const SYMBOL: Record<Op, string> = {
    create: "+ ",
    update: "~ ",
    replace: "+-",
    delete: "- ",
    same: "  ",
    refresh: "~ ",
    read: "> ",
};

const ING: Record<Op, string> = {
    create: "creating",
    update: "updating",
    replace: "replacing",
    delete: "deleting",
    same: "same",
    refresh: "refreshing",
    read: "reading",
};

const ED: Record<Op, string> = {
    create: "created",
    update: "updated",
    replace: "replaced",
    delete: "deleted",
    same: "same",
    refresh: "refreshed",
    read: "read",
};

/** `random:index/randomString:RandomString` → `random:index:RandomString` (the CLI's simplified type). */
export function displayType(type: string): string {
    const parts = type.split(":");
    if (parts.length !== 3) return type;
    const [pkg, mod, name] = parts;
    const segs = mod.split("/");
    const last = segs[segs.length - 1];
    if (segs.length > 1 && last.toLowerCase() === name.toLowerCase()) {
        return `${pkg}:${segs.slice(0, -1).join("/")}:${name}`;
    }
    return type;
}

/** How a message starts, by severity (the CLI's diagnostic prefixes: none for info). */
const PREFIX: Record<Severity, string> = { info: "", warning: "warning: ", error: "error: " };

function seconds(ms: number): string {
    return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

function diffNote(keys: string[] | undefined, op: Op): string {
    if (!keys || keys.length === 0) return "";
    const mark = op === "refresh" ? "~" : "~";
    return ` [diff: ${keys.map((k) => mark + k).join(", ")}]`;
}

/** Renders a value for the Outputs section: JSON-like, secrets as [secret], unknowns as output<string>. */
export function renderValue(v: unknown, showSecrets = false, indent = "    "): string {
    if (isSecret(v)) {
        return showSecrets ? renderValue(v.value, showSecrets, indent) : "[secret]";
    }
    if (v === UNKNOWN) return "output<string>";
    if (v === null || v === undefined) return "null";
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v !== "object") return String(v);
    const inner = indent + "    ";
    if (Array.isArray(v)) {
        if (v.length === 0) return "[]";
        return `[\n${v.map((x, i) => `${inner}[${i}]: ${renderValue(x, showSecrets, inner)}`).join("\n")}\n${indent}]`;
    }
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return "{}";
    const w = Math.max(...keys.map((k) => k.length));
    return `{\n${keys.map((k) => `${inner}${k.padEnd(w)}: ${renderValue((v as Record<string, unknown>)[k], showSecrets, inner)}`).join("\n")}\n${indent}}`;
}

export class Display {
    constructor(
        private readonly log: (line: string) => void,
        private readonly kind: Kind,
        private readonly showSames: boolean,
    ) {}

    header(stack: string, project: string): void {
        const what = { preview: "Previewing update", up: "Updating", refresh: "Refreshing", destroy: "Destroying" }[this.kind];
        this.log(`${what} (${stack}) [project ${project}, local engine]`);
        this.log("");
    }

    line(text: string): void {
        this.log(text);
    }

    /** A plan line in a preview: " +  type name create [diff: ~k]". */
    planned(op: Op, type: string, name: string, keys?: string[], note = ""): void {
        if (op === "same" && !this.showSames) return;
        this.log(` ${SYMBOL[op]} ${displayType(type)} ${name} ${op}${diffNote(keys, op)}${note}`);
    }

    started(op: Op, type: string, name: string, keys?: string[], what?: string): void {
        if (op === "same") return;
        this.log(` ${SYMBOL[op]} ${displayType(type)} ${name} ${what ?? ING[op]} (0s)${diffNote(keys, op)}`);
    }

    finished(op: Op, type: string, name: string, ms: number, keys?: string[], what?: string): void {
        if (op === "same" && !this.showSames) return;
        if (op === "same") {
            this.log(`    ${displayType(type)} ${name} same`);
            return;
        }
        this.log(` ${SYMBOL[op]} ${displayType(type)} ${name} ${what ?? ED[op]} (${seconds(ms)})${diffNote(keys, op)}`);
    }

    failed(op: Op, type: string, name: string, ms: number, what?: string): void {
        this.log(` ${SYMBOL[op]} ${displayType(type)} ${name} ${what ?? ING[op]} failed (${seconds(ms)}) error`);
    }

    /**
     * A message about a resource as it arrives: a line naming the resource, then the message's first line
     * after its severity (the CLI's row for the resource with the message in its info column).
     */
    message(severity: Severity, type: string, name: string, text: string): void {
        this.log(`    ${displayType(type)} ${name} ${PREFIX[severity]}${text.split("\n")[0]}`);
    }

    /** "Diagnostics:": the kept messages again, whole, under their resource, as the CLI lists them before the outputs. */
    diagnostics(groups: Array<{ type: string; name: string; messages: Array<{ severity: Severity; message: string }> }>): void {
        if (groups.length === 0) return;
        this.log("Diagnostics:");
        for (const g of groups) {
            this.log(`  ${displayType(g.type)} (${g.name}):`);
            for (const m of g.messages) {
                for (const line of `${PREFIX[m.severity]}${m.message}`.split("\n")) this.log(`    ${line}`.trimEnd());
            }
            this.log("");
        }
    }

    outputs(outputs: Record<string, unknown>): void {
        const keys = Object.keys(outputs).sort();
        if (keys.length === 0) return;
        this.log("Outputs:");
        const w = Math.max(...keys.map((k) => k.length));
        for (const k of keys) {
            this.log(`    ${k.padEnd(w)}: ${renderValue(outputs[k])}`);
        }
        this.log("");
    }

    /** "Resources:": the steps by kind, then how many warnings the run kept. */
    summary(counts: Record<string, number>, warnings = 0): void {
        const preview = this.kind === "preview";
        const rows: Array<[string, string, string]> = [
            ["create", "+ ", preview ? "to create" : "created"],
            ["update", "~ ", preview ? "to update" : "updated"],
            ["replace", "+-", preview ? "to replace" : "replaced"],
            ["delete", "- ", preview ? "to delete" : "deleted"],
        ];
        this.log("Resources:");
        let changes = 0;
        for (const [op, sym, word] of rows) {
            const n = counts[op] ?? 0;
            if (n > 0) {
                this.log(`    ${sym}${n} ${word}`);
                changes += n;
            }
        }
        const same = counts.same ?? 0;
        if (changes > 0 && same > 0) {
            this.log(`    ${changes} change${changes === 1 ? "" : "s"}. ${same} unchanged`);
        } else if (same > 0) {
            this.log(`    ${same} unchanged`);
        } else if (changes === 0) {
            this.log("    no changes");
        }
        if (warnings > 0) {
            this.log(`    ${warnings} warning${warnings === 1 ? "" : "s"}`);
        }
        this.log("");
    }

    duration(ms: number): void {
        this.log(`Duration: ${seconds(ms)}`);
    }
}
