/**
 * CustomerIoSource: Customer.io reporting webhooks into AEP, a preset of {@link WebhookSource}.
 *
 * From Adobe's Customer.io tutorials (`marketing-automation/customerio-webhook.md`, API and UI): connection
 * spec `96479064-…`, and the payload fields Adobe lists as mandatory mappings (`event_id`, `object_type`,
 * `metric`, `timestamp`, `data.identifiers.{id,email,cio_id}`, `data.customer_id`, `data.email_address`).
 * Customer.io's own webhook reference adds the message fields below `data` (delivery, campaign, action,
 * broadcast, recipient, subject, clicked link, failure). `timestamp` is epoch seconds and becomes the
 * event's XDM `timestamp`; `event_id` its `_id`; the identifiers' email is the schema's primary identity
 * (namespace Email) unless the program says otherwise.
 */
import * as pulumi from "@pulumi/pulumi";
import { XdmField } from "../resources/field-group";
import { Mapping } from "../resources/mapping-set";
import { TENANT, WebhookPreset, WebhookSource, WebhookSourceArgs, epochSecondsToDateTime } from "./webhook-source";

const text = (title: string, description: string): XdmField => ({ type: "string", title, description });

const FIELDS: Record<string, XdmField> = {
    customerio: {
        type: "object",
        title: "Customer.io",
        description: "A Customer.io reporting webhook event.",
        properties: {
            eventId: text("Event id", "Customer.io's unique id of the event (`event_id`)."),
            objectType: text("Object type", "What the event is about: customer, email, push, sms, webhook, … (`object_type`)."),
            metric: text("Metric", "What happened: subscribed, sent, delivered, opened, clicked, bounced, … (`metric`)."),
            data: {
                type: "object",
                title: "Data",
                description: "The event's details (`data`).",
                properties: {
                    customerId: text("Customer id", "The customer's id in Customer.io (`customer_id`)."),
                    emailAddress: { type: "string", format: "email", title: "Email address", description: "`email_address`." },
                    identifiers: {
                        type: "object",
                        title: "Identifiers",
                        description: "The person's identifiers (`identifiers`).",
                        properties: {
                            id: text("Id", "The person's id."),
                            email: { type: "string", format: "email", title: "Email", description: "The person's email address." },
                            cioId: text("Customer.io id", "Customer.io's own id of the person (`cio_id`; absent in test mode)."),
                        },
                    },
                    deliveryId: text("Delivery id", "The message delivery (`delivery_id`)."),
                    actionId: text("Action id", "The campaign action that sent the message (`action_id`)."),
                    campaignId: text("Campaign id", "`campaign_id`."),
                    broadcastId: text("Broadcast id", "`broadcast_id`."),
                    recipient: text("Recipient", "Where the message went: an address or a device (`recipient`)."),
                    subject: text("Subject", "The message subject (`subject`)."),
                    href: text("Link", "The link clicked (`href`)."),
                    linkId: text("Link id", "`link_id`."),
                    failureMessage: text("Failure message", "Why a message failed or bounced (`failure_message`)."),
                },
            },
        },
    },
};

const at = (source: string, destination: string): Mapping => ({ source, destination: `${TENANT}.customerio.${destination}` });

const MAPPINGS: Mapping[] = [
    { source: "event_id", destination: "_id" },
    { sourceType: "EXPRESSION", source: epochSecondsToDateTime("timestamp"), destination: "timestamp" },
    at("event_id", "eventId"),
    at("object_type", "objectType"),
    at("metric", "metric"),
    at("data.customer_id", "data.customerId"),
    at("data.email_address", "data.emailAddress"),
    at("data.identifiers.id", "data.identifiers.id"),
    at("data.identifiers.email", "data.identifiers.email"),
    at("data.identifiers.cio_id", "data.identifiers.cioId"),
    at("data.delivery_id", "data.deliveryId"),
    at("data.action_id", "data.actionId"),
    at("data.campaign_id", "data.campaignId"),
    at("data.broadcast_id", "data.broadcastId"),
    at("data.recipient", "data.recipient"),
    at("data.subject", "data.subject"),
    at("data.href", "data.href"),
    at("data.link_id", "data.linkId"),
    at("data.failure_message", "data.failureMessage"),
];

const identifiers = { id: "cust-7731", email: "robin.reader@example.com", cio_id: "a3f90c000017" };

/** Sample reporting webhooks, shaped as Customer.io documents them (values made up). */
export const CUSTOMERIO_SAMPLES: Record<string, Record<string, unknown>> = {
    "customer subscribed": {
        event_id: "01HZX4K2V9Q7M3T8B6N5C1D0EF",
        object_type: "customer",
        metric: "subscribed",
        timestamp: 1764930000,
        data: { customer_id: "cust-7731", email_address: "robin.reader@example.com", identifiers },
    },
    "email delivered": {
        event_id: "01HZX4M8R1S2T3U4V5W6X7Y8Z9",
        object_type: "email",
        metric: "delivered",
        timestamp: 1764930360,
        data: {
            customer_id: "cust-7731",
            identifiers,
            delivery_id: "RMi7AQABk2n6dQ",
            action_id: "42",
            campaign_id: "7",
            recipient: "robin.reader@example.com",
            subject: "Your first week with the team plan",
        },
    },
    "email clicked": {
        event_id: "01HZX4P0A1B2C3D4E5F6G7H8J9",
        object_type: "email",
        metric: "clicked",
        timestamp: 1764933960,
        data: {
            customer_id: "cust-7731",
            identifiers,
            delivery_id: "RMi7AQABk2n6dQ",
            action_id: "42",
            campaign_id: "7",
            recipient: "robin.reader@example.com",
            subject: "Your first week with the team plan",
            href: "https://shop.example.com/guide",
            link_id: "3",
        },
    },
};

/** The text a person needs to connect Customer.io (contains no secret). */
export function customerIoSetupInstructions(stackOutput = "webhookUrl"): string {
    return [
        "Connect Customer.io to AEP:",
        `  1. Show the webhook URL: pulumi stack output --show-secrets ${stackOutput}`,
        "  2. In Customer.io, open Data & Integrations, then Integrations, then Reporting Webhooks, and add a webhook.",
        "  3. Paste the URL into its WEBHOOK ENDPOINT field and tick the events you want in AEP (customer, email, push, …).",
        "Treat the URL as a secret: anyone who has it can post into the dataset.",
    ].join("\n");
}

/** The Customer.io source as data. */
export const CUSTOMERIO: WebhookPreset = {
    key: "customerio",
    label: "Customer.io",
    className: "CustomerIoSource",
    typeToken: "aep:customerio:CustomerIoSource",
    connectionSpecId: "96479064-7b8a-4d69-b9ed-21c5683837ea",
    objectName: "customerio",
    fields: FIELDS,
    fieldGroupDescription: "Fields of Customer.io reporting webhook events (customer, message delivery, opens, clicks).",
    mappings: MAPPINGS,
    samples: CUSTOMERIO_SAMPLES,
    defaultEvent: "customer subscribed",
    defaultIdentity: { field: "data.identifiers.email", namespace: "Email", primary: true },
    identityExamples: ["data.identifiers.email", "data.identifiers.id"],
    setupInstructions: customerIoSetupInstructions,
};

/**
 * Everything AEP needs to receive Customer.io reporting webhooks. Paste `webhookUrl` into Customer.io
 * (see `setupInstructions`).
 */
export class CustomerIoSource extends WebhookSource {
    constructor(name: string, args: WebhookSourceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(CUSTOMERIO, name, args, opts);
    }
}
