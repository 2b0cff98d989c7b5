/**
 * One sample payload per Chatlio webhook event, written by the team from the field lists Chatlio
 * documents (all values are made up). Used by `npm run smoke` and the end-to-end tests; handy for
 * checking a mapping before real chats arrive.
 */

const visitor = {
    email: "pat.visitor@example.com",
    UUID: "3f0b8a52-5d1e-4c47-9a53-0c2f6e1d7b11",
    name: "Pat Visitor",
    identUserId: "user-1042",
    identTraits: '{"plan":"team","seats":12}',
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    handle: "pat",
    currentPage: "https://shop.example.com/pricing",
    referrerURL: "https://search.example.org/?q=chat",
    createdAt: "2026-11-20T09:14:03Z",
    IPAddress: "198.51.100.23",
    location: "Lisbon, PT",
};

/** Shape A: a new conversation started (unanswered and feedback events share this shape). */
export const NEW_CONVERSATION = {
    visitor,
    message: "Hi, does the team plan include SSO?",
    conversationUUID: "9d41c2e7-0b3f-4f5a-8e0c-5a7b1c2d3e4f",
    channelId: "C05ABCDE123",
    slackChannelName: "chat-pat",
    slackChannelId: "C05ABCDE123",
};

/** Shape A: the visitor did not get an answer in time. */
export const UNANSWERED = { ...NEW_CONVERSATION, message: "Hello? Anyone there?" };

/** Shape A: the visitor left feedback after a chat (Chatlio documents no rating field). */
export const FEEDBACK = { ...NEW_CONVERSATION, message: "Thanks, that answered my question." };

/** Shape B: an offline message. */
export const OFFLINE_MESSAGE = {
    name: "Pat Visitor",
    email: "pat.visitor@example.com",
    emailPretty: "Pat Visitor <pat.visitor@example.com>",
    message: "Please call me back about the team plan.",
    visitor: { ...visitor, location: undefined },
};

/** Shape C: a chat transcript export. */
export const TRANSCRIPT = {
    agentEmail: "sam.agent@example.com",
    agentName: "Sam Agent",
    archiveUrl: "https://chatlio.example.com/archive/9d41c2e7",
    extraData: ["plan=team"],
    channelId: "C05ABCDE123",
    channelName: "chat-pat",
    conversationUUID: "9d41c2e7-0b3f-4f5a-8e0c-5a7b1c2d3e4f",
    startedAt: "2026-11-20T09:14:05Z",
    endedAt: "2026-11-20T09:21:40Z",
    htmlBody: "<p><b>Pat</b>: Hi, does the team plan include SSO?</p><p><b>Sam</b>: Yes, it does.</p>",
    textBody: "Pat: Hi, does the team plan include SSO?\nSam: Yes, it does.",
    messages: [
        {
            text: "Hi, does the team plan include SSO?",
            ts: "1763630045.000100",
            sentAt: "2026-11-20T09:14:05Z",
            userId: "visitor-3f0b",
            username: "Pat",
            isVisitorMsg: true,
        },
        {
            text: "Yes, it does.",
            ts: "1763630100.000200",
            sentAt: "2026-11-20T09:15:00Z",
            userId: "U02AGENT",
            username: "Sam",
            isVisitorMsg: false,
        },
    ],
    visitorEmail: "pat.visitor@example.com",
    replyToEmail: "support@example.com",
    visitorName: "Pat Visitor",
    visitorTraits: { current_page: "https://shop.example.com/pricing" },
};

/** Every sample by event name. */
export const CHATLIO_SAMPLES: Record<string, Record<string, unknown>> = {
    "new conversation": NEW_CONVERSATION,
    unanswered: UNANSWERED,
    feedback: FEEDBACK,
    "offline message": OFFLINE_MESSAGE,
    transcript: TRANSCRIPT,
};
