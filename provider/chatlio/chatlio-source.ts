/**
 * ChatlioSource: the whole Chatlio → AEP pipeline in one declaration.
 *
 * Creates and wires, as children: a field group with every documented Chatlio field, a schema on XDM
 * ExperienceEvent, a dataset, the Chatlio source connection, a data lake target connection, a mapping
 * set (defaults for every field, plus `_id` and `timestamp` computed by Data Prep) and an enabled
 * streaming dataflow. All seven AEP names share one random suffix, chosen once per stack and kept.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
    Dataflow, Dataset, FieldGroup, Mapping, MappingSet, Schema, SourceConnection, TargetConnection, XdmField,
    checkFields, destinationKnown, fieldPaths,
} from "../resources";
import { CHATLIO_FIELDS, EXPERIENCE_EVENT_FIELDS } from "./fields";
import { DEFAULT_MAPPINGS, TENANT } from "./mappings";

/** Inputs of a {@link ChatlioSource}; all optional. */
export interface ChatlioSourceArgs {
    /** Start of every AEP display name, e.g. "Chatlio" → "Chatlio events a1b2c3". Default "Chatlio". */
    displayName?: string;
    /** AEP sandbox; default `aep:sandboxName`. Changing it replaces every object. */
    sandboxName?: pulumi.Input<string>;
    /** More XDM fields, placed beside the Chatlio fields under `_{tenant}.chatlio`. */
    extraFields?: Record<string, XdmField>;
    /**
     * Mappings added to the defaults; one with the destination of a default mapping replaces it.
     * Write the tenant namespace as `_tenant`, e.g. `{ source: "visitor.handle", destination: "_tenant.chatlio.visitor.name" }`.
     */
    mappings?: Mapping[];
    /** Whether the dataflow accepts events. Default true. */
    enabled?: pulumi.Input<boolean>;
    /** Take over existing AEP objects with the same names instead of failing (see each resource). */
    adopt?: boolean;
}

/** The text a person needs to connect Chatlio (contains no secret). */
export function setupInstructions(stackOutput = "webhookUrl"): string {
    return [
        "Connect Chatlio to AEP:",
        `  1. Show the webhook URL: pulumi stack output --show-secrets ${stackOutput}`,
        "  2. In Chatlio, open your widget's settings, then the Behavior tab, then \"Webhooks and post-chat actions\".",
        "  3. Paste the URL into each event field you want in AEP (e.g. \"Webhook when a new conversation starts\",",
        "     offline messages, unanswered chats, feedback, and transcripts with \"send transcript automatically\").",
        "Treat the URL as a secret: anyone who has it can post into the dataset.",
    ].join("\n");
}

/** The default mappings merged with the user's, and checked against the fields the schema will have. */
export function chatlioMappings(extraFields: Record<string, XdmField> = {}, mappings: Mapping[] = []): { mappings: Mapping[]; fieldPaths: string[] } {
    const fields = chatlioFields(extraFields);
    const paths = [...EXPERIENCE_EVENT_FIELDS, ...fieldPaths(fields, TENANT)];
    const merged = new Map<string, Mapping>();
    for (const m of [...DEFAULT_MAPPINGS, ...mappings]) merged.set(m.destination, m);
    const problems = mappings
        .filter((m) => !m || typeof m.destination !== "string" || !destinationKnown(m.destination, paths))
        .map((m) => `mapping to ${JSON.stringify(m?.destination)}: no such field in the Chatlio schema; destinations are ${TENANT}.chatlio.… paths (add the field with extraFields) or one of ${EXPERIENCE_EVENT_FIELDS.join(", ")}`);
    if (problems.length) throw new Error(`ChatlioSource: ${problems.join("\n  ")}`);
    return { mappings: [...merged.values()], fieldPaths: paths };
}

function chatlioFields(extraFields: Record<string, XdmField>): Record<string, XdmField> {
    const chatlio = CHATLIO_FIELDS.chatlio;
    const failures: { property: string; reason: string }[] = [];
    checkFields(extraFields, "extraFields", failures);
    for (const name of Object.keys(extraFields)) {
        if (chatlio.properties![name]) failures.push({ property: `extraFields.${name}`, reason: `extraFields.${name} already exists in the Chatlio field group: choose another name` });
    }
    if (failures.length) throw new Error(`ChatlioSource: ${failures.map((f) => f.reason).join("\n  ")}`);
    return { chatlio: { ...chatlio, properties: { ...chatlio.properties, ...extraFields } } };
}

const withTenant = (tenant: string, path: string) => (path.startsWith(`${TENANT}.`) ? `_${tenant}${path.slice(TENANT.length)}` : path);

/**
 * Everything AEP needs to receive Chatlio webhooks. Paste `webhookUrl` into Chatlio
 * (see `setupInstructions`).
 */
export class ChatlioSource extends pulumi.ComponentResource {
    /** AEP's inlet URL for the dataflow. Secret. */
    readonly streamingUrl: pulumi.Output<string>;
    /** The URL Chatlio posts to: `streamingUrl?x-adobe-flow-id=<dataflowId>`. Secret. */
    readonly webhookUrl: pulumi.Output<string>;
    /** The dataset the events land in. */
    readonly datasetId: pulumi.Output<string>;
    /** The schema `$id` of the events. */
    readonly schemaId: pulumi.Output<string>;
    /** The `$id` of the field group holding Chatlio's fields. */
    readonly fieldGroupId: pulumi.Output<string>;
    /** The streaming dataflow's id. */
    readonly dataflowId: pulumi.Output<string>;
    /** The Chatlio source connection's id. */
    readonly sourceConnectionId: pulumi.Output<string>;
    /** The data lake target connection's id. */
    readonly targetConnectionId: pulumi.Output<string>;
    /** The mapping set's id. */
    readonly mappingSetId: pulumi.Output<string>;
    /** The mapping set version the dataflow uses. */
    readonly mappingVersion: pulumi.Output<number>;
    /** Where to paste the webhook URL in Chatlio (no secret in it). */
    readonly setupInstructions: pulumi.Output<string>;

    /** The field group resource. */
    readonly fieldGroup: FieldGroup;
    /** The schema resource. */
    readonly schema: Schema;
    /** The dataset resource. */
    readonly dataset: Dataset;
    /** The source connection resource. */
    readonly sourceConnection: SourceConnection;
    /** The target connection resource. */
    readonly targetConnection: TargetConnection;
    /** The mapping set resource. */
    readonly mappingSet: MappingSet;
    /** The dataflow resource. */
    readonly dataflow: Dataflow;

    constructor(name: string, args: ChatlioSourceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("aep:chatlio:ChatlioSource", name, {}, opts);
        const label = args.displayName ?? "Chatlio";
        const fields = chatlioFields(args.extraFields ?? {});
        const { mappings, fieldPaths: paths } = chatlioMappings(args.extraFields, args.mappings);
        const common = { sandboxName: args.sandboxName, adopt: args.adopt };
        const parent = { parent: this };

        // One suffix for all seven names: unique per stack, stable across runs.
        const suffix = new random.RandomString(`${name}-suffix`, { length: 6, special: false, upper: false }, parent).result;

        this.fieldGroup = new FieldGroup(`${name}-fields`, {
            ...common,
            title: pulumi.interpolate`${label} event fields ${suffix}`,
            description: "Fields of Chatlio webhook events (visitor, message, offline message, transcript).",
            fields,
        }, parent);
        this.schema = new Schema(`${name}-schema`, {
            ...common,
            title: pulumi.interpolate`${label} events ${suffix}`,
            description: "Chatlio webhook events as XDM ExperienceEvents.",
            fieldGroupIds: [this.fieldGroup.id],
        }, parent);
        this.dataset = new Dataset(`${name}-dataset`, {
            ...common,
            name: pulumi.interpolate`${label} events dataset ${suffix}`,
            description: "Chatlio webhook events streamed by the Chatlio source.",
            schemaId: this.schema.id,
        }, parent);
        this.sourceConnection = new SourceConnection(`${name}-source`, {
            ...common,
            name: pulumi.interpolate`${label} source ${suffix}`,
            description: "Chatlio webhook source.",
        }, parent);
        this.targetConnection = new TargetConnection(`${name}-target`, {
            ...common,
            name: pulumi.interpolate`${label} data lake target ${suffix}`,
            datasetId: this.dataset.id,
            schemaId: this.schema.id,
        }, parent);
        const tenant = this.fieldGroup.tenantId;
        this.mappingSet = new MappingSet(`${name}-mapping`, {
            ...common,
            name: pulumi.interpolate`${label} mapping ${suffix}`,
            schemaId: this.schema.id,
            mappings: tenant.apply((t) => mappings.map((m) => ({ ...m, destination: withTenant(t, m.destination) }))),
            schemaFieldPaths: tenant.apply((t) => paths.map((p) => withTenant(t, p))),
        }, parent);
        this.dataflow = new Dataflow(`${name}-dataflow`, {
            ...common,
            name: pulumi.interpolate`${label} dataflow ${suffix}`,
            description: "Streams Chatlio webhook events into the dataset.",
            sourceConnectionId: this.sourceConnection.id,
            targetConnectionId: this.targetConnection.id,
            mappingSetId: this.mappingSet.id,
            mappingVersion: this.mappingSet.mappingVersion,
            enabled: args.enabled ?? true,
        }, parent);

        this.streamingUrl = pulumi.secret(this.dataflow.streamingUrl);
        this.webhookUrl = pulumi.secret(this.dataflow.webhookUrl);
        this.datasetId = this.dataset.id;
        this.schemaId = this.schema.id;
        this.fieldGroupId = this.fieldGroup.id;
        this.dataflowId = this.dataflow.id;
        this.sourceConnectionId = this.sourceConnection.id;
        this.targetConnectionId = this.targetConnection.id;
        this.mappingSetId = this.mappingSet.id;
        this.mappingVersion = this.mappingSet.mappingVersion;
        this.setupInstructions = pulumi.output(setupInstructions());
        this.registerOutputs({
            streamingUrl: this.streamingUrl,
            webhookUrl: this.webhookUrl,
            datasetId: this.datasetId,
            schemaId: this.schemaId,
            fieldGroupId: this.fieldGroupId,
            dataflowId: this.dataflowId,
            sourceConnectionId: this.sourceConnectionId,
            targetConnectionId: this.targetConnectionId,
            mappingSetId: this.mappingSetId,
            mappingVersion: this.mappingVersion,
            setupInstructions: this.setupInstructions,
        });
    }
}
