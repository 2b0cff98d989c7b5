/**
 * TargetConnection: a Flow Service target connection (`/targetConnections`), by default to the data
 * lake, writing into one dataset of one schema.
 *
 * Name and description change in place (JSON Patch with `If-Match`). The dataset, schema, spec and
 * format cannot change: Adobe advises a new connection (and dataflow) instead, so a change replaces it.
 */
import * as pulumi from "@pulumi/pulumi";
import { CheckFailure, CommonInputs, aepProvider, checkId } from "./lifecycle";
import { OutputProperties, Resolved, dynamicResourceArgs } from "./resource";
import { DATASET_ID, DATA_LAKE_CONNECTION_SPEC_ID, SCHEMA_ID, XED_FULL_V1 } from "./ids";
import { CONNECTION_KEYS, ConnectionArgs, ConnectionState, checkConnection, connectionVerbs } from "./flow-service";

/** Inputs of a {@link TargetConnection}. */
export interface TargetConnectionArgs extends ConnectionArgs {
    /** The dataset records are written to, e.g. `dataset.id`. Changing it replaces the connection. */
    datasetId: pulumi.Input<string>;
    /** The dataset's schema `$id`, e.g. `schema.id`. Changing it replaces the connection. */
    schemaId: pulumi.Input<string>;
}

/** A {@link TargetConnection}'s inputs as its provider receives them. */
export type TargetConnectionInputs = Resolved<TargetConnectionArgs> & CommonInputs;

/** What AEP answers for a {@link TargetConnection}, besides its inputs. */
export interface TargetConnectionState extends ConnectionState {
    /** The target connection id (same as `id`). */
    targetConnectionId: string;
}

/** A {@link TargetConnection}'s state: its inputs and what AEP answered. */
export type TargetConnectionOutputs = TargetConnectionInputs & TargetConnectionState;

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

export const targetConnectionProvider = aepProvider<TargetConnectionInputs, TargetConnectionOutputs, "targetConnection">({
    kind: "targetConnection",
    noun: "target connection",
    typeName: "TargetConnection",
    inputKeys: [...CONNECTION_KEYS, "datasetId", "schemaId"],
    nameKey: "name",
    nameMaxLength: 255,
    compareKeys: [...CONNECTION_KEYS, "datasetId", "schemaId"],
    replaceKeys: ["datasetId", "schemaId", "connectionSpecId", "connectionSpecVersion", "dataFormat"],
    defaults(inputs) {
        inputs.connectionSpecId ??= DATA_LAKE_CONNECTION_SPEC_ID;
        inputs.connectionSpecVersion ??= "1.0";
        inputs.dataFormat ??= "json";
        return inputs;
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkConnection(failures, inputs as unknown as Record<string, unknown>);
        checkId(failures, inputs as unknown as Record<string, unknown>, "datasetId", DATASET_ID, "dataset id (24 hex characters)");
        checkId(failures, inputs as unknown as Record<string, unknown>, "schemaId", SCHEMA_ID, "tenant schema $id");
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({
            family: "flowService",
            method: "POST",
            path: "/targetConnections",
            operation: "create target connection",
            object: inputs.name,
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

const OUTPUTS = ["targetConnectionId", "etag", "name", "datasetId", "sandboxName"] as const;

/** A Flow Service target connection; by default to the data lake, into one dataset. */
export interface TargetConnection extends OutputProperties<TargetConnectionOutputs, (typeof OUTPUTS)[number]> {}
export class TargetConnection extends pulumi.dynamic.Resource {
    constructor(name: string, args: TargetConnectionArgs, opts?: pulumi.CustomResourceOptions) {
        super(...dynamicResourceArgs(targetConnectionProvider, name, args, OUTPUTS, opts));
    }
}
