/**
 * SourceConnection: a Flow Service source connection (`/sourceConnections`), by default the Chatlio
 * streaming source (no base connection, JSON data, as Adobe's Chatlio tutorial shows).
 *
 * Name and description change in place (JSON Patch with `If-Match`). The connection spec, provider and
 * data format cannot change: Adobe advises a new connection instead, so a change replaces it.
 */
import * as pulumi from "@pulumi/pulumi";
import { hostedProvider } from "./hosted";
import { CheckFailure, CommonInputs, aepProvider, checkId, checkText } from "./lifecycle";
import { CHATLIO_CONNECTION_SPEC_ID, FLOW_SERVICE_ID, STREAMING_PROVIDER_ID } from "./ids";
import { connectionVerbs } from "./flow-service";

/** Inputs of a {@link SourceConnection}. */
export interface SourceConnectionArgs {
    /** Connection name. Default: the resource name plus a random suffix. */
    name?: pulumi.Input<string>;
    /** Description shown in the AEP UI. */
    description?: pulumi.Input<string>;
    /** Connection spec id. Default: Chatlio (`073127a3-…`). Changing it replaces the connection. */
    connectionSpecId?: pulumi.Input<string>;
    /** Connection spec version. Default "1.0". */
    connectionSpecVersion?: pulumi.Input<string>;
    /** Provider id. Default: the HTTP API streaming provider (`521eee4d-…`), as for Chatlio. */
    providerId?: pulumi.Input<string>;
    /** Payload format; Chatlio supports only "json" (the default). */
    dataFormat?: pulumi.Input<string>;
    /** AEP sandbox; default `aep:sandboxName`. Changing it replaces the connection. */
    sandboxName?: pulumi.Input<string>;
    /** Take over an existing connection with the same name instead of creating another. */
    adopt?: pulumi.Input<boolean>;
}

/** A {@link SourceConnection}'s inputs as its provider receives them: {@link SourceConnectionArgs} resolved. */
export interface SourceConnectionInputs extends CommonInputs {
    /** The connection's name. */
    name?: string;
    /** Description shown in the AEP UI. */
    description?: string;
    /** Connection spec id. */
    connectionSpecId?: string;
    /** Connection spec version. */
    connectionSpecVersion?: string;
    /** Provider id. */
    providerId?: string;
    /** Payload format. */
    dataFormat?: string;
}

/** A {@link SourceConnection}'s state: its inputs and what AEP answered. */
export interface SourceConnectionOutputs extends SourceConnectionInputs {
    /** The source connection id. */
    sourceConnectionId: string;
    /** Flow Service etag, changed by every update. */
    etag: string;
}

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
    };
}

export const sourceConnectionProvider = aepProvider<SourceConnectionInputs, SourceConnectionOutputs>({
    kind: "source connection",
    nameKey: "name",
    nameMaxLength: 255,
    compareKeys: ["name", "description", "connectionSpecId", "connectionSpecVersion", "providerId", "dataFormat"],
    replaceKeys: ["connectionSpecId", "connectionSpecVersion", "providerId", "dataFormat"],
    defaults(inputs) {
        inputs.connectionSpecId ??= CHATLIO_CONNECTION_SPEC_ID;
        inputs.connectionSpecVersion ??= "1.0";
        inputs.providerId ??= STREAMING_PROVIDER_ID;
        inputs.dataFormat ??= "json";
        return inputs;
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkText(failures, inputs as any, "name", { max: 255 });
        checkText(failures, inputs as any, "description", { max: 4096 });
        checkId(failures, inputs as any, "connectionSpecId", FLOW_SERVICE_ID, "connection spec id (a UUID)");
        checkId(failures, inputs as any, "providerId", FLOW_SERVICE_ID, "provider id (a UUID)");
        checkText(failures, inputs as any, "connectionSpecVersion", { max: 20 });
        if (inputs.connectionSpecId === CHATLIO_CONNECTION_SPEC_ID && typeof inputs.dataFormat === "string" && inputs.dataFormat !== "json" && !inputs.dataFormat.startsWith("04da6b54")) {
            failures.push({ property: "dataFormat", reason: `dataFormat "${inputs.dataFormat}" is not supported by the Chatlio source: use "json"` });
        }
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({
            family: "flowService", method: "POST", path: "/sourceConnections", operation: "create source connection", object: inputs.name,
            body: {
                name: inputs.name,
                description: inputs.description,
                providerId: inputs.providerId,
                connectionSpec: { id: inputs.connectionSpecId, version: inputs.connectionSpecVersion },
                data: { format: inputs.dataFormat },
            },
        });
        return { id: r.data.id, outs: { ...inputs, sourceConnectionId: r.data.id, etag: r.data.etag } as SourceConnectionOutputs };
    },
    ...connectionVerbs<SourceConnectionOutputs>("sourceConnections", "source connection", toOutputs),
});

/** A Flow Service source connection; by default the Chatlio webhook source. */
export class SourceConnection extends pulumi.dynamic.Resource {
    /** The source connection id (same as `id`). */
    declare readonly sourceConnectionId: pulumi.Output<string>;
    /** Flow Service etag, changed by every update. */
    declare readonly etag: pulumi.Output<string>;
    /** The connection's name. */
    declare readonly name: pulumi.Output<string>;
    /** Connection spec id (Chatlio by default). */
    declare readonly connectionSpecId: pulumi.Output<string>;
    /** The AEP sandbox that holds it. */
    declare readonly sandboxName: pulumi.Output<string>;

    constructor(name: string, args: SourceConnectionArgs = {}, opts?: pulumi.CustomResourceOptions) {
        super(
            hostedProvider("sourceConnection"),
            name,
            { sourceConnectionId: undefined, etag: undefined, name: undefined, connectionSpecId: undefined, sandboxName: undefined, ...args, resourceName: name },
            opts,
            "aep",
            "SourceConnection",
        );
    }
}
