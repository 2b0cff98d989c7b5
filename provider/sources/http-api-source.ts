/**
 * HttpApiSource: AEP's HTTP API streaming source, the general case any sender can post to, in one
 * declaration (Adobe's `help/sources/tutorials/api/create/streaming/http.md`).
 *
 * Creates and wires, as children: a field group (the fields senders fill, under `_{tenant}.<objectName>`), a
 * schema on XDM ExperienceEvent, a dataset, a base connection with the "Streaming Connection" auth spec
 * (which holds the inlet), a source connection naming it, a data lake target connection and a dataflow:
 * - `dataType: "xdm"` (default): senders post XDM messages (`{header, body: {xdmMeta, xdmEntity}}`) shaped
 *   as the schema; the flow uses the XDM flow spec (`d8a6f005-…`), without a mapping.
 * - `dataType: "raw"`: senders post any JSON; a mapping set shapes it (defaults: each field from the payload
 *   path of the same name, `_id` and `timestamp` computed); the flow uses the flow spec with a `Mapping`
 *   transformation (`c1a19761-…`) and is named by `x-adobe-flow-id` (query parameter or header).
 *
 * With `authenticationRequired: true` the inlet refuses posts without `Authorization: Bearer <IMS access
 * token>` (401). The token is the sender's business: it gets one from Adobe IMS with its own credentials;
 * this component neither makes nor stores one. Adobe advises waiting about five minutes after the dataflow
 * is created before sending.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { BaseConnection, HTTP_API_CONNECTION_SPEC_ID } from "../resources/base-connection";
import { Dataflow, webhookUrl } from "../resources/dataflow";
import { Dataset } from "../resources/dataset";
import { FieldGroup, XdmField, checkFields, fieldPaths } from "../resources/field-group";
import { IdentityDescriptor, identityKeyProblems } from "../resources/identity-descriptor";
import { checkKnownKeys } from "../resources/lifecycle";
import { Mapping, MappingSet, destinationKnown, mappingProblems } from "../resources/mapping-set";
import { Schema } from "../resources/schema";
import { SourceConnection } from "../resources/source-connection";
import { TargetConnection } from "../resources/target-connection";
import {
    DISPLAY_NAME_MAX,
    EXPERIENCE_EVENT_FIELDS,
    SourceIdentity,
    TENANT,
    dataLakeTarget,
    eventStore,
    withTenant,
} from "./webhook-source";

/** The flow spec for XDM data, without transformations (http.md, "XDM"). */
export const HTTP_API_XDM_FLOW_SPEC_ID = "d8a6f005-7eaf-4153-983e-e8574508b877";
/** The flow spec for raw data, with a `Mapping` transformation (http.md, "Raw data"). */
export const HTTP_API_RAW_FLOW_SPEC_ID = "c1a19761-d2c7-4702-b9fa-fe91f0613e81";

/** The fields an {@link HttpApiSource} declares when the program gives none: a small generic event. */
export const HTTP_API_DEFAULT_FIELDS: Record<string, XdmField> = {
    eventName: { type: "string", title: "Event name", description: "What happened, in the sender's words." },
    userId: { type: "string", title: "User id", description: "The sender's id of the person concerned." },
    email: { type: "string", format: "email", title: "Email", description: "The person's email address." },
    value: { type: "number", title: "Value", description: "A number the event carries (an amount, a score)." },
};

/** Inputs of an {@link HttpApiSource}; all optional. */
export interface HttpApiSourceArgs {
    /** Start of every AEP display name. Default "HTTP API". A change renames the objects whose names AEP lets change. */
    displayName?: string;
    /** AEP sandbox; default `aep:sandboxName`. Changing it replaces every object. */
    sandboxName?: pulumi.Input<string>;
    /**
     * "xdm" (default): senders post XDM messages shaped as the schema. "raw": senders post any JSON, which the
     * mapping set shapes. Changing it replaces the base connection and so the inlet URL.
     */
    dataType?: "xdm" | "raw";
    /**
     * Whether the inlet refuses posts without `Authorization: Bearer <IMS access token>` (401). Default false.
     * Senders then get a token from Adobe IMS with credentials of their own (never stored here). Changing it
     * replaces the base connection and so the inlet URL.
     */
    authenticationRequired?: boolean;
    /** The fields senders fill, placed under `_{tenant}.<objectName>`. Default: {@link HTTP_API_DEFAULT_FIELDS}. */
    fields?: Record<string, XdmField>;
    /** The object under the tenant namespace holding `fields`. Default "httpApi". */
    objectName?: string;
    /**
     * Raw data only: mappings added to the defaults (each field from the payload path of the same name, `_id`
     * by uuid(), `timestamp` by now()); one with the destination of a default replaces it. Write the tenant
     * namespace as `_tenant`, e.g. `{ source: "user.mail", destination: "_tenant.httpApi.email" }`.
     */
    mappings?: Mapping[];
    /** Whether the dataflow accepts data. Default true. */
    enabled?: pulumi.Input<boolean>;
    /**
     * Allow Pulumi to delete the dataset while it holds data (see `Dataset.forceDestroy`). Default false: the
     * dataset is protected. A plain boolean; apply it with `pulumi up` first.
     */
    forceDestroy?: boolean;
    /** Take over existing AEP objects with the same names instead of failing (see each resource). */
    adopt?: boolean;
    /** Make a field an identity of the schema, e.g. `{ field: "email", namespace: "Email", primary: true }`. */
    identity?: SourceIdentity;
    /** Enable the schema and the dataset for Real-Time Customer Profile (cannot be turned off on the schema). Default false. */
    profile?: boolean;
}

const ARG_KEYS = [
    "displayName",
    "sandboxName",
    "dataType",
    "authenticationRequired",
    "fields",
    "objectName",
    "mappings",
    "enabled",
    "forceDestroy",
    "adopt",
    "identity",
    "profile",
];

/** Every leaf path of the fields (objects descended, arrays and scalars kept), relative to the object. */
function leafPaths(fields: Record<string, XdmField>, prefix = ""): string[] {
    return Object.entries(fields).flatMap(([name, f]) =>
        f.type === "object" && f.properties ? leafPaths(f.properties, `${prefix}${name}.`) : [`${prefix}${name}`],
    );
}

/** The text a sender's operator needs (no secret in it). */
export function httpApiSenderInstructions(dataType: "xdm" | "raw", authenticationRequired: boolean): string {
    const lines = [
        `Send data to the HTTP API source (${dataType === "raw" ? "raw JSON" : "XDM messages"}):`,
        "  1. Show the URL to post to: pulumi stack output --show-secrets webhookUrl",
        dataType === "raw"
            ? "  2. POST any JSON body with Content-Type: application/json; the URL names the dataflow (x-adobe-flow-id), which maps the fields."
            : "  2. POST an XDM message with Content-Type: application/json: {header: {schemaRef, imsOrgId, datasetId, flowId}, body: {xdmMeta: {schemaRef}, xdmEntity}} (schemaId, datasetId and flowId are stack outputs).",
    ];
    if (authenticationRequired)
        lines.push(
            "  3. The inlet requires authentication: send Authorization: Bearer <access token>, a token the sender gets from Adobe IMS",
            "     with credentials of its own (OAuth server-to-server). Without a valid token AEP answers 401. The token is never stored here.",
        );
    lines.push("Adobe advises waiting about five minutes after the dataflow is created before sending.");
    if (!authenticationRequired) lines.push("Treat the URL as a secret: anyone who has it can post into the dataset.");
    return lines.join("\n");
}

/**
 * AEP's HTTP API streaming source: an inlet any sender can post to, XDM or raw, authenticated or not, and
 * everything behind it down to a dataset. Give senders `webhookUrl` (and, for raw data, the flow id is in it
 * already; `flowId` alone for senders that set the `x-adobe-flow-id` header).
 */
export class HttpApiSource extends pulumi.ComponentResource {
    /** The base connection's inlet URL (`auth.params.inletUrl`). Secret. */
    readonly inletUrl: pulumi.Output<string>;
    /**
     * The URL to post to: for raw data `inletUrl?x-adobe-flow-id=<flowId>`, for XDM the inlet URL (the message
     * names the flow and dataset in its header). Secret.
     */
    readonly webhookUrl: pulumi.Output<string>;
    /** The dataflow's id: what raw senders send as `x-adobe-flow-id` and XDM senders as `header.flowId`. */
    readonly flowId: pulumi.Output<string>;
    /** Whether the inlet requires `Authorization: Bearer <IMS access token>`. */
    readonly authenticationRequired: pulumi.Output<boolean>;
    /** "xdm" or "raw". */
    readonly dataType: pulumi.Output<string>;
    /** The dataset the data lands in. */
    readonly datasetId: pulumi.Output<string>;
    /** The schema `$id` (XDM messages name it in `header.schemaRef.id`). */
    readonly schemaId: pulumi.Output<string>;
    /** The base connection's id. */
    readonly baseConnectionId: pulumi.Output<string>;
    /** The source connection's id. */
    readonly sourceConnectionId: pulumi.Output<string>;
    /** The data lake target connection's id. */
    readonly targetConnectionId: pulumi.Output<string>;
    /** The mapping set's id (raw data only; empty for XDM). */
    readonly mappingSetId: pulumi.Output<string>;
    /** How a sender posts here (no secret in it). */
    readonly senderInstructions: pulumi.Output<string>;

    /** The field group resource. */
    readonly fieldGroup: FieldGroup;
    /** The schema resource. */
    readonly schema: Schema;
    /** The dataset resource. */
    readonly dataset: Dataset;
    /** The base connection resource (holds the inlet). */
    readonly baseConnection: BaseConnection;
    /** The source connection resource. */
    readonly sourceConnection: SourceConnection;
    /** The target connection resource. */
    readonly targetConnection: TargetConnection;
    /** The mapping set resource (raw data only). */
    readonly mappingSet?: MappingSet;
    /** The dataflow resource. */
    readonly dataflow: Dataflow;
    /** The identity descriptor, when `identity` is set. */
    readonly identityDescriptor?: IdentityDescriptor;

    constructor(name: string, args: HttpApiSourceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("aep:sources:HttpApiSource", name, {}, opts);
        const fail = (message: string) => new pulumi.ResourceError(`HttpApiSource "${name}": ${message}`, this, true);
        const failures: { property: string; reason: string }[] = [];
        checkKnownKeys(failures, args as Record<string, unknown>, ARG_KEYS, "HttpApiSource");
        const dataType = args.dataType ?? "xdm";
        if (dataType !== "xdm" && dataType !== "raw")
            failures.push({ property: "dataType", reason: `dataType must be "xdm" or "raw", got ${JSON.stringify(dataType)}` });
        const auth = args.authenticationRequired ?? false;
        if (typeof auth !== "boolean")
            failures.push({ property: "authenticationRequired", reason: "authenticationRequired must be true or false" });
        const label = args.displayName ?? "HTTP API";
        if (typeof label !== "string" || !label.trim() || label.length > DISPLAY_NAME_MAX)
            failures.push({
                property: "displayName",
                reason: `displayName must be a non-empty string of at most ${DISPLAY_NAME_MAX} characters`,
            });
        const objectName = args.objectName ?? "httpApi";
        if (typeof objectName !== "string" || !/^[A-Za-z][A-Za-z0-9_]*$/.test(objectName))
            failures.push({
                property: "objectName",
                reason: 'objectName must be a field name (letters, digits, _; a letter first), e.g. "httpApi"',
            });
        const own = args.fields ?? HTTP_API_DEFAULT_FIELDS;
        checkFields(own, "fields", failures);
        if (dataType === "xdm" && args.mappings?.length)
            failures.push({
                property: "mappings",
                reason: 'mappings apply to raw data only: XDM messages arrive shaped as the schema (use dataType: "raw" to map)',
            });
        for (const reason of [...mappingProblems(args.mappings), ...identityKeyProblems(args.identity)])
            failures.push({ property: "", reason });
        if (failures.length) throw fail(failures.map((f) => f.reason).join("; "));

        const fields: Record<string, XdmField> = { [objectName]: { type: "object", title: label, properties: own } };
        const paths = [...EXPERIENCE_EVENT_FIELDS, ...fieldPaths(fields, TENANT)];
        const defaults: Mapping[] = [
            { sourceType: "EXPRESSION", source: "uuid()", destination: "_id" },
            { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
            ...leafPaths(own).map((p) => ({ source: p, destination: `${TENANT}.${objectName}.${p}` })),
        ];
        const merged = new Map<string, Mapping>();
        for (const m of [...defaults, ...(args.mappings ?? [])]) merged.set(m.destination, m);
        const unknown = (args.mappings ?? []).filter(
            (m) => !m || typeof m.destination !== "string" || !destinationKnown(m.destination, paths),
        );
        if (unknown.length)
            throw fail(
                unknown
                    .map(
                        (m) =>
                            `mapping to ${JSON.stringify(m?.destination)}: no such field; destinations are ${TENANT}.${objectName}.… paths or one of ${EXPERIENCE_EVENT_FIELDS.join(", ")}`,
                    )
                    .join("; "),
            );
        const mappings = [...merged.values()];
        let identityPath: string[] | undefined;
        if (args.identity) {
            const parts = typeof args.identity.field === "string" ? args.identity.field.split(".") : [];
            let f: XdmField | undefined = parts.length ? fields[objectName] : undefined;
            for (const p of parts) f = f?.type === "object" ? f.properties?.[p] : undefined;
            if (!f || f.type !== "string")
                throw fail(
                    `identity.field ${JSON.stringify(args.identity.field)} must name a string field below ${objectName}, e.g. "email"`,
                );
            if (typeof args.identity.namespace !== "string" || !args.identity.namespace.trim())
                throw fail(`identity.namespace is required: an identity namespace code such as "Email", or its numeric id`);
            identityPath = [objectName, ...parts];
        }

        const guard = args.forceDestroy !== undefined ? { forceDestroy: args.forceDestroy } : {};
        const common = { sandboxName: args.sandboxName, adopt: args.adopt, __ownName: true };
        const parent = { parent: this };
        const keepName = { parent: this, ignoreChanges: ["name"] };
        const suffix = new random.RandomString(`${name}-suffix`, { length: 6, special: false, upper: false }, parent).result;

        const store = eventStore(this, name, {
            common,
            label,
            suffix,
            fields,
            fieldGroupTitle: "fields",
            fieldGroupDescription: "Fields HTTP API senders fill.",
            schemaDescription: "Events posted to the HTTP API source, as XDM ExperienceEvents.",
            datasetDescription: "Events streamed by the HTTP API source.",
            profile: args.profile,
            forceDestroy: args.forceDestroy,
        });
        ({ fieldGroup: this.fieldGroup, schema: this.schema, dataset: this.dataset } = store);
        this.baseConnection = new BaseConnection(
            `${name}-connection`,
            {
                ...common,
                name: pulumi.interpolate`${label} streaming connection ${suffix}`,
                description: "The HTTP API inlet.",
                dataType,
                authenticationRequired: auth,
            },
            parent,
        );
        this.sourceConnection = new SourceConnection(
            `${name}-source`,
            {
                ...common,
                name: pulumi.interpolate`${label} source ${suffix}`,
                description: "HTTP API source.",
                connectionSpecId: HTTP_API_CONNECTION_SPEC_ID,
                baseConnectionId: this.baseConnection.id,
            },
            parent,
        );
        ({ targetConnection: this.targetConnection, identityDescriptor: this.identityDescriptor } = dataLakeTarget(this, name, {
            common,
            label,
            suffix,
            store,
            identity:
                args.identity && identityPath
                    ? { path: identityPath, namespace: args.identity.namespace, primary: args.identity.primary }
                    : undefined,
        }));
        const tenant = this.fieldGroup.tenantId;
        if (dataType === "raw") {
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
        }
        this.dataflow = new Dataflow(
            `${name}-dataflow`,
            {
                ...common,
                name: pulumi.interpolate`${label} dataflow ${suffix}`,
                description: "Streams what senders post to the HTTP API inlet into the dataset.",
                flowSpecId: dataType === "raw" ? HTTP_API_RAW_FLOW_SPEC_ID : HTTP_API_XDM_FLOW_SPEC_ID,
                sourceConnectionId: this.sourceConnection.id,
                targetConnectionId: this.targetConnection.id,
                ...(this.mappingSet ? { mappingSetId: this.mappingSet.id, mappingVersion: this.mappingSet.mappingVersion } : {}),
                enabled: args.enabled ?? true,
                ...guard,
            },
            keepName,
        );

        this.inletUrl = pulumi.secret(this.baseConnection.inletUrl);
        this.flowId = this.dataflow.id;
        this.webhookUrl = pulumi.secret(
            pulumi
                .all([this.baseConnection.inletUrl, this.dataflow.id])
                .apply(([inlet, flow]) => (dataType === "raw" ? webhookUrl(inlet, flow) : inlet)),
        );
        this.authenticationRequired = pulumi.output(auth);
        this.dataType = pulumi.output(dataType);
        this.datasetId = this.dataset.id;
        this.schemaId = this.schema.id;
        this.baseConnectionId = this.baseConnection.id;
        this.sourceConnectionId = this.sourceConnection.id;
        this.targetConnectionId = this.targetConnection.id;
        this.mappingSetId = this.mappingSet ? this.mappingSet.id : pulumi.output("");
        this.senderInstructions = pulumi.output(httpApiSenderInstructions(dataType, auth));
        this.registerOutputs({
            inletUrl: this.inletUrl,
            webhookUrl: this.webhookUrl,
            flowId: this.flowId,
            authenticationRequired: this.authenticationRequired,
            dataType: this.dataType,
            datasetId: this.datasetId,
            schemaId: this.schemaId,
            baseConnectionId: this.baseConnectionId,
            sourceConnectionId: this.sourceConnectionId,
            targetConnectionId: this.targetConnectionId,
            mappingSetId: this.mappingSetId,
            senderInstructions: this.senderInstructions,
        });
    }
}
