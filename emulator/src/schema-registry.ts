/**
 * Schema Registry (/data/foundation/schemaregistry): tenant field groups (also under the deprecated
 * /tenant/mixins paths), tenant schemas, descriptors, /stats, the classes lists and lookups, and the global
 * container's lists (aep-api.md §2.2). Schemas carry immutable tags (`union` enables Profile, §2.2.4); once
 * a schema's dataset has ingested records or is Profile-enabled, only non-destructive changes to it or its
 * field groups pass.
 */
import { ApiError, XDM_CODES, problem, problemError, xdmError } from "./errors";
import { Core, Ctx, Reply, RouteInfo, Router, SandboxRef, header, requireSandbox, sandboxId, sandboxType, userOf } from "./http";
import { PatchError, applyPatch } from "./json-patch";
import { SandboxData } from "./store";
import { bumpMinor, clone, hex, isObject, nowMs, sha256 } from "./util";
import {
    CLASSES,
    STANDARD_FIELD_GROUPS,
    standardFieldGroupResource,
    Fields,
    allOfRefs,
    annotateFields,
    classResource,
    customFieldProblems,
    destructiveChanges,
    fieldGroupFields,
    findField,
    profileProblem,
    schemaFields,
    stripText,
} from "./xdm";

export const SCHEMA_REGISTRY_BASE = "/data/foundation/schemaregistry";

type Kind = "fieldGroup" | "schema";

const router = new Router("Schema Registry", SCHEMA_REGISTRY_BASE);

/** Handles a request below {@link SCHEMA_REGISTRY_BASE}; the gateway checks have passed. */
export function handleSchemaRegistry(ctx: Ctx): Reply {
    return router.dispatch(ctx, () => problem(405, `${ctx.method} is not allowed on ${ctx.path}`));
}

/** The family's routes: served, and described by Adobe but not served. */
export function schemaRegistryRoutes(): RouteInfo[] {
    return router.table();
}

function sandboxOf(ctx: Ctx): SandboxRef {
    // x-sandbox-name is required by the spec; Adobe documents no error code for its absence or for an
    // unknown sandbox in this family, so the codes are the emulator's (see XDM_CODES).
    return requireSandbox(
        ctx,
        () => xdmError(XDM_CODES.sandboxMissing, "Missing header", "The x-sandbox-name header is required."),
        (name) => xdmError(XDM_CODES.sandboxUnknown, "Sandbox not found", `The sandbox "${name}" does not exist.`),
    );
}

const tenantNs = (core: Core) => `_${core.tenantId}`;
const collection = (sb: SandboxData, kind: Kind) => (kind === "schema" ? sb.schemas : sb.fieldGroups);

/** Looks a resource up by `$id` (URL-decoded by the router) or by `meta:altId`. */
function find(sb: SandboxData, kind: Kind, id: string): Record<string, any> | undefined {
    const coll = collection(sb, kind);
    if (coll[id]) return coll[id];
    return Object.values(coll).find((r) => r["meta:altId"] === id);
}

function notFound(kind: Kind, id: string): ApiError {
    return kind === "schema"
        ? xdmError(XDM_CODES.schemaNotFound, "Resource Not Found", `The schema ${id} was not found.`)
        : xdmError(XDM_CODES.fieldGroupNotFound, "Resource Not Found", `The field group ${id} was not found.`);
}

const invalid = (message: string) => xdmError(XDM_CODES.invalid, "Invalid request", message);

// ---------------------------------------------------------------------------------------------------
// Accept header (aep-api.md §2.2.2)

const ACCEPT = /^application\/vnd\.adobe\.([a-z-]+)\+json\s*(?:;\s*version\s*=\s*"?([^";\s]+)"?\s*)?$/i;
const LOOKUP_VARIANTS = ["xed", "xed-full", "xed-notext", "xed-full-notext", "xed-full-desc", "xed-deprecatefield"];

/**
 * A lookup needs a versioned xed Accept (XDM-1007-400 otherwise). Only major version 1 exists and it
 * always means the latest minor version; another major version gets the 406 the spec lists.
 * aep-api.md §5.15: doc lookup examples omit the version the same docs require: strict here (400).
 */
function lookupAccept(ctx: Ctx): string {
    const accept = header(ctx, "accept") ?? "";
    const m = ACCEPT.exec(accept.trim());
    if (!m || !LOOKUP_VARIANTS.includes(m[1].toLowerCase()) || !m[2]) {
        throw xdmError(
            "XDM-1007-400",
            "Accept header invalid",
            `The Accept header "${accept}" is not valid for a lookup: use application/vnd.adobe.xed+json; version=1 (or another xed variant), with a version.`,
        );
    }
    if (!/^1(\.\d+)*$/.test(m[2])) {
        throw problemError(406, "NotAcceptableError", `Version "${m[2]}" is not available for this resource; only major version 1 exists.`);
    }
    return m[1].toLowerCase();
}

/** A list takes application/vnd.adobe.xed-id+json (summary) or xed+json (full), without version (XDM-1006-400). */
function listAccept(ctx: Ctx): "xed-id" | "xed" {
    const accept = header(ctx, "accept") ?? "";
    const m = ACCEPT.exec(accept.trim());
    if (!m || m[2] || !["xed-id", "xed"].includes(m[1].toLowerCase())) {
        throw xdmError(
            "XDM-1006-400",
            "Accept header invalid",
            `The Accept header "${accept}" is not valid for a list: use application/vnd.adobe.xed-id+json or application/vnd.adobe.xed+json, without a version.`,
        );
    }
    return m[1].toLowerCase() as "xed-id" | "xed";
}

/** The resource in the form an Accept variant asks for: raw, resolved (`full`) and/or without text. */
function render(resource: Record<string, any>, variant: string, sb: SandboxData): Record<string, any> {
    if (!variant.startsWith("xed-full") && variant !== "xed-notext") return clone(resource);
    const out = clone(resource);
    if (variant.startsWith("xed-full")) {
        const fields: Fields =
            resource["meta:resourceType"] === "schemas" ? schemaFields(resource, sb.fieldGroups).fields : fieldGroupFields(resource);
        delete out.allOf;
        delete out.definitions;
        out.properties = fields;
        if (resource["meta:resourceType"] === "schemas") {
            const required = schemaFields(resource, sb.fieldGroups).required;
            if (required.length) out.required = required;
        }
    }
    if (variant.includes("notext")) {
        if (isObject(out.properties)) out.properties = stripText(out.properties);
        if (isObject(out.definitions))
            for (const def of Object.values(out.definitions) as any[])
                if (isObject(def.properties)) def.properties = stripText(def.properties);
    }
    return out;
}

function summary(r: Record<string, any>): Record<string, unknown> {
    return { $id: r.$id, "meta:altId": r["meta:altId"], version: r.version, title: r.title };
}

// ---------------------------------------------------------------------------------------------------
// Building and validating resources

/** Title uniqueness spans field groups and schemas in the sandbox (XDM-1521-400, aep-api.md §2.2.1). */
function checkTitle(sb: SandboxData, title: string, selfId?: string): void {
    for (const r of [...Object.values(sb.fieldGroups), ...Object.values(sb.schemas)]) {
        if (r.title === title && r.$id !== selfId) {
            throw xdmError(
                "XDM-1521-400",
                "Title not unique",
                `Titles must be unique in the sandbox: ${r.$id} already exists with the same title "${title}".`,
            );
        }
    }
}

function requireFields(body: unknown, names: string[]): Record<string, any> {
    if (!isObject(body)) throw invalid("The request body must be a JSON object.");
    const missing = names.filter((n) => body[n] === undefined || body[n] === null || body[n] === "");
    if (missing.length) throw invalid(`The request body lacks the required field(s): ${missing.join(", ")}.`);
    if (body.type !== "object") throw invalid(`"type" must be "object".`);
    if (typeof body.title !== "string") throw invalid(`"title" must be a string.`);
    if (body.description !== undefined && typeof body.description !== "string") throw invalid(`"description" must be a string.`);
    return body;
}

function namespaceCheck(ctx: Ctx, body: Record<string, any>): void {
    const ns = tenantNs(ctx.core);
    const problems: string[] = [];
    if (body.definitions !== undefined) {
        if (!isObject(body.definitions)) throw invalid(`"definitions" must be an object.`);
        for (const [name, def] of Object.entries(body.definitions)) {
            if (!isObject(def)) {
                problems.push(`definitions.${name} must be an object`);
                continue;
            }
            problems.push(...customFieldProblems(def.properties, ns, `definitions.${name}.properties`));
        }
    }
    problems.push(...customFieldProblems(body.properties, ns, "properties"));
    if (problems.length) {
        // XDM-1020…1024-400 are the namespace errors (aep-api.md §2.2.1); which number means what is not
        // stated, so every namespace or naming problem answers XDM-1020-400.
        throw xdmError("XDM-1020-400", "Namespace validation error", problems.join("; "));
    }
}

function annotateDefinitions(defs: unknown): unknown {
    if (!isObject(defs)) return defs;
    const out: Record<string, any> = {};
    for (const [name, def] of Object.entries(defs)) {
        out[name] = isObject(def) && isObject(def.properties) ? { ...def, properties: annotateFields(def.properties) } : def;
    }
    return out;
}

/** Fields the registry owns: kept from the stored resource, never taken from a request body. */
const SYSTEM_FIELDS = [
    "$id",
    "meta:altId",
    "meta:resourceType",
    "version",
    "imsOrg",
    "meta:registryMetadata",
    "meta:containerId",
    "meta:tenantNamespace",
    "meta:sandboxId",
    "meta:sandboxType",
    "meta:class",
    "meta:extends",
    "meta:xdmType",
    "$schema",
];

function registryFields(
    ctx: Ctx,
    sb: SandboxRef,
    kind: Kind,
    previous: Record<string, any> | undefined,
    content: Record<string, any>,
): Record<string, any> {
    const ns = tenantNs(ctx.core);
    const segment = kind === "schema" ? "schemas" : "mixins";
    const idHex = previous ? String(previous.$id).split("/").pop() : hex(32);
    const now = nowMs();
    const prevMeta = previous?.["meta:registryMetadata"] ?? {};
    return {
        $id: previous?.$id ?? `https://ns.adobe.com/${ctx.core.tenantId}/${segment}/${idHex}`,
        "meta:altId": previous?.["meta:altId"] ?? `${ns}.${segment}.${idHex}`,
        // Field groups keep the legacy "mixins" resource type even when created through /fieldgroups
        // (aep-api.md §2.2.1).
        "meta:resourceType": segment,
        version: previous ? bumpMinor(previous.version) : "1.0",
        imsOrg: ctx.auth?.orgId,
        "meta:containerId": "tenant",
        "meta:tenantNamespace": ns,
        "meta:sandboxId": sandboxId(sb.name, ctx.core),
        "meta:sandboxType": sandboxType(sb.name),
        "meta:xdmType": "object",
        $schema: "http://json-schema.org/draft-06/schema#",
        "meta:registryMetadata": {
            "repo:createdDate": prevMeta["repo:createdDate"] ?? now,
            "repo:lastModifiedDate": now,
            "xdm:createdClientId": prevMeta["xdm:createdClientId"] ?? ctx.auth?.clientId,
            "xdm:lastModifiedClientId": ctx.auth?.clientId,
            "xdm:createdUserId": prevMeta["xdm:createdUserId"] ?? userOf(ctx),
            "xdm:lastModifiedUserId": userOf(ctx),
            // aep-api.md §5.16: the docs spell it eTag, the spec property is etag. The docs' spelling is used.
            eTag: sha256(JSON.stringify(content) + now),
            "meta:usageCount": 0,
        },
    };
}

function stripSystem(body: Record<string, any>): Record<string, any> {
    const out = { ...body };
    for (const f of SYSTEM_FIELDS) delete out[f];
    return out;
}

/** Validates a field group body and returns the stored resource (new, or replacing `previous`). */
function buildFieldGroup(ctx: Ctx, sb: SandboxRef, body: unknown, previous?: Record<string, any>): Record<string, any> {
    const b = requireFields(body, ["type", "title", "meta:intendedToExtend"]);
    if (!Array.isArray(b["meta:intendedToExtend"]) || b["meta:intendedToExtend"].some((x: unknown) => typeof x !== "string"))
        throw invalid(`"meta:intendedToExtend" must be an array of class ids.`);
    namespaceCheck(ctx, b);
    const content = stripSystem(b);
    const defs = isObject(content.definitions) ? content.definitions : {};
    let allOf: any[];
    if (content.allOf === undefined) {
        allOf = Object.keys(defs).map((d) => ({ $ref: `#/definitions/${d}` }));
    } else {
        if (!Array.isArray(content.allOf)) throw invalid(`"allOf" must be an array.`);
        allOf = content.allOf;
    }
    allOf = allOf.map((item: unknown) => {
        if (!isObject(item)) throw invalid(`Each "allOf" item must be an object with a "$ref".`);
        const ref = item.$ref ?? item["$ref "];
        if (typeof ref !== "string") throw invalid(`Each "allOf" item must carry a "$ref".`);
        if (ref.startsWith("#/definitions/") && !defs[ref.slice("#/definitions/".length)])
            throw invalid(`"allOf" refers to ${ref}, which is not in "definitions".`);
        // The registry adds type and meta:xdmType to each allOf item (aep-api.md §2.2.3).
        return { $ref: ref, type: "object", "meta:xdmType": "object" };
    });
    checkTitle(sb.data, b.title, previous?.$id);
    const out: Record<string, any> = {
        ...content,
        definitions: annotateDefinitions(content.definitions ?? {}),
        allOf,
        "meta:extensible": true,
        "meta:abstract": true,
    };
    if (isObject(content.properties)) out.properties = annotateFields(content.properties);
    return { ...out, ...registryFields(ctx, sb, "fieldGroup", previous, out) };
}

/** Validates a schema body and returns the stored resource (new, or replacing `previous`). */
function buildSchema(ctx: Ctx, sb: SandboxRef, body: unknown, previous?: Record<string, any>): Record<string, any> {
    const b = requireFields(body, ["type", "title", "description", "allOf"]);
    if (!Array.isArray(b.allOf) || b.allOf.length === 0) throw invalid(`"allOf" must list one class and any field groups.`);
    namespaceCheck(ctx, b);
    const refs: string[] = [];
    for (const item of b.allOf) {
        const ref = isObject(item) ? (item.$ref ?? item["$ref "]) : undefined;
        if (typeof ref !== "string") throw invalid(`Each "allOf" item must be an object with a "$ref".`);
        if (!refs.includes(ref)) refs.push(ref);
    }
    const classes = refs.filter((r) => CLASSES[r]);
    const others = refs.filter((r) => !CLASSES[r]);
    if (classes.length !== 1) {
        const unknown = others.filter((r) => !sb.data.fieldGroups[r]);
        throw invalid(
            classes.length === 0
                ? `"allOf" must include exactly one class; none found${unknown.length ? ` (unknown references: ${unknown.join(", ")})` : ""}. The emulator knows the class ${Object.keys(CLASSES).join(", ")}.`
                : `"allOf" must include exactly one class; found ${classes.join(", ")}.`,
        );
    }
    const cls = classes[0];
    for (const ref of others) {
        // A tenant field group of the sandbox, or a standard one of the global container (IdentityMap).
        const standard = STANDARD_FIELD_GROUPS[ref];
        const fg = sb.data.fieldGroups[ref] ?? (standard ? standardFieldGroupResource(standard) : undefined);
        if (!fg)
            throw invalid(
                `"allOf" refers to ${ref}, which is neither a known class, a field group in sandbox "${sb.name}", nor a standard field group the emulator holds (${Object.keys(STANDARD_FIELD_GROUPS).join(", ")}).`,
            );
        const intended: string[] = fg["meta:intendedToExtend"] ?? [];
        if (intended.length && !intended.includes(cls))
            throw invalid(`The field group ${ref} is intended to extend ${intended.join(", ")}, not the class ${cls}.`);
    }
    checkTitle(sb.data, b.title, previous?.$id);
    const content = stripSystem(b);
    const out: Record<string, any> = {
        ...content,
        allOf: refs.map((r) => ({ $ref: r, type: "object", "meta:xdmType": "object" })),
        "meta:extensible": false,
        "meta:abstract": false,
    };
    if (isObject(content.properties)) out.properties = annotateFields(content.properties);
    if (isObject(content.definitions)) out.definitions = annotateDefinitions(content.definitions);
    return {
        ...out,
        ...registryFields(ctx, sb, "schema", previous, out),
        "meta:class": cls,
        "meta:extends": [...new Set([cls, ...CLASSES[cls].extends, ...others])],
    };
}

function build(ctx: Ctx, sb: SandboxRef, kind: Kind, body: unknown, previous?: Record<string, any>): Record<string, any> {
    return kind === "schema" ? buildSchema(ctx, sb, body, previous) : buildFieldGroup(ctx, sb, body, previous);
}

// ---------------------------------------------------------------------------------------------------
// Lists: orderby, start, limit, property filters (aep-api.md §4.4, §4.5)

function sortValue(r: Record<string, any>, key: string): string | number {
    const meta = r["meta:registryMetadata"] ?? {};
    if (key === "updated") return meta["repo:lastModifiedDate"] ?? 0;
    if (key === "created") return meta["repo:createdDate"] ?? 0;
    const v = r[key];
    return typeof v === "number" ? v : String(v ?? "");
}

/** `property` filters: `==`, `!=`, `<`, `>`, `<=`, `>=`, or a bare name meaning "exists" (appendix.md). */
function propertyFilter(expr: string): (r: Record<string, any>) => boolean {
    const m = /^(.+?)(==|!=|<=|>=|<|>)(.*)$/.exec(expr);
    if (!m) return (r) => r[expr.trim()] !== undefined;
    const [, key, op, value] = m;
    return (r) => {
        const v = r[key.trim()];
        const values = Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
        switch (op) {
            case "==":
                return values.includes(value);
            case "!=":
                return !values.includes(value);
            case "<":
                return values.some((x) => x < value);
            case ">":
                return values.some((x) => x > value);
            case "<=":
                return values.some((x) => x <= value);
            default:
                return values.some((x) => x >= value);
        }
    };
}

/** Applies every `property=` filter; several may share one parameter, separated by commas. */
function filterRows(ctx: Ctx, rows: Array<Record<string, any>>): Array<Record<string, any>> {
    // A comma followed by anything but the start of another "name<op>" filter belongs to the value
    // (titles may contain commas).
    for (const p of ctx.query.getAll("property"))
        for (const expr of p.split(/,(?=\s*[A-Za-z_$@][\w:$.@-]*\s*(?:==|!=|<=|>=|<|>))/))
            if (expr.trim()) rows = rows.filter(propertyFilter(expr.trim()));
    return rows;
}

/** One page of a Schema Registry list, and where the next one starts. */
interface RegistryPage {
    page: Array<Record<string, any>>;
    /** The `orderby` in force (sent, or the default). */
    orderby: string;
    /** The primary sort value of the page's last row when more follow (the next `start`), else null. */
    next: string | null;
    /** The next page's URI when more follow, else null. */
    nextHref: string | null;
}

/**
 * Orders and pages a Schema Registry list (aep-api.md §4.4; the spec's `orderby`, `start` and `limit`
 * parameters):
 * - `orderby` names one or more fields (`title`, `-updated`, `title,description`); the first is the primary
 *   sort key. Without it the emulator orders by `defaultOrder` (Adobe does not say which order a list
 *   without `orderby` has).
 * - `limit` and `start` "cannot be used without an `orderby` parameter present" (the spec's descriptions
 *   of both): sent without `orderby`, they are refused with a 400. Adobe names no code for it; the
 *   emulator's request-validation code is used (XDM_CODES.invalid).
 * - `limit` is a hint from 0 to 500; a page holds at most 300 results (§4.4).
 * - `start` is the primary sort value of the previous page's last row: the page holds the rows strictly
 *   after it (before it, descending).
 * The next page's URI (`_links.next`) repeats the filters, the order and the limit, with `start`.
 */
function pageRows(ctx: Ctx, rows: Array<Record<string, any>>, listPath: string, defaultOrder: string): RegistryPage {
    const q = ctx.query;
    const sent = q.get("orderby");
    if (sent === null || sent.trim() === "") {
        const stray = ["limit", "start"].filter((k) => q.has(k));
        if (stray.length)
            throw invalid(
                `${stray.map((k) => `"${k}"`).join(" and ")} cannot be used without an "orderby" parameter: add one, e.g. orderby=${defaultOrder}.`,
            );
    }
    const orderby = sent && sent.trim() ? sent.trim() : defaultOrder;
    const keys = orderby
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean)
        .map((k) => ({ desc: k.startsWith("-"), key: k.replace(/^[-+]/, "") }));
    let limit = 300;
    const limitParam = q.get("limit");
    if (limitParam !== null) {
        const n = Number(limitParam);
        if (limitParam.trim() === "" || !Number.isInteger(n) || n < 0 || n > 500)
            throw invalid(`"limit" must be an integer from 0 to 500.`);
        limit = Math.min(n, 300);
    }
    const sorted = [...rows].sort((a, b) => {
        for (const { key, desc } of keys) {
            const x = sortValue(a, key);
            const y = sortValue(b, key);
            const c = x < y ? -1 : x > y ? 1 : 0;
            if (c) return desc ? -c : c;
        }
        return 0;
    });
    const primary = keys[0];
    let after = sorted;
    const start = q.get("start");
    if (start !== null) {
        after = sorted.filter((r) => {
            const v = sortValue(r, primary.key);
            const s = typeof v === "number" ? Number(start) : start;
            return primary.desc ? v < s : v > s;
        });
    }
    const page = after.slice(0, limit);
    const more = after.length > page.length && page.length > 0;
    const next = more ? String(sortValue(page[page.length - 1], primary.key)) : null;
    let nextHref: string | null = null;
    if (next !== null) {
        const params = new URLSearchParams();
        for (const p of q.getAll("property")) params.append("property", p);
        params.set("orderby", orderby);
        params.set("start", next);
        params.set("limit", String(limit));
        nextHref = `${ctx.core.url}${SCHEMA_REGISTRY_BASE}${listPath}?${params}`;
    }
    return { page, orderby, next, nextHref };
}

/**
 * A Schema Registry list in the spec's listResponse shape: `results`, `_page: {orderby, next, count}` and
 * `_links: {next}` (schemas add `_links.global_schemas`). On the last or only page `_page.next` and
 * `_links.next` are null: the spec's description and examples say so, though its type says string.
 * `_page.next` holds the value to send as `start` (the spec's `start` description: "the maximum value of
 * the primary sort property … received in the previous page"); `_links.next` is the next page's URI.
 */
function listBody(
    ctx: Ctx,
    variant: "xed-id" | "xed",
    rows: Array<Record<string, any>>,
    listPath: string,
    show: (r: Record<string, any>) => Record<string, any>,
): Record<string, unknown> {
    const { page, orderby, next, nextHref } = pageRows(ctx, filterRows(ctx, rows), listPath, "title");
    const links: Record<string, unknown> = { next: nextHref };
    if (/\/schemas$/.test(listPath)) links.global_schemas = { href: `${ctx.core.url}${SCHEMA_REGISTRY_BASE}/global/schemas` };
    return {
        results: page.map((r) => (variant === "xed-id" ? summary(r) : show(r))),
        _page: { orderby, next, count: page.length },
        _links: links,
    };
}

function list(ctx: Ctx, kind: Kind, items: Array<Record<string, any>>, listPath: string): Reply {
    const variant = listAccept(ctx);
    const sb = sandboxOf(ctx);
    return { status: 200, body: listBody(ctx, variant, items, listPath, (r) => render(r, "xed", sb.data)) };
}

// ---------------------------------------------------------------------------------------------------
// Routes

function create(kind: Kind) {
    return (ctx: Ctx): Reply => {
        const sb = sandboxOf(ctx);
        const r = build(ctx, sb, kind, ctx.body);
        if (kind === "schema") checkTags(sb, undefined, r);
        collection(sb.data, kind)[r.$id] = r;
        ctx.core.store.touch();
        return { status: 201, body: clone(r) };
    };
}

function lookup(kind: Kind) {
    return (ctx: Ctx, p: Record<string, string>): Reply => {
        const sb = sandboxOf(ctx);
        const variant = lookupAccept(ctx);
        const r = find(sb.data, kind, p.id);
        if (!r) throw notFound(kind, p.id);
        return { status: 200, body: render(r, variant, sb.data) };
    };
}

function replace(kind: Kind) {
    return (ctx: Ctx, p: Record<string, string>): Reply => {
        const sb = sandboxOf(ctx);
        const prev = find(sb.data, kind, p.id);
        if (!prev) throw notFound(kind, p.id);
        // PUT rewrites the resource and needs every field create needs (aep-api.md §2.2.3).
        const r = build(ctx, sb, kind, ctx.body, prev);
        checkChange(sb, kind, prev, r);
        collection(sb.data, kind)[r.$id] = r;
        ctx.core.store.touch();
        return { status: 200, body: clone(r) };
    };
}

function patch(kind: Kind) {
    return (ctx: Ctx, p: Record<string, string>): Reply => {
        const sb = sandboxOf(ctx);
        const prev = find(sb.data, kind, p.id);
        if (!prev) throw notFound(kind, p.id);
        let patched: Record<string, any>;
        try {
            // The docs use lowercase op names; uppercase ones are accepted too.
            patched = applyPatch(prev, kind === "schema" ? tagPatch(prev, ctx.body) : ctx.body, { caseInsensitiveOps: true });
            // A patch that removes the tags list altogether is a removal, not a PUT leaving it out.
            if (kind === "schema" && prev["meta:immutableTags"] !== undefined && patched["meta:immutableTags"] === undefined)
                patched["meta:immutableTags"] = [];
        } catch (e) {
            if (e instanceof PatchError) throw invalid(`The JSON Patch cannot be applied: ${e.message}.`);
            throw e;
        }
        const r = build(ctx, sb, kind, patched, prev);
        checkChange(sb, kind, prev, r);
        collection(sb.data, kind)[r.$id] = r;
        ctx.core.store.touch();
        return { status: 200, body: clone(r) };
    };
}

/**
 * Profile is enabled with `{"op":"add","path":"/meta:immutableTags","value":["union"]}` (docs, §2.2.4).
 * The spec's example instead appends one string at "/meta:immutableTags-" (sic): that path, and the RFC
 * 6902 append "/meta:immutableTags/-", are read as adding the value to the list, created if absent.
 */
function tagPatch(prev: Record<string, any>, body: unknown): unknown {
    if (!Array.isArray(body)) return body;
    let tags: string[] = Array.isArray(prev["meta:immutableTags"]) ? [...prev["meta:immutableTags"]] : [];
    return body.map((op) => {
        if (!isObject(op) || String(op.op).toLowerCase() !== "add" || !["/meta:immutableTags-", "/meta:immutableTags/-"].includes(op.path))
            return op;
        tags = [...tags, ...(Array.isArray(op.value) ? op.value : [op.value])];
        return { op: "add", path: "/meta:immutableTags", value: tags };
    });
}

function remove(kind: Kind) {
    return (ctx: Ctx, p: Record<string, string>): Reply => {
        const sb = sandboxOf(ctx);
        const r = find(sb.data, kind, p.id);
        if (!r) throw notFound(kind, p.id);
        // Deleting a field group used by a schema, or a schema used by a dataset, is undocumented
        // (aep-api.md §4.8, §5.20): no refusal is invented; the delete succeeds.
        if (kind === "schema") {
            // What becomes of a deleted schema's descriptors is undocumented; they describe nothing any
            // more, so they go with it (the reference's teardown order deletes them first anyway, §4.8).
            for (const [id, d] of Object.entries(sb.data.descriptors)) if (d["xdm:sourceSchema"] === r.$id) delete sb.data.descriptors[id];
        }
        delete collection(sb.data, kind)[r.$id];
        ctx.core.store.touch();
        return { status: 204 };
    };
}

// ---------------------------------------------------------------------------------------------------
// Immutable tags and schema evolution (aep-api.md §2.2.4)

/**
 * `meta:immutableTags` "can be set but never removed". A body that lists the tags without one that the
 * schema has is refused; a PUT that leaves the key out keeps them (the docs only show PATCH adding the
 * tag; a rewrite without it is read as not touching it, rather than as a removal AEP never performs).
 * Adding `union` (Profile) needs a primary identity or identityMap, else XDM-1528-400 (§2.2.4).
 */
function checkTags(sb: SandboxRef, prev: Record<string, any> | undefined, next: Record<string, any>): void {
    const before: string[] = Array.isArray(prev?.["meta:immutableTags"]) ? prev!["meta:immutableTags"] : [];
    if (next["meta:immutableTags"] === undefined) {
        if (before.length) next["meta:immutableTags"] = [...before];
    } else {
        const tags = next["meta:immutableTags"];
        if (!Array.isArray(tags) || tags.some((t: unknown) => typeof t !== "string"))
            throw invalid(`"meta:immutableTags" must be an array of strings, e.g. ["union"].`);
        const removed = before.filter((t) => !tags.includes(t));
        if (removed.length)
            throw xdmError(
                XDM_CODES.immutableTag,
                "Immutable tag cannot be removed",
                `The schema ${next.$id} has the immutable tag(s) ${removed.map((t) => `"${t}"`).join(", ")}, which can be set but never removed.`,
            );
        next["meta:immutableTags"] = [...new Set(tags as string[])];
    }
    const union = (r?: Record<string, any>) => Array.isArray(r?.["meta:immutableTags"]) && r!["meta:immutableTags"].includes("union");
    if (union(next) && !union(prev)) {
        const problem = profileProblem(next, sb.data.fieldGroups, sb.data.descriptors);
        if (problem) throw xdmError("XDM-1528-400", "Profile enablement failed", problem);
    }
}

/** Datasets of the schema that hold ingested records or are enabled for Profile, with the reason. */
function lockingDatasets(sb: SandboxRef, schemaId: string): string[] {
    const out: string[] = [];
    for (const [id, d] of Object.entries(sb.data.datasets)) {
        if (d.schemaRef?.id !== schemaId) continue;
        const records = sb.data.records[id]?.length ?? 0;
        const profile =
            Array.isArray(d.tags?.unifiedProfile) &&
            d.tags.unifiedProfile.some((t: unknown) => String(t).replace(/\s/g, "").toLowerCase() === "enabled:true");
        if (records > 0) out.push(`dataset ${id} has ingested ${records} record(s)`);
        else if (profile) out.push(`dataset ${id} is enabled for Profile`);
    }
    return out;
}

/**
 * A change to a stored schema or field group: tags as above, then schema evolution. "Only
 * non-destructive changes are allowed once the schema is used by a dataset that either has ingested data
 * or is Profile-enabled. Before that, any change is allowed" (§2.2.4). For a field group, every schema
 * that includes it counts. Destructive: see destructiveChanges in xdm.ts.
 */
function checkChange(sb: SandboxRef, kind: Kind, prev: Record<string, any>, next: Record<string, any>): void {
    if (kind === "schema") checkTags(sb, prev, next);
    const fieldGroups = { ...sb.data.fieldGroups, ...(kind === "fieldGroup" ? { [next.$id]: next } : {}) };
    const schemas = kind === "schema" ? [prev] : Object.values(sb.data.schemas).filter((s) => allOfRefs(s).includes(prev.$id));
    for (const schema of schemas) {
        const locks = lockingDatasets(sb, schema.$id);
        if (!locks.length) continue;
        const before = schemaFields(schema, sb.data.fieldGroups).fields;
        const after = schemaFields(kind === "schema" ? next : schema, fieldGroups).fields;
        const changes = destructiveChanges(before, after);
        if (!changes.length) continue;
        throw xdmError(
            XDM_CODES.breakingChange,
            "Destructive schema change",
            `Only non-destructive changes are allowed to the schema ${schema.$id}: its ${locks.join(", ")}. Refused: ${changes.map((c) => c.message).join("; ")}.`,
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Descriptors (aep-api.md §2.2.2, §2.2.5)

const DESCRIPTOR_TYPES = [
    "xdm:alternateDisplayInfo",
    "xdm:descriptorIdentity",
    "xdm:descriptorReferenceIdentity",
    "xdm:descriptorOneToOne",
    "xdm:descriptorRelationship",
];
const DESCRIPTOR_ACCEPT = /^application\/vnd\.adobe\.xdm(-v2)?(-id|-link)?\+json$/i;

/** List Accept: xdm-id, xdm-link or xdm (+json), each optionally -v2 for paging; no version (XDM-1008-400). */
function descriptorListAccept(ctx: Ctx): { v2: boolean; form: "id" | "link" | "full" } {
    const accept = (header(ctx, "accept") ?? "").trim();
    const m = DESCRIPTOR_ACCEPT.exec(accept);
    if (!m)
        throw xdmError(
            "XDM-1008-400",
            "Accept header invalid",
            `The supplied Accept header is not valid: ${accept || "(none)"} - A valid Accept value should look like application/vnd.adobe.xdm-id+json`,
        );
    return { v2: !!m[1], form: m[2] === "-id" ? "id" : m[2] === "-link" ? "link" : "full" };
}

/**
 * Lookup Accept. The spec's prose says descriptors are not versioned so no Accept is needed, while its
 * 400 answer (and the docs, §2.2.2) name application/vnd.adobe.xdm+json: liberal here, an absent Accept
 * or a generic JSON one is accepted, an xed (schema) Accept or another xdm form gets XDM-1009-400.
 */
function descriptorLookupAccept(ctx: Ctx): void {
    const accept = (header(ctx, "accept") ?? "").trim();
    if (!accept || accept === "*/*" || /^application\/json$/i.test(accept) || /^application\/vnd\.adobe\.xdm\+json$/i.test(accept)) return;
    throw xdmError(
        "XDM-1009-400",
        "Accept header invalid",
        `The supplied Accept header is not valid: ${accept} - A valid Accept value should look like application/vnd.adobe.xdm+json`,
    );
}

function descriptorNotFound(id: string): ApiError {
    return xdmError(XDM_CODES.descriptorNotFound, "Resource Not Found", `The descriptor ${id} was not found.`);
}

/** Validates a descriptor body (create, or PUT over `previous`) and returns the stored descriptor. */
function buildDescriptor(ctx: Ctx, sb: SandboxRef, body: unknown, previous?: Record<string, any>): Record<string, any> {
    if (!isObject(body)) throw invalid("The request body must be a JSON object.");
    const type = body["@type"];
    if (typeof type !== "string" || !DESCRIPTOR_TYPES.includes(type))
        throw invalid(`"@type" must be one of ${DESCRIPTOR_TYPES.join(", ")}.`);
    const schemaId = body["xdm:sourceSchema"];
    if (typeof schemaId !== "string" || !schemaId) throw invalid(`"xdm:sourceSchema" (the $id of the schema) is required.`);
    const schema = find(sb.data, "schema", schemaId);
    if (!schema) throw invalid(`"xdm:sourceSchema" ${schemaId} is not a schema in sandbox "${sb.name}".`);
    // The spec types xdm:sourceVersion as a string, every example sends the number 1: both are accepted.
    const version = body["xdm:sourceVersion"];
    if (version === undefined || !/^\d+$/.test(String(version)))
        throw invalid(`"xdm:sourceVersion" (the schema's major version, 1) is required.`);
    const prop = body["xdm:sourceProperty"];
    if (prop !== undefined || type === "xdm:descriptorIdentity") {
        // A JSON Pointer without the "properties" segments (api-fundamentals.md, §2.2.5).
        if (typeof prop !== "string" || !prop.startsWith("/") || prop.length < 2)
            throw invalid(`"xdm:sourceProperty" must be a JSON Pointer to a field of the schema, e.g. "/_${ctx.core.tenantId}/email".`);
        const dotted = prop
            .slice(1)
            .split("/")
            .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
            .join(".");
        if (prop.split("/").includes("properties"))
            throw invalid(
                `"xdm:sourceProperty" ${prop} has a "properties" segment: write the path without them, e.g. "/_${ctx.core.tenantId}/chatlio/email".`,
            );
        if (!findField(schemaFields(schema, sb.data.fieldGroups).fields, dotted))
            throw invalid(`"xdm:sourceProperty" ${prop} is not a field of the schema ${schema.$id}.`);
    }
    if (type === "xdm:descriptorIdentity") {
        const ns = body["xdm:namespace"];
        if ((typeof ns !== "string" || !ns.trim()) && typeof ns !== "number")
            throw invalid(`"xdm:namespace" (an identity namespace code such as "Email", or its numeric id) is required.`);
        const how = body["xdm:property"];
        if (how !== undefined && how !== "xdm:code" && how !== "xdm:id")
            throw invalid(`"xdm:property" must be "xdm:code" (namespace given by code) or "xdm:id" (by numeric id).`);
        if (body["xdm:isPrimary"] !== undefined && typeof body["xdm:isPrimary"] !== "boolean")
            throw invalid(`"xdm:isPrimary" must be true or false.`);
    }
    const content = { ...body };
    for (const f of ["@id", "imsOrg", "version", "meta:containerId", "meta:sandboxId", "meta:sandboxType", "meta:registryMetadata"])
        delete content[f];
    const now = nowMs();
    const prevMeta = previous?.["meta:registryMetadata"] ?? {};
    return {
        ...content,
        "xdm:sourceSchema": schema.$id,
        "@id": previous?.["@id"] ?? hex(40),
        imsOrg: ctx.auth?.orgId,
        // Descriptors are not versioned (spec); every example shows "1".
        version: "1",
        "meta:containerId": "tenant",
        "meta:sandboxId": sandboxId(sb.name, ctx.core),
        "meta:sandboxType": sandboxType(sb.name),
        "meta:registryMetadata": {
            "repo:createdDate": prevMeta["repo:createdDate"] ?? now,
            "repo:lastModifiedDate": now,
            "xdm:createdClientId": prevMeta["xdm:createdClientId"] ?? ctx.auth?.clientId,
            "xdm:createdUserId": prevMeta["xdm:createdUserId"] ?? userOf(ctx),
            "xdm:lastModifiedUserId": userOf(ctx),
            eTag: sha256(JSON.stringify(content) + now),
        },
    };
}

function listDescriptors(ctx: Ctx): Reply {
    const sb = sandboxOf(ctx);
    const { v2, form } = descriptorListAccept(ctx);
    // The global container holds no descriptors.
    let rows = filterRows(ctx, ctx.path.startsWith("/global/") ? [] : Object.values(sb.data.descriptors));
    const shown = (d: Record<string, any>) =>
        form === "id" ? d["@id"] : form === "link" ? `${SCHEMA_REGISTRY_BASE}/tenant/descriptors/${d["@id"]}` : clone(d);
    if (v2) {
        // The -v2 forms page with a results array and _page (spec acceptDescriptors). The list takes the
        // same orderby, start and limit as the other lists (the spec shares their definitions), so limit
        // and start need orderby here too; without one the order is by @id.
        const { page, orderby, next } = pageRows(ctx, rows, ctx.path.replace(/\/+$/, ""), "@id");
        return { status: 200, body: { results: page.map(shown), _page: { orderby, next, count: page.length } } };
    }
    rows = [...rows].sort((a, b) => (a["@id"] < b["@id"] ? -1 : 1));
    // Without -v2: one array per descriptor @type (spec listDescriptorsResponse).
    const grouped: Record<string, unknown[]> = {};
    for (const d of rows) (grouped[d["@type"]] ??= []).push(shown(d));
    return { status: 200, body: grouped };
}

function lookupDescriptor(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    descriptorLookupAccept(ctx);
    const d = ctx.path.startsWith("/global/") ? undefined : sb.data.descriptors[p.id];
    if (!d) throw descriptorNotFound(p.id);
    return { status: 200, body: clone(d) };
}

function createDescriptor(ctx: Ctx): Reply {
    const sb = sandboxOf(ctx);
    const d = buildDescriptor(ctx, sb, ctx.body);
    sb.data.descriptors[d["@id"]] = d;
    ctx.core.store.touch();
    return { status: 201, body: clone(d) };
}

function replaceDescriptor(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    const prev = sb.data.descriptors[p.id];
    if (!prev) throw descriptorNotFound(p.id);
    // PUT "rewrites the existing descriptor": the body carries every field create needs (spec).
    const d = buildDescriptor(ctx, sb, ctx.body, prev);
    sb.data.descriptors[p.id] = d;
    ctx.core.store.touch();
    return { status: 200, body: clone(d) };
}

function deleteDescriptor(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    // A repeat delete gets the 404 the spec lists (aep-api.md §4.8).
    if (!sb.data.descriptors[p.id]) throw descriptorNotFound(p.id);
    delete sb.data.descriptors[p.id];
    ctx.core.store.touch();
    return { status: 204 };
}

function stats(ctx: Ctx): Reply {
    const sb = sandboxOf(ctx);
    const all = [...Object.values(sb.data.schemas), ...Object.values(sb.data.fieldGroups)];
    const by = (key: string) =>
        [...all]
            .sort((a, b) => (b["meta:registryMetadata"]?.[key] ?? 0) - (a["meta:registryMetadata"]?.[key] ?? 0))
            .slice(0, 5)
            .map(summary);
    const schemas = Object.values(sb.data.schemas);
    return {
        status: 200,
        body: {
            imsOrg: ctx.auth?.orgId,
            tenantId: ctx.core.tenantId,
            counts: { schemas: schemas.length, mixins: Object.keys(sb.data.fieldGroups).length, datatypes: 0, classes: 0, unions: 0 },
            recentlyCreatedResources: by("repo:createdDate"),
            recentlyUpdatedResources: by("repo:lastModifiedDate"),
            classUsage: Object.values(CLASSES)
                .map((c) => {
                    const users = schemas.filter((s) => s["meta:class"] === c.id);
                    return {
                        $id: c.id,
                        title: c.title,
                        numberOfSchemas: users.length,
                        schemas: users.map((s) => ({ title: s.title, $id: s.$id, "meta:altId": s["meta:altId"] })),
                    };
                })
                .filter((u) => u.numberOfSchemas > 0),
        },
    };
}

// ---------------------------------------------------------------------------------------------------
// Classes, data types and the global container (aep-api.md §2.2.1: "global holds Adobe's resources and
// is GET-only"; the spec's /{CONTAINER_ID}/… list and lookup paths)
//
// The emulator's global container holds the standard classes it knows (CLASSES in xdm.ts: XDM
// ExperienceEvent) and the standard field groups their schemas name in meta:extends (STANDARD_FIELD_GROUPS:
// IdentityMap), and nothing else: no other field groups, no schemas, data types or descriptors. The
// tenant container holds no classes or data types: creating them is not served (501). So the global and
// class lists are served from what the emulator holds, and a lookup of anything else is a 404 that says so.

const GLOBAL_HOLDS = `the emulator's global container holds only the class${Object.keys(CLASSES).length > 1 ? "es" : ""} ${Object.keys(CLASSES).join(", ")} and the field group${Object.keys(STANDARD_FIELD_GROUPS).length > 1 ? "s" : ""} ${Object.keys(STANDARD_FIELD_GROUPS).join(", ")}`;

/** GET /global/fieldgroups/{id}: a standard field group by $id or meta:altId, in the Accept's variant. */
function standardFieldGroupLookup(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    const variant = lookupAccept(ctx);
    const fg = Object.values(STANDARD_FIELD_GROUPS).find((f) => f.id === p.id || f.altId === p.id);
    if (!fg)
        throw xdmError(
            XDM_CODES.fieldGroupNotFound,
            "Resource Not Found",
            `The field group ${p.id} was not found: ${GLOBAL_HOLDS}, and the tenant container holds the field groups created in it.`,
        );
    return { status: 200, body: render(standardFieldGroupResource(fg), variant, sb.data) };
}

const standardFieldGroups = () => Object.values(STANDARD_FIELD_GROUPS).map(standardFieldGroupResource);

function findClass(id: string) {
    return Object.values(CLASSES).find((c) => c.id === id || c.altId === id);
}

function classLookup(container: "global" | "tenant") {
    return (ctx: Ctx, p: Record<string, string>): Reply => {
        sandboxOf(ctx);
        const variant = lookupAccept(ctx);
        const cls = container === "global" ? findClass(p.id) : undefined;
        if (!cls) {
            const where =
                container === "global"
                    ? GLOBAL_HOLDS
                    : `the tenant container holds no classes (${findClass(p.id) ? "this is a global class: look it up under /global/classes" : GLOBAL_HOLDS})`;
            throw xdmError(XDM_CODES.classNotFound, "Resource Not Found", `The class ${p.id} was not found: ${where}.`);
        }
        const r = classResource(cls);
        if (variant.startsWith("xed-full")) {
            delete r.definitions;
            delete r.allOf;
            r.properties = cls.fields;
        }
        return { status: 200, body: r };
    };
}

/** A list of the resources the emulator holds in a container it does not write to (classes, globals). */
function fixedList(rows: () => Array<Record<string, any>>) {
    return (ctx: Ctx): Reply => {
        const variant = listAccept(ctx);
        sandboxOf(ctx);
        return { status: 200, body: listBody(ctx, variant, rows(), ctx.path.replace(/\/+$/, ""), (r) => r) };
    };
}

/** A lookup in a container where the emulator holds nothing of this kind. */
function emptyLookup(what: string, code: string) {
    return (ctx: Ctx, p: Record<string, string>): Reply => {
        sandboxOf(ctx);
        lookupAccept(ctx);
        throw xdmError(
            code,
            "Resource Not Found",
            `The ${what} ${p.id} was not found: ${GLOBAL_HOLDS}, and the tenant container holds the field groups and schemas created in it.`,
        );
    };
}

const knownClasses = () => Object.values(CLASSES).map(classResource);
const nothing = () => [];

for (const seg of ["fieldgroups", "mixins"]) {
    router
        .on("GET", `/tenant/${seg}`, (ctx) => list(ctx, "fieldGroup", Object.values(sandboxOf(ctx).data.fieldGroups), `/tenant/${seg}`))
        .on("POST", `/tenant/${seg}`, create("fieldGroup"))
        .on("GET", `/tenant/${seg}/:id`, lookup("fieldGroup"))
        .on("PUT", `/tenant/${seg}/:id`, replace("fieldGroup"))
        .on("PATCH", `/tenant/${seg}/:id`, patch("fieldGroup"))
        .on("DELETE", `/tenant/${seg}/:id`, remove("fieldGroup"))
        .on("GET", `/global/${seg}`, fixedList(standardFieldGroups))
        .on("GET", `/global/${seg}/:id`, standardFieldGroupLookup);
}
router
    .on("GET", "/tenant/schemas", (ctx) => list(ctx, "schema", Object.values(sandboxOf(ctx).data.schemas), "/tenant/schemas"))
    .on("POST", "/tenant/schemas", create("schema"))
    .on("GET", "/tenant/schemas/:id", lookup("schema"))
    .on("PUT", "/tenant/schemas/:id", replace("schema"))
    .on("PATCH", "/tenant/schemas/:id", patch("schema"))
    .on("DELETE", "/tenant/schemas/:id", remove("schema"))
    .on("GET", "/global/schemas", fixedList(nothing))
    .on("GET", "/global/schemas/:id", emptyLookup("schema", XDM_CODES.schemaNotFound))
    .on("GET", "/global/classes", fixedList(knownClasses))
    .on("GET", "/global/classes/:id", classLookup("global"))
    .on("GET", "/tenant/classes", fixedList(nothing))
    .on("GET", "/tenant/classes/:id", classLookup("tenant"))
    .on("GET", "/global/datatypes", fixedList(nothing))
    .on("GET", "/global/datatypes/:id", emptyLookup("data type", XDM_CODES.dataTypeNotFound))
    .on("GET", "/tenant/datatypes", fixedList(nothing))
    .on("GET", "/tenant/datatypes/:id", emptyLookup("data type", XDM_CODES.dataTypeNotFound))
    .on("GET", "/stats", stats)
    .on("GET", "/tenant/descriptors", listDescriptors)
    .on("POST", "/tenant/descriptors", createDescriptor)
    .on("GET", "/tenant/descriptors/:id", lookupDescriptor)
    .on("PUT", "/tenant/descriptors/:id", replaceDescriptor)
    .on("DELETE", "/tenant/descriptors/:id", deleteDescriptor)
    .on("GET", "/global/descriptors", listDescriptors)
    .on("GET", "/global/descriptors/:id", lookupDescriptor);

// Described in the spec, not served: behaviors, writing classes and data types, unions, the rpc routes.
const SR_SPEC = "schema-registry.yaml";
router
    .notServed("GET", "/global/behaviors", SR_SPEC)
    .notServed("GET", "/global/behaviors/:id", SR_SPEC)
    .notServed("POST", "/tenant/classes", SR_SPEC)
    .notServed("PUT", "/tenant/classes/:id", SR_SPEC)
    .notServed("PATCH", "/tenant/classes/:id", SR_SPEC)
    .notServed("DELETE", "/tenant/classes/:id", SR_SPEC)
    .notServed("POST", "/tenant/datatypes", SR_SPEC)
    .notServed("PUT", "/tenant/datatypes/:id", SR_SPEC)
    .notServed("PATCH", "/tenant/datatypes/:id", SR_SPEC)
    .notServed("DELETE", "/tenant/datatypes/:id", SR_SPEC)
    .notServed("GET", "/tenant/unions", SR_SPEC)
    .notServed("GET", "/tenant/unions/:id", SR_SPEC)
    .notServed("GET", "/rpc/export/:id", SR_SPEC)
    .notServed("POST", "/rpc/import", SR_SPEC)
    .notServed("GET", "/rpc/sampledata/:id", SR_SPEC)
    .notServed("GET", "/rpc/auditlog/:id", SR_SPEC);

// ---------------------------------------------------------------------------------------------------
// For the other families and the drift helpers

/** The schema with this `$id` in the sandbox, or undefined. */
export function schemaById(sb: SandboxData, id: string): Record<string, any> | undefined {
    return sb.schemas[id];
}

/** Applies a UI-style edit to a stored field group or schema: shallow merge, new version and dates. */
export function editResource(resource: Record<string, any>, changes: Record<string, unknown>): Record<string, any> {
    const out = { ...resource, ...clone(changes) };
    out.version = bumpMinor(resource.version);
    out["meta:registryMetadata"] = { ...(resource["meta:registryMetadata"] ?? {}), "repo:lastModifiedDate": nowMs(), eTag: hex(64) };
    return out;
}
