/**
 * Dataset: a Catalog dataset (`/dataSets`) that stores records of one schema.
 *
 * Name, description and tags change in place (Catalog PATCH with a partial object); the schema cannot
 * change, so a new schema replaces the dataset, as does a change of sandbox.
 *
 * `profileEnabled` sets the two tags Adobe reserves for it, `unifiedProfile` and `unifiedIdentity`
 * (`["enabled:true"]`, aep-api.md §2.3). Once a Profile-enabled dataset (or one holding data) uses a
 * schema, AEP accepts only non-destructive changes to that schema (§2.2.4).
 */
import * as pulumi from "@pulumi/pulumi";
import { CallContext, CheckFailure, CommonInputs, UNKNOWN, aepProvider, checkId, checkText } from "./lifecycle";
import { SCHEMA_ID, XED_FULL_V1 } from "./ids";
import { CommonArgs, OutputProperties, Resolved, dynamicResourceArgs } from "./resource";

/** Inputs of a {@link Dataset}. */
export interface DatasetArgs extends CommonArgs {
    /** Dataset name. Default: the resource name plus a suffix. */
    name?: pulumi.Input<string>;
    /** Description shown in the AEP UI. */
    description?: pulumi.Input<string>;
    /** The schema `$id`, e.g. `schema.id`. Changing it replaces the dataset. */
    schemaId: pulumi.Input<string>;
    /** Catalog tags, e.g. `{ myTeam: ["chat"] }`. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string[]>>>;
    /**
     * Enable the dataset for Real-Time Customer Profile and Identity Service: sets the reserved tags
     * `unifiedProfile` and `unifiedIdentity` to `["enabled:true"]`. Its schema should be Profile-enabled
     * too (`Schema.profileEnabled`). From then on AEP takes only non-destructive changes to the schema.
     */
    profileEnabled?: pulumi.Input<boolean>;
    /**
     * Allow Pulumi to delete or replace this dataset (on `pulumi destroy`, when the program no longer declares
     * it, or when a new sandbox or schema replaces it), deleting its data with it. Default false: the dataset
     * is `protect`ed, so Pulumi refuses to delete or replace it at preview already (the engine's message is
     * "cannot be deleted because it is protected"), and the provider refuses to delete one that holds data
     * even when the protection is removed by hand. A plain `true` or `false` (not an Output): it decides the
     * resource's `protect` option when the program runs; an explicit `protect` in the resource options wins.
     * Set it and run `pulumi up` (it sends nothing to AEP) before the destroy; together with a change that
     * replaces the dataset, one `pulumi up` does both.
     */
    forceDestroy?: boolean;
}

/** A {@link Dataset}'s inputs as its provider receives them. */
export type DatasetInputs = Resolved<DatasetArgs> & CommonInputs;

/** The tags Adobe reserves for Profile enablement (aep-api.md §2.3). */
const PROFILE_TAGS = ["unifiedProfile", "unifiedIdentity"] as const;
const ENABLED = "enabled:true";

/** What AEP answers for a {@link Dataset}, besides its inputs. */
export interface DatasetState {
    /** The dataset id (same as `id`). */
    datasetId: string;
    /** Catalog version, e.g. "1.0.0", bumped by each change. */
    version: string;
}

/** A {@link Dataset}'s state: its inputs and what AEP answered. */
export type DatasetOutputs = DatasetInputs & DatasetState;

/** Catalog answers writes with `["@/dataSets/<id>"]`. */
function idFrom(data: unknown): string | undefined {
    const first = Array.isArray(data) ? data[0] : undefined;
    return typeof first === "string" ? first.split("/").pop() : undefined;
}

function toOutputs(id: string, ds: any): DatasetOutputs {
    return {
        datasetId: id,
        version: ds.version,
        name: ds.name,
        description: ds.description,
        schemaId: ds.schemaRef?.id,
        tags: ds.tags && Object.keys(ds.tags).length ? ds.tags : undefined,
        // Only a set tag is shown: a dataset without it looks as it did before this input existed.
        profileEnabled: Array.isArray(ds.tags?.unifiedProfile) && ds.tags.unifiedProfile.includes(ENABLED) ? true : undefined,
    };
}

/** The dataset as Catalog answers it, or undefined when it is gone. */
export async function fetchDataset(ctx: CallContext, id: string): Promise<any | undefined> {
    const r = await ctx.client.request({
        family: "catalog",
        method: "GET",
        path: `/dataSets/${id}`,
        operation: "read dataset",
        object: id,
        allow404: true,
    });
    return r.status === 404 ? undefined : r.data?.[id];
}

async function get(ctx: CallContext, id: string): Promise<DatasetOutputs | undefined> {
    const ds = await fetchDataset(ctx, id);
    return ds ? toOutputs(id, ds) : undefined;
}

/** Datasets whose replacement `diff` allowed with their data (this process, this run): their delete goes ahead. */
const removalAllowed = new Set<string>();

/**
 * Whether Catalog shows data in the dataset: the batch it last wrote successfully (`lastSuccessfulBatch`,
 * or `lastBatchId` with `lastBatchStatus: "success"`). Streaming ingestion lands in batches too. Returns
 * words for messages, or undefined for an empty (or missing) dataset.
 */
async function dataHeld(ctx: CallContext, id: string): Promise<string | undefined> {
    const ds = await fetchDataset(ctx, id);
    return ds ? dataIn(ds) : undefined;
}

/** Words for the data a dataset as Catalog answers it shows (see `dataHeld`), or undefined when it shows none. */
export function dataIn(ds: any): string | undefined {
    const batch = ds.lastSuccessfulBatch ?? (ds.lastBatchStatus === "success" ? ds.lastBatchId : undefined);
    return typeof batch === "string" && batch ? `its last successful batch is ${batch}` : undefined;
}

export const datasetProvider = aepProvider<DatasetInputs, DatasetOutputs, "dataset">({
    kind: "dataset",
    noun: "dataset",
    typeName: "Dataset",
    inputKeys: ["name", "description", "schemaId", "tags", "profileEnabled", "forceDestroy"],
    localKeys: ["forceDestroy"],
    nameKey: "name",
    nameMaxLength: 255,
    compareKeys: ["name", "description", "schemaId", "tags", "profileEnabled"],
    replaceKeys: ["schemaId"],
    defaults(inputs) {
        // false means what leaving it out means: existing stacks see no change.
        if (inputs.profileEnabled === false) delete inputs.profileEnabled;
        if (inputs.forceDestroy === false) delete inputs.forceDestroy;
        const tags = inputs.tags as unknown;
        if (inputs.profileEnabled === true && (tags === undefined || (tags && typeof tags === "object" && !Array.isArray(tags)))) {
            const merged: Record<string, string[]> = { ...((tags as Record<string, string[]>) ?? {}) };
            for (const t of PROFILE_TAGS) if (merged[t] === undefined) merged[t] = [ENABLED];
            inputs.tags = merged;
        }
        return inputs;
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkText(failures, inputs as any, "name", { max: 255 });
        checkText(failures, inputs as any, "description", { max: 4096 });
        checkId(failures, inputs as any, "schemaId", SCHEMA_ID, "tenant schema $id");
        const tags = inputs.tags as unknown;
        const profile = inputs.profileEnabled as unknown;
        if (profile !== undefined && profile !== UNKNOWN && typeof profile !== "boolean")
            failures.push({ property: "profileEnabled", reason: "profileEnabled must be true or false" });
        const force = inputs.forceDestroy as unknown;
        if (force !== undefined && force !== UNKNOWN && typeof force !== "boolean")
            failures.push({ property: "forceDestroy", reason: "forceDestroy must be true or false" });
        if (profile === true && tags && typeof tags === "object" && !Array.isArray(tags)) {
            for (const t of PROFILE_TAGS) {
                const v = (tags as Record<string, unknown>)[t];
                if (v !== UNKNOWN && !(Array.isArray(v) && v.includes(ENABLED)))
                    failures.push({
                        property: `tags.${t}`,
                        reason: `tags.${t} ${JSON.stringify(v)} contradicts profileEnabled: true, which sets it to ["${ENABLED}"]: leave tags.${t} out`,
                    });
            }
        }
        if (tags !== undefined && tags !== UNKNOWN) {
            if (!tags || typeof tags !== "object" || Array.isArray(tags))
                failures.push({
                    property: "tags",
                    reason: 'tags must map a tag name to a list of strings, e.g. { unifiedProfile: ["enabled:true"] }',
                });
            else
                for (const [k, v] of Object.entries(tags)) {
                    if (v !== UNKNOWN && (!Array.isArray(v) || v.some((x) => typeof x !== "string")))
                        failures.push({ property: `tags.${k}`, reason: `tags.${k} must be a list of strings` });
                }
        }
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({
            family: "catalog",
            method: "POST",
            path: "/dataSets",
            operation: "create dataset",
            object: inputs.name,
            body: {
                name: inputs.name,
                description: inputs.description,
                schemaRef: { id: inputs.schemaId, contentType: XED_FULL_V1 },
                tags: inputs.tags,
            },
        });
        const id = idFrom(r.data);
        if (!id) throw new Error(`create dataset "${inputs.name}": AEP answered without a dataset id (${JSON.stringify(r.data)})`);
        return { id, outs: { ...inputs, datasetId: id, version: "1.0.0" } as DatasetOutputs };
    },
    async find(ctx, inputs) {
        const found = await ctx.client.listCatalog<any>("/dataSets", { name: inputs.name, properties: "name" }, "find dataset");
        const matches = found.filter((d) => d.name === inputs.name);
        if (matches.length > 1)
            throw new Error(
                `${matches.length} datasets are named "${inputs.name}" (${matches.map((d) => d.id).join(", ")}): delete the extra ones or give this dataset another name`,
            );
        return matches[0]?.id;
    },
    read: (ctx, id) => get(ctx, id),
    async beforeRemoval(ctx, id, olds, why, news) {
        const held = await dataHeld(ctx, id);
        if (!held) {
            // An empty dataset is still protected until forceDestroy is set (the class sets `protect`): Pulumi's
            // engine refuses the replacement after this diff, in words that name neither the dataset nor the
            // opt-in. Said for a component's dataset (ChatlioSource), whose `protect` is always forceDestroy's
            // opposite; a Dataset declared directly may carry an explicit `protect`, which this cannot see.
            if (why === "replace" && olds.__ownName === true && news?.forceDestroy !== true && olds.forceDestroy !== true)
                return [
                    `dataset "${olds.name}" (${id}) is protected until forceDestroy is set, so Pulumi refuses to replace it ("unable to replace resource … marked for protection"). ` +
                        "It holds no data yet: set `forceDestroy: true` on it (ChatlioSource: forceDestroy) in the same `pulumi up` as this change to go ahead.",
                ];
            return [];
        }
        const what = `dataset "${olds.name}" (${id})`;
        const allowed = why === "replace" ? news?.forceDestroy === true : olds.forceDestroy === true || removalAllowed.has(id);
        if (!allowed) {
            throw new Error(
                `${what} holds data (${held}), and ${why === "replace" ? "this change replaces it: the new dataset would start empty and " : ""}` +
                    `deleting it deletes that data for good. Nothing was changed. To go ahead, set \`forceDestroy: true\` on it ` +
                    `(ChatlioSource: forceDestroy) and apply that first with \`pulumi up\` (it sends nothing to AEP)${why === "replace" ? " together with this change" : ", then run this again"}; ` +
                    `to keep the data, leave the dataset as it is${why === "replace" ? " (undo the change that replaces it)" : " (or `pulumi state delete` it to leave it in AEP)"}.`,
            );
        }
        if (why === "replace") removalAllowed.add(id);
        return [
            `${what} holds data (${held}): ${why === "replace" ? "replacing" : "deleting"} it deletes that data for good (forceDestroy is set)`,
        ];
    },
    async update(ctx, id, olds, news) {
        // Sets name, description and tags to fixed values: sending it twice leaves the dataset as once would,
        // so a lost answer is retried like a PUT.
        await ctx.client.request({
            family: "catalog",
            method: "PATCH",
            path: `/dataSets/${id}`,
            operation: "update dataset",
            object: news.name,
            idempotent: true,
            body: { name: news.name, description: news.description ?? "", tags: news.tags ?? {} },
        });
        // Catalog bumps `version` on every change and its PATCH answer carries only the id: read it back, so
        // that state holds what AEP holds and a refresh right after shows no drift.
        const live = await get(ctx, id);
        return { ...olds, ...news, datasetId: id, version: live?.version ?? olds.version } as DatasetOutputs;
    },
    async delete(ctx, id) {
        // A repeat delete answers 200 with an empty list: success either way.
        await ctx.client.request({
            family: "catalog",
            method: "DELETE",
            path: `/dataSets/${id}`,
            operation: "delete dataset",
            object: id,
            allow404: true,
        });
    },
});

const OUTPUTS = ["datasetId", "version", "name", "schemaId", "sandboxName"] as const;

/**
 * A Catalog dataset on one schema. Reference it from a {@link TargetConnection} by its `id`. It is
 * protected (Pulumi's `protect`) until `forceDestroy: true`: see {@link DatasetArgs.forceDestroy}.
 */
export interface Dataset extends OutputProperties<DatasetOutputs, (typeof OUTPUTS)[number]> {}
export class Dataset extends pulumi.dynamic.Resource {
    constructor(name: string, args: DatasetArgs, opts?: pulumi.CustomResourceOptions) {
        const force = (args as { forceDestroy?: unknown }).forceDestroy;
        if (force !== undefined && typeof force !== "boolean")
            throw new Error(
                `Dataset "${name}": forceDestroy must be a plain true or false (not an Output or a promise), as it decides whether Pulumi protects the dataset when the program runs; read it from config with config.getBoolean("forceDestroy")`,
            );
        // Protected until the opt-in: Pulumi then refuses a delete or a replacement at preview, before anything
        // is deleted (a delete at preview never reaches the provider). An explicit `protect` wins.
        const protect = opts?.protect ?? force !== true;
        super(...dynamicResourceArgs(datasetProvider, name, args, OUTPUTS, { ...opts, protect }));
    }
}
