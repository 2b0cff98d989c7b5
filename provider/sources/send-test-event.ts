/**
 * Posting a webhook source's sample events to a stack's webhook URL, to check that events flow into AEP: the
 * check a person makes after `pulumi up`, shipped with the package
 * (`npx pulumi-aep-chatlio send-test-event --source pendo`). Each source's samples are its sender's
 * documented payloads (see each preset).
 */
import { execFileSync } from "child_process";
import { WEBHOOK_PRESETS } from "./registry";
import { WebhookPreset } from "./webhook-source";

/** What AEP answered to one sample event. */
export interface TestEventResult {
    event: string;
    status: number;
    /** AEP's answer, with the inlet id (the secret part of the URL) replaced by `[secret]`. */
    answer: string;
    ok: boolean;
}

/** The keys of the sources `--source` takes. */
export const SOURCE_KEYS = WEBHOOK_PRESETS.map((p) => p.key);

/** The preset with this key, or an error listing the keys. */
export function sourcePreset(key: string): WebhookPreset {
    const preset = WEBHOOK_PRESETS.find((p) => p.key === key);
    if (!preset) throw new Error(`unknown source "${key}": use one of ${SOURCE_KEYS.map((k) => `"${k}"`).join(", ")}`);
    return preset;
}

/** Posts each named sample event of the source to the webhook URL and returns AEP's answers (the URL never appears in them). */
export async function sendSourceEvents(
    preset: WebhookPreset,
    url: string,
    events: string[] = [preset.defaultEvent],
): Promise<TestEventResult[]> {
    const names = Object.keys(preset.samples);
    const unknown = events.filter((e) => !preset.samples[e]);
    if (unknown.length)
        throw new Error(
            `unknown ${preset.label} event ${unknown.map((e) => `"${e}"`).join(", ")}: use one of ${names.map((k) => `"${k}"`).join(", ")}`,
        );
    const results: TestEventResult[] = [];
    for (const event of events) {
        const res = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(preset.samples[event]),
        });
        const text = (await res.text()).replace(/[0-9a-f]{64}/g, "[secret]");
        results.push({ event, status: res.status, answer: text.length > 600 ? `${text.slice(0, 600)}…` : text, ok: res.ok });
    }
    return results;
}

/** The stack's webhook URL, from `pulumi stack output --show-secrets webhookUrl` in the current folder. */
export function stackWebhookUrl(stack?: string, output = "webhookUrl"): string {
    const args = ["stack", "output", "--show-secrets", output, ...(stack ? ["--stack", stack] : [])];
    let value = "";
    try {
        value = execFileSync("pulumi", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch (e) {
        const said = String((e as { stderr?: string }).stderr ?? (e as Error).message)
            .trim()
            .split("\n")
            .pop();
        throw new Error(
            `\`pulumi ${args.join(" ")}\` failed (${said}): run this in the Pulumi project folder after \`pulumi up\`, or pass --url`,
        );
    }
    if (!/^https?:\/\//.test(value))
        throw new Error(
            `the stack output "${output}" is not a URL: pass --url, or --output with the name of the output that holds the webhook URL`,
        );
    return value;
}
