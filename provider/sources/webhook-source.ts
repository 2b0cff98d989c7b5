/**
 * WebhookSource: one Streaming SDK webhook source (Chatlio, Customer.io, Pendo, LAVA, …) in one declaration.
 *
 * Adobe's API tutorials for these sources follow one sequence: no base connection; a source connection with
 * the streaming provider id, the source's own connection spec and JSON data; a data lake target connection;
 * a mapping set from the sender's payload to the schema; a dataflow with the `GenericStreamingAEP` flow spec,
 * whose `options.inletUrl` is the URL the sender posts to (with the flow id as `x-adobe-flow-id`). What
 * differs between sources is data: the connection spec, the XDM fields the payload fills, the mappings and
 * the sample events. A {@link WebhookPreset} holds that data; this component creates and wires, as children,
 * a field group, a schema on XDM ExperienceEvent, a dataset, the source connection, the target connection,
 * the mapping set and an enabled dataflow. All seven AEP names share one random suffix, chosen once per stack
 * and kept.
 *
 * With `identity`, a field becomes an identity of the schema (an {@link IdentityDescriptor}); with
 * `profile: true`, the schema and dataset are enabled for Real-Time Customer Profile.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Dataflow } from "../resources/dataflow";
import { Dataset } from "../resources/dataset";
import { FieldGroup, XdmField, checkFields, fieldPaths } from "../resources/field-group";
import { IdentityDescriptor, identityKeyProblems } from "../resources/identity-descriptor";
import { CHATLIO_CONNECTION_SPEC_ID } from "../resources/ids";
import { checkKnownKeys } from "../resources/lifecycle";
import { Mapping, MappingSet, destinationKnown, mappingProblems } from "../resources/mapping-set";
import { Schema } from "../resources/schema";
import { SourceConnection } from "../resources/source-connection";
import { TargetConnection } from "../resources/target-connection";

/** The placeholder for `_{tenantId}` in mapping destinations. */
export const TENANT = "_tenant";

/** Fields of the XDM ExperienceEvent class that mappings may fill. */
export const EXPERIENCE_EVENT_FIELDS = ["_id", "timestamp", "eventType", "eventMergeId", "producedBy"];

/**
 * The Data Prep expression that turns a payload's epoch-seconds number at `path` into an XDM date-time,
 * with functions Adobe documents (`help/data-prep/functions.md`): `dformat` formats epoch milliseconds, so
 * the seconds get three zeros (`concat`, then `to_bigint`).
 */
export function epochSecondsToDateTime(path: string): string {
    return `dformat(to_bigint(concat(${path}, "000")), "yyyy-MM-dd'T'HH:mm:ss.SSSX")`;
}

/** A field of a webhook source's payload used as an identity of the schema. */
export interface SourceIdentity {
    /** Path below the source's object in the tenant namespace, e.g. "visitor.email". */
    field: string;
    /** Identity namespace code, e.g. "Email", or its numeric id. */
    namespace: string;
    /** Whether it is the schema's primary identity. Default false. */
    primary?: boolean;
}

/**
 * What makes one Streaming SDK webhook source: its connection spec, the XDM fields its payloads fill, the
 * default mappings and its documented sample events. Adding a source is adding one of these (and a class
 * that passes it to {@link WebhookSource}).
 */
export interface WebhookPreset {
    /** Short key, e.g. "pendo" (`send-test-event --source pendo`). */
    key: string;
    /** The sender's name, e.g. "Pendo": the default display name, and the start of descriptions and messages. */
    label: string;
    /** The component's class name, e.g. "PendoSource", which error messages start with. */
    className: string;
    /** The component's Pulumi type token, e.g. "aep:pendo:PendoSource". */
    typeToken: string;
    /** The source's connection spec id, from Adobe's tutorial for it. */
    connectionSpecId: string;
    /** The object under the tenant namespace that holds the fields, e.g. "pendo". */
    objectName: string;
    /** The XDM fields: one object field named `objectName`, whose properties are the payload's fields. */
    fields: Record<string, XdmField>;
    /** The field group's description. */
    fieldGroupDescription: string;
    /** Default mappings, destinations written with the `_tenant` placeholder. */
    mappings: Mapping[];
    /** Sample payloads by event name, as the sender documents them (values made up). */
    samples: Record<string, Record<string, unknown>>;
    /** The event `send-test-event` posts by default. */
    defaultEvent: string;
    /** The identity the component declares when the program does not pass `identity`. */
    defaultIdentity?: SourceIdentity;
    /** Paths that make good identities, for messages, e.g. ["visitor.email", "visitor.UUID"]. */
    identityExamples: string[];
    /** What a person pastes where in the sender's settings (contains no secret). */
    setupInstructions(stackOutput?: string): string;
}

/** Inputs of a {@link WebhookSource} (and of every preset built on it); all optional. */
export interface WebhookSourceArgs {
    /**
     * Start of every AEP display name, e.g. "Pendo" → "Pendo events a1b2c3". Default: the sender's name. A
     * change renames the field group, schema, dataset and connections in place; the mapping set and the
     * dataflow keep the names they were created with, because renaming them would make a new mapping version
     * and update the running dataflow (AEP pauses ingestion for a few minutes after a dataflow changes).
     */
    displayName?: string;
    /** AEP sandbox; default `aep:sandboxName`. Changing it replaces every object. */
    sandboxName?: pulumi.Input<string>;
    /** More XDM fields, placed beside the source's fields under `_{tenant}.<source>`. */
    extraFields?: Record<string, XdmField>;
    /**
     * Mappings added to the defaults; one with the destination of a default mapping replaces it. Write the
     * tenant namespace as `_tenant`, e.g. `{ source: "visitor.handle", destination: "_tenant.chatlio.visitor.name" }`.
     */
    mappings?: Mapping[];
    /** Whether the dataflow accepts events. Default true. */
    enabled?: pulumi.Input<boolean>;
    /**
     * Allow Pulumi to delete the dataset while it holds events (on `pulumi destroy`, or when a change such as a
     * new sandbox replaces it), deleting them with it. Default false: the dataset is protected and such a change
     * fails at preview. A plain boolean; apply it with `pulumi up` first. See `Dataset.forceDestroy`.
     */
    forceDestroy?: boolean;
    /** Take over existing AEP objects with the same names instead of failing (see each resource). */
    adopt?: boolean;
    /**
     * Make a field an identity of the schema, e.g. `{ field: "visitor.email", namespace: "Email", primary: true }`.
     * `field` is a path below the source's object (or one of `extraFields`) and must be a string field;
     * `namespace` is an identity namespace code (`Email`, `Phone`, `ECID`, ...) or numeric id. Changing the
     * field or namespace replaces the descriptor. Presets whose payload carries an identity (Customer.io's
     * email) declare it by default; `false` declares none.
     */
    identity?: SourceIdentity | false;
    /**
     * Enable the schema and the dataset for Real-Time Customer Profile. It cannot be turned off again on the
     * schema (AEP never removes its `union` tag); and from then on AEP refuses destructive changes to the
     * source's fields (removing one, changing its type): add fields instead. Default false.
     */
    profile?: boolean;
}

/** The source's fields with the extra fields beside them, checked. */
export function webhookFields(preset: WebhookPreset, extraFields: Record<string, XdmField>): Record<string, XdmField> {
    const own = preset.fields[preset.objectName];
    const failures: { property: string; reason: string }[] = [];
    checkFields(extraFields, "extraFields", failures);
    for (const name of Object.keys(extraFields)) {
        if (own.properties![name])
            failures.push({
                property: `extraFields.${name}`,
                reason: `extraFields.${name} already exists in the ${preset.label} field group: choose another name`,
            });
    }
    if (failures.length) throw new Error(`${preset.className}: ${failures.map((f) => f.reason).join("\n  ")}`);
    return { [preset.objectName]: { ...own, properties: { ...own.properties, ...extraFields } } };
}

/** The default mappings merged with the user's, and checked against the fields the schema will have. */
export function webhookMappings(
    preset: WebhookPreset,
    extraFields: Record<string, XdmField> = {},
    mappings: Mapping[] = [],
): { mappings: Mapping[]; fieldPaths: string[] } {
    const fields = webhookFields(preset, extraFields);
    const shape = mappingProblems(mappings);
    if (shape.length) throw new Error(`${preset.className}: ${shape.join("\n  ")}`);
    const paths = [...EXPERIENCE_EVENT_FIELDS, ...fieldPaths(fields, TENANT)];
    const merged = new Map<string, Mapping>();
    for (const m of [...preset.mappings, ...mappings]) merged.set(m.destination, m);
    const problems = mappings
        .filter((m) => !m || typeof m.destination !== "string" || !destinationKnown(m.destination, paths))
        .map(
            (m) =>
                `mapping to ${JSON.stringify(m?.destination)}: no such field in the ${preset.label} schema; destinations are ${TENANT}.${preset.objectName}.… paths (add the field with extraFields) or one of ${EXPERIENCE_EVENT_FIELDS.join(", ")}`,
        );
    if (problems.length) throw new Error(`${preset.className}: ${problems.join("\n  ")}`);
    return { mappings: [...merged.values()], fieldPaths: paths };
}

/** Checks `identity` against the fields the schema will have; returns the field's path below the tenant object. */
export function webhookIdentityPath(preset: WebhookPreset, identity: SourceIdentity, extraFields: Record<string, XdmField> = {}): string[] {
    const problems: string[] = [];
    const [example, second] = preset.identityExamples;
    if (!identity || typeof identity !== "object")
        throw new Error(
            `${preset.className}: identity must be { field, namespace, primary? }, e.g. { field: "${example}", namespace: "Email", primary: true }`,
        );
    problems.push(...identityKeyProblems(identity));
    const parts = typeof identity.field === "string" ? identity.field.split(".") : [];
    let field: XdmField | undefined = parts.length ? webhookFields(preset, extraFields)[preset.objectName] : undefined;
    for (const p of parts) field = field?.type === "object" ? field.properties?.[p] : undefined;
    const examples = second ? `"${example}" or "${second}"` : `"${example}"`;
    if (!field)
        problems.push(
            `identity.field ${JSON.stringify(identity.field)} is not a ${preset.label} field: use a path below the ${preset.label} object such as ${examples} (or add the field with extraFields)`,
        );
    else if (field.type !== "string")
        problems.push(`identity.field "${identity.field}" is of type ${field.type}: an identity must be a string field, e.g. "${example}"`);
    if (typeof identity.namespace !== "string" || !identity.namespace.trim())
        problems.push(`identity.namespace is required: an identity namespace code such as "Email", "Phone" or "ECID", or its numeric id`);
    if (identity.primary !== undefined && typeof identity.primary !== "boolean") problems.push(`identity.primary must be true or false`);
    if (problems.length) throw new Error(`${preset.className}: ${problems.join("\n  ")}`);
    return [preset.objectName, ...parts];
}

/** What every source component passes to its children: the sandbox, adopt, and that its names are its own. */
interface ChildCommon {
    sandboxName?: pulumi.Input<string>;
    adopt?: boolean;
    __ownName: boolean;
}

/**
 * The field group, schema and dataset a source component lands its events in, named `<label> … <suffix>`
 * (the same inputs whichever component declares them: Profile only when asked for, `forceDestroy` only when set).
 */
export function eventStore(
    parent: pulumi.Resource,
    name: string,
    o: {
        common: ChildCommon;
        label: string;
        suffix: pulumi.Output<string>;
        fields: Record<string, XdmField>;
        /** The field group's title between the label and the suffix, e.g. "event fields". */
        fieldGroupTitle: string;
        fieldGroupDescription: string;
        schemaDescription: string;
        datasetDescription: string;
        profile?: boolean;
        forceDestroy?: boolean;
    },
): { fieldGroup: FieldGroup; schema: Schema; dataset: Dataset } {
    const { common, label, suffix } = o;
    // Only set when asked for, so a default component registers exactly the inputs it always did.
    const profile = o.profile ? { profileEnabled: true } : {};
    const guard = o.forceDestroy !== undefined ? { forceDestroy: o.forceDestroy } : {};
    const fieldGroup = new FieldGroup(
        `${name}-fields`,
        {
            ...common,
            title: pulumi.interpolate`${label} ${o.fieldGroupTitle} ${suffix}`,
            description: o.fieldGroupDescription,
            fields: o.fields,
        },
        { parent },
    );
    const schema = new Schema(
        `${name}-schema`,
        {
            ...common,
            title: pulumi.interpolate`${label} events ${suffix}`,
            description: o.schemaDescription,
            fieldGroupIds: [fieldGroup.id],
            ...profile,
        },
        { parent },
    );
    const dataset = new Dataset(
        `${name}-dataset`,
        {
            ...common,
            name: pulumi.interpolate`${label} events dataset ${suffix}`,
            description: o.datasetDescription,
            schemaId: schema.id,
            ...profile,
            ...guard,
        },
        { parent },
    );
    return { fieldGroup, schema, dataset };
}

/** The data lake target connection of a source component's dataset, and its identity descriptor when it has one. */
export function dataLakeTarget(
    parent: pulumi.Resource,
    name: string,
    o: {
        common: ChildCommon;
        label: string;
        suffix: pulumi.Output<string>;
        store: { fieldGroup: FieldGroup; schema: Schema; dataset: Dataset };
        identity?: { path: string[]; namespace: string; primary?: boolean };
    },
): { targetConnection: TargetConnection; identityDescriptor?: IdentityDescriptor } {
    const { common, store } = o;
    const targetConnection = new TargetConnection(
        `${name}-target`,
        {
            ...common,
            name: pulumi.interpolate`${o.label} data lake target ${o.suffix}`,
            datasetId: store.dataset.id,
            schemaId: store.schema.id,
        },
        { parent },
    );
    const identity = o.identity;
    const identityDescriptor = identity
        ? new IdentityDescriptor(
              `${name}-identity`,
              {
                  ...common,
                  schemaId: store.schema.id,
                  sourceProperty: store.fieldGroup.tenantId.apply((t) => `/_${t}/${identity.path.join("/")}`),
                  namespace: identity.namespace,
                  primary: identity.primary ?? false,
              },
              { parent },
          )
        : undefined;
    return { targetConnection, identityDescriptor };
}

/** The arguments a webhook source takes (misspelt ones are refused, naming the nearest). */
const ARG_KEYS = ["displayName", "sandboxName", "extraFields", "mappings", "enabled", "forceDestroy", "adopt", "identity", "profile"];

/** The longest text AEP names take (255) less the longest name built on the display name ("… data lake target abc123"). */
export const DISPLAY_NAME_MAX = 255 - " data lake target ".length - 6;

/** Problems with the arguments themselves, each naming the argument. */
function argumentProblems(preset: WebhookPreset, args: WebhookSourceArgs): string[] {
    const failures: { property: string; reason: string }[] = [];
    checkKnownKeys(failures, args as Record<string, unknown>, ARG_KEYS, preset.className);
    const label = args.displayName;
    if (label !== undefined) {
        if (typeof label !== "string")
            failures.push({ property: "displayName", reason: `displayName must be a string, got ${typeof label}` });
        else if (!label.trim())
            failures.push({
                property: "displayName",
                reason: `displayName must not be empty or only spaces: give a name or leave it out (default "${preset.label}")`,
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

/** A destination with the `_tenant` placeholder written with the organization's tenant namespace. */
export const withTenant = (tenant: string, path: string) =>
    path.startsWith(`${TENANT}.`) ? `_${tenant}${path.slice(TENANT.length)}` : path;

/**
 * Everything AEP needs to receive one webhook source's events. Paste `webhookUrl` into the sender's webhook
 * settings (see `setupInstructions`). Presets (`ChatlioSource`, `CustomerIoSource`, `PendoSource`,
 * `LavaSource`) are this component with their sender's data; a program can pass its own {@link WebhookPreset}.
 */
export class WebhookSource extends pulumi.ComponentResource {
    /** AEP's inlet URL for the dataflow. Secret. */
    readonly streamingUrl: pulumi.Output<string>;
    /** The URL the sender posts to: `streamingUrl?x-adobe-flow-id=<dataflowId>`. Secret. */
    readonly webhookUrl: pulumi.Output<string>;
    /** The dataset the events land in. */
    readonly datasetId: pulumi.Output<string>;
    /** The schema `$id` of the events. */
    readonly schemaId: pulumi.Output<string>;
    /** The `$id` of the field group holding the source's fields. */
    readonly fieldGroupId: pulumi.Output<string>;
    /** The streaming dataflow's id. */
    readonly dataflowId: pulumi.Output<string>;
    /** The source connection's id. */
    readonly sourceConnectionId: pulumi.Output<string>;
    /** The data lake target connection's id. */
    readonly targetConnectionId: pulumi.Output<string>;
    /** The mapping set's id. */
    readonly mappingSetId: pulumi.Output<string>;
    /** The mapping set version the dataflow uses. */
    readonly mappingVersion: pulumi.Output<number>;
    /** Where to paste the webhook URL in the sender's settings (no secret in it). */
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
    /** The identity descriptor, when an identity is declared. */
    readonly identityDescriptor?: IdentityDescriptor;

    constructor(preset: WebhookPreset, name: string, args: WebhookSourceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(preset.typeToken, name, {}, opts);
        const fail = (message: string) => new pulumi.ResourceError(message, this, true);
        const problems = argumentProblems(preset, args);
        if (problems.length) throw fail(`${preset.className} "${name}": ${problems.join("; ")}`);
        const label = args.displayName ?? preset.label;
        const source = preset.label;
        const identity = args.identity === false ? undefined : (args.identity ?? preset.defaultIdentity);
        let fields: Record<string, XdmField>;
        let mappings: Mapping[];
        let paths: string[];
        let identityPath: string[] | undefined;
        try {
            fields = webhookFields(preset, args.extraFields ?? {});
            ({ mappings, fieldPaths: paths } = webhookMappings(preset, args.extraFields, args.mappings));
            identityPath = identity ? webhookIdentityPath(preset, identity, args.extraFields) : undefined;
        } catch (e) {
            throw fail((e as Error).message);
        }
        const guard = args.forceDestroy !== undefined ? { forceDestroy: args.forceDestroy } : {};
        // Chatlio's connection spec is SourceConnection's default: Chatlio stacks deployed before the other
        // sources existed registered no connectionSpecId, and keep registering none.
        const spec = preset.connectionSpecId === CHATLIO_CONNECTION_SPEC_ID ? {} : { connectionSpecId: preset.connectionSpecId };
        // The seven names carry this stack's suffix: an object found holding one was made by an interrupted
        // run of this stack, and is taken over (`__ownName`).
        const common = { sandboxName: args.sandboxName, adopt: args.adopt, __ownName: true };
        const parent = { parent: this };
        // Renaming these two would cost a new mapping version and a dataflow update (ingestion pauses): a
        // display-name change leaves their names as they are.
        const keepName = { parent: this, ignoreChanges: ["name"] };

        // One suffix for all seven names: unique per stack, stable across runs.
        const suffix = new random.RandomString(`${name}-suffix`, { length: 6, special: false, upper: false }, parent).result;

        const store = eventStore(this, name, {
            common,
            label,
            suffix,
            fields,
            fieldGroupTitle: "event fields",
            fieldGroupDescription: preset.fieldGroupDescription,
            schemaDescription: `${source} webhook events as XDM ExperienceEvents.`,
            datasetDescription: `${source} webhook events streamed by the ${source} source.`,
            profile: args.profile,
            forceDestroy: args.forceDestroy,
        });
        ({ fieldGroup: this.fieldGroup, schema: this.schema, dataset: this.dataset } = store);
        this.sourceConnection = new SourceConnection(
            `${name}-source`,
            {
                ...common,
                name: pulumi.interpolate`${label} source ${suffix}`,
                description: `${source} webhook source.`,
                ...spec,
            },
            parent,
        );
        ({ targetConnection: this.targetConnection, identityDescriptor: this.identityDescriptor } = dataLakeTarget(this, name, {
            common,
            label,
            suffix,
            store,
            identity:
                identity && identityPath ? { path: identityPath, namespace: identity.namespace, primary: identity.primary } : undefined,
        }));
        const tenant = this.fieldGroup.tenantId;
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
                description: `Streams ${source} webhook events into the dataset.`,
                sourceConnectionId: this.sourceConnection.id,
                targetConnectionId: this.targetConnection.id,
                mappingSetId: this.mappingSet.id,
                mappingVersion: this.mappingSet.mappingVersion,
                enabled: args.enabled ?? true,
                ...guard,
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
        this.setupInstructions = pulumi.output(preset.setupInstructions());
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
