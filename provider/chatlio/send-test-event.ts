/**
 * Posting sample Chatlio events to a stack's webhook URL, to check that events flow into AEP: the check
 * a person makes after `pulumi up`, shipped with the package (`npx pulumi-aep-chatlio send-test-event`).
 */
import { execFileSync } from "child_process";
import { CHATLIO_SAMPLES } from "./samples";

/** What AEP answered to one sample event. */
export interface TestEventResult {
    event: string;
    status: number;
    /** AEP's answer, with the inlet id (the secret part of the URL) replaced by `[secret]`. */
    answer: string;
    ok: boolean;
}

/** The names of the sample events: one of each of Chatlio's five webhook events. */
export const TEST_EVENTS = Object.keys(CHATLIO_SAMPLES);

/** Posts each named sample event to the webhook URL and returns AEP's answers (the URL never appears in them). */
export async function sendTestEvents(url: string, events: string[] = ["new conversation"]): Promise<TestEventResult[]> {
    const unknown = events.filter((e) => !CHATLIO_SAMPLES[e]);
    if (unknown.length)
        throw new Error(
            `unknown event ${unknown.map((e) => `"${e}"`).join(", ")}: use one of ${TEST_EVENTS.map((k) => `"${k}"`).join(", ")}`,
        );
    const results: TestEventResult[] = [];
    for (const event of events) {
        const res = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(CHATLIO_SAMPLES[event]),
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
