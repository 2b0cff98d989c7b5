// `npm run smoke`: posts a sample Chatlio event to the stack's webhook URL and reports AEP's answer.
//
//   npm run smoke [-- --event "offline message" | --all] [--stack dev] [--url URL] [--state-dir DIR]
//
// The URL comes from --url, else CHATLIO_WEBHOOK_URL, else the local engine's stack outputs
// (.pulumi-local), else `pulumi stack output --show-secrets webhookUrl` when the Pulumi CLI is installed.
// A stack deployed on the embedded emulator gets its emulator started (same port and store) for the post.
// The URL itself is never printed: it is the stack's secret.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CHATLIO_SAMPLES } from "../provider/chatlio/samples";
import { sendTestEvents } from "../provider/chatlio/send-test-event";
import { LocalEngine } from "./engine";

const ROOT = path.resolve(__dirname, "..");

function flag(argv: string[], name: string): string | undefined {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
}

interface Target {
    url: string;
    source: string;
    stateDir?: string;
    stack: string;
}

function webhookUrl(argv: string[]): Target {
    const stack = flag(argv, "stack") ?? "dev";
    const explicit = flag(argv, "url") ?? process.env.CHATLIO_WEBHOOK_URL;
    if (explicit) return { url: explicit, source: "the given URL", stack };
    const stateDir = path.resolve(flag(argv, "state-dir") ?? path.join(ROOT, ".pulumi-local"));
    const engine = new LocalEngine({ projectDir: ROOT, stack, stateDir });
    if (fs.existsSync(engine.statePath)) {
        const value = engine.outputs().webhookUrl?.value;
        if (typeof value === "string") return { url: value, source: `stack "${stack}" (local engine state)`, stateDir, stack };
    }
    try {
        const value = execFileSync("pulumi", ["stack", "output", "--show-secrets", "--stack", stack, "webhookUrl"], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        }).trim();
        if (value) return { url: value, source: `stack "${stack}" (Pulumi CLI)`, stack };
    } catch {
        // No Pulumi CLI, or no such stack: say what to do below.
    }
    throw new Error(`no webhook URL for stack "${stack}": run \`npm start\` first, or pass --url URL (or set CHATLIO_WEBHOOK_URL)`);
}

/** The embedded emulator of a locally deployed stack, started on the port its URLs name. */
async function localEmulator(target: Target): Promise<(() => Promise<void>) | undefined> {
    if (!target.stateDir) return undefined;
    const portFile = path.join(target.stateDir, `${target.stack}.emulator.json`);
    if (!fs.existsSync(portFile)) return undefined;
    const port = Number(JSON.parse(fs.readFileSync(portFile, "utf8")).port);
    const url = new URL(target.url);
    if (!/^(127\.|localhost$)/.test(url.hostname) || Number(url.port) !== port) return undefined;
    const { startEmulator } = await import("aep-emulator");
    const emu = await startEmulator({ port, storeFile: path.join(target.stateDir, `${target.stack}.aep-store.json`) });
    return () => emu.close();
}

async function main(argv: string[]): Promise<number> {
    const events = argv.includes("--all") ? Object.keys(CHATLIO_SAMPLES) : [flag(argv, "event") ?? "new conversation"];
    for (const e of events) {
        if (!CHATLIO_SAMPLES[e])
            throw new Error(
                `unknown event "${e}": use one of ${Object.keys(CHATLIO_SAMPLES)
                    .map((k) => `"${k}"`)
                    .join(", ")}`,
            );
    }
    const target = webhookUrl(argv);
    const stop = await localEmulator(target);
    let failures = 0;
    try {
        console.log(`Posting ${events.length} sample Chatlio event(s) to the webhook URL of ${target.source}`);
        for (const r of await sendTestEvents(target.url, events)) {
            if (!r.ok) failures++;
            console.log(`  ${r.event}: ${r.status}`);
            console.log(`    ${r.answer}`);
        }
    } finally {
        await stop?.();
    }
    console.log(
        failures
            ? `${failures} of ${events.length} refused by AEP`
            : "AEP accepted every event (it pauses ingestion for about 5 minutes after a dataflow is created or changed)",
    );
    return failures ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
        console.error(`smoke: ${(err as Error).message}`);
        process.exit(2);
    },
);
