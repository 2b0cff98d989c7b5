/**
 * What the three Flow Service objects (source connection, target connection, dataflow) share: the
 * `{items: [...]}` envelope, JSON Patch with `If-Match`, lookup by name, idempotent delete.
 */
import * as pulumi from "@pulumi/pulumi";
import { AepError } from "../client";
import { CallContext, CheckFailure, checkId, checkText } from "./lifecycle";
import { FLOW_SERVICE_ID } from "./ids";
import { CommonArgs } from "./resource";

/** What source and target connections take alike. */
export interface ConnectionArgs extends CommonArgs {
    /** Connection name. Default: the resource name plus a suffix. */
    name?: pulumi.Input<string>;
    /** Description shown in the AEP UI. */
    description?: pulumi.Input<string>;
    /**
     * Connection spec id. Default: Chatlio (`073127a3-…`) for a source connection, the data lake
     * (`c604ff05-…`) for a target connection. Changing it replaces the connection.
     */
    connectionSpecId?: pulumi.Input<string>;
    /** Connection spec version. Default "1.0". Changing it replaces the connection. */
    connectionSpecVersion?: pulumi.Input<string>;
    /** Payload format. Default "json" (the only format the Chatlio source supports). Changing it replaces the connection. */
    dataFormat?: pulumi.Input<string>;
}

/** What AEP answers for a connection, besides its id. */
export interface ConnectionState {
    /** Flow Service etag, changed by every update. */
    etag: string;
}

/** The checks both connections make of the inputs they share. */
export function checkConnection(failures: CheckFailure[], inputs: Record<string, unknown>): void {
    checkText(failures, inputs, "name", { max: 255 });
    checkText(failures, inputs, "description", { max: 4096 });
    checkId(failures, inputs, "connectionSpecId", FLOW_SERVICE_ID, "connection spec id (a UUID)");
    checkText(failures, inputs, "connectionSpecVersion", { max: 20 });
    checkText(failures, inputs, "dataFormat", { max: 40 });
}

/** The connection keys both kinds compare. */
export const CONNECTION_KEYS = ["name", "description", "connectionSpecId", "connectionSpecVersion", "dataFormat"] as const;

export type Collection = "connections" | "sourceConnections" | "targetConnections" | "flows";

/** The live item, or undefined when Flow Service no longer has it. */
export async function getItem(ctx: CallContext, collection: Collection, id: string, kind: string): Promise<any | undefined> {
    const r = await ctx.client.request({
        family: "flowService",
        method: "GET",
        path: `/${collection}/${id}`,
        operation: `read ${kind}`,
        object: id,
        allow404: true,
    });
    return r.status === 404 ? undefined : r.data?.items?.[0];
}

export interface PatchOp {
    op: "add" | "replace" | "remove";
    path: string;
    value?: unknown;
}

/**
 * JSON Patch operations that turn the live values into the wanted ones, for top-level fields.
 * `replace` needs the member to exist (RFC 6902), so a field the object lacks is added.
 */
export function patchOps(live: Record<string, any>, wanted: Record<string, any>, keys: string[]): PatchOp[] {
    const ops: PatchOp[] = [];
    for (const k of keys) {
        const has = live[k] !== undefined && live[k] !== null;
        const want = wanted[k];
        if (want === undefined) {
            if (has && k === "description") ops.push({ op: "replace", path: `/${k}`, value: "" });
        } else if (!has) ops.push({ op: "add", path: `/${k}`, value: want });
        else if (JSON.stringify(live[k]) !== JSON.stringify(want)) ops.push({ op: "replace", path: `/${k}`, value: want });
    }
    return ops;
}

/**
 * PATCH with `If-Match`. When the etag is stale (412, the object changed outside Pulumi since it was
 * last read), reads the object again, recomputes the operations against what is there now and tries
 * again with the fresh etag (at most three times), as Adobe's troubleshooting guide advises. Returns the
 * new etag.
 */
export async function patchItem(
    ctx: CallContext,
    collection: Collection,
    id: string,
    etag: string | undefined,
    kind: string,
    object: string,
    opsFor: (live: any | undefined) => PatchOp[],
): Promise<string | undefined> {
    const send = (tag: string, ops: PatchOp[]) =>
        ctx.client.request({
            family: "flowService",
            method: "PATCH",
            path: `/${collection}/${id}`,
            body: ops,
            headers: { "If-Match": tag },
            operation: `update ${kind}`,
            object,
        });
    let live: any;
    if (!etag) {
        live = await getItem(ctx, collection, id, kind);
        if (!live)
            throw new Error(
                `update ${kind} "${object}": it no longer exists in AEP (deleted outside Pulumi); run \`pulumi refresh\`, then update again`,
            );
        etag = live.etag;
    }
    let ops = opsFor(live);
    if (ops.length === 0) return etag;
    for (let reread = 0; ; reread++) {
        try {
            return etagOf((await send(etag!, ops)).data) ?? etag;
        } catch (err) {
            // A stale etag: AEP did not apply the patch. Read again and re-apply, a few times at most (an
            // object that keeps changing under us is someone else's work in progress).
            if (!(err instanceof AepError) || err.status !== 412 || reread >= STALE_REREADS) throw err;
            await ctx.info(`${kind} "${object}" changed outside Pulumi since it was read; reading it again and re-applying the change`);
            live = await getItem(ctx, collection, id, kind);
            if (!live)
                throw new Error(`update ${kind} "${object}": it was deleted outside Pulumi; run \`pulumi refresh\`, then update again`);
            ops = opsFor(live);
            if (ops.length === 0) return live.etag;
            etag = live.etag;
        }
    }
}

/** How many times a PATCH refused for a stale etag (412) is read again and re-applied. */
const STALE_REREADS = 3;

/** Flows answer `{id, etag}`; connections answer the list envelope (per the spec). */
function etagOf(data: any): string | undefined {
    return data?.etag ?? data?.items?.[0]?.etag;
}

/** Finds an object by exact name; more than one match is an error the person must resolve. */
export async function findByName(ctx: CallContext, collection: Collection, name: string, kind: string): Promise<string | undefined> {
    const items = await ctx.client.listFlowService<any>(`/${collection}`, { property: `name==${name}` }, `find ${kind}`);
    const matches = items.filter((i) => i.name === name);
    if (matches.length > 1) {
        throw new Error(
            `${matches.length} ${kind}s are named "${name}" (${matches.map((m) => m.id).join(", ")}): delete the extra ones in AEP or give this resource another name`,
        );
    }
    return matches[0]?.id;
}

/** DELETE; an object that is already gone counts as deleted. */
export async function deleteItem(ctx: CallContext, collection: Collection, id: string, kind: string): Promise<void> {
    await ctx.client.request({
        family: "flowService",
        method: "DELETE",
        path: `/${collection}/${id}`,
        operation: `delete ${kind}`,
        object: id,
        allow404: true,
    });
}

/**
 * find, read, update and delete of a connection (source or target): only name and description change
 * in place, with JSON Patch and `If-Match`.
 */
export function connectionVerbs<O extends { etag?: string; name?: string }>(
    collection: "sourceConnections" | "targetConnections",
    kind: string,
    toOutputs: (item: any) => O,
) {
    return {
        find: (ctx: CallContext, inputs: { name?: string }) => findByName(ctx, collection, inputs.name!, kind),
        async read(ctx: CallContext, id: string): Promise<O | undefined> {
            const item = await getItem(ctx, collection, id, kind);
            return item ? toOutputs(item) : undefined;
        },
        async update(ctx: CallContext, id: string, olds: O, news: { name?: string; description?: string }): Promise<O> {
            const etag = await patchItem(ctx, collection, id, olds.etag, kind, news.name!, (live) =>
                patchOps(live ?? olds, news, ["name", "description"]),
            );
            return { ...olds, ...news, etag } as O;
        },
        delete: (ctx: CallContext, id: string) => deleteItem(ctx, collection, id, kind),
    };
}
