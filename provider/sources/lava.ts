/**
 * LavaSource: LAVA loyalty events (ticket scans, transactions, ledger entries) into AEP, a preset of
 * {@link WebhookSource}.
 *
 * From Adobe's LAVA tutorial (`loyalty/lava.md`): connection spec `232dfabe-…`, and the source attributes of
 * its recommended mappings for events: `lavaId`, `type`, `timestamp`, the ticket scan fields (`eventId`,
 * `eventName`, `eventLabel`, `venue`, `venueLabel`, `section`, `sectionLabel`, `row`, `seat`, `gate`,
 * `gateLabel`), the transaction fields (`transactionId`, `referenceId`, `subtotal`, `total`, `location`,
 * `redeemedAmount`) and the ledger fields (`amount`, `expiresAt`, `rewardId`, `rewardName`, `rewardSlug`,
 * `rewardType`). `type` becomes the event's `eventType` and `timestamp` its XDM `timestamp`, as the tutorial
 * maps them. LAVA's member profiles and balances are Profile records, not events: they do not fit this
 * ExperienceEvent schema, and neither do `items` and `rewardsApplied`, whose shape the tutorial does not give.
 */
import * as pulumi from "@pulumi/pulumi";
import { XdmField } from "../resources/field-group";
import { Mapping } from "../resources/mapping-set";
import { TENANT, WebhookPreset, WebhookSource, WebhookSourceArgs } from "./webhook-source";

const text = (title: string): XdmField => ({ type: "string", title });
const number = (title: string): XdmField => ({ type: "number", title });
const group = (title: string, names: Record<string, XdmField>): XdmField => ({ type: "object", title, properties: names });

const TICKET_SCAN = [
    "eventId",
    "eventName",
    "eventLabel",
    "venue",
    "venueLabel",
    "section",
    "sectionLabel",
    "row",
    "seat",
    "gate",
    "gateLabel",
];
const TRANSACTION_TEXT = ["transactionId", "referenceId", "location"];
const TRANSACTION_NUMBERS = ["subtotal", "total", "redeemedAmount"];
const LEDGER_TEXT = ["expiresAt", "rewardId", "rewardName", "rewardSlug", "rewardType"];

const FIELDS: Record<string, XdmField> = {
    lava: {
        type: "object",
        title: "LAVA",
        description: "A LAVA loyalty event.",
        properties: {
            lavaId: { type: "string", title: "LAVA id", description: "The member's LAVA id (`lavaId`)." },
            ticketScan: group("Ticket scan", Object.fromEntries(TICKET_SCAN.map((f) => [f, text(f)]))),
            transaction: group("Transaction", {
                ...Object.fromEntries(TRANSACTION_TEXT.map((f) => [f, text(f)])),
                ...Object.fromEntries(TRANSACTION_NUMBERS.map((f) => [f, number(f)])),
            }),
            ledger: group("Ledger entry", { amount: number("amount"), ...Object.fromEntries(LEDGER_TEXT.map((f) => [f, text(f)])) }),
        },
    },
};

const at = (source: string, destination: string): Mapping => ({ source, destination: `${TENANT}.lava.${destination}` });

const MAPPINGS: Mapping[] = [
    // LAVA's events carry no id of their own: Data Prep makes one.
    { sourceType: "EXPRESSION", source: "uuid()", destination: "_id" },
    { source: "timestamp", destination: "timestamp" },
    { source: "type", destination: "eventType" },
    at("lavaId", "lavaId"),
    ...TICKET_SCAN.map((f) => at(f, `ticketScan.${f}`)),
    ...[...TRANSACTION_TEXT, ...TRANSACTION_NUMBERS].map((f) => at(f, `transaction.${f}`)),
    ...["amount", ...LEDGER_TEXT].map((f) => at(f, `ledger.${f}`)),
];

/** Sample events with the fields Adobe's LAVA tutorial maps (values made up). */
export const LAVA_SAMPLES: Record<string, Record<string, unknown>> = {
    "ticket scan": {
        lavaId: "lava-55102",
        type: "ticketScan",
        timestamp: "2026-11-21T19:02:11Z",
        eventId: "evt-2026-1121",
        eventName: "Home opener",
        eventLabel: "Home opener vs. Rivals",
        venue: "arena-1",
        venueLabel: "North Arena",
        section: "112",
        sectionLabel: "Lower bowl 112",
        row: "F",
        seat: "14",
        gate: "g3",
        gateLabel: "Gate 3",
    },
    transaction: {
        lavaId: "lava-55102",
        type: "transaction",
        timestamp: "2026-11-21T19:40:03Z",
        transactionId: "txn-88412",
        referenceId: "pos-0042-1121",
        subtotal: 24.5,
        total: 26.46,
        location: "Concourse stand 4",
        redeemedAmount: 5,
    },
    "ledger entry": {
        lavaId: "lava-55102",
        type: "ledger",
        timestamp: "2026-11-21T19:40:05Z",
        amount: 250,
        expiresAt: "2027-11-21T00:00:00Z",
        rewardId: "rw-17",
        rewardName: "Free drink",
        rewardSlug: "free-drink",
        rewardType: "points",
    },
};

/** The text a person needs to connect LAVA (contains no secret). */
export function lavaSetupInstructions(): string {
    return [
        "Connect LAVA to AEP:",
        "  1. Show the streaming endpoint and the dataflow id: pulumi stack output --show-secrets streamingUrl, and dataflowId",
        '  2. In the LAVA Console, open Resources, then Data Export, and choose "Create New Export".',
        '  3. Choose "Adobe Source Connector" as the destination, paste the streaming endpoint URL and the dataflow id,',
        "     and choose the data to send (ticket scans, transactions, ledger entries).",
        "Treat the URL as a secret: anyone who has it can post into the dataset.",
    ].join("\n");
}

/** The LAVA source as data. */
export const LAVA: WebhookPreset = {
    key: "lava",
    label: "LAVA",
    className: "LavaSource",
    typeToken: "aep:lava:LavaSource",
    connectionSpecId: "232dfabe-27aa-41c0-a7cf-9961661dc68b",
    objectName: "lava",
    fields: FIELDS,
    fieldGroupDescription: "Fields of LAVA loyalty events (ticket scans, transactions, ledger entries).",
    mappings: MAPPINGS,
    samples: LAVA_SAMPLES,
    defaultEvent: "ticket scan",
    identityExamples: ["lavaId"],
    setupInstructions: lavaSetupInstructions,
};

/**
 * Everything AEP needs to receive LAVA's data exports. Give LAVA `streamingUrl` and `dataflowId` (or the
 * `webhookUrl`, which joins them; see `setupInstructions`).
 */
export class LavaSource extends WebhookSource {
    constructor(name: string, args: WebhookSourceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(LAVA, name, args, opts);
    }
}
