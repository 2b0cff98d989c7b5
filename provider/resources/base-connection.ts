/**
 * BaseConnection: a Flow Service base connection (`/connections`), by default the HTTP API streaming
 * connection (connection spec `bc7b00d6-…`, auth spec "Streaming Connection"), which carries the inlet a
 * sender posts to (`auth.params.inletUrl`), as Adobe's HTTP API tutorial
 * (`help/sources/tutorials/api/create/streaming/http.md`) shows.
 *
 * `dataType` says what the inlet takes: `xdm` (messages already shaped as XDM) or `raw` (any JSON, shaped by
 * the dataflow's mapping set). With `authenticationRequired`, the inlet refuses posts without a valid IMS
 * access token (401). Name and description change in place (JSON Patch with `If-Match`); the connection
 * spec, data type and authentication cannot change on an existing connection, so a change replaces it, and
 * with it the inlet URL.
 */
import * as pulumi from "@pulumi/pulumi";
import { CheckFailure, CommonInputs, UNKNOWN, aepProvider, checkId, checkText } from "./lifecycle";
import { CommonArgs, OutputProperties, Resolved, dynamicResourceArgs } from "./resource";
import { FLOW_SERVICE_ID } from "./ids";
import { deleteItem, findByName, getItem, patchItem, patchOps } from "./flow-service";

/** The HTTP API streaming connection spec (http.md). */
export const HTTP_API_CONNECTION_SPEC_ID = "bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb";

/** Inputs of a {@link BaseConnection}. */
export interface BaseConnectionArgs extends CommonArgs {
    /** Connection name. Default: the resource name plus a suffix. */
    name?: pulumi.Input<string>;
    /** Description shown in the AEP UI. */
    description?: pulumi.Input<string>;
    /** Connection spec id. Default: the HTTP API streaming connection (`bc7b00d6-…`). Changing it replaces the connection. */
    connectionSpecId?: pulumi.Input<string>;
    /** Connection spec version. Default "1.0". Changing it replaces the connection. */
    connectionSpecVersion?: pulumi.Input<string>;
    /**
     * What the inlet takes: "xdm" (XDM messages) or "raw" (any JSON, mapped by the dataflow's mapping set).
     * Default "xdm". Changing it replaces the connection and its inlet URL.
     */
    dataType?: pulumi.Input<string>;
    /**
     * Whether the inlet refuses posts without a valid `Authorization: Bearer <IMS access token>` header (401).
     * Default false. Changing it replaces the connection and its inlet URL.
     */
    authenticationRequired?: pulumi.Input<boolean>;
}

/** A {@link BaseConnection}'s inputs as its provider receives them. */
export type BaseConnectionInputs = Resolved<BaseConnectionArgs> & CommonInputs;

/** What AEP answers for a {@link BaseConnection}, besides its inputs. */
export interface BaseConnectionState {
    /** The base connection id (same as `id`). */
    baseConnectionId: string;
    /** Flow Service etag, changed by every update. */
    etag: string;
    /** The inlet's URL (`auth.params.inletUrl`): where senders post. Secret. */
    inletUrl: string;
    /** The inlet's id (`auth.params.inletId`), the last part of `inletUrl`. Secret. */
    inletId: string;
}

/** A {@link BaseConnection}'s state: its inputs and what AEP answered. */
export type BaseConnectionOutputs = BaseConnectionInputs & BaseConnectionState;

const DATA_TYPES = ["xdm", "raw"];
const AUTH_SPEC = "Streaming Connection";

function toOutputs(item: any): BaseConnectionOutputs {
    const params = item.auth?.params ?? {};
    return {
        baseConnectionId: item.id,
        etag: item.etag,
        name: item.name,
        description: item.description || undefined,
        connectionSpecId: item.connectionSpec?.id,
        connectionSpecVersion: item.connectionSpec?.version,
        dataType: params.dataType,
        // AEP's example shows `false` when it was not asked for; an absent value reads as false.
        authenticationRequired: params.authenticationRequired === true,
        inletUrl: params.inletUrl,
        inletId: params.inletId,
    };
}

const KEYS = ["name", "description", "connectionSpecId", "connectionSpecVersion", "dataType", "authenticationRequired"] satisfies Array<
    keyof BaseConnectionInputs & string
>;

export const baseConnectionProvider = aepProvider<BaseConnectionInputs, BaseConnectionOutputs, "baseConnection">({
    kind: "baseConnection",
    noun: "base connection",
    typeName: "BaseConnection",
    inputKeys: [...KEYS],
    nameKey: "name",
    nameMaxLength: 255,
    compareKeys: [...KEYS],
    replaceKeys: ["connectionSpecId", "connectionSpecVersion", "dataType", "authenticationRequired"],
    defaults(inputs) {
        inputs.connectionSpecId ??= HTTP_API_CONNECTION_SPEC_ID;
        inputs.connectionSpecVersion ??= "1.0";
        inputs.dataType ??= "xdm";
        inputs.authenticationRequired ??= false;
        return inputs;
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        const raw = inputs as unknown as Record<string, unknown>;
        checkText(failures, raw, "name", { max: 255 });
        checkText(failures, raw, "description", { max: 4096 });
        checkId(failures, raw, "connectionSpecId", FLOW_SERVICE_ID, "connection spec id (a UUID)");
        checkText(failures, raw, "connectionSpecVersion", { max: 20 });
        if (typeof inputs.dataType === "string" && inputs.dataType !== UNKNOWN && !DATA_TYPES.includes(inputs.dataType))
            failures.push({
                property: "dataType",
                reason: `dataType "${inputs.dataType}" is not one AEP's Streaming Connection takes: use "xdm" (XDM messages) or "raw" (any JSON, mapped by a mapping set)`,
            });
        const auth = raw.authenticationRequired;
        if (auth !== undefined && auth !== UNKNOWN && typeof auth !== "boolean")
            failures.push({ property: "authenticationRequired", reason: "authenticationRequired must be true or false" });
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({
            family: "flowService",
            method: "POST",
            path: "/connections",
            operation: "create base connection",
            object: inputs.name,
            body: {
                name: inputs.name,
                description: inputs.description,
                connectionSpec: { id: inputs.connectionSpecId, version: inputs.connectionSpecVersion },
                auth: {
                    specName: AUTH_SPEC,
                    params: {
                        dataType: inputs.dataType,
                        name: inputs.name,
                        ...(inputs.authenticationRequired ? { authenticationRequired: true } : {}),
                    },
                },
            },
        });
        const id: string = r.data.id;
        // The inlet comes with the connection (http.md: "automatically created with the connection").
        const item = await getItem(ctx, "connections", id, "base connection");
        const params = item?.auth?.params ?? {};
        const outs = {
            ...inputs,
            baseConnectionId: id,
            etag: item?.etag ?? r.data.etag,
            inletUrl: params.inletUrl,
            inletId: params.inletId,
        };
        return { id, outs: outs as BaseConnectionOutputs };
    },
    find: (ctx, inputs) => findByName(ctx, "connections", inputs.name!, "base connection"),
    async read(ctx, id) {
        const item = await getItem(ctx, "connections", id, "base connection");
        return item ? toOutputs(item) : undefined;
    },
    async update(ctx, id, olds, news) {
        const etag = await patchItem(ctx, "connections", id, olds.etag, "base connection", news.name!, (live) =>
            patchOps(live ?? olds, news, ["name", "description"]),
        );
        return { ...olds, ...news, etag } as BaseConnectionOutputs;
    },
    delete: (ctx, id) => deleteItem(ctx, "connections", id, "base connection"),
    replaceWarning: (olds, replaces) =>
        `base connection "${olds.name}" will be replaced (${replaces.join(", ")} changed): AEP gives the new connection a new inlet URL; ` +
        "senders must be given the new URL after the update.",
});

const OUTPUTS = ["baseConnectionId", "etag", "name", "inletUrl", "inletId", "dataType", "authenticationRequired", "sandboxName"] as const;

/**
 * A Flow Service base connection; by default the HTTP API streaming connection, whose inlet (`inletUrl`,
 * secret) is where senders post. Replacing it mints a new inlet URL.
 */
export interface BaseConnection extends OutputProperties<BaseConnectionOutputs, (typeof OUTPUTS)[number]> {}
export class BaseConnection extends pulumi.dynamic.Resource {
    constructor(name: string, args: BaseConnectionArgs = {}, opts?: pulumi.CustomResourceOptions) {
        super(
            ...dynamicResourceArgs(
                baseConnectionProvider,
                name,
                args,
                OUTPUTS,
                pulumi.mergeOptions(opts, { additionalSecretOutputs: ["inletUrl", "inletId"] }),
            ),
        );
    }
}
