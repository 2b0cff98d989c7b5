/**
 * TargetConnection: a Flow Service target connection (`/targetConnections`), by default to the data
 * lake, writing into one dataset of one schema.
 *
 * Name and description change in place (JSON Patch with `If-Match`). The dataset, schema, spec and
 * format cannot change: Adobe advises a new connection (and dataflow) instead, so a change replaces it.
 */
import * as pulumi from "@pulumi/pulumi";
import { hostedProvider } from "./hosted";
import { CheckFailure, CommonInputs, aepProvider, checkId, checkText } from "./lifecycle";
import { DATASET_ID, DATA_LAKE_CONNECTION_SPEC_ID, FLOW_SERVICE_ID, SCHEMA_ID, XED_FULL_V1 } from "./ids";
import { connectionVerbs } from "./flow-service";

/** Inputs of a {@link TargetConnection}. */
export interface TargetConnectionArgs {
    /** Connection name. Default: the resource name plus a random suffix. */
    name?: pulumi.Input<string>;
    /** Description shown in the AEP UI. */
    description?: pulumi.Input<string>;
    /** The dataset records are written to, e.g. `dataset.id`. Changing it replaces the connection. */
    datasetId: pulumi.Input<string>;
    /** The dataset's schema `$id`, e.g. `schema.id`. Changing it replaces the connection. */
    schemaId: pulumi.Input<string>;
    /** Connection spec id. Default: the data lake (`c604ff05-…`). */
    connectionSpecId?: pulumi.Input<string>;
    /** Connection spec version. Default "1.0". */
    connectionSpecVersion?: pulumi.Input<string>;
    /** Data format. Default "json", as in Adobe's Chatlio tutorial. */
    dataFormat?: pulumi.Input<string>;
    /** AEP sandbox; default `aep:sandboxName`. Changing it replaces the connection. */
    sandboxName?: pulumi.Input<string>;
    /** Take over an existing connection with the same name instead of creating another. */
    adopt?: pulumi.Input<boolean>;
}

/** A {@link TargetConnection}'s inputs as its provider receives them: {@link TargetConnectionArgs} resolved. */
export interface TargetConnectionInputs extends CommonInputs {
    /** The connection's name. */
    name?: string;
    /** Description shown in the AEP UI. */
    description?: string;
    /** The dataset records are written to. */
    datasetId: string;
    /** The dataset's schema `$id`. */
    schemaId: string;
    /** Connection spec id. */
    connectionSpecId?: string;
    /** Connection spec version. */
    connectionSpecVersion?: string;
    /** Data format. */
    dataFormat?: string;
}

/** A {@link TargetConnection}'s state: its inputs and what AEP answered. */
export interface TargetConnectionOutputs extends TargetConnectionInputs {
    /** The target connection id. */
    targetConnectionId: string;
    /** Flow Service etag, changed by every update. */
    etag: string;
}

function toOutputs(item: any): TargetConnectionOutputs {
    return {
        targetConnectionId: item.id,
        etag: item.etag,
        name: item.name,
        description: item.description || undefined,
        datasetId: item.params?.dataSetId,
        schemaId: item.data?.schema?.id,
        connectionSpecId: item.connectionSpec?.id,
        connectionSpecVersion: item.connectionSpec?.version,
        dataFormat: item.data?.format,
    };
}

export const targetConnectionProvider = aepProvider<TargetConnectionInputs, TargetConnectionOutputs>({
    kind: "target connection",
    nameKey: "name",
    nameMaxLength: 255,
    compareKeys: ["name", "description", "datasetId", "schemaId", "connectionSpecId", "connectionSpecVersion", "dataFormat"],
    replaceKeys: ["datasetId", "schemaId", "connectionSpecId", "connectionSpecVersion", "dataFormat"],
    defaults(inputs) {
        inputs.connectionSpecId ??= DATA_LAKE_CONNECTION_SPEC_ID;
        inputs.connectionSpecVersion ??= "1.0";
        inputs.dataFormat ??= "json";
        return inputs;
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkText(failures, inputs as any, "name", { max: 255 });
        checkText(failures, inputs as any, "description", { max: 4096 });
        checkId(failures, inputs as any, "datasetId", DATASET_ID, "dataset id (24 hex characters)");
        checkId(failures, inputs as any, "schemaId", SCHEMA_ID, "tenant schema $id");
        checkId(failures, inputs as any, "connectionSpecId", FLOW_SERVICE_ID, "connection spec id (a UUID)");
        checkText(failures, inputs as any, "connectionSpecVersion", { max: 20 });
        checkText(failures, inputs as any, "dataFormat", { max: 40 });
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({
            family: "flowService", method: "POST", path: "/targetConnections", operation: "create target connection", object: inputs.name,
            body: {
                name: inputs.name,
                description: inputs.description,
                connectionSpec: { id: inputs.connectionSpecId, version: inputs.connectionSpecVersion },
                data: { format: inputs.dataFormat, schema: { id: inputs.schemaId, version: XED_FULL_V1 } },
                params: { dataSetId: inputs.datasetId },
            },
        });
        return { id: r.data.id, outs: { ...inputs, targetConnectionId: r.data.id, etag: r.data.etag } as TargetConnectionOutputs };
    },
    ...connectionVerbs<TargetConnectionOutputs>("targetConnections", "target connection", toOutputs),
});

/** A Flow Service target connection; by default to the data lake, into one dataset. */
export class TargetConnection extends pulumi.dynamic.Resource {
    /** The target connection id (same as `id`). */
    declare readonly targetConnectionId: pulumi.Output<string>;
    /** Flow Service etag, changed by every update. */
    declare readonly etag: pulumi.Output<string>;
    /** The connection's name. */
    declare readonly name: pulumi.Output<string>;
    /** The dataset records are written to. */
    declare readonly datasetId: pulumi.Output<string>;
    /** The AEP sandbox that holds it. */
    declare readonly sandboxName: pulumi.Output<string>;

    constructor(name: string, args: TargetConnectionArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            hostedProvider("targetConnection"),
            name,
            { targetConnectionId: undefined, etag: undefined, name: undefined, sandboxName: undefined, ...args, resourceName: name },
            opts,
            "aep",
            "TargetConnection",
        );
    }
}
