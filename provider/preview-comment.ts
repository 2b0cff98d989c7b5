/**
 * The pull-request comment for one stack's preview (`npx pulumi-aep-chatlio preview-comment`): a summary a
 * reviewer reads first (what changes, in which resources, each changed field with its value before and
 * after), then the full `pulumi preview --diff` folded below it.
 *
 * The summary is built from `pulumi preview --json`: each step carries the resource's old and new inputs.
 * A dynamic provider returns no detailed diff to the engine, so the fields are found by comparing the two
 * inputs here, down to nested keys. The CLI already masks secret values in its JSON (`[secret]`); a value
 * still wrapped as a secret (a `--show-secrets` run) is shown as `[secret]` too, so no secret is printed.
 *
 * The comment follows pulumi/actions' conventions, so that a workflow edits it in place on each push: a
 * heading ``#### :tropical_drink: `preview` on <project>/<stack>`` and a marker
 * `<!-- pulumi-comment-id: <project>/<stack> -->` that identifies the stack's comment.
 */

/** One step of `pulumi preview --json` (the fields read here). */
export interface PreviewStep {
    op: string;
    urn: string;
    oldState?: { urn?: string; type?: string; inputs?: Record<string, unknown> };
    newState?: { urn?: string; type?: string; inputs?: Record<string, unknown> };
    diffReasons?: string[];
    replaceReasons?: string[];
}

/** `pulumi preview --json` (the fields read here). */
export interface PreviewJson {
    steps?: PreviewStep[];
    changeSummary?: Record<string, number>;
    diagnostics?: Array<{ urn?: string; message?: string; severity?: string }>;
}

export interface CommentOptions {
    stack: string;
    /** The project's name, when the preview has no step to read it from (a failed preview). */
    project?: string;
    /** The preview's JSON (`pulumi preview --json`). */
    preview: PreviewJson;
    /** The full text of `pulumi preview --diff`, folded below the summary. */
    diff?: string;
    /** A line under the heading (e.g. where the preview ran). */
    note?: string;
    /** The preview's exit status: not 0 says the preview failed (its reasons end the full diff). */
    exitCode?: number;
}

/** GitHub refuses comments over 65,536 characters; the full diff is cut to keep the comment under it. */
const MAX_COMMENT = 60_000;
/** A value longer than this is cut in the summary (the full diff has it whole). */
const MAX_VALUE = 120;
/** The engine's stand-in for a value known only after the update. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The key the engine marks a secret value with, when one is serialized whole. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** What each step does, in the words and signs of the CLI's own display. */
const OPS: Record<string, { sign: string; verb: string; count: string }> = {
    create: { sign: "+", verb: "create", count: "to create" },
    update: { sign: "~", verb: "update", count: "to update" },
    delete: { sign: "-", verb: "delete", count: "to delete" },
    replace: { sign: "+-", verb: "replace", count: "to replace" },
    "create-replacement": { sign: "+-", verb: "replace", count: "to replace" },
    "delete-replaced": { sign: "+-", verb: "replace", count: "to replace" },
    import: { sign: "=", verb: "import", count: "to import" },
    read: { sign: ">", verb: "read", count: "to read" },
    discard: { sign: "<", verb: "discard", count: "to discard" },
};

/** One changed field: its path in the inputs, its value before and after (undefined: absent). */
export interface FieldChange {
    path: string;
    before?: unknown;
    after?: unknown;
}

/** One resource the preview changes. */
export interface ResourceChange {
    sign: string;
    verb: string;
    /** The short type (`Dataset`) and the resource's name (`chatlio-dataset`). */
    type: string;
    name: string;
    /** The resource's former name, when an alias renames it. */
    renamedFrom?: string;
    fields: FieldChange[];
}

/** The resources a preview changes, in a stable order (by type and name), with their changed fields. */
export function resourceChanges(preview: PreviewJson): ResourceChange[] {
    const steps = preview.steps ?? [];
    const replaced = new Set(steps.filter((s) => s.op === "replace").map((s) => s.urn));
    const changes: ResourceChange[] = [];
    for (const step of steps) {
        const op = OPS[step.op];
        if (!op) continue; // same, refresh and the engine's own bookkeeping
        // A replacement shows as three steps; the `replace` one stands for them.
        if ((step.op === "create-replacement" || step.op === "delete-replaced") && replaced.has(step.urn)) continue;
        const oldUrn = step.oldState?.urn;
        const fields =
            step.op === "create" || step.op === "delete" ? [] : diffInputs(step.oldState?.inputs ?? {}, step.newState?.inputs ?? {});
        changes.push({
            sign: op.sign,
            verb: op.verb,
            type: shortType(step.newState?.type ?? step.oldState?.type ?? urnType(step.urn)),
            name: urnName(step.urn),
            renamedFrom: oldUrn && oldUrn !== step.urn ? urnName(oldUrn) : undefined,
            fields,
        });
    }
    return changes.sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
}

/** Every field whose value differs, as paths (`fields.rating.type`); the provider's own keys (`__…`) are left out. */
export function diffInputs(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
    const out: FieldChange[] = [];
    const walk = (a: unknown, b: unknown, path: string, depth: number) => {
        if (same(a, b)) return;
        const nested = (v: unknown) => v !== null && typeof v === "object" && !isSecret(v);
        if (depth < 4 && nested(a) && nested(b) && Array.isArray(a) === Array.isArray(b)) {
            const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
            for (const k of [...keys].sort(byKey))
                walk(
                    (a as Record<string, unknown>)[k],
                    (b as Record<string, unknown>)[k],
                    Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`,
                    depth + 1,
                );
            return;
        }
        out.push({ path: path.replace(/^\./, ""), before: a, after: b });
    };
    const keys = new Set([...Object.keys(before), ...Object.keys(after)].filter((k) => !k.startsWith("__")));
    for (const k of [...keys].sort(byKey)) walk(before[k], after[k], `.${k}`, 0);
    return out;
}

/** The comment's body (Markdown). */
export function previewComment(o: CommentOptions): string {
    const project = urnProject(o.preview.steps?.[0]?.urn) ?? o.project ?? "project";
    const heading = `#### :tropical_drink: \`preview\` on ${project}/${o.stack}`;
    const lines = [heading, `<!-- pulumi-comment-id: ${project}/${o.stack} -->`, ""];
    if (o.note) lines.push(o.note, "");
    const changes = resourceChanges(o.preview);
    if (o.exitCode) lines.push(`**The preview failed** (exit ${o.exitCode}): the reasons are at the end of the full output below.`, "");
    else lines.push(summaryLine(o.preview.changeSummary ?? {}), "");
    if (changes.length) {
        lines.push("| | resource | field | before | after |", "|---|---|---|---|---|");
        for (const c of changes) {
            const what = `${c.verb} **${c.type}** \`${c.name}\`${c.renamedFrom ? ` (renamed from \`${c.renamedFrom}\`)` : ""}`;
            const sign = `\`${c.sign}\``;
            if (!c.fields.length) lines.push(`| ${sign} | ${what} | | | |`);
            c.fields.forEach((f, i) =>
                lines.push(`| ${i ? "" : sign} | ${i ? "" : what} | \`${cell(f.path)}\` | ${value(f.before)} | ${value(f.after)} |`),
            );
        }
        lines.push("");
    }
    const warnings = (o.preview.diagnostics ?? []).filter((d) => d.severity === "warning" || d.severity === "error");
    if (warnings.length) {
        lines.push("Diagnostics:", "");
        for (const d of warnings)
            lines.push(
                `- **${d.severity}** ${d.urn ? `\`${urnName(d.urn)}\`: ` : ""}${oneLine(d.message ?? "").replace(/^(warning|error): /, "")}`,
            );
        lines.push("");
    }
    if (o.diff !== undefined) {
        const head = lines.join("\n");
        let diff = cleanDiff(o.diff);
        const room = MAX_COMMENT - head.length - 200;
        if (diff.length > room) diff = `${diff.slice(0, room)}\n… (cut: the full text is in the job's log)`;
        lines.push(
            `<details><summary>The full <code>pulumi preview --diff</code> (${diff.split("\n").length} lines)</summary>`,
            "",
            "```diff",
            diff,
            "```",
            "</details>",
        );
    }
    return lines.join("\n").trimEnd() + "\n";
}

/** "**5 to update**, 5 unchanged", in the CLI's order. */
function summaryLine(summary: Record<string, number>): string {
    const order = ["create", "update", "replace", "delete", "import", "read", "discard"];
    const parts = order.filter((k) => summary[k]).map((k) => `${summary[k]} ${OPS[k].count}`);
    const same = summary.same ? `${summary.same} unchanged` : "";
    if (!parts.length) return `**No change**${same ? `, ${same}` : ""}`;
    return `**${parts.join(", ")}**${same ? `, ${same}` : ""}`;
}

/** The diff as a terminal shows it, without colour codes and progress lines. */
function cleanDiff(text: string): string {
    return (
        text
            // eslint-disable-next-line no-control-regex -- the escape that starts a colour code
            .replace(/\x1b\[[0-9;]*m/g, "")
            .replace(/\r/g, "")
            .split("\n")
            .filter((l) => !/^@ /.test(l))
            .join("\n")
            .trim()
    );
}

/** A value for a table cell: JSON, secrets and unknowns named, long values cut, Markdown and HTML escaped. */
function value(v: unknown): string {
    if (v === undefined) return "";
    let text: string;
    if (v === UNKNOWN) text = "[unknown]";
    else if (isSecret(v) || v === "[secret]") text = "[secret]";
    else text = JSON.stringify(v, (_k, x) => (x === UNKNOWN ? "[unknown]" : isSecret(x) ? "[secret]" : x)) ?? String(v);
    if (text.length > MAX_VALUE) text = `${text.slice(0, MAX_VALUE)}…`;
    return `<code>${cell(text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"))}</code>`;
}

function cell(text: string): string {
    return oneLine(text).replace(/\|/g, "\\|");
}

function oneLine(text: string): string {
    return text.replace(/\s*\n\s*/g, " ").trim();
}

function isSecret(v: unknown): boolean {
    return v !== null && typeof v === "object" && SECRET_SIG in (v as object);
}

function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/** Array indexes in number order, keys in text order. */
function byKey(a: string, b: string): number {
    return /^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b);
}

/** `urn:pulumi:STACK::PROJECT::…::NAME` → NAME. */
function urnName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

function urnType(urn: string): string {
    const parts = urn.split("::");
    return (parts[2] ?? "").split("$").pop() ?? "";
}

function urnProject(urn: string | undefined): string | undefined {
    return urn?.split("::")[1];
}

/** `pulumi-nodejs:dynamic/aep:Dataset` → `Dataset`; `random:index/randomString:RandomString` → `RandomString`. */
function shortType(type: string): string {
    return type.split(/[:/]/).pop() || type;
}
