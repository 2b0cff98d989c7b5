/**
 * Posting sample Chatlio events to a stack's webhook URL: the Chatlio case of the sources' event check
 * (provider/sources/send-test-event.ts), kept under its old names for the tools that use them.
 */
import { TestEventResult, sendSourceEvents, stackWebhookUrl } from "../sources/send-test-event";
import { CHATLIO } from "./chatlio-source";
import { CHATLIO_SAMPLES } from "./samples";

export { TestEventResult, stackWebhookUrl };

/** The names of the sample events: one of each of Chatlio's five webhook events. */
export const TEST_EVENTS = Object.keys(CHATLIO_SAMPLES);

/** Posts each named sample Chatlio event to the webhook URL and returns AEP's answers (the URL never appears in them). */
export function sendTestEvents(url: string, events: string[] = ["new conversation"]): Promise<TestEventResult[]> {
    return sendSourceEvents(CHATLIO, url, events);
}
