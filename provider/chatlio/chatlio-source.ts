/**
 * ChatlioSource: the whole Chatlio → AEP pipeline in one declaration, the first preset of the generic
 * {@link WebhookSource}.
 *
 * Creates and wires, as children: a field group with every documented Chatlio field, a schema on XDM
 * ExperienceEvent, a dataset, the Chatlio source connection, a data lake target connection, a mapping
 * set (defaults for every field, plus `_id` and `timestamp` computed by Data Prep) and an enabled
 * streaming dataflow. All seven AEP names share one random suffix, chosen once per stack and kept.
 *
 * With `identity`, a Chatlio field becomes an identity of the schema (an {@link IdentityDescriptor}); with
 * `profile: true`, the schema and dataset are enabled for Real-Time Customer Profile. Without them the
 * component declares exactly what it always did: the type token, child names and inputs are those of the
 * release before the generic component, so existing stacks preview with no change.
 */
import * as pulumi from "@pulumi/pulumi";
import { XdmField } from "../resources/field-group";
import { CHATLIO_CONNECTION_SPEC_ID } from "../resources/ids";
import { Mapping } from "../resources/mapping-set";
import {
    SourceIdentity,
    WebhookPreset,
    WebhookSource,
    WebhookSourceArgs,
    webhookFields,
    webhookIdentityPath,
    webhookMappings,
} from "../sources/webhook-source";
import { CHATLIO_FIELDS } from "./fields";
import { DEFAULT_MAPPINGS } from "./mappings";
import { CHATLIO_SAMPLES } from "./samples";

export { DISPLAY_NAME_MAX } from "../sources/webhook-source";

/** Inputs of a {@link ChatlioSource}; all optional. */
export interface ChatlioSourceArgs extends WebhookSourceArgs {
    /**
     * Make a Chatlio field an identity of the schema, e.g. `{ field: "visitor.email", namespace: "Email", primary: true }`.
     * `field` is a path below the Chatlio object (`visitor.UUID`, `visitor.email`, or one of `extraFields`) and
     * must be a string field; `namespace` is an identity namespace code (`Email`, `Phone`, `ECID`, ...) or numeric
     * id. Changing the field or namespace replaces the descriptor.
     */
    identity?: ChatlioIdentity | false;
}

/** A Chatlio field used as an identity. */
export interface ChatlioIdentity extends SourceIdentity {
    /** Path below the Chatlio object, e.g. "visitor.email". */
    field: string;
}

/** The text a person needs to connect Chatlio (contains no secret). */
export function setupInstructions(stackOutput = "webhookUrl"): string {
    return [
        "Connect Chatlio to AEP:",
        `  1. Show the webhook URL: pulumi stack output --show-secrets ${stackOutput}`,
        '  2. In Chatlio, open your widget\'s settings, then the Behavior tab, then "Webhooks and post-chat actions".',
        '  3. Paste the URL into each event field you want in AEP (e.g. "Webhook when a new conversation starts",',
        '     offline messages, unanswered chats, feedback, and transcripts with "send transcript automatically").',
        "Treat the URL as a secret: anyone who has it can post into the dataset.",
    ].join("\n");
}

/** The Chatlio source: Adobe's Chatlio tutorial (`marketing-automation/chatlio-webhook.md`) as data. */
export const CHATLIO: WebhookPreset = {
    key: "chatlio",
    label: "Chatlio",
    className: "ChatlioSource",
    typeToken: "aep:chatlio:ChatlioSource",
    connectionSpecId: CHATLIO_CONNECTION_SPEC_ID,
    objectName: "chatlio",
    fields: CHATLIO_FIELDS,
    fieldGroupDescription: "Fields of Chatlio webhook events (visitor, message, offline message, transcript).",
    mappings: DEFAULT_MAPPINGS,
    samples: CHATLIO_SAMPLES,
    defaultEvent: "new conversation",
    identityExamples: ["visitor.email", "visitor.UUID"],
    setupInstructions,
};

/** The default mappings merged with the user's, and checked against the fields the schema will have. */
export function chatlioMappings(
    extraFields: Record<string, XdmField> = {},
    mappings: Mapping[] = [],
): { mappings: Mapping[]; fieldPaths: string[] } {
    return webhookMappings(CHATLIO, extraFields, mappings);
}

/** The Chatlio fields with the extra fields beside them, checked. */
export function chatlioFields(extraFields: Record<string, XdmField>): Record<string, XdmField> {
    return webhookFields(CHATLIO, extraFields);
}

/** Checks `identity` against the fields the schema will have; returns the field's path below the tenant object. */
export function chatlioIdentityPath(identity: ChatlioIdentity, extraFields: Record<string, XdmField> = {}): string[] {
    return webhookIdentityPath(CHATLIO, identity, extraFields);
}

/**
 * Everything AEP needs to receive Chatlio webhooks. Paste `webhookUrl` into Chatlio
 * (see `setupInstructions`).
 */
export class ChatlioSource extends WebhookSource {
    constructor(name: string, args: ChatlioSourceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(CHATLIO, name, args, opts);
    }
}
