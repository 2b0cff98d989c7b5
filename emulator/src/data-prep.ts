/**
 * Data Prep (/data/foundation/conversion): mapping sets, their versions and mappings, and applying a
 * mapping set to a raw payload (used by the inlet). aep-api.md §2.5. Data Prep documents no error body
 * (§5.18); errors use the generic Platform problem shape (see errors.ts).
 */
import { problem } from "./errors";
import { Ctx, Reply, RouteInfo, Router, SandboxRef, requireSandbox, userOf } from "./http";
import { ExpressionError, compile } from "./expressions";
import { SandboxData } from "./store";
import { clone, getPath, hex, isObject, nowMs, setPath } from "./util";
import { Field, Fields, findField, schemaFields } from "./xdm";

export const DATA_PREP_BASE = "/data/foundation/conversion";

const router = new Router("Data Prep", DATA_PREP_BASE);

export function handleDataPrep(ctx: Ctx): Reply {
    return router.dispatch(ctx, () => problem(405, `${ctx.method} is not allowed on ${ctx.path}`));
}

/** The family's routes: served, and described by Adobe but not served. */
export function dataPrepRoutes(): RouteInfo[] {
    return router.table();
}

function sandboxOf(ctx: Ctx): SandboxRef {
    return requireSandbox(
        ctx,
        () => problem(400, "The x-sandbox-name header is required."),
        (name) => problem(404, `The sandbox "${name}" does not exist.`),
    );
}

type SourceKind = "ATTRIBUTE" | "EXPRESSION" | "STATIC";

/**
 * sourceType is ATTRIBUTE, EXPRESSION or STATIC in the spec (any case accepted here); responses show
 * attribute mappings as "text/x.schema-path", which is accepted on input too. Absent means ATTRIBUTE:
 * the Chatlio tutorial's mappings carry no sourceType (aep-api.md §5.7).
 */
function sourceKind(raw: unknown): SourceKind | undefined {
    if (raw === undefined || raw === null) return "ATTRIBUTE";
    if (typeof raw !== "string") return undefined;
    const up = raw.trim().toUpperCase();
    if (up === "TEXT/X.SCHEMA-PATH") return "ATTRIBUTE";
    return up === "ATTRIBUTE" || up === "EXPRESSION" || up === "STATIC" ? up : undefined;
}

/**
 * The sourceType a response shows. Adobe's response examples (including the spec's own MappingOperation
 * example) show attribute mappings as "text/x.schema-path" although the spec's enum lists ATTRIBUTE
 * (aep-api.md §2.5): the examples are followed. Expressions and constants keep their enum names.
 */
function shownSourceType(kind: SourceKind): string {
    return kind === "ATTRIBUTE" ? "text/x.schema-path" : kind;
}

const SCHEMA_CONTENT_TYPE = /^application\/vnd\.adobe\.xed(-full)?(-notext)?\+json\s*;\s*version=1$/;

/** Checks one mapping and returns it as stored, with both naming styles (aep-api.md §5.7). */
function buildMapping(ctx: Ctx, m: unknown, i: number, fields: Fields): Record<string, any> {
    if (!isObject(m)) throw problem(400, `mappings[${i}] must be an object.`);
    // Docs name the fields sourceType/source/destination; the Chatlio tutorial sends
    // sourceAttribute/destinationXdmPath/identity/version (aep-api.md §5.7). Both are accepted.
    const source = m.source ?? m.sourceAttribute;
    const destination = m.destination ?? m.destinationXdmPath;
    const kind = sourceKind(m.sourceType);
    if (!kind) throw problem(400, `mappings[${i}].sourceType "${m.sourceType}" is not valid (use ATTRIBUTE, EXPRESSION or STATIC).`);
    if (typeof destination !== "string" || !destination.trim())
        throw problem(400, `mappings[${i}] lacks "destination" (or "destinationXdmPath").`);
    if (typeof source !== "string" || (kind !== "STATIC" && !source.trim()))
        throw problem(400, `mappings[${i}] lacks "source" (or "sourceAttribute").`);
    if (!findField(fields, destination))
        throw problem(400, `mappings[${i}]: the destination path "${destination}" does not exist in the target schema.`);
    if (kind === "EXPRESSION") {
        try {
            compile(source);
        } catch (e) {
            if (e instanceof ExpressionError) throw problem(400, `mappings[${i}]: the expression is not valid: ${e.message}.`);
            throw e;
        }
    }
    const now = nowMs();
    const out: Record<string, any> = {
        id: hex(32),
        version: 0,
        createdDate: now,
        modifiedDate: now,
        createdBy: userOf(ctx),
        modifiedBy: userOf(ctx),
        sourceType: shownSourceType(kind),
        source,
        destination,
        identity: m.identity === true,
        primaryIdentity: m.primaryIdentity === true,
        matchScore: 0,
        functionVersion: 1,
        sourceAttribute: source,
        destinationXdmPath: destination,
    };
    if (typeof m.name === "string") out.name = m.name;
    if (typeof m.description === "string") out.description = m.description;
    return out;
}

/** Validates a mapping-set body and returns the stored version. */
function buildSet(ctx: Ctx, sb: SandboxRef, body: unknown, id: string, version: number, first?: Record<string, any>): Record<string, any> {
    if (!isObject(body)) throw problem(400, "The request body must be a JSON object.");
    const ref = isObject(body.outputSchema) ? body.outputSchema.schemaRef : undefined;
    if (!isObject(ref) || typeof ref.id !== "string") throw problem(400, `outputSchema.schemaRef with "id" and "contentType" is required.`);
    if (ref.contentType !== undefined && (typeof ref.contentType !== "string" || !SCHEMA_CONTENT_TYPE.test(ref.contentType.trim())))
        throw problem(
            400,
            `outputSchema.schemaRef.contentType "${ref.contentType}" is not valid: use application/vnd.adobe.xed-full+json;version=1.`,
        );
    const schema = sb.data.schemas[ref.id];
    if (!schema) throw problem(400, `outputSchema.schemaRef.id ${ref.id} is not a schema in sandbox "${sb.name}".`);
    if (!Array.isArray(body.mappings) || body.mappings.length === 0) throw problem(400, `"mappings" must be a non-empty array.`);
    const { fields } = schemaFields(schema, sb.data.fieldGroups);
    // Two mappings to one destination: Adobe documents no refusal, so none is made (the later one wins).
    const mappings = body.mappings.map((m, i) => buildMapping(ctx, m, i, fields));
    const now = nowMs();
    const contentType = ref.contentType ?? "application/vnd.adobe.xed-full+json;version=1";
    const out: Record<string, any> = {
        id,
        version,
        createdDate: first?.createdDate ?? now,
        modifiedDate: now,
        createdBy: first?.createdBy ?? userOf(ctx),
        modifiedBy: userOf(ctx),
        status: "PUBLISHED",
        xdmVersion: "1.0",
        xdmSchema: ref.id,
        schemaRef: { id: ref.id, contentType },
        outputSchema: { schemaRef: { id: ref.id, contentType } },
        mappings,
        allowNullValues: false,
    };
    if (typeof body.name === "string") out.name = body.name;
    if (typeof body.description === "string") out.description = body.description;
    if (isObject(body.inputSchema)) out.inputSchema = clone(body.inputSchema);
    return out;
}

function findSet(sb: SandboxRef, id: string): Record<string, any>[] {
    const versions = sb.data.mappingSets[id];
    if (!versions) throw problem(404, `The mapping set ${id} was not found.`);
    return versions;
}

function versionOf(ctx: Ctx, versions: Record<string, any>[], id: string): Record<string, any> {
    const v = ctx.query.get("version");
    if (v === null) return versions[versions.length - 1];
    if (!/^\d+$/.test(v)) throw problem(400, `"version" must be a non-negative integer.`);
    const set = versions[Number(v)];
    if (!set) throw problem(404, `The mapping set ${id} has no version ${v}.`);
    return set;
}

function createSet(ctx: Ctx): Reply {
    const sb = sandboxOf(ctx);
    const id = hex(32);
    const set = buildSet(ctx, sb, ctx.body, id, 0);
    sb.data.mappingSets[id] = [set];
    ctx.core.store.touch();
    // Create answers 200, not 201, with a short body (aep-api.md §2.5). Dates are ms epoch integers as in
    // every example, though the spec types them as date-time strings (§5.8).
    return {
        status: 200,
        body: {
            id,
            version: 0,
            createdDate: set.createdDate,
            modifiedDate: set.modifiedDate,
            createdBy: set.createdBy,
            modifiedBy: set.modifiedBy,
        },
    };
}

function replaceSet(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    const versions = findSet(sb, p.id);
    // Each PUT creates the next version; earlier versions stay readable with ?version=N.
    const set = buildSet(ctx, sb, ctx.body, p.id, versions.length, versions[0]);
    versions.push(set);
    ctx.core.store.touch();
    return { status: 200, body: clone(set) };
}

function listSets(ctx: Ctx): Reply {
    const sb = sandboxOf(ctx);
    const q = ctx.query;
    // limit and start are both required (aep-api.md §2.5).
    for (const k of ["limit", "start"]) {
        if (!q.has(k)) throw problem(400, `The query parameter "${k}" is required.`);
        if (!/^\d+$/.test(q.get(k) as string)) throw problem(400, `"${k}" must be a non-negative integer.`);
    }
    const limit = Number(q.get("limit"));
    const start = Number(q.get("start"));
    if (limit < 1) throw problem(400, `"limit" must be at least 1.`);
    let rows = Object.values(sb.data.mappingSets).map((v) => v[v.length - 1]);
    const name = q.get("name");
    if (name !== null) rows = rows.filter((s) => s.name === name);
    const orderBy = q.get("orderBy");
    if (orderBy) {
        const desc = orderBy.startsWith("-");
        const key = orderBy.replace(/^[-+ ]/, "");
        const field = key === "updatedDate" ? "modifiedDate" : key;
        rows = [...rows].sort((a, b) => (a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0) * (desc ? -1 : 1));
    }
    const page = rows.slice(start, start + limit);
    // The spec's MapperSetPage: `data`, `_page: {count, limit}` (count: the sets in this answer) and
    // `_links`, a map of Links ({href}). Adobe shows no next link for this list; when more sets follow, the
    // emulator links the next page as `_links.next.href`, an absolute URI repeating the query with the
    // next `start` (the shape of the Links the other Platform lists carry). The last page: `_links: {}`.
    const links: Record<string, unknown> = {};
    if (start + page.length < rows.length) {
        const next = new URLSearchParams();
        for (const [k, v] of q) if (k !== "start" && k !== "limit") next.append(k, v);
        next.set("limit", String(limit));
        next.set("start", String(start + page.length));
        links.next = { href: `${ctx.core.url}${DATA_PREP_BASE}/mappingSets?${next}` };
    }
    return { status: 200, body: { data: page.map(clone), _page: { count: page.length, limit }, _links: links } };
}

/**
 * No DELETE for mapping sets exists in the spec or the published doc (aep-api.md §5.9): the emulator
 * answers 405 so a client that tries it learns at once.
 */
function deleteSet(): Reply {
    throw problem(405, "Mapping sets cannot be deleted: Data Prep has no delete operation.");
}

router
    .on("GET", "/mappingSets", listSets)
    .on("POST", "/mappingSets", createSet)
    .on("POST", "/mappingSets/preview", (ctx) => {
        const sb = sandboxOf(ctx);
        const body = isObject(ctx.body) ? ctx.body : {};
        const set = buildSet(ctx, sb, body.mappingSet, "preview", 0);
        const { record } = applyMappingSet(sb.data, set, body.data);
        return { status: 200, body: { data: record } };
    })
    .on("GET", "/mappingSets/:id", (ctx, p) => {
        const sb = sandboxOf(ctx);
        return { status: 200, body: clone(versionOf(ctx, findSet(sb, p.id), p.id)) };
    })
    .on("PUT", "/mappingSets/:id", replaceSet)
    .on("DELETE", "/mappingSets/:id", deleteSet)
    .on("GET", "/mappingSets/:id/mappings", (ctx, p) => {
        const sb = sandboxOf(ctx);
        // The doc shows an array of mappings; the spec names a single MappingOperation. The doc is followed.
        return { status: 200, body: clone(versionOf(ctx, findSet(sb, p.id), p.id).mappings) };
    })
    .on("GET", "/mappingSets/:id/mappings/:mappingId", (ctx, p) => {
        const sb = sandboxOf(ctx);
        const m = versionOf(ctx, findSet(sb, p.id), p.id).mappings.find((x: any) => x.id === p.mappingId);
        if (!m) throw problem(404, `The mapping ${p.mappingId} is not in mapping set ${p.id}.`);
        return { status: 200, body: clone(m) };
    });

// Described in the spec, not served: validation and the expression language's reference routes.
const PREP_SPEC = "data-prep.yaml";
router
    .notServed("POST", "/mappingSets/validate", PREP_SPEC)
    .notServed("POST", "/languages/el/validate", PREP_SPEC)
    .notServed("GET", "/languages/el/functions", PREP_SPEC)
    .notServed("GET", "/languages/el/operators", PREP_SPEC);

// ---------------------------------------------------------------------------------------------------
// Applying a mapping set (the inlet's Data Prep step)

/** Converts a value to the destination field's type where Data Prep would (numbers to strings, etc.). */
function coerce(v: unknown, field: Field | undefined): unknown {
    if (!field) return v;
    const type = field.type;
    if (type === "string" && (typeof v === "number" || typeof v === "boolean")) {
        if (typeof v === "number" && (field.format === "date-time" || field["meta:xdmType"] === "date-time"))
            return new Date(v).toISOString();
        return String(v);
    }
    if ((type === "integer" || type === "number") && typeof v === "string" && v.trim() !== "" && isFinite(Number(v))) return Number(v);
    if (type === "boolean" && (v === "true" || v === "false")) return v === "true";
    return v;
}

export function mappingKind(m: Record<string, any>): SourceKind {
    return sourceKind(m.sourceType) ?? "ATTRIBUTE";
}

/** Runs every mapping of a set against a raw payload and returns the XDM record it builds. */
export function applyMappingSet(
    sb: SandboxData,
    set: Record<string, any>,
    payload: unknown,
): { record: Record<string, unknown>; fields: Fields; required: string[] } {
    const schema = sb.schemas[set.outputSchema?.schemaRef?.id];
    const { fields, required } = schema ? schemaFields(schema, sb.fieldGroups) : { fields: {}, required: [] };
    const record: Record<string, unknown> = {};
    for (const m of set.mappings as Record<string, any>[]) {
        const kind = mappingKind(m);
        let value: unknown;
        if (kind === "ATTRIBUTE") value = getPath(payload, m.source);
        else if (kind === "EXPRESSION") value = compile(m.source).evaluate(payload);
        else value = m.source;
        if (value === undefined || value === null) continue;
        setPath(record, m.destination, coerce(value, findField(fields, m.destination)));
    }
    return { record, fields, required };
}
