/**
 * ChatlioSource: the whole Chatlio → AEP pipeline in one declaration.
 *
 * Creates and wires, as children: a field group with every documented Chatlio field, a schema on XDM
 * ExperienceEvent, a dataset, the Chatlio source connection, a data lake target connection, a mapping
 * set (defaults for every field, plus `_id` and `timestamp` computed by Data Prep) and an enabled
 * streaming dataflow. All seven AEP names share one random suffix, chosen once per stack and kept.
 *
 * With `identity`, a Chatlio field becomes an identity of the schema (an {@link IdentityDescriptor}); with
 * `profile: true`, the schema and dataset are enabled for Real-Time Customer Profile. Without them the
 * component declares exactly what it always did.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Dataflow } from "../resources/dataflow";
import { Dataset } from "../resources/dataset";
import { FieldGroup, XdmField, checkFields, fieldPaths } from "../resources/field-group";
import { IdentityDescriptor, identityKeyProblems } from "../resources/identity-descriptor";
import { checkKnownKeys } from "../resources/lifecycle";
import { Mapping, MappingSet, destinationKnown, mappingProblems } from "../resources/mapping-set";
import { Schema } from "../resources/schema";
import { SourceConnection } from "../resources/source-connection";
import { TargetConnection } from "../resources/target-connection";
import { CHATLIO_FIELDS, EXPERIENCE_EVENT_FIELDS } from "./fields";
import { DEFAULT_MAPPINGS, TENANT } from "./mappings";

/** Inputs of a {@link ChatlioSource}; all optional. */
export interface ChatlioSourceArgs {
    /**
     * Start of every AEP display name, e.g. "Chatlio" → "Chatlio events a1b2c3". Default "Chatlio". A change
     * renames the field group, schema, dataset and connections in place; the mapping set and the dataflow
     * keep the names they were created with, because renaming them would make a new mapping version and
     * update the running dataflow (AEP pauses ingestion for a few minutes after a dataflow changes).
     */
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
    /**
     * Allow Pulumi to delete the dataset while it holds events (on `pulumi destroy`, or when a change such as a
     * new sandbox replaces it), deleting them with it. Default false: such a change fails, naming the dataset.
     * See `Dataset.forceDestroy`.
     */
    forceDestroy?: pulumi.Input<boolean>;
    /** Take over existing AEP objects with the same names instead of failing (see each resource). */
    adopt?: boolean;
    /**
     * Make a Chatlio field an identity of the schema, e.g. `{ field: "visitor.email", namespace: "Email", primary: true }`.
     * `field` is a path below the Chatlio object (`visitor.UUID`, `visitor.email`, or one of `extraFields`) and
     * must be a string field; `namespace` is an identity namespace code (`Email`, `Phone`, `ECID`, ...) or numeric
     * id. Changing the field or namespace replaces the descriptor.
     */
    identity?: ChatlioIdentity;
    /**
     * Enable the schema and the dataset for Real-Time Customer Profile. It cannot be turned off again on the
     * schema (AEP never removes its `union` tag); and from then on AEP refuses destructive changes to the
     * Chatlio fields (removing one, changing its type): add fields instead. Default false.
     */
    profile?: boolean;
}

/** A Chatlio field used as an identity. */
export interface ChatlioIdentity {
    /** Path below the Chatlio object, e.g. "visitor.email". */
    field: string;
    /** Identity namespace code, e.g. "Email", or its numeric id. */
    namespace: string;
    /** Whether it is the schema's primary identity. Default false. */
    primary?: boolean;
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

/** The default mappings merged with the user's, and checked against the fields the schema will have. */
export function chatlioMappings(
    extraFields: Record<string, XdmField> = {},
    mappings: Mapping[] = [],
): { mappings: Mapping[]; fieldPaths: string[] } {
    const fields = chatlioFields(extraFields);
    const shape = mappingProblems(mappings);
    if (shape.length) throw new Error(`ChatlioSource: ${shape.join("\n  ")}`);
    const paths = [...EXPERIENCE_EVENT_FIELDS, ...fieldPaths(fields, TENANT)];
    const merged = new Map<string, Mapping>();
    for (const m of [...DEFAULT_MAPPINGS, ...mappings]) merged.set(m.destination, m);
    const problems = mappings
        .filter((m) => !m || typeof m.destination !== "string" || !destinationKnown(m.destination, paths))
        .map(
            (m) =>
                `mapping to ${JSON.stringify(m?.destination)}: no such field in the Chatlio schema; destinations are ${TENANT}.chatlio.… paths (add the field with extraFields) or one of ${EXPERIENCE_EVENT_FIELDS.join(", ")}`,
        );
    if (problems.length) throw new Error(`ChatlioSource: ${problems.join("\n  ")}`);
    return { mappings: [...merged.values()], fieldPaths: paths };
}

function chatlioFields(extraFields: Record<string, XdmField>): Record<string, XdmField> {
    const chatlio = CHATLIO_FIELDS.chatlio;
    const failures: { property: string; reason: string }[] = [];
    checkFields(extraFields, "extraFields", failures);
    for (const name of Object.keys(extraFields)) {
        if (chatlio.properties![name])
            failures.push({
                property: `extraFields.${name}`,
                reason: `extraFields.${name} already exists in the Chatlio field group: choose another name`,
            });
    }
    if (failures.length) throw new Error(`ChatlioSource: ${failures.map((f) => f.reason).join("\n  ")}`);
    return { chatlio: { ...chatlio, properties: { ...chatlio.properties, ...extraFields } } };
}

/** Checks `identity` against the fields the schema will have; returns the field's path below the tenant object. */
export function chatlioIdentityPath(identity: ChatlioIdentity, extraFields: Record<string, XdmField> = {}): string[] {
    const problems: string[] = [];
    if (!identity || typeof identity !== "object")
        throw new Error(
            `ChatlioSource: identity must be { field, namespace, primary? }, e.g. { field: "visitor.email", namespace: "Email", primary: true }`,
        );
    problems.push(...identityKeyProblems(identity));
    const parts = typeof identity.field === "string" ? identity.field.split(".") : [];
    let field: XdmField | undefined = parts.length ? chatlioFields(extraFields).chatlio : undefined;
    for (const p of parts) field = field?.type === "object" ? field.properties?.[p] : undefined;
    if (!field)
        problems.push(
            `identity.field ${JSON.stringify(identity.field)} is not a Chatlio field: use a path below the Chatlio object such as "visitor.email" or "visitor.UUID" (or add the field with extraFields)`,
        );
    else if (field.type !== "string")
        problems.push(
            `identity.field "${identity.field}" is of type ${field.type}: an identity must be a string field, e.g. "visitor.email"`,
        );
    if (typeof identity.namespace !== "string" || !identity.namespace.trim())
        problems.push(`identity.namespace is required: an identity namespace code such as "Email", "Phone" or "ECID", or its numeric id`);
    if (identity.primary !== undefined && typeof identity.primary !== "boolean") problems.push(`identity.primary must be true or false`);
    if (problems.length) throw new Error(`ChatlioSource: ${problems.join("\n  ")}`);
    return ["chatlio", ...parts];
}

/** The arguments a ChatlioSource takes (misspelt ones are refused, naming the nearest). */
const ARG_KEYS = ["displayName", "sandboxName", "extraFields", "mappings", "enabled", "forceDestroy", "adopt", "identity", "profile"];

/** The longest text AEP names take (255) less the longest name built on the display name ("… data lake target abc123"). */
export const DISPLAY_NAME_MAX = 255 - " data lake target ".length - 6;

/** Problems with the arguments themselves, each naming the argument. */
function argumentProblems(args: ChatlioSourceArgs): string[] {
    const failures: { property: string; reason: string }[] = [];
    checkKnownKeys(failures, args as Record<string, unknown>, ARG_KEYS, "ChatlioSource");
    const label = args.displayName;
    if (label !== undefined) {
        if (typeof label !== "string")
            failures.push({ property: "displayName", reason: `displayName must be a string, got ${typeof label}` });
        else if (!label.trim())
            failures.push({
                property: "displayName",
                reason: 'displayName must not be empty or only spaces: give a name or leave it out (default "Chatlio")',
            });
        else if (label.length > DISPLAY_NAME_MAX)
            failures.push({
                property: "displayName",
                reason: `displayName is ${label.length} characters; AEP names take at most 255, so it can have at most ${DISPLAY_NAME_MAX}: shorten it`,
            });
    }
    if (args.profile !== undefined && typeof args.profile !== "boolean")
        failures.push({ property: "profile", reason: "profile must be true or false" });
    if (args.adopt !== undefined && typeof args.adopt !== "boolean")
        failures.push({ property: "adopt", reason: "adopt must be true or false" });
    return failures.map((f) => f.reason);
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
    /** The identity descriptor, when `identity` is set. */
    readonly identityDescriptor?: IdentityDescriptor;

    constructor(name: string, args: ChatlioSourceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("aep:chatlio:ChatlioSource", name, {}, opts);
        const fail = (message: string) => new pulumi.ResourceError(message, this, true);
        const problems = argumentProblems(args);
        if (problems.length) throw fail(`ChatlioSource "${name}": ${problems.join("; ")}`);
        const label = args.displayName ?? "Chatlio";
        let fields: Record<string, XdmField>;
        let mappings: Mapping[];
        let paths: string[];
        let identityPath: string[] | undefined;
        try {
            fields = chatlioFields(args.extraFields ?? {});
            ({ mappings, fieldPaths: paths } = chatlioMappings(args.extraFields, args.mappings));
            identityPath = args.identity ? chatlioIdentityPath(args.identity, args.extraFields) : undefined;
        } catch (e) {
            throw fail((e as Error).message);
        }
        // Only set when asked for, so the default component registers exactly the inputs it always did.
        const profile = args.profile ? { profileEnabled: true } : {};
        const guard = args.forceDestroy !== undefined ? { forceDestroy: args.forceDestroy } : {};
        // The seven names carry this stack's suffix: an object found holding one was made by an interrupted
        // run of this stack, and is taken over (`__ownName`).
        const common = { sandboxName: args.sandboxName, adopt: args.adopt, __ownName: true };
        const parent = { parent: this };
        // Renaming these two would cost a new mapping version and a dataflow update (ingestion pauses): a
        // display-name change leaves their names as they are.
        const keepName = { parent: this, ignoreChanges: ["name"] };

        // One suffix for all seven names: unique per stack, stable across runs.
        const suffix = new random.RandomString(`${name}-suffix`, { length: 6, special: false, upper: false }, parent).result;

        this.fieldGroup = new FieldGroup(
            `${name}-fields`,
            {
                ...common,
                title: pulumi.interpolate`${label} event fields ${suffix}`,
                description: "Fields of Chatlio webhook events (visitor, message, offline message, transcript).",
                fields,
            },
            parent,
        );
        this.schema = new Schema(
            `${name}-schema`,
            {
                ...common,
                title: pulumi.interpolate`${label} events ${suffix}`,
                description: "Chatlio webhook events as XDM ExperienceEvents.",
                fieldGroupIds: [this.fieldGroup.id],
                ...profile,
            },
            parent,
        );
        this.dataset = new Dataset(
            `${name}-dataset`,
            {
                ...common,
                name: pulumi.interpolate`${label} events dataset ${suffix}`,
                description: "Chatlio webhook events streamed by the Chatlio source.",
                schemaId: this.schema.id,
                ...profile,
                ...guard,
            },
            parent,
        );
        this.sourceConnection = new SourceConnection(
            `${name}-source`,
            {
                ...common,
                name: pulumi.interpolate`${label} source ${suffix}`,
                description: "Chatlio webhook source.",
            },
            parent,
        );
        this.targetConnection = new TargetConnection(
            `${name}-target`,
            {
                ...common,
                name: pulumi.interpolate`${label} data lake target ${suffix}`,
                datasetId: this.dataset.id,
                schemaId: this.schema.id,
            },
            parent,
        );
        const tenant = this.fieldGroup.tenantId;
        if (args.identity && identityPath) {
            this.identityDescriptor = new IdentityDescriptor(
                `${name}-identity`,
                {
                    ...common,
                    schemaId: this.schema.id,
                    sourceProperty: tenant.apply((t) => `/_${t}/${identityPath.join("/")}`),
                    namespace: args.identity.namespace,
                    primary: args.identity.primary ?? false,
                },
                parent,
            );
        }
        this.mappingSet = new MappingSet(
            `${name}-mapping`,
            {
                ...common,
                name: pulumi.interpolate`${label} mapping ${suffix}`,
                schemaId: this.schema.id,
                mappings: tenant.apply((t) => mappings.map((m) => ({ ...m, destination: withTenant(t, m.destination) }))),
                schemaFieldPaths: tenant.apply((t) => paths.map((p) => withTenant(t, p))),
            },
            keepName,
        );
        this.dataflow = new Dataflow(
            `${name}-dataflow`,
            {
                ...common,
                name: pulumi.interpolate`${label} dataflow ${suffix}`,
                description: "Streams Chatlio webhook events into the dataset.",
                sourceConnectionId: this.sourceConnection.id,
                targetConnectionId: this.targetConnection.id,
                mappingSetId: this.mappingSet.id,
                mappingVersion: this.mappingSet.mappingVersion,
                enabled: args.enabled ?? true,
            },
            keepName,
        );

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
