/**
 * Default Data Prep mappings from Chatlio webhook payloads to the Chatlio field group, written with the
 * `_tenant` placeholder that {@link ChatlioSource} replaces with the organization's tenant namespace.
 */
import { Mapping } from "../resources/mapping-set";
import { TENANT } from "../sources/webhook-source";

export { TENANT };

const attr = (source: string, destination: string): Mapping => ({ source, destination: `${TENANT}.chatlio.${destination}` });

const VISITOR = [
    "UUID",
    "email",
    "name",
    "identUserId",
    "identTraits",
    "userAgent",
    "handle",
    "currentPage",
    "referrerURL",
    "createdAt",
    "IPAddress",
    "location",
];
const TRANSCRIPT = [
    "agentEmail",
    "agentName",
    "archiveUrl",
    "extraData",
    "startedAt",
    "endedAt",
    "htmlBody",
    "textBody",
    "messages",
    "visitorEmail",
    "replyToEmail",
    "visitorName",
];

export const DEFAULT_MAPPINGS: Mapping[] = [
    // ExperienceEvent requires _id and timestamp; Chatlio sends neither, so Data Prep computes them.
    { sourceType: "EXPRESSION", source: "uuid()", destination: "_id" },
    { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
    ...VISITOR.map((f) => attr(`visitor.${f}`, `visitor.${f}`)),
    attr("message", "message"),
    attr("conversationUUID", "conversationUUID"),
    attr("channelId", "channelId"),
    attr("channelName", "channelName"),
    attr("slackChannelName", "slackChannelName"),
    attr("slackChannelId", "slackChannelId"),
    attr("name", "offline.name"),
    attr("email", "offline.email"),
    attr("emailPretty", "offline.emailPretty"),
    ...TRANSCRIPT.map((f) => attr(f, `transcript.${f}`)),
    attr("visitorTraits.current_page", "transcript.visitorTraits.currentPage"),
];
