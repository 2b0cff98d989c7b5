/**
 * The XDM fields of the Chatlio field group: every field Chatlio documents for its three webhook
 * payload shapes (see the project README), under one `chatlio` object in the tenant namespace.
 *
 * Chatlio does not document value formats for its time fields (`createdAt`, `startedAt`, `endedAt`,
 * `sentAt`, `ts`), nor the shape of `location` and `extraData` items; they are kept as strings so that
 * any format Chatlio sends is stored as sent.
 */
import { XdmField } from "../resources/field-group";

const text = (title: string, description: string): XdmField => ({ type: "string", title, description });

/** `visitor`: present in new-conversation, unanswered, feedback and offline-message payloads. */
const visitor: XdmField = {
    type: "object",
    title: "Visitor",
    description: "The website visitor who chatted.",
    properties: {
        UUID: text("Visitor UUID", "Chatlio's identifier of the visitor; Adobe requires it to be mapped."),
        email: { type: "string", format: "email", title: "Email", description: "The visitor's email address, when known." },
        name: text("Name", "The visitor's name, when known."),
        identUserId: text("Identified user id", "The id the site passed to Chatlio's identify call."),
        identTraits: text("Identified traits", "Traits from Chatlio's identify call, as the JSON text Chatlio sends."),
        userAgent: text("User agent", "The visitor's browser user agent."),
        handle: text("Handle", "The visitor's handle in Chatlio."),
        currentPage: text("Current page", "The page the visitor was on."),
        referrerURL: text("Referrer URL", "The page that referred the visitor."),
        createdAt: text("Created at", "When Chatlio first saw the visitor, as Chatlio sends it."),
        IPAddress: text("IP address", "The visitor's IP address."),
        location: text("Location", "The visitor's location, as Chatlio sends it."),
    },
};

/** One chat message inside a transcript. */
const message: XdmField = {
    type: "object",
    title: "Transcript message",
    properties: {
        text: text("Text", "The message text."),
        ts: text("Slack timestamp", "The message's Slack timestamp."),
        sentAt: text("Sent at", "When the message was sent, as Chatlio sends it."),
        userId: text("User id", "Who sent the message."),
        username: text("User name", "The sender's display name."),
        isVisitorMsg: { type: "boolean", title: "From the visitor", description: "True when the visitor wrote the message." },
    },
};

/** The `chatlio` object placed under the tenant namespace. */
export const CHATLIO_FIELDS: Record<string, XdmField> = {
    chatlio: {
        type: "object",
        title: "Chatlio",
        description: "A Chatlio webhook event.",
        properties: {
            visitor,
            message: text("Message", "The visitor's message (new conversation, unanswered, feedback and offline events)."),
            conversationUUID: text("Conversation UUID", "Chatlio's identifier of the conversation."),
            channelId: text("Channel id", "The Slack channel id of the conversation."),
            channelName: text("Channel name", "The Slack channel name (transcripts)."),
            slackChannelName: text("Slack channel name", "The Slack channel name."),
            slackChannelId: text("Slack channel id", "The Slack channel id."),
            offline: {
                type: "object",
                title: "Offline message",
                description: "Contact details left with an offline message.",
                properties: {
                    name: text("Name", "The name the visitor left."),
                    email: text("Email", "The email address the visitor left."),
                    emailPretty: text("Formatted email", "The visitor's name and email address, formatted."),
                },
            },
            transcript: {
                type: "object",
                title: "Transcript",
                description: "A chat transcript export.",
                properties: {
                    agentEmail: text("Agent email", "The agent's email address."),
                    agentName: text("Agent name", "The agent's name."),
                    archiveUrl: text("Archive URL", "Where Chatlio keeps the transcript."),
                    extraData: {
                        type: "array",
                        title: "Extra data",
                        description: "Extra data attached to the chat.",
                        items: { type: "string" },
                    },
                    startedAt: text("Started at", "When the chat started, as Chatlio sends it."),
                    endedAt: text("Ended at", "When the chat ended, as Chatlio sends it."),
                    htmlBody: text("HTML body", "The transcript as HTML."),
                    textBody: text("Text body", "The transcript as plain text."),
                    messages: { type: "array", title: "Messages", description: "The chat's messages.", items: message },
                    visitorEmail: text("Visitor email", "The visitor's email address."),
                    replyToEmail: text("Reply-to email", "The address replies go to."),
                    visitorName: text("Visitor name", "The visitor's name."),
                    visitorTraits: {
                        type: "object",
                        title: "Visitor traits",
                        properties: { currentPage: text("Current page", "The page the visitor was on (`current_page`).") },
                    },
                },
            },
        },
    },
};

export { EXPERIENCE_EVENT_FIELDS } from "../sources/webhook-source";
