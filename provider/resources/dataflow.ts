/**
 * Dataflow: a Flow Service flow (`/flows`) from a source connection to a target connection through a
 * mapping set. For streaming sources AEP gives the flow an inlet: its URL (`streamingUrl`) is where
 * Chatlio posts, with the flow id as `x-adobe-flow-id` (`webhookUrl`). Both are secret: the inlet takes
 * unauthenticated posts, so whoever knows the URL can write into the dataset.
 *
 * Name, description and the mapping (set and version) change in place (JSON Patch with `If-Match`);
 * `enabled` switches the flow through the action endpoint. A new flow spec, source or target connection
 * replaces the flow, and with it the streaming URL, which must then be pasted into Chatlio again.
 */
import * as pulumi from "@pulumi/pulumi";
import { AepError, OutcomeUnknownError } from "../client";
import {
    CheckFailure,
    CommonInputs,
    CallContext,
    PartiallyCreatedError,
    UNKNOWN,
    aepProvider,
    checkId,
    checkText,
    clean,
    createdThisRun,
    isUnknown,
} from "./lifecycle";
import { CommonArgs, OutputProperties, Resolved, dynamicResourceArgs } from "./resource";
import { FLOW_SERVICE_ID, MAPPING_SET_ID, STREAMING_FLOW_SPEC_ID } from "./ids";
import { deleteItem, findByName, getItem, patchItem, patchOps } from "./flow-service";
import { dataIn, fetchDataset } from "./dataset";

/** Inputs of a {@link Dataflow}. */
export interface DataflowArgs extends CommonArgs {
    /** Flow name. Default: the resource name plus a suffix. */
    name?: pulumi.Input<string>;
    /** Description shown in the AEP UI. */
    description?: pulumi.Input<string>;
    /** Flow spec id. Default: the streaming flow spec Chatlio uses (`e77fde5a-…`). */
    flowSpecId?: pulumi.Input<string>;
    /** Flow spec version. Default "1.0". */
    flowSpecVersion?: pulumi.Input<string>;
    /** E.g. `sourceConnection.id`. Changing it replaces the flow (and its streaming URL). */
    sourceConnectionId: pulumi.Input<string>;
    /** E.g. `targetConnection.id`. Changing it replaces the flow (and its streaming URL). */
    targetConnectionId: pulumi.Input<string>;
    /**
     * E.g. `mappingSet.id`. Every flow with raw (non-XDM) data needs one; a flow of XDM messages (the HTTP API
     * source's XDM flow spec) has none.
     */
    mappingSetId?: pulumi.Input<string>;
    /** E.g. `mappingSet.mappingVersion`, so the flow follows each new mapping version. Required with `mappingSetId`. */
    mappingVersion?: pulumi.Input<number>;
    /** Whether the flow accepts data. Default true. */
    enabled?: pulumi.Input<boolean>;
    /**
     * Allow Pulumi to delete this dataflow (not a replacement) while the dataset it writes to holds data. Default
     * false: such a delete is refused before AEP is asked, naming the dataset, so that a destroy never stops
     * the webhook and then refuses at the dataset. `ChatlioSource` sets it with its own `forceDestroy`.
     * Changing it alone sends nothing to AEP.
     */
    forceDestroy?: pulumi.Input<boolean>;
}

/** A {@link Dataflow}'s inputs as its provider receives them. */
export type DataflowInputs = Resolved<DataflowArgs> & CommonInputs;

/** What AEP answers for a {@link Dataflow}, besides its inputs. */
export interface DataflowState {
    /** The flow id. */
    dataflowId: string;
    /** Flow Service etag, changed by every update. */
    etag: string;
    /** "enabled" or "disabled" (AEP's words). */
    state: string;
    /** AEP's inlet URL for this flow (`options.inletUrl`). Secret. */
    streamingUrl: string;
    /** `streamingUrl?x-adobe-flow-id=<dataflowId>`: the URL Chatlio posts to. Secret. */
    webhookUrl: string;
}

/** A {@link Dataflow}'s state: its inputs and what AEP answered. */
export type DataflowOutputs = DataflowInputs & DataflowState;

function transformations(inputs: DataflowInputs) {
    if (inputs.mappingSetId === undefined) return [];
    return [{ name: "Mapping", params: { mappingId: inputs.mappingSetId, mappingVersion: inputs.mappingVersion } }];
}

/**
 * Flow specs whose flows carry their own inlet (`options.inletUrl`): the Streaming SDK's GenericStreamingAEP
 * (Chatlio, Customer.io, Pendo, LAVA). The HTTP API source's flows have none: its inlet is on the base
 * connection (http.md).
 */
const FLOW_INLET_SPECS = [STREAMING_FLOW_SPEC_ID];
const hasFlowInlet = (flowSpecId: string | undefined) => FLOW_INLET_SPECS.includes(flowSpecId ?? STREAMING_FLOW_SPEC_ID);

function toOutputs(item: any): Partial<DataflowOutputs> {
    const mapping = (item.transformations ?? []).find((t: any) => t?.name === "Mapping")?.params ?? {};
    const streamingUrl: string | undefined = item.options?.inletUrl;
    return {
        dataflowId: item.id,
        etag: item.etag,
        state: item.state,
        name: item.name,
        description: item.description || undefined,
        flowSpecId: item.flowSpec?.id,
        flowSpecVersion: item.flowSpec?.version,
        sourceConnectionId: item.sourceConnectionIds?.[0],
        targetConnectionId: item.targetConnectionIds?.[0],
        mappingSetId: mapping.mappingId,
        mappingVersion: mapping.mappingVersion === undefined ? undefined : Number(mapping.mappingVersion),
        enabled: item.state === undefined ? undefined : item.state !== "disabled",
        streamingUrl,
        webhookUrl: streamingUrl ? webhookUrl(streamingUrl, item.id) : undefined,
    };
}

/** Chatlio cannot send headers, so the flow id goes in the query string (Adobe's UI tutorial pattern). */
export function webhookUrl(streamingUrl: string, dataflowId: string): string {
    return `${streamingUrl}${streamingUrl.includes("?") ? "&" : "?"}x-adobe-flow-id=${encodeURIComponent(dataflowId)}`;
}

/** AEP adds the inlet to a new streaming flow; wait briefly for it (when it appears is undocumented). */
async function readUntilInlet(ctx: CallContext, id: string, name: string): Promise<any> {
    const deadline = Date.now() + 60_000;
    for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
        const item = await getItem(ctx, "flows", id, "dataflow");
        if (item?.options?.inletUrl) return item;
        if (Date.now() + wait > deadline) {
            throw new Error(
                `dataflow "${name}" (${id}) was created but AEP has not given it a streaming URL after 60s; run \`pulumi refresh\` later to pick it up`,
            );
        }
        await ctx.progress(`waiting for the streaming URL of dataflow "${name}"`);
        await new Promise((r) => setTimeout(r, wait));
    }
}

async function setEnabled(ctx: CallContext, id: string, enabled: boolean, name: string): Promise<string | undefined> {
    // aep-api.md §5.1: the spec wants ENABLE/DISABLE with a subOp; Adobe's docs (and working examples)
    // send the lowercase op alone. The documented form is what AEP is shown to accept.
    try {
        const r = await ctx.client.request({
            family: "flowService",
            method: "POST",
            path: `/flows/${id}/action`,
            query: { op: enabled ? "enable" : "disable" },
            operation: `${enabled ? "enable" : "disable"} dataflow`,
            object: name,
            // Asks for a state, not a step: a repeat finds the flow in that state (1422, handled below).
            idempotent: true,
        });
        return r.data?.etag;
    } catch (err) {
        // The answer was lost, or AEP refuses the action (1422) because the flow is in that state already
        // (an earlier lost answer, or a change in the AEP UI): the flow's state says whether it is done.
        if (!(err instanceof OutcomeUnknownError) && !(err instanceof AepError && err.code === "1422-400")) throw err;
        const item = await getItem(ctx, "flows", id, "dataflow");
        if (item?.state === (enabled ? "enabled" : "disabled")) return item.etag;
        throw err;
    }
}

/** What a new dataflow costs the sender's side (Chatlio, or another webhook source). */
const NEW_URL =
    "AEP gives it a new webhook URL: after the up, give Chatlio (or the source's sender) the new one (pulumi stack output --show-secrets webhookUrl); the old URL no longer works.";

const KEYS = [
    "name",
    "description",
    "flowSpecId",
    "flowSpecVersion",
    "sourceConnectionId",
    "targetConnectionId",
    "mappingSetId",
    "mappingVersion",
    "enabled",
] satisfies Array<keyof DataflowInputs & string>;

/** Dataflows whose replacement `diff` decided (this process, this run): their delete keeps the dataset fed by the new one. */
const replacing = new Set<string>();

/**
 * The delete guard. Pulumi deletes dependents first, so without it a destroy whose preview was skipped
 * (`--skip-preview`, or protection removed by hand) would stop the webhook and only then meet the dataset's
 * protection or its own guard. A dataflow is deleted (other than as a replacement) only with `forceDestroy`,
 * when the dataset it writes to holds data, or, for a component's dataflow (ChatlioSource: `__ownName`), when
 * that dataset exists at all: the component gives both the same opt-in, and its dataset is protected until
 * then, data landed or not (streamed events reach Catalog up to an hour later).
 */
async function guardDelete(ctx: CallContext, id: string, olds: DataflowOutputs): Promise<string[]> {
    if (replacing.has(id) || olds.forceDestroy === true) return [];
    const flow = await getItem(ctx, "flows", id, "dataflow");
    const targetId: string | undefined = flow?.targetConnectionIds?.[0] ?? olds.targetConnectionId;
    const target = targetId ? await getItem(ctx, "targetConnections", targetId, "target connection") : undefined;
    const datasetId: string | undefined = target?.params?.dataSetId;
    const dataset = flow && datasetId ? await fetchDataset(ctx, datasetId) : undefined;
    if (!dataset) return [];
    const held = dataIn(dataset);
    if (!held && olds.__ownName !== true) return [];
    const what = held
        ? `which holds data (${held})`
        : "which is protected until forceDestroy is set (no data has landed in it yet; events streamed in the last hour may still be on their way)";
    throw new Error(
        `dataflow "${olds.name}" (${id}) feeds dataset ${datasetId}, ${what}: deleting the dataflow would stop the webhook ` +
            "while the dataset stays. Nothing was deleted. To delete the pipeline and its data, set `forceDestroy: true` on the dataset and the " +
            "dataflow (ChatlioSource: forceDestroy) and run `pulumi up` first (it sends nothing to AEP); to keep them, leave them in the program.",
    );
}

export const dataflowProvider = aepProvider<DataflowInputs, DataflowOutputs, "dataflow">({
    kind: "dataflow",
    noun: "dataflow",
    typeName: "Dataflow",
    inputKeys: [...KEYS, "forceDestroy"],
    localKeys: ["forceDestroy"],
    nameKey: "name",
    nameMaxLength: 255,
    // Every input is compared with what AEP holds.
    compareKeys: [...KEYS],
    replaceKeys: ["flowSpecId", "flowSpecVersion", "sourceConnectionId", "targetConnectionId"],
    defaults(inputs) {
        inputs.flowSpecId ??= STREAMING_FLOW_SPEC_ID;
        inputs.flowSpecVersion ??= "1.0";
        inputs.enabled ??= true;
        // false means what leaving it out means: existing stacks see no change.
        if (inputs.forceDestroy === false) delete inputs.forceDestroy;
        return inputs;
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkText(failures, inputs as any, "name", { max: 255 });
        checkText(failures, inputs as any, "description", { max: 4096 });
        checkId(failures, inputs as any, "flowSpecId", FLOW_SERVICE_ID, "flow spec id (a UUID)");
        checkId(failures, inputs as any, "sourceConnectionId", FLOW_SERVICE_ID, "source connection id (a UUID)");
        checkId(failures, inputs as any, "targetConnectionId", FLOW_SERVICE_ID, "target connection id (a UUID)");
        checkId(failures, inputs as any, "mappingSetId", MAPPING_SET_ID, "mapping set id (32 hex characters)", { required: false });
        const v = inputs.mappingVersion as unknown;
        if (v === undefined && inputs.mappingSetId !== undefined)
            failures.push({ property: "mappingVersion", reason: "mappingVersion is required: pass mappingSet.mappingVersion" });
        if (inputs.mappingSetId === undefined && hasFlowInlet(inputs.flowSpecId))
            failures.push({
                property: "mappingSetId",
                reason: "mappingSetId is required: a streaming webhook flow maps its raw payloads with a mapping set (pass mappingSet.id)",
            });
        if (v !== undefined && v !== UNKNOWN && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) {
            failures.push({
                property: "mappingVersion",
                reason: `mappingVersion ${JSON.stringify(v)} must be a whole number ≥ 0: pass mappingSet.mappingVersion`,
            });
        }
        if (inputs.enabled !== undefined && (inputs.enabled as unknown) !== UNKNOWN && typeof inputs.enabled !== "boolean") {
            failures.push({ property: "enabled", reason: "enabled must be true or false" });
        }
        const force = inputs.forceDestroy as unknown;
        if (force !== undefined && force !== UNKNOWN && typeof force !== "boolean")
            failures.push({ property: "forceDestroy", reason: "forceDestroy must be true or false" });
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({
            family: "flowService",
            method: "POST",
            path: "/flows",
            operation: "create dataflow",
            object: inputs.name,
            body: {
                name: inputs.name,
                description: inputs.description,
                flowSpec: { id: inputs.flowSpecId, version: inputs.flowSpecVersion },
                sourceConnectionIds: [inputs.sourceConnectionId],
                targetConnectionIds: [inputs.targetConnectionId],
                ...(inputs.mappingSetId !== undefined ? { transformations: transformations(inputs) } : {}),
            },
        });
        const id: string = r.data.id;
        try {
            let item = hasFlowInlet(inputs.flowSpecId)
                ? await readUntilInlet(ctx, id, inputs.name!)
                : ((await getItem(ctx, "flows", id, "dataflow")) ?? { id, etag: r.data.etag });
            if (inputs.enabled === false && item.state !== "disabled") {
                await setEnabled(ctx, id, false, inputs.name!);
                item = (await getItem(ctx, "flows", id, "dataflow")) ?? item;
            }
            return { id, outs: { ...inputs, ...toOutputs(item) } as DataflowOutputs };
        } catch (err) {
            // The flow exists: it must reach state. Its state and URLs are read by the next update.
            throw new PartiallyCreatedError(id, { dataflowId: id, enabled: undefined }, err);
        }
    },
    find: (ctx, inputs) => findByName(ctx, "flows", inputs.name!, "dataflow"),
    async read(ctx, id) {
        const item = await getItem(ctx, "flows", id, "dataflow");
        return item ? (toOutputs(item) as DataflowOutputs) : undefined;
    },
    async update(ctx, id, olds, news) {
        let etag = await patchItem(ctx, "flows", id, olds.etag, "dataflow", news.name!, (live) => {
            const current = live ? (toOutputs(live) as DataflowOutputs) : olds;
            const ops = patchOps(current, news, ["name", "description"]);
            if (
                news.mappingSetId !== undefined &&
                (current.mappingSetId !== news.mappingSetId || current.mappingVersion !== news.mappingVersion)
            ) {
                ops.push({ op: "replace", path: "/transformations/0", value: transformations(news)[0] });
            }
            return ops;
        });
        let state = olds.state;
        if (news.enabled !== undefined && news.enabled !== olds.enabled) {
            etag = (await setEnabled(ctx, id, news.enabled, news.name!)) ?? etag;
            state = news.enabled ? "enabled" : "disabled";
        }
        const outs = { ...olds, ...news, etag, state } as DataflowOutputs;
        if (olds.streamingUrl || !hasFlowInlet(news.flowSpecId)) return outs;
        // A dataflow whose create stopped after AEP made it: its URLs are read now.
        return { ...outs, ...clean(toOutputs(await readUntilInlet(ctx, id, news.name!))) } as DataflowOutputs;
    },
    delete: (ctx, id) => deleteItem(ctx, "flows", id, "dataflow"),
    checkWarnings(olds, news, run) {
        if (Object.keys(olds).length > 0 || run.replacing) return [];
        const warnings: string[] = [];
        if (news.enabled === false)
            warnings.push(`dataflow "${news.name}" is created disabled (enabled: false): it takes no events until it is enabled.`);
        const source = news.sourceConnectionId;
        // A source connection that exists already (its id is known at preview) and was not made by this run:
        // the dataflow is new beside a running pipeline, e.g. re-created after it was deleted in AEP.
        if (typeof source === "string" && !isUnknown(source) && !createdThisRun(source))
            warnings.push(
                `dataflow "${news.name}" is created for source connection ${source}, which exists already: if it replaces a dataflow ` +
                    `deleted outside Pulumi, ${NEW_URL}`,
            );
        return warnings;
    },
    recreateNote:
        "the new dataflow gets a new webhook URL, and Chatlio (or the source's sender) must be given it after that up " +
        "(pulumi stack output --show-secrets webhookUrl); the old URL no longer works",
    async beforeRemoval(ctx, id, olds, why) {
        if (why === "replace") {
            replacing.add(id);
            return [];
        }
        return guardDelete(ctx, id, olds);
    },
    changeWarnings: (olds, news) => {
        const warnings: string[] = [];
        const changed = (["name", "description", "mappingSetId", "mappingVersion"] as const).filter(
            (k) => isUnknown(news[k]) || JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
        );
        if (changed.length)
            warnings.push(
                `dataflow "${olds.name}" is updated in place (${changed.join(", ")}): AEP pauses ingestion for about 5 minutes after a streaming ` +
                    "dataflow changes, so events Chatlio sends meanwhile are taken in late; the webhook URL stays the same.",
            );
        if (news.enabled === false && olds.enabled !== false)
            warnings.push(
                `dataflow "${olds.name}" is disabled (enabled: false): it takes no events while disabled, so what Chatlio sends until it is ` +
                    "enabled again does not reach the dataset; the webhook URL stays the same.",
            );
        else if (news.enabled === true && olds.enabled === false)
            warnings.push(`dataflow "${olds.name}" is enabled again: it takes events from then on; the webhook URL stays the same.`);
        return warnings;
    },
    replaceWarning: (olds, replaces) =>
        `dataflow "${olds.name}" will be replaced (${replaces.join(", ")} changed): AEP gives the new dataflow a new streaming URL. ` +
        "After the update, paste the new webhookUrl into Chatlio (pulumi stack output --show-secrets webhookUrl); the old URL stops working.",
});

const OUTPUTS = ["dataflowId", "etag", "state", "name", "streamingUrl", "webhookUrl", "mappingVersion", "sandboxName"] as const;

/**
 * A streaming dataflow. `streamingUrl` is AEP's inlet; `webhookUrl` is the URL to paste into Chatlio.
 * Both are secret. Replacing the dataflow mints new URLs.
 */
export interface Dataflow extends OutputProperties<DataflowOutputs, (typeof OUTPUTS)[number]> {}
export class Dataflow extends pulumi.dynamic.Resource {
    constructor(name: string, args: DataflowArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            ...dynamicResourceArgs(
                dataflowProvider,
                name,
                args,
                OUTPUTS,
                pulumi.mergeOptions(opts, { additionalSecretOutputs: ["streamingUrl", "webhookUrl"] }),
            ),
        );
    }
}
