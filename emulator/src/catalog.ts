/**
 * Catalog (/data/foundation/catalog): datasets (aep-api.md §2.3) and the batches the streaming inlet makes
 * (catalog.yaml). Catalog documents no error body (§5.18); errors use the generic Platform problem shape
 * (see errors.ts).
 */
import { ApiError, problem } from "./errors";
import { Core, Ctx, Reply, RouteInfo, Router, SandboxRef, requireSandbox, userOf } from "./http";
import { PatchError, applyPatch } from "./json-patch";
import { SandboxData } from "./store";
import { bumpPatch, clone, hex, isObject, matchesProperty, nowMs } from "./util";

export const CATALOG_BASE = "/data/foundation/catalog";

const router = new Router("Catalog", CATALOG_BASE);

export function handleCatalog(ctx: Ctx): Reply {
    // Batches whose data-lake latency has passed land before anything is read.
    for (const [, sb] of ctx.core.store.all()) settleBatches(ctx.core, sb);
    return router.dispatch(ctx, () => problem(405, `${ctx.method} is not allowed on ${ctx.path}`));
}

/** The family's routes: served, and described by Adobe but not served. */
export function catalogRoutes(): RouteInfo[] {
    return router.table();
}

function sandboxOf(ctx: Ctx): SandboxRef {
    // x-sandbox-name is required (catalog-spec). An unknown sandbox gets a 404: Adobe documents nothing.
    return requireSandbox(
        ctx,
        () => problem(400, "The x-sandbox-name header is required."),
        (name) => problem(404, `The sandbox "${name}" does not exist.`),
    );
}

/**
 * schemaRef.contentType has appeared with three values in Adobe's material (aep-api.md §5.17):
 * xed+json, xed-full+json and xed-full-notext+json, each with version=1. All three are accepted.
 */
const SCHEMA_CONTENT_TYPE = /^application\/vnd\.adobe\.xed(-full)?(-notext)?\+json\s*;\s*version=1$/;

/** Fields the service owns: a request body cannot set them. */
const READ_ONLY = [
    "version",
    "created",
    "updated",
    "createdClient",
    "createdUser",
    "updatedUser",
    "imsOrg",
    "files",
    "viewId",
    "sandboxId",
    "lastBatchId",
    "lastBatchStatus",
    "lastSuccessfulBatch",
    "lastFailedBatch",
];

function checkBody(ctx: Ctx, sb: SandboxRef, body: unknown): Record<string, any> {
    if (!isObject(body)) throw problem(400, "The request body must be a JSON object.");
    // The spec's dataSetRequest lists no required field (aep-api.md §2.3): name and schemaRef are optional
    // here, and checked against the spec's types and the documented contentType values when sent.
    if (body.name !== undefined && typeof body.name !== "string") throw problem(400, `"name" must be a string.`);
    if (body.description !== undefined && typeof body.description !== "string") throw problem(400, `"description" must be a string.`);
    const ref = body.schemaRef;
    if (ref !== undefined) {
        if (!isObject(ref) || typeof ref.id !== "string" || typeof ref.contentType !== "string")
            throw problem(400, `"schemaRef" needs "id" and "contentType".`);
        if (!SCHEMA_CONTENT_TYPE.test(ref.contentType.trim()))
            throw problem(
                400,
                `schemaRef.contentType "${ref.contentType}" is not valid: use application/vnd.adobe.xed-full+json;version=1 or a related xed variant.`,
            );
        if (!sb.data.schemas[ref.id]) throw problem(400, `schemaRef.id ${ref.id} does not name a schema in sandbox "${sb.name}".`);
    }
    if (body.tags !== undefined) {
        if (!isObject(body.tags) || Object.values(body.tags).some((v) => !Array.isArray(v) || v.some((x) => typeof x !== "string")))
            throw problem(400, `"tags" must map tag names to arrays of strings.`);
    }
    const out = clone(body);
    for (const f of READ_ONLY) delete out[f];
    return out;
}

function notFound(id: string): ApiError {
    return problem(404, `The dataset ${id} was not found.`);
}

/** Keeps only the fields named by `properties=a,b` (the object key stays the id). */
function project(ds: Record<string, any>, properties: string | null): Record<string, any> {
    if (!properties) return clone(ds);
    const keep = properties
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    const out: Record<string, any> = {};
    for (const k of keep) if (ds[k] !== undefined) out[k] = clone(ds[k]);
    return out;
}

/** Simple filters (`name=a,b`, `name=!x`, `*` wildcard) and `property=` expressions (filter-data.md). */
function matchesName(value: unknown, filter: string): boolean {
    const alternatives = filter.split(",");
    return alternatives.some((alt) => {
        const negate = alt.startsWith("!");
        const pattern = negate ? alt.slice(1) : alt;
        const re = new RegExp(
            "^" +
                pattern
                    .split("*")
                    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
                    .join(".*") +
                "$",
        );
        const hit = typeof value === "string" && re.test(value);
        return negate ? !hit : hit;
    });
}

/**
 * A Catalog list: an object keyed by id, with no paging metadata (aep-api.md §2.3, §4.4). `limit`
 * (default 20, 1 to 100; 0 or an invalid value is a 400), `start` (a zero-based offset), `orderBy`
 * (`asc:created`, `desc:updated`), `property=` expressions and `properties` (the fields to keep). `filter`
 * applies the list's own simple filters first.
 */
function catalogList(ctx: Ctx, all: Record<string, any>, filter: (row: Record<string, any>, id: string) => boolean): Reply {
    const q = ctx.query;
    let limit = 20;
    if (q.has("limit")) {
        // Default 20, maximum 100; an invalid limit, including 0, is a 400-level error (aep-api.md §4.4).
        const n = Number(q.get("limit"));
        if (!/^\d+$/.test(q.get("limit") ?? "") || n < 1 || n > 100) throw problem(400, `"limit" must be an integer from 1 to 100.`);
        limit = n;
    }
    let start = 0;
    if (q.has("start")) {
        const n = Number(q.get("start"));
        if (!/^\d+$/.test(q.get("start") ?? "")) throw problem(400, `"start" must be a non-negative integer.`);
        start = n;
    }
    let rows = Object.entries(all).filter(([id, d]) => filter(d, id));
    for (const p of q.getAll("property")) rows = rows.filter(([, d]) => matchesProperty(d, p));
    const orderBy = q.get("orderBy");
    if (orderBy) {
        const m = /^(asc|desc):([^,]+)/.exec(orderBy);
        if (!m) throw problem(400, `"orderBy" must look like asc:created or desc:updated.`);
        const [, dir, key] = m;
        rows.sort(([, a], [, b]) => {
            const c = a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0;
            return dir === "desc" ? -c : c;
        });
    }
    const body: Record<string, unknown> = {};
    for (const [id, d] of rows.slice(start, start + limit)) body[id] = project(d, q.get("properties"));
    return { status: 200, body };
}

function listDatasets(ctx: Ctx): Reply {
    const sb = sandboxOf(ctx);
    const name = ctx.query.get("name");
    return catalogList(ctx, sb.data.datasets, (d) => name === null || matchesName(d.name, name));
}

function createDataset(ctx: Ctx): Reply {
    const sb = sandboxOf(ctx);
    // create-dataset.md posts to /dataSets?requestDataSource=true, a parameter absent from the spec
    // (aep-api.md §5.17): accepted and ignored.
    const body = checkBody(ctx, sb, ctx.body);
    const id = hex(24);
    const now = nowMs();
    sb.data.datasets[id] = {
        ...body,
        tags: body.tags ?? {},
        version: "1.0.0",
        created: now,
        updated: now,
        createdClient: ctx.auth?.clientId,
        createdUser: userOf(ctx),
        updatedUser: userOf(ctx),
        imsOrg: ctx.auth?.orgId,
        viewId: hex(24),
        files: `@/dataSetFiles?dataSetId=${id}`,
    };
    ctx.core.store.touch();
    return { status: 201, body: [`@/dataSets/${id}`], headers: { Location: `${ctx.core.url}${CATALOG_BASE}/dataSets/${id}` } };
}

function getDataset(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    const ds = sb.data.datasets[p.id];
    if (!ds) throw notFound(p.id);
    return { status: 200, body: { [p.id]: project(ds, ctx.query.get("properties")) } };
}

function updated(ctx: Ctx, prev: Record<string, any>, next: Record<string, any>): Record<string, any> {
    const out = { ...next };
    for (const f of READ_ONLY) if (prev[f] !== undefined) out[f] = prev[f];
    out.version = bumpPatch(prev.version);
    out.updated = Math.max(nowMs(), (prev.updated ?? 0) + 1);
    out.updatedUser = userOf(ctx);
    return out;
}

/**
 * PATCH takes either a partial object (application/json: only the given top-level fields change) or an
 * RFC 6902 patch (application/json-patch+json), per update-object.md (aep-api.md §2.3).
 */
function patchDataset(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    const prev = sb.data.datasets[p.id];
    if (!prev) throw notFound(p.id);
    let next: Record<string, any>;
    if (ctx.contentType === "application/json-patch+json" || Array.isArray(ctx.body)) {
        try {
            next = applyPatch(prev, ctx.body);
        } catch (e) {
            if (e instanceof PatchError) throw problem(400, `The JSON Patch cannot be applied: ${e.message}.`);
            throw e;
        }
    } else {
        if (!isObject(ctx.body)) throw problem(400, "The request body must be a JSON object or a JSON Patch array.");
        next = { ...prev, ...clone(ctx.body) };
    }
    if (next.files !== prev.files) throw problem(400, `"files" links to other objects and cannot be changed.`);
    const checked = checkBody(ctx, sb, next);
    sb.data.datasets[p.id] = updated(ctx, prev, { ...checked, tags: checked.tags ?? {} });
    ctx.core.store.touch();
    return { status: 200, body: [`@/dataSets/${p.id}`] };
}

function putDataset(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    const prev = sb.data.datasets[p.id];
    // The spec lists no 404 for PUT; replacing a dataset that does not exist gets one anyway.
    if (!prev) throw notFound(p.id);
    const body = checkBody(ctx, sb, ctx.body);
    sb.data.datasets[p.id] = updated(ctx, prev, { ...body, tags: body.tags ?? {} });
    ctx.core.store.touch();
    return { status: 200, body: [`@/dataSets/${p.id}`] };
}

/**
 * DELETE answers 200 with the path of the deleted dataset, and 200 with an empty array when no dataset
 * matches (delete-object.md, aep-api.md §2.3). Deleting a dataset a target connection still refers to is
 * undocumented (§5.20): allowed, as nothing says Catalog checks Flow Service. Its records go with it.
 */
function deleteDataset(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    if (!sb.data.datasets[p.id]) return { status: 200, body: [] };
    dropDataset(sb.data, p.id);
    ctx.core.store.touch();
    return { status: 200, body: [`@/dataSets/${p.id}`] };
}

/**
 * Removes a dataset with what holds its data: its records and its batches (landed or in flight). What
 * becomes of a deleted dataset's batches in AEP is not documented; they describe data that is gone, so
 * they go with it.
 */
export function dropDataset(sb: SandboxData, id: string): void {
    delete sb.datasets[id];
    delete sb.records[id];
    delete sb.pendingBatches[id];
    for (const [batchId, b] of Object.entries(sb.batches)) if (datasetOfBatch(b) === id) delete sb.batches[batchId];
}

// ---------------------------------------------------------------------------------------------------
// Batches (catalog.yaml batchResponse and dataSetResponse; aep-api.md does not cover them)
//
// Streamed records reach the data lake late: Adobe's streaming ingestion overview gives the expected
// latency as under 60 minutes for the data lake. How AEP groups streamed records into batches is not
// documented in the references. The emulator's model, kept simple:
// - The first record the inlet stores in a dataset opens a batch for that dataset; every record stored
//   in the dataset while it is open joins it (a /collection/batch request's stored messages count one
//   each; messages refused in its 207 are not stored and not counted).
// - The batch lands `dataLakeLatencyMs` after it opened (EmulatorOptions; default 60 minutes, Adobe's
//   bound): from then on Catalog shows it, status "success", started when it opened and completed when it
//   landed, and the dataset carries lastBatchId, lastBatchStatus ("success") and lastSuccessfulBatch
//   (dataSetResponse). Until then Catalog shows neither, as AEP shows nothing of data still in flight.
// - With `dataLakeLatencyMs: 0` each inlet request that stores records makes a batch at once. flushDataLake()
//   (POST /__emulator/flush) lands every open batch now.
// - A dataset that never received records has none of the lastBatch fields. Landing a batch does not change
//   the dataset's version or updated date: those follow changes to the dataset itself.
// Batches are only ever successful: the inlet refuses bad records synchronously, so none fail later.

function datasetOfBatch(batch: Record<string, any>): string | undefined {
    return (batch.relatedObjects ?? []).find((o: any) => o?.type === "dataSet")?.id;
}

/** Records the inlet stored in a dataset: they join the dataset's open batch, opening one if needed. */
export function landRecords(
    core: Core,
    sb: SandboxData,
    datasetId: string,
    info: { recordCount: number; size: number; imsOrg?: string; at: number },
): void {
    settleBatches(core, sb, info.at);
    const open = (sb.pendingBatches[datasetId] ??= { id: hex(24), opened: info.at, recordCount: 0, size: 0, imsOrg: info.imsOrg });
    open.recordCount += info.recordCount;
    open.size += info.size;
    core.store.touch();
    settleBatches(core, sb, info.at);
}

/**
 * Lands every open batch whose time has come (all of them with `now: "all"`): it becomes a successful
 * Catalog batch and the dataset's last batch.
 */
export function settleBatches(core: Core, sb: SandboxData, now: number | "all" = nowMs()): void {
    for (const [datasetId, open] of Object.entries(sb.pendingBatches)) {
        const due = open.opened + core.dataLakeLatencyMs;
        if (now !== "all" && now < due) continue;
        const landed = now === "all" ? Math.max(open.opened, Math.min(nowMs(), due)) : due;
        delete sb.pendingBatches[datasetId];
        core.store.touch();
        const ds = sb.datasets[datasetId];
        if (!ds) continue;
        sb.batches[open.id] = {
            imsOrg: open.imsOrg,
            created: open.opened,
            updated: landed,
            started: open.opened,
            completed: landed,
            status: "success",
            recordCount: open.recordCount,
            failedRecordCount: 0,
            size: open.size,
            errors: [],
            version: "1.0.0",
            relatedObjects: [{ type: "dataSet", id: datasetId }],
            inputFormat: { format: "json" },
            tags: {},
        };
        Object.assign(ds, { lastBatchId: open.id, lastBatchStatus: "success", lastSuccessfulBatch: open.id });
    }
}

/**
 * GET /batches: the batches of the sandbox keyed by id, with the list parameters of every Catalog list and
 * the spec's simple filters that apply to batches the emulator makes: `dataSet` (the dataset id), `batch`,
 * `status`, `createdAfter` / `createdBefore` (exclusive), `created`, `updated`, `recordCount`.
 */
function listBatches(ctx: Ctx): Reply {
    const sb = sandboxOf(ctx);
    const q = ctx.query;
    const num = (k: string) => {
        const v = q.get(k);
        if (v === null) return undefined;
        if (!/^\d+$/.test(v)) throw problem(400, `"${k}" must be a timestamp in milliseconds (or a count).`);
        return Number(v);
    };
    const after = num("createdAfter");
    const before = num("createdBefore");
    const exact: Record<string, number | undefined> = { created: num("created"), updated: num("updated"), recordCount: num("recordCount") };
    return catalogList(ctx, sb.data.batches, (b, id) => {
        if (
            q.has("dataSet") &&
            !q
                .get("dataSet")!
                .split(",")
                .includes(datasetOfBatch(b) ?? "")
        )
            return false;
        if (q.has("batch") && !q.get("batch")!.split(",").includes(id)) return false;
        if (q.has("status") && !q.get("status")!.split(",").includes(b.status)) return false;
        if (after !== undefined && !(b.created > after)) return false;
        if (before !== undefined && !(b.created < before)) return false;
        for (const [k, v] of Object.entries(exact)) if (v !== undefined && b[k] !== v) return false;
        return true;
    });
}

function getBatch(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    const b = sb.data.batches[p.id];
    if (!b) throw problem(404, `The batch ${p.id} was not found.`);
    return { status: 200, body: { [p.id]: clone(b) } };
}

// Paths are case-sensitive: create-dataset.md's prose says /datasets but every example and the spec use
// /dataSets (aep-api.md §5.17, untested against AEP). Only /dataSets is served, so a client using the
// prose spelling finds out here rather than in production.
router
    .on("GET", "/dataSets", listDatasets)
    .on("POST", "/dataSets", createDataset)
    .on("GET", "/dataSets/:id", getDataset)
    .on("PATCH", "/dataSets/:id", patchDataset)
    .on("PUT", "/dataSets/:id", putDataset)
    .on("DELETE", "/dataSets/:id", deleteDataset)
    .on("GET", "/batches", listBatches)
    .on("GET", "/batches/:id", getBatch);

// Described in the spec, not served: batch ingestion's writes, the other Catalog objects and views.
const CATALOG_SPEC = "catalog.yaml";
router
    .notServed("GET", "/", CATALOG_SPEC)
    .notServed("POST", "/", CATALOG_SPEC)
    .notServed("POST", "/batches", CATALOG_SPEC)
    .notServed("PUT", "/batches/:id", CATALOG_SPEC)
    .notServed("POST", "/batches/:id", CATALOG_SPEC)
    .notServed("PATCH", "/batches/:id", CATALOG_SPEC)
    .notServed("DELETE", "/batches/:id", CATALOG_SPEC)
    .notServed("GET", "/batches/uniques/:field", CATALOG_SPEC)
    .notServed("GET", "/lastBatches", CATALOG_SPEC)
    .notServed("GET", "/dataSets/:id/credentials", CATALOG_SPEC)
    .notServed("GET", "/tags/:namespace", CATALOG_SPEC)
    .notServed("PATCH", "/v2/dataSets/:id", CATALOG_SPEC);

/** Applies a UI-style edit to a stored dataset. */
export function editDataset(ds: Record<string, any>, changes: Record<string, unknown>): Record<string, any> {
    return { ...ds, ...clone(changes), version: bumpPatch(ds.version), updated: Math.max(nowMs(), (ds.updated ?? 0) + 1) };
}
