#!/usr/bin/env node
/**
 * The package's command: `npx pulumi-aep-chatlio send-test-event` posts a sample event of a webhook source
 * (Chatlio by default; `--source customerio|pendo|lava`) to the stack's webhook URL (from `pulumi stack output
 * --show-secrets webhookUrl`, or `--url`) and prints AEP's answer, never the URL. `npx pulumi-aep-chatlio
 * preview-comment` writes the pull-request comment for a stack's preview (see preview-comment.ts).
 */
import * as fs from "fs";
import { previewComment } from "./preview-comment";
import { SOURCE_KEYS, sendSourceEvents, sourcePreset, stackWebhookUrl } from "./sources/send-test-event";
import { WEBHOOK_PRESETS } from "./sources/registry";

const USAGE = [
    "usage: pulumi-aep-chatlio send-test-event [--source SOURCE] [--event NAME | --all] [--url URL] [--stack STACK] [--output NAME]",
    "",
    "Posts a sample webhook event of the source to the stack's webhook URL and prints AEP's answer. Without --url, the URL",
    "comes from `pulumi stack output --show-secrets webhookUrl` in the current folder (--stack and --output choose",
    `the stack and the output). Sources: ${SOURCE_KEYS.map((k) => `"${k}"`).join(", ")} (default "chatlio"). Events, by source:`,
    ...WEBHOOK_PRESETS.map(
        (p) =>
            `  ${p.key}: ${Object.keys(p.samples)
                .map((e) => `"${e}"`)
                .join(", ")} (default "${p.defaultEvent}")`,
    ),
    "--all sends each of the source's events.",
    "",
    "usage: pulumi-aep-chatlio preview-comment --stack STACK --json FILE [--diff FILE] [--note TEXT] [--exit-code N]",
    "",
    "Prints the pull-request comment for a stack's preview (Markdown): the summary (each changed resource, field, value",
    "before and after) from `pulumi preview --json` (FILE), then the full `pulumi preview --diff` (FILE) folded below it.",
    "Secret values stay [secret]. --exit-code: the preview's exit status (not 0: the comment says the preview failed).",
].join("\n");

function flag(argv: string[], name: string): string | undefined {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`--${name} needs a value`);
    return v;
}

export async function main(argv: string[]): Promise<number> {
    if (argv[0] === "preview-comment" && !argv.includes("--help")) return previewCommentCommand(argv.slice(1));
    if (argv[0] !== "send-test-event" || argv.includes("--help") || argv.includes("-h")) {
        console.log(USAGE);
        return argv.length === 0 || argv.includes("--help") || argv.includes("-h") ? 0 : 2;
    }
    const args = argv.slice(1);
    const preset = sourcePreset(flag(args, "source") ?? "chatlio");
    const events = args.includes("--all") ? Object.keys(preset.samples) : [flag(args, "event") ?? preset.defaultEvent];
    const given = flag(args, "url") ?? process.env.CHATLIO_WEBHOOK_URL;
    const url = given ?? stackWebhookUrl(flag(args, "stack"), flag(args, "output"));
    console.log(
        `Posting ${events.length} sample ${preset.label} event(s) to ${given ? "the given webhook URL" : "the stack's webhookUrl"}`,
    );
    const results = await sendSourceEvents(preset, url, events);
    for (const r of results) console.log(`  ${r.event}: ${r.status}\n    ${r.answer}`);
    const failed = results.filter((r) => !r.ok).length;
    console.log(
        failed
            ? `${failed} of ${results.length} refused by AEP`
            : "AEP accepted every event (AEP pauses ingestion for about 5 minutes after a dataflow is created or changed)",
    );
    return failed ? 1 : 0;
}

function previewCommentCommand(args: string[]): number {
    const stack = flag(args, "stack");
    const json = flag(args, "json");
    if (!stack || !json) throw new Error("preview-comment needs --stack STACK and --json FILE (the output of `pulumi preview --json`)");
    const diff = flag(args, "diff");
    const exitCode = Number(flag(args, "exit-code") ?? 0);
    let preview = {};
    try {
        preview = JSON.parse(fs.readFileSync(json, "utf8"));
    } catch (e) {
        // A failed preview may print no JSON: its comment says that it failed and shows the full output.
        if (!exitCode) throw new Error(`--json ${json}: not the output of \`pulumi preview --json\` (${(e as Error).message})`);
    }
    const text = diff ? fs.readFileSync(diff, "utf8") : undefined;
    // The project's name (the comment's marker) from the steps' URNs, or from Pulumi.yaml when there are none.
    const yaml = fs.existsSync("Pulumi.yaml") ? fs.readFileSync("Pulumi.yaml", "utf8") : "";
    const project = /^name:\s*["']?([^"'\s#]+)/m.exec(yaml)?.[1];
    process.stdout.write(previewComment({ stack, project, preview, diff: text, note: flag(args, "note"), exitCode }));
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            console.error(`pulumi-aep-chatlio: ${(err as Error).message}`);
            process.exit(2);
        },
    );
}
