/**
 * SourceConnection: a Flow Service source connection (`/sourceConnections`), by default the Chatlio
 * streaming source (no base connection, JSON data, as Adobe's Chatlio tutorial shows). Other Streaming SDK
 * webhook sources (Customer.io, Pendo, LAVA) differ only by connection spec; the HTTP API source names its
 * base connection (`baseConnectionId`), which holds the inlet.
 *
 * Name and description change in place (JSON Patch with `If-Match`). The connection spec, provider and
 * data format (and the base connection) cannot change: Adobe advises a new connection instead, so a change
 * replaces it.
 */
import * as pulumi from "@pulumi/pulumi";
import { CheckFailure, CommonInputs, aepProvider, checkId } from "./lifecycle";
import { OutputProperties, Resolved, dynamicResourceArgs } from "./resource";
import { CHATLIO_CONNECTION_SPEC_ID, FLOW_SERVICE_ID, STREAMING_PROVIDER_ID } from "./ids";
import { CONNECTION_KEYS, ConnectionArgs, ConnectionState, checkConnection, connectionVerbs } from "./flow-service";

/** Inputs of a {@link SourceConnection}. */
export interface SourceConnectionArgs extends ConnectionArgs {
    /** Provider id. Default: the HTTP API streaming provider (`521eee4d-…`), as for Chatlio. Changing it replaces the connection. */
    providerId?: pulumi.Input<string>;
    /**
     * The base connection this source reads from, e.g. `baseConnection.id` (the HTTP API source). Default:
     * none, as for the Streaming SDK webhook sources. Changing it replaces the connection.
     */
    baseConnectionId?: pulumi.Input<string>;
}

/** A {@link SourceConnection}'s inputs as its provider receives them. */
export type SourceConnectionInputs = Resolved<SourceConnectionArgs> & CommonInputs;

/** What AEP answers for a {@link SourceConnection}, besides its inputs. */
export interface SourceConnectionState extends ConnectionState {
    /** The source connection id (same as `id`). */
    sourceConnectionId: string;
}

/** A {@link SourceConnection}'s state: its inputs and what AEP answered. */
export type SourceConnectionOutputs = SourceConnectionInputs & SourceConnectionState;

function toOutputs(item: any): SourceConnectionOutputs {
    return {
        sourceConnectionId: item.id,
        etag: item.etag,
        name: item.name,
        description: item.description || undefined,
        connectionSpecId: item.connectionSpec?.id,
        connectionSpecVersion: item.connectionSpec?.version,
        // AEP takes providerId on create but no example shows it on reads: undefined keeps the known value.
        providerId: item.providerId,
        dataFormat: item.data?.format,
        baseConnectionId: item.baseConnectionId || undefined,
    };
}

export const sourceConnectionProvider = aepProvider<SourceConnectionInputs, SourceConnectionOutputs, "sourceConnection">({
    kind: "sourceConnection",
    noun: "source connection",
    typeName: "SourceConnection",
    inputKeys: [...CONNECTION_KEYS, "providerId", "baseConnectionId"],
    nameKey: "name",
    nameMaxLength: 255,
    compareKeys: [...CONNECTION_KEYS, "providerId", "baseConnectionId"],
    replaceKeys: ["connectionSpecId", "connectionSpecVersion", "providerId", "dataFormat", "baseConnectionId"],
    defaults(inputs) {
        inputs.connectionSpecId ??= CHATLIO_CONNECTION_SPEC_ID;
        inputs.connectionSpecVersion ??= "1.0";
        inputs.providerId ??= STREAMING_PROVIDER_ID;
        inputs.dataFormat ??= "json";
        return inputs;
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkConnection(failures, inputs as unknown as Record<string, unknown>);
        checkId(failures, inputs as unknown as Record<string, unknown>, "providerId", FLOW_SERVICE_ID, "provider id (a UUID)");
        checkId(
            failures,
            inputs as unknown as Record<string, unknown>,
            "baseConnectionId",
            FLOW_SERVICE_ID,
            "base connection id (a UUID)",
            {
                required: false,
            },
        );
        if (
            inputs.connectionSpecId === CHATLIO_CONNECTION_SPEC_ID &&
            typeof inputs.dataFormat === "string" &&
            inputs.dataFormat !== "json" &&
            !inputs.dataFormat.startsWith("04da6b54")
        ) {
            failures.push({
                property: "dataFormat",
                reason: `dataFormat "${inputs.dataFormat}" is not supported by the Chatlio source: use "json"`,
            });
        }
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({
            family: "flowService",
            method: "POST",
            path: "/sourceConnections",
            operation: "create source connection",
            object: inputs.name,
            body: {
                name: inputs.name,
                description: inputs.description,
                providerId: inputs.providerId,
                ...(inputs.baseConnectionId ? { baseConnectionId: inputs.baseConnectionId } : {}),
                connectionSpec: { id: inputs.connectionSpecId, version: inputs.connectionSpecVersion },
                data: { format: inputs.dataFormat },
            },
        });
        return { id: r.data.id, outs: { ...inputs, sourceConnectionId: r.data.id, etag: r.data.etag } as SourceConnectionOutputs };
    },
    ...connectionVerbs<SourceConnectionOutputs>("sourceConnections", "source connection", toOutputs),
});

const OUTPUTS = ["sourceConnectionId", "etag", "name", "connectionSpecId", "baseConnectionId", "sandboxName"] as const;

/** A Flow Service source connection; by default the Chatlio webhook source. */
export interface SourceConnection extends OutputProperties<SourceConnectionOutputs, (typeof OUTPUTS)[number]> {}
export class SourceConnection extends pulumi.dynamic.Resource {
    constructor(name: string, args: SourceConnectionArgs = {}, opts?: pulumi.CustomResourceOptions) {
        super(...dynamicResourceArgs(sourceConnectionProvider, name, args, OUTPUTS, opts));
    }
}
