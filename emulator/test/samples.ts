/**
 * Chatlio-like webhook payloads for the emulator's own tests, with the fields Chatlio documents for its
 * webhooks (a conversation event: visitor, message, channelId, slackChannelName, slackChannelId; a
 * transcript: agentEmail, messages, visitorEmail, ...). All values are made up. The emulator knows nothing
 * of Chatlio: these only give the dataflows in the tests realistic data to map.
 */

/** A new conversation started (unanswered and feedback events share this shape). */
const newConversation = {
    visitor: {
        email: "robin.visitor@example.com",
        UUID: "6a1c7e20-3b4d-4f5e-8a9b-0c1d2e3f4a5b",
        name: "Robin Visitor",
        identUserId: "user-7",
        userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
        currentPage: "https://shop.example.com/help",
        createdAt: "2026-03-02T10:00:00Z",
    },
    message: "Hello, can I change my plan?",
    conversationUUID: "1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b",
    channelId: "C0EMULATOR1",
    slackChannelName: "chat-robin",
    slackChannelId: "C0EMULATOR1",
};

/** A chat transcript export: no visitor object, the agent and every message. */
const transcript = {
    agentEmail: "alex.agent@example.com",
    agentName: "Alex Agent",
    archiveUrl: "https://chatlio.example.com/archive/1b2c3d4e",
    channelId: "C0EMULATOR1",
    channelName: "chat-robin",
    conversationUUID: "1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b",
    startedAt: "2026-03-02T10:00:02Z",
    endedAt: "2026-03-02T10:04:30Z",
    textBody: "Robin: Hello, can I change my plan?\nAlex: Yes, under Settings.",
    messages: [
        {
            text: "Hello, can I change my plan?",
            ts: "1772445602.000100",
            sentAt: "2026-03-02T10:00:02Z",
            userId: "visitor-6a1c",
            username: "Robin",
            isVisitorMsg: true,
        },
        {
            text: "Yes, under Settings.",
            ts: "1772445660.000200",
            sentAt: "2026-03-02T10:01:00Z",
            userId: "U0AGENT",
            username: "Alex",
            isVisitorMsg: false,
        },
    ],
    visitorEmail: "Robin.Visitor@example.com",
    replyToEmail: "support@example.com",
    visitorName: "Robin Visitor",
};

/** One payload per shape the tests post. */
export const CHATLIO_PAYLOADS = { newConversation, transcript };
