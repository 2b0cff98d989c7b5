/**
 * PendoSource: Pendo webhooks (guides, polls and NPS shown or submitted) into AEP, a preset of
 * {@link WebhookSource}.
 *
 * From Adobe's Pendo tutorials (`analytics/pendo-webhook.md`, API and UI): connection spec `6ff5654f-…`, and
 * the payload fields of the sample and of the tutorial's mappings: `accountId`, `visitorId`, `uniqueId`,
 * `timestamp` (epoch seconds) and `properties.guideProperties.name`. `uniqueId` must be mapped (Adobe's
 * troubleshooting: "uniqueID: expected minLength:1"): it becomes the event's `_id` as well as a field;
 * `timestamp` becomes the event's XDM `timestamp`. The visitor id is a field, ready to be the schema's
 * identity in the namespace the organization keeps Pendo visitors in (`identity: { field: "visitorId", … }`).
 */
import * as pulumi from "@pulumi/pulumi";
import { XdmField } from "../resources/field-group";
import { Mapping } from "../resources/mapping-set";
import { TENANT, WebhookPreset, WebhookSource, WebhookSourceArgs, epochSecondsToDateTime } from "./webhook-source";

const text = (title: string, description: string): XdmField => ({ type: "string", title, description });

const FIELDS: Record<string, XdmField> = {
    pendo: {
        type: "object",
        title: "Pendo",
        description: "A Pendo webhook event.",
        properties: {
            uniqueId: text("Unique id", "Pendo's identifier of the event (`uniqueId`)."),
            accountId: text("Account id", "The Pendo account the visitor belongs to (`accountId`)."),
            visitorId: text("Visitor id", "The visitor's id as the product gave it to Pendo (`visitorId`)."),
            properties: {
                type: "object",
                title: "Properties",
                properties: {
                    guideProperties: {
                        type: "object",
                        title: "Guide",
                        description: "The guide, poll or NPS survey the event is about.",
                        properties: { name: text("Guide name", "`properties.guideProperties.name`.") },
                    },
                },
            },
        },
    },
};

const at = (source: string, destination: string): Mapping => ({ source, destination: `${TENANT}.pendo.${destination}` });

const MAPPINGS: Mapping[] = [
    { source: "uniqueId", destination: "_id" },
    { sourceType: "EXPRESSION", source: epochSecondsToDateTime("timestamp"), destination: "timestamp" },
    at("uniqueId", "uniqueId"),
    at("accountId", "accountId"),
    at("visitorId", "visitorId"),
    at("properties.guideProperties.name", "properties.guideProperties.name"),
];

/** Sample webhooks, shaped as Adobe's Pendo tutorial shows them (values made up). */
export const PENDO_SAMPLES: Record<string, Record<string, unknown>> = {
    "guide seen": {
        accountId: "acme-enterprise",
        timestamp: 1764930000,
        visitorId: "robin.reader@example.com",
        uniqueId: "9c1e0b7a4f2d4e6a8b3c5d7e9f1a2b3c4d5e6f70",
        properties: { guideProperties: { name: "Welcome tour" } },
    },
    "nps submitted": {
        accountId: "acme-enterprise",
        timestamp: 1764933600,
        visitorId: "robin.reader@example.com",
        uniqueId: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
        properties: { guideProperties: { name: "Quarterly NPS survey" } },
    },
};

/** The text a person needs to connect Pendo (contains no secret). */
export function pendoSetupInstructions(stackOutput = "webhookUrl"): string {
    return [
        "Connect Pendo to AEP:",
        `  1. Show the webhook URL: pulumi stack output --show-secrets ${stackOutput}`,
        "  2. In Pendo, open Settings, then Integrations, then Webhooks, and add a webhook.",
        "  3. Paste the URL into its URL field and choose the events you want in AEP (guides, polls, NPS).",
        "Treat the URL as a secret: anyone who has it can post into the dataset.",
    ].join("\n");
}

/** The Pendo source as data. */
export const PENDO: WebhookPreset = {
    key: "pendo",
    label: "Pendo",
    className: "PendoSource",
    typeToken: "aep:pendo:PendoSource",
    connectionSpecId: "6ff5654f-19d5-427d-bd3e-c0ebc802389a",
    objectName: "pendo",
    fields: FIELDS,
    fieldGroupDescription: "Fields of Pendo webhook events (guides, polls and NPS surveys shown or submitted).",
    mappings: MAPPINGS,
    samples: PENDO_SAMPLES,
    defaultEvent: "guide seen",
    identityExamples: ["visitorId", "accountId"],
    setupInstructions: pendoSetupInstructions,
};

/** Everything AEP needs to receive Pendo webhooks. Paste `webhookUrl` into Pendo (see `setupInstructions`). */
export class PendoSource extends WebhookSource {
    constructor(name: string, args: WebhookSourceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(PENDO, name, args, opts);
    }
}
