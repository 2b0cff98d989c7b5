/**
 * Flow Service (/data/foundation/flowservice): base, source and target connections, dataflows, their
 * enable/disable action, and the connection and flow specifications (aep-api.md §2.4; base connections
 * as the HTTP API tutorial, streaming/http.md, uses them).
 */
import { ApiError, FLOW_CODES, flowError } from "./errors";
import { Core, Ctx, Reply, RouteInfo, Router, SandboxRef, header, requireSandbox, sandboxId, userOf } from "./http";
import { PatchError, applyPatch } from "./json-patch";
import {
    CONNECTION_SPECS,
    ConnectionSpec,
    FLOW_SPECS,
    FlowSpec,
    HTTP_API_MAPPING_FLOW_SPEC_ID,
    STREAMING_AUTH_SPEC_NAME,
    connectionSpecItem,
    flowSpecItem,
} from "./specs";
import { SandboxData } from "./store";
import { clone, deepEqual, flowEtag, hex, isObject, nowMs, uuid } from "./util";

export const FLOW_SERVICE_BASE = "/data/foundation/flowservice";

type Collection = "connections" | "sourceConnections" | "targetConnections" | "flows";

const TITLES: Record<string, string> = {
    "1101-404": "Resource not found",
    "1403-400": "Missing If-Match header",
    "1404-412": "Version not matching",
    "1405-400": "Empty request body",
    "1410-400": "State not allowed on create",
    "1412-400": "Invalid mapping version",
    "1413-400": "Invalid spec id",
    "1414-400": "Connection spec cannot be changed",
    "1416-400": "Operation not allowed in the current state",
    "1418-400": "Base connection in use",
    "1420-400": "Operation not allowed while disabling",
    "1421-400": "Operation not allowed while updating",
    "1422-400": "Action not applicable",
    "1425-400": "Schema mismatch",
    "1434-400": "Unsupported patch operation",
    "1436-400": "Unsupported sub-operation",
    "1447-400": "Resource in use",
    "1455-400": "Invalid patch instruction",
    "1401-400": "Invalid query",
    "2100-404": "Sandbox not found",
    "2105-400": "Missing sandbox header",
    [FLOW_CODES.invalid]: "Bad request",
    [FLOW_CODES.notAllowed]: "Method not allowed",
};

function err(code: string, message: string, report: Record<string, unknown> = {}): ApiError {
    return flowError(code, TITLES[code] ?? "Error", message, report);
}

const router = new Router("Flow Service", FLOW_SERVICE_BASE);

export function handleFlowService(ctx: Ctx): Reply {
    return router.dispatch(ctx, () => err(FLOW_CODES.notAllowed, `${ctx.method} is not allowed on ${ctx.path}.`));
}

/** The family's routes: served, and described by Adobe but not served. */
export function flowServiceRoutes(): RouteInfo[] {
    return router.table();
}

/**
 * The flow spec leaves x-sandbox-name optional (default sandbox), but flow-service-errors.md lists
 * 2105-400 for a missing header (aep-api.md §1.2, §5.14): the documented error is followed.
 */
function sandboxOf(ctx: Ctx): SandboxRef {
    return requireSandbox(
        ctx,
        () => err("2105-400", "The x-sandbox-name header is required."),
        (name) => err("2100-404", `The sandbox "${name}" was not found.`),
    );
}

const KIND_LABEL: Record<Collection, string> = {
    connections: "connections",
    sourceConnections: "sourceConnections",
    targetConnections: "targetConnections",
    flows: "flows",
};

function notFound(coll: Collection, id: string): ApiError {
    return err("1101-404", `The ${KIND_LABEL[coll]} resource ${id} does not exist.`, { id, type: KIND_LABEL[coll] });
}

function invalid(message: string): ApiError {
    return err(FLOW_CODES.invalid, message);
}

function auditFields(ctx: Ctx, sb: SandboxRef, id: string): Record<string, unknown> {
    const now = nowMs();
    return {
        id,
        createdAt: now,
        updatedAt: now,
        createdBy: userOf(ctx),
        updatedBy: userOf(ctx),
        createdClient: ctx.auth?.clientId,
        updatedClient: ctx.auth?.clientId,
        sandboxId: sandboxId(sb.name, ctx.core),
        sandboxName: sb.name,
        imsOrgId: ctx.auth?.orgId,
    };
}

function specRef(value: unknown, what: string): { id: string; version: string } {
    if (!isObject(value) || typeof value.id !== "string" || value.version === undefined)
        throw invalid(`"${what}" with "id" and "version" is required.`);
    return { id: value.id, version: String(value.version) };
}

function connectionSpecFor(ref: { id: string; version: string }, role: "source" | "target"): ConnectionSpec {
    const spec = CONNECTION_SPECS.find((s) => s.id === ref.id);
    if (!spec) throw err("1413-400", `The connection spec id ${ref.id} is not valid.`);
    if (spec.version !== ref.version)
        throw err("1413-400", `The connection spec ${ref.id} has no version "${ref.version}" (it has "${spec.version}").`);
    if (spec.role !== role) throw err("1413-400", `The connection spec ${ref.id} cannot be used for a ${role} connection.`);
    return spec;
}

// ---------------------------------------------------------------------------------------------------
// Connections

function checkSourceConnection(ctx: Ctx, sb: SandboxRef, body: Record<string, any>): ConnectionSpec {
    if (typeof body.name !== "string" || !body.name.trim()) throw invalid(`"name" is required.`);
    const spec = connectionSpecFor(specRef(body.connectionSpec, "connectionSpec"), "source");
    // The spec's CreateSourceConnectionRequest requires data, while http.md's source connection (on a base
    // connection) sends none: data is optional with a base connection, required without one.
    const needsData = spec.baseConnection === "none" || body.data !== undefined;
    if (needsData && !isObject(body.data)) throw invalid(`"data" is required and must be an object.`);
    if (isObject(body.data) && body.data.format !== undefined && !spec.formats.includes(body.data.format))
        throw invalid(
            `data.format "${body.data.format}" is not supported by the connection spec ${spec.id} (supported: ${spec.formats.join(", ")}).`,
        );
    // providerId is not in the spec's CreateSourceConnectionRequest but the Chatlio tutorial sends it
    // (aep-api.md §5.5): accepted, and checked against the spec's provider when present.
    if (body.providerId !== undefined && body.providerId !== spec.providerId)
        throw invalid(`providerId ${body.providerId} does not match the provider ${spec.providerId} of the connection spec.`);
    const baseId = body.baseConnectionId;
    if (spec.baseConnection === "none") {
        if (baseId !== undefined && baseId !== null)
            throw invalid(`The connection spec ${spec.id} (${spec.name}) takes no base connection; remove "baseConnectionId".`);
    } else {
        if (typeof baseId !== "string" || !baseId)
            throw invalid(
                `"baseConnectionId" is required for the connection spec ${spec.id} (${spec.name}): create a base connection with POST /connections first.`,
            );
        const base = sb.data.connections[baseId];
        if (!base) throw invalid(`baseConnectionId ${baseId} is not a base connection in sandbox "${sb.name}".`);
        if (base.connectionSpec?.id !== spec.id)
            throw invalid(
                `The base connection ${baseId} uses the connection spec ${base.connectionSpec?.id}, not ${spec.id} of this source connection.`,
            );
    }
    return spec;
}

function checkTargetConnection(ctx: Ctx, sb: SandboxRef, body: Record<string, any>): ConnectionSpec {
    // The spec requires only connectionSpec and data; name is optional there.
    const spec = connectionSpecFor(specRef(body.connectionSpec, "connectionSpec"), "target");
    if (!isObject(body.data)) throw invalid(`"data" is required and must be an object.`);
    if (body.data.format !== undefined && !spec.formats.includes(body.data.format))
        throw invalid(`data.format "${body.data.format}" is not supported by the connection spec ${spec.id}.`);
    const schema = body.data.schema;
    if (schema !== undefined) {
        if (!isObject(schema) || typeof schema.id !== "string") throw invalid(`data.schema must carry the schema's "id".`);
        if (schema.version !== undefined && typeof schema.version !== "string")
            throw invalid(`data.schema.version must be a content-type string such as "application/vnd.adobe.xed-full+json;version=1".`);
        if (!sb.data.schemas[schema.id]) throw invalid(`data.schema.id ${schema.id} is not a schema in sandbox "${sb.name}".`);
    }
    const dataSetId = isObject(body.params) ? body.params.dataSetId : undefined;
    if (typeof dataSetId !== "string") throw invalid(`params.dataSetId is required for a data lake target connection.`);
    const ds = sb.data.datasets[dataSetId];
    if (!ds) throw invalid(`params.dataSetId ${dataSetId} is not a dataset in sandbox "${sb.name}".`);
    if (isObject(schema) && ds.schemaRef?.id !== schema.id)
        throw invalid(`data.schema.id ${schema.id} differs from the schema ${ds.schemaRef?.id} of the dataset ${dataSetId}.`);
    return spec;
}

function createConnection(coll: "sourceConnections" | "targetConnections") {
    return (ctx: Ctx): Reply => {
        const sb = sandboxOf(ctx);
        if (!isObject(ctx.body)) throw err("1405-400", "The request body must be a JSON object.");
        const body = ctx.body;
        if (coll === "sourceConnections") checkSourceConnection(ctx, sb, body);
        else checkTargetConnection(ctx, sb, body);
        const id = uuid();
        const etag = flowEtag();
        const item: Record<string, any> = {
            ...auditFields(ctx, sb, id),
            name: body.name ?? "",
            description: body.description ?? "",
            state: "enabled",
            data: clone(body.data ?? {}),
            connectionSpec: { id: body.connectionSpec.id, version: String(body.connectionSpec.version) },
            params: clone(body.params ?? {}),
            version: etag,
            etag,
        };
        if (typeof body.baseConnectionId === "string") item.baseConnectionId = body.baseConnectionId;
        sb.data[coll][id] = item;
        ctx.core.store.touch();
        return { status: 201, body: { id, etag } };
    };
}

// ---------------------------------------------------------------------------------------------------
// Base connections (streaming/http.md: the HTTP API's "Streaming Connection")

/** The inlet a base connection or a dataflow streams through: `${emulator}/collection/{64 hex}`. */
function newInlet(core: Core): { inletId: string; inletUrl: string } {
    const inletId = hex(64);
    return { inletId, inletUrl: `${core.url}/collection/${inletId}` };
}

/** Inlet fields the server assigns: a client never sets them. */
const INLET_PARAMS = ["inletId", "inletUrl"];

/**
 * Checks a base connection body (create, or the result of a patch). Only connection specs with an auth
 * spec take base connections; the HTTP API's one auth spec is "Streaming Connection", whose params
 * http.md documents: dataType `xdm` or `raw` (required), and optional sourceId, name and
 * authenticationRequired (a boolean). The spec's CreateConnectionRequest requires only connectionSpec while
 * its prose marks name and auth required: auth is required (it says what the connection is), name is not.
 */
function checkBaseConnection(ctx: Ctx, body: Record<string, any>, stored?: Record<string, any>): ConnectionSpec {
    const spec = connectionSpecFor(specRef(body.connectionSpec, "connectionSpec"), "source");
    if (spec.baseConnection !== "required")
        throw err(
            "1413-400",
            `The connection spec ${spec.id} (${spec.name}) takes no base connection: create its source connection directly.`,
        );
    if (body.name !== undefined && typeof body.name !== "string") throw invalid(`"name" must be a string.`);
    const auth = body.auth;
    if (!isObject(auth)) throw invalid(`"auth" is required: {"specName": "${STREAMING_AUTH_SPEC_NAME}", "params": {"dataType": "xdm"}}.`);
    const specNames = ((spec.body.authSpec as Array<{ name: string }>) ?? []).map((a) => a.name);
    if (!specNames.includes(auth.specName))
        throw invalid(
            `auth.specName ${JSON.stringify(auth.specName)} is not an auth spec of ${spec.id}; use "${specNames.join('" or "')}".`,
        );
    const params = auth.params;
    if (!isObject(params)) throw invalid(`auth.params is required and must be an object.`);
    if (params.dataType !== "xdm" && params.dataType !== "raw")
        throw invalid(`auth.params.dataType must be "xdm" or "raw" (got ${JSON.stringify(params.dataType)}).`);
    if (params.authenticationRequired !== undefined && typeof params.authenticationRequired !== "boolean")
        throw invalid(`auth.params.authenticationRequired must be true or false.`);
    for (const k of ["sourceId", "name"])
        if (params[k] !== undefined && typeof params[k] !== "string") throw invalid(`auth.params.${k} must be a string.`);
    for (const k of INLET_PARAMS) {
        const was = stored?.auth?.params?.[k];
        if (stored ? params[k] !== was : params[k] !== undefined)
            throw err("1455-400", `auth.params.${k} is assigned by the server and cannot be set.`);
    }
    return spec;
}

function createBaseConnection(ctx: Ctx): Reply {
    const sb = sandboxOf(ctx);
    if (!isObject(ctx.body)) throw err("1405-400", "The request body must be a JSON object.");
    const body = ctx.body;
    checkBaseConnection(ctx, body);
    const id = uuid();
    const etag = flowEtag();
    const name = body.name ?? "";
    const sent = body.auth.params;
    // http.md's GET shows the params sent plus sourceId and name (sourceId "will use the same value as the
    // name attribute, if it is not provided"), authenticationRequired (false when not sent) and the inlet.
    const params: Record<string, unknown> = {
        ...clone(sent),
        sourceId: sent.sourceId ?? sent.name ?? name,
        name: sent.name ?? name,
        authenticationRequired: sent.authenticationRequired ?? false,
        ...newInlet(ctx.core),
    };
    const item: Record<string, any> = {
        ...auditFields(ctx, sb, id),
        name,
        description: body.description ?? "",
        connectionSpec: { id: body.connectionSpec.id, version: String(body.connectionSpec.version) },
        state: "enabled",
        auth: { specName: body.auth.specName, params },
        version: etag,
        etag,
    };
    sb.data.connections[id] = item;
    ctx.core.store.touch();
    return { status: 201, body: { id, etag } };
}

/** The base connection a source connection stands on, if any. */
export function baseConnectionOf(sb: SandboxData, sourceConnectionId: string): Record<string, any> | undefined {
    const source = sb.sourceConnections[sourceConnectionId];
    return source?.baseConnectionId ? sb.connections[source.baseConnectionId] : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Flows

/** The mapping set version a Mapping transformation names, checked (1412-400 when it does not exist). */
export function mappingFor(sb: SandboxData, transformation: Record<string, any>): Record<string, any> {
    const params = isObject(transformation.params) ? transformation.params : {};
    const id = params.mappingId;
    if (typeof id !== "string" || !sb.mappingSets[id]) throw err("1412-400", `The mapping set ${String(id)} does not exist.`);
    // mappingVersion is the string "0" in the spec and the number 0 in the Chatlio example (aep-api.md
    // §5.6): both are accepted.
    const raw = params.mappingVersion;
    const version = typeof raw === "number" ? raw : typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    const set = Number.isInteger(version) ? sb.mappingSets[id][version] : undefined;
    if (!set) throw err("1412-400", `The mapping set ${id} has no version ${JSON.stringify(raw)}.`);
    return set;
}

function checkTransformations(sb: SandboxRef, transformations: unknown, targetIds: string[], spec: FlowSpec): void {
    if (transformations === undefined) return;
    if (!Array.isArray(transformations)) throw invalid(`"transformations" must be an array.`);
    for (const t of transformations) {
        if (!isObject(t) || typeof t.name !== "string" || !isObject(t.params))
            throw invalid(`Each transformation needs "name" and "params".`);
        if (t.name.toLowerCase() !== "mapping") continue;
        if (spec.mapping === "refused")
            throw err(
                "1413-400",
                `The flow spec ${spec.id} (${spec.name}) takes no Mapping transformation; a dataflow with a mapping uses the flow spec ${HTTP_API_MAPPING_FLOW_SPEC_ID}.`,
            );
        const set = mappingFor(sb.data, t);
        const mappingSchema = set.outputSchema?.schemaRef?.id;
        for (const tid of targetIds) {
            const target = sb.data.targetConnections[tid];
            const dsId = target?.params?.dataSetId;
            const ds = dsId ? sb.data.datasets[dsId] : undefined;
            const dsSchema = ds?.schemaRef?.id;
            // 1425-400: the dataset's schema must be the mapping's schema (aep-api.md §2.4.4).
            if (dsSchema !== mappingSchema)
                throw err(
                    "1425-400",
                    `The schema of dataset ${dsId} (${dsSchema ?? "none"}) does not match the schema of mapping set ${set.id} (${mappingSchema}).`,
                );
        }
    }
}

function connectionList(sb: SandboxRef, ids: unknown, coll: "sourceConnections" | "targetConnections", allowedSpecs: string[]): string[] {
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== "string"))
        throw invalid(`"${coll.replace("Connections", "ConnectionIds")}" must list at least one id.`);
    for (const id of ids) {
        const c = sb.data[coll][id];
        if (!c)
            throw invalid(
                `The ${coll === "sourceConnections" ? "source" : "target"} connection ${id} does not exist in sandbox "${sb.name}".`,
            );
        if (!allowedSpecs.includes(c.connectionSpec?.id))
            throw err(
                "1413-400",
                `The connection ${id} uses the connection spec ${c.connectionSpec?.id}, which the flow spec does not support.`,
            );
    }
    return ids as string[];
}

function flowSpecOf(flow: Record<string, any>): FlowSpec {
    const spec = FLOW_SPECS.find((s) => s.id === flow.flowSpec?.id);
    if (!spec) throw err("1413-400", `The flow spec id ${String(flow.flowSpec?.id)} of flow ${flow.id} is not valid.`);
    return spec;
}

function createFlow(ctx: Ctx): Reply {
    const sb = sandboxOf(ctx);
    if (!isObject(ctx.body)) throw err("1405-400", "The request body must be a JSON object.");
    const body = ctx.body;
    // 1410-400: state must not be sent on create (aep-api.md §2.4.5).
    if (body.state !== undefined) throw err("1410-400", `"state" cannot be set when a flow is created.`);
    const specId = specRef(body.flowSpec, "flowSpec");
    const spec = FLOW_SPECS.find((s) => s.id === specId.id);
    if (!spec) throw err("1413-400", `The flow spec id ${specId.id} is not valid.`);
    if (spec.version !== specId.version) throw err("1413-400", `The flow spec ${spec.id} has no version "${specId.version}".`);
    // The spec's schema requires only flowSpec while its prose calls name, the connection ids,
    // transformations and scheduleParams required (aep-api.md §5.3). The connection ids are needed for a
    // working flow; name and scheduleParams are optional (the Chatlio example sends no scheduleParams).
    const sources = connectionList(sb, body.sourceConnectionIds, "sourceConnections", spec.sourceConnectionSpecIds);
    const targets = connectionList(sb, body.targetConnectionIds, "targetConnections", spec.targetConnectionSpecIds);
    checkTransformations(sb, body.transformations, targets, spec);
    const id = uuid();
    const etag = flowEtag();
    const now = nowMs();
    const item: Record<string, any> = {
        ...auditFields(ctx, sb, id),
        name: body.name ?? "",
        description: body.description ?? "",
        flowSpec: { id: spec.id, version: spec.version },
        state: "enabled",
        version: etag,
        etag,
        sourceConnectionIds: sources,
        targetConnectionIds: targets,
        inheritedAttributes: {
            // The spec's SourceConnectionMetaInfoDTO adds the base connection (id and connection spec).
            sourceConnections: sources.map((s) => {
                const base = baseConnectionOf(sb.data, s);
                const meta: Record<string, unknown> = { id: s, connectionSpec: clone(sb.data.sourceConnections[s].connectionSpec) };
                if (base) meta.baseConnection = { id: base.id, connectionSpec: clone(base.connectionSpec) };
                return meta;
            }),
            targetConnections: targets.map((t) => ({ id: t, connectionSpec: clone(sb.data.targetConnections[t].connectionSpec) })),
            properties: { isSourceFlow: true },
        },
        // options.inletUrl, providerRefId and inheritedAttributes.properties appear in the Chatlio
        // example but not in the spec's FlowItemDTO (aep-api.md §5.4). A dataflow of a webhook source
        // (GenericStreamingAEP) gets its own inlet; one on a base connection (the HTTP API) streams through
        // the base connection's inlet (auth.params.inletUrl), and http.md shows no options for it.
        options: sources.some((s) => sb.data.sourceConnections[s].baseConnectionId) ? {} : { inletUrl: newInlet(ctx.core).inletUrl },
        providerRefId: uuid(),
        transformations: clone(body.transformations ?? []),
        runs: `/runs?property=flowId==${id}`,
        lastOperation: { started: now, updated: now, operation: "enable", percentCompleted: 100, status: { value: "completed" } },
    };
    if (body.scheduleParams !== undefined) item.scheduleParams = clone(body.scheduleParams);
    sb.data.flows[id] = item;
    beginTransition(ctx.core, id, "enabling");
    ctx.core.store.touch();
    return { status: 201, body: { id, etag } };
}

// ---------------------------------------------------------------------------------------------------
// Transitional states (EmulatorOptions.flowSettleMs)

/** Starts a transitional state for a flow, when the emulator is configured to show them. */
function beginTransition(core: Core, id: string, state: string): void {
    if (core.flowSettleMs > 0) core.transitions.set(id, { state, until: Date.now() + core.flowSettleMs });
}

/** The item as it looks now: a flow in transition shows the transitional state and an unfinished operation. */
export function liveItem(core: Core, item: Record<string, any>): Record<string, any> {
    const t = core.transitions.get(item.id);
    if (!t) return item;
    if (Date.now() >= t.until) {
        core.transitions.delete(item.id);
        return item;
    }
    const lastOperation = { ...(item.lastOperation ?? {}), percentCompleted: 50, status: { value: "inProgress" } };
    return { ...item, state: t.state, lastOperation };
}

// ---------------------------------------------------------------------------------------------------
// Reads and lists

function getOne(coll: Collection) {
    return (ctx: Ctx, p: Record<string, string>): Reply => {
        const sb = sandboxOf(ctx);
        const item = sb.data[coll][p.id];
        if (!item) throw notFound(coll, p.id);
        return { status: 200, body: listEnvelope([clone(liveItem(ctx.core, item))]) };
    };
}

/** All values at a dotted path; a segment ending in `[]` walks every array element (sort-and-filter.md). */
function valuesAt(item: unknown, path: string): unknown[] {
    let current: unknown[] = [item];
    for (const raw of path.split(".")) {
        const each = raw.endsWith("[]");
        const key = each ? raw.slice(0, -2) : raw;
        const next: unknown[] = [];
        for (const v of current) {
            if (!isObject(v)) continue;
            const x = v[key];
            if (x === undefined) continue;
            if (each && Array.isArray(x)) next.push(...x);
            else next.push(x);
        }
        current = next;
    }
    return current;
}

/** One `property=` filter: `path==value`, `path!=value`, `path` (exists) or `!path` (absent). */
function propertyFilter(expr: string): (item: unknown) => boolean {
    const m = /^(.+?)(==|!=)(.*)$/.exec(expr);
    if (!m) {
        if (expr.startsWith("!")) return (item) => valuesAt(item, expr.slice(1)).length === 0;
        return (item) => valuesAt(item, expr).length > 0;
    }
    const [, path, op, value] = m;
    const hit = (item: unknown) =>
        valuesAt(item, path.trim()).some((v) => (typeof v === "object" ? JSON.stringify(v) : String(v)) === value);
    return op === "==" ? hit : (item) => !hit(item);
}

/**
 * The Flow Service list envelope, for lists and for GET by id alike (aep-api.md §2.4.1; the spec's
 * FlowListResponse, SourceConnectionsListResponse, …): `{items, _links, count}`.
 * - `_links` is always present. The spec types `_links.next` as an object holding `href` (PageLink),
 *   not as a nullable value, so the last (or only) page answers `_links: {}`: no next link, rather than a
 *   `next` of null the spec does not allow.
 * - `count` is the number of items in this answer. The spec gives only examples (7, 1, "42"); a GET by
 *   id answers 1, as the spec's single-item example shows. `count=true` answers `{count}` alone, the number
 *   of matches (§4.4).
 */
export function listEnvelope(items: unknown[], next?: string): Record<string, unknown> {
    return { items, _links: next ? { next: { href: next } } : {}, count: items.length };
}

/** What a continuation token carries: the rest of the query, so that the token alone finds the next page. */
interface ListState {
    /** Offset of the next page. */
    o: number;
    /** Page size. */
    l: number;
    orderby?: string;
    property?: string[];
}

/**
 * The next-page token: base64url of the list state, without padding, so that it holds no "=", "&" or
 * "+" and a client that takes the text after the first "=" of the href gets it whole.
 */
function encodeToken(state: ListState): string {
    return Buffer.from(JSON.stringify(state)).toString("base64url");
}

function decodeToken(token: string): ListState {
    let state: any;
    try {
        state = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    } catch {
        state = undefined;
    }
    if (!isObject(state) || !Number.isInteger(state.o) || state.o < 0 || !Number.isInteger(state.l) || state.l < 1)
        throw err("1401-400", "continuationToken is not valid.");
    return state as ListState;
}

/**
 * Lists with `property` filters (repeated ones are ANDed), `orderby`, `limit` + `continuationToken`
 * paging and `count=true` (aep-api.md §4.4, §4.5). The next page's link has Adobe's documented form,
 * `/flows?continuationToken=…` (§4.4; the spec's PageLink example `/connections?continuationToken=…`):
 * relative to the service, the token its only parameter. The token carries the filters, the order and the
 * page size, so the href alone gets the next page; parameters sent beside the token take precedence
 * (a client that sends its filters again, or another limit, gets what it asks for).
 */
function listItems(ctx: Ctx, items: Array<Record<string, unknown>>, listPath: string): Reply {
    const q = ctx.query;
    const token = q.get("continuationToken");
    const state = token ? decodeToken(token) : undefined;
    const property = q.getAll("property").length ? q.getAll("property") : (state?.property ?? []);
    let rows = items;
    for (const p of property) rows = rows.filter(propertyFilter(p));
    const count = q.get("count");
    if (count === "true") {
        if (q.has("limit")) throw err("1401-400", "limit and count cannot be used together.");
        return { status: 200, body: { count: rows.length } };
    }
    const orderby = q.get("orderby") ?? state?.orderby;
    if (orderby) {
        const desc = orderby.startsWith("-");
        const key = orderby.replace(/^[-+]/, "");
        rows = [...rows].sort((a: any, b: any) => {
            const c = a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0;
            return desc ? -c : c;
        });
    }
    const offset = state?.o ?? 0;
    let limit = state?.l ?? rows.length;
    if (q.has("limit")) {
        limit = Number(q.get("limit"));
        if (!Number.isInteger(limit) || limit < 1) throw err("1401-400", "limit must be a positive integer.");
    }
    const page = rows.slice(offset, offset + limit);
    let next: string | undefined;
    if (offset + page.length < rows.length) {
        const nextState: ListState = { o: offset + page.length, l: limit };
        if (orderby) nextState.orderby = orderby;
        if (property.length) nextState.property = property;
        next = `${listPath}?continuationToken=${encodeToken(nextState)}`;
    }
    return { status: 200, body: listEnvelope(page.map(clone), next) };
}

function listColl(coll: Collection) {
    return (ctx: Ctx): Reply => {
        const sb = sandboxOf(ctx);
        return listItems(
            ctx,
            Object.values(sb.data[coll]).map((i) => liveItem(ctx.core, i)),
            `/${coll}`,
        );
    };
}

// ---------------------------------------------------------------------------------------------------
// Updates

const SETTLED_STATES = ["enabled", "disabled", "initializing"];

function checkState(ctx: Ctx, coll: Collection, stored: Record<string, any>, verb: "update" | "delete"): void {
    // 1416-400: update and delete only in the enabled, disabled or initializing state; 1420/1421-400 while
    // disabling/updating; 1457/1458-400 while delete-finalizing (aep-api.md §2.4.5, §4.1). Adobe does not
    // say which of 1457 and 1458 answers which verb: the emulator answers updates 1457 and deletes 1458.
    // Items reach other states through EmulatorOptions.flowSettleMs, Emulator.holdFlowState or
    // Emulator.editObject (simulating AEP's transitional states, aep-api.md §4.7).
    const item = liveItem(ctx.core, stored);
    if (SETTLED_STATES.includes(item.state)) return;
    const held = ctx.core.transitions.get(item.id);
    if (held?.refusals !== undefined && --held.refusals <= 0) ctx.core.transitions.delete(item.id);
    const code =
        item.state === "disabling"
            ? "1420-400"
            : item.state === "updating"
              ? "1421-400"
              : item.state === "delete-finalizing"
                ? verb === "update"
                    ? "1457-400"
                    : "1458-400"
                : "1416-400";
    throw err(code, `The ${KIND_LABEL[coll]} resource ${item.id} is in state "${item.state}"; try again later.`);
}

/**
 * Test hook: shows a flow in a transitional state (updating, enabling, disabling, delete-finalizing) for
 * `forMs`, or until it has refused `refusals` calls, whichever comes first.
 */
export function holdFlowState(core: Core, id: string, state: string, forMs: number, refusals?: number): void {
    core.transitions.set(id, { state, until: Date.now() + forMs, refusals });
}

function checkIfMatch(ctx: Ctx, item: Record<string, any>, required: boolean): void {
    const given = header(ctx, "if-match");
    if (given === undefined) {
        if (required) throw err("1403-400", "The If-Match header is required; send the etag from the latest GET.");
        return;
    }
    // Compared exactly, quotes included, as the docs send it (aep-api.md §4.3).
    if (given !== item.etag) throw err("1404-412", `The If-Match value ${given} does not match the current version ${item.etag}.`);
}

/** Fields no patch may change, and the error each raises. */
const FIXED_FIELDS = [
    "id",
    "createdAt",
    "createdBy",
    "createdClient",
    "sandboxId",
    "sandboxName",
    "imsOrgId",
    "etag",
    "version",
    "state",
    "options",
    "inheritedAttributes",
    "providerRefId",
    "runs",
    "lastOperation",
    "updatedAt",
    "updatedBy",
    "updatedClient",
    "flowSpec",
    "sourceConnectionIds",
    "targetConnectionIds",
];

function patchItem(coll: Collection) {
    return (ctx: Ctx, p: Record<string, string>): Reply => {
        const sb = sandboxOf(ctx);
        const item = sb.data[coll][p.id];
        if (!item) throw notFound(coll, p.id);
        checkIfMatch(ctx, item, true);
        checkState(ctx, coll, item, "update");
        if (ctx.body === undefined || (Array.isArray(ctx.body) && ctx.body.length === 0)) throw err("1405-400", "The patch body is empty.");
        let next: Record<string, any>;
        try {
            // aep-api.md §5.2: the spec's PatchInstruction enum is uppercase (ADD/REPLACE/REMOVE) while the
            // docs use lowercase: both are accepted. Other RFC 6902 ops are refused with 1434-400.
            next = applyPatch(item, ctx.body, { caseInsensitiveOps: true, allowedOps: ["add", "replace", "remove"] });
        } catch (e) {
            if (e instanceof PatchError) throw err(e.kind === "unsupported" ? "1434-400" : "1455-400", e.message);
            throw e;
        }
        if (!deepEqual(next.connectionSpec, item.connectionSpec))
            throw err("1414-400", "The connection spec of a connection cannot be changed.");
        for (const f of FIXED_FIELDS) {
            if (!deepEqual(next[f], item[f])) throw err("1455-400", `"${f}" cannot be changed with a patch.`);
        }
        if (coll === "flows") {
            if (!deepEqual(next.transformations, item.transformations))
                checkTransformations(sb, next.transformations, next.targetConnectionIds, flowSpecOf(item));
        } else if (coll === "connections") {
            checkBaseConnection(ctx, next, item);
        } else if (coll === "sourceConnections") {
            checkSourceConnection(ctx, sb, next);
        } else if (!deepEqual(next.data, item.data) || !deepEqual(next.params, item.params)) {
            checkTargetConnection(ctx, sb, next);
        }
        const etag = flowEtag();
        Object.assign(next, {
            etag,
            version: etag,
            updatedAt: Math.max(nowMs(), item.updatedAt + 1),
            updatedBy: userOf(ctx),
            updatedClient: ctx.auth?.clientId,
        });
        sb.data[coll][p.id] = next;
        if (coll === "flows") beginTransition(ctx.core, p.id, "updating");
        ctx.core.store.touch();
        // The spec answers flows and base connections with {id, etag}, source and target connections with
        // the list envelope (aep-api.md §2.4.1; flow-service.yaml's PATCH /connections/{id} example).
        return { status: 200, body: coll === "flows" || coll === "connections" ? { id: p.id, etag } : listEnvelope([clone(next)]) };
    };
}

function deleteItem(coll: Collection) {
    return (ctx: Ctx, p: Record<string, string>): Reply => {
        const sb = sandboxOf(ctx);
        const item = sb.data[coll][p.id];
        // A repeat delete is undocumented; the catalogue's 1101-404 is used (aep-api.md §4.8).
        if (!item) throw notFound(coll, p.id);
        checkState(ctx, coll, item, "delete");
        if (coll === "connections") {
            // 1418-400 "base connection used by flows" (aep-api.md §4.1): a dataflow streams through it.
            const sources = Object.values(sb.data.sourceConnections).filter((s) => s.baseConnectionId === p.id);
            const users = Object.values(sb.data.flows).filter((f) => sources.some((s) => (f.sourceConnectionIds ?? []).includes(s.id)));
            if (users.length) throw err("1418-400", `The base connection ${p.id} is used by flows: ${users.map((f) => f.id).join(", ")}.`);
        } else if (coll !== "flows") {
            // 1447-400 "found active flows containing id": Adobe does not say which operation raises it
            // (aep-api.md §4.1); the emulator raises it when a connection still used by a flow is deleted.
            const key = coll === "sourceConnections" ? "sourceConnectionIds" : "targetConnectionIds";
            const users = Object.values(sb.data.flows).filter((f) => (f[key] ?? []).includes(p.id));
            if (users.length) throw err("1447-400", `Found active flows containing id ${p.id}: ${users.map((f) => f.id).join(", ")}.`);
        }
        delete sb.data[coll][p.id];
        ctx.core.transitions.delete(p.id);
        ctx.core.store.touch();
        return { status: 204 };
    };
}

/**
 * POST /flows/{id}/action?op=…. aep-api.md §5.1: the spec uses uppercase ops with a required subOp; the
 * only doc uses ?op=enable / ?op=disable without subOp. Both forms are accepted; subOp is optional but
 * must be a valid value when present. If-Match is optional (spec) and checked when sent.
 */
function flowAction(ctx: Ctx, p: Record<string, string>): Reply {
    const sb = sandboxOf(ctx);
    const flow = sb.data.flows[p.id];
    if (!flow) throw notFound("flows", p.id);
    const op = (ctx.query.get("op") ?? "").toUpperCase();
    if (!op) throw invalid(`The "op" query parameter is required (enable or disable).`);
    const known = ["ENABLE", "DISABLE", "FINALIZE_UPDATE", "FINALIZE", "PUBLISH"];
    if (!known.includes(op)) throw invalid(`"${ctx.query.get("op")}" is not a flow action (use enable or disable).`);
    for (const s of ctx.query.getAll("subOp").flatMap((x) => x.split(","))) {
        if (!["APPLY", "ROLLBACK", "PROGRESS"].includes(s.toUpperCase()))
            throw err("1436-400", `subOp "${s}" is not supported for op ${op}.`);
    }
    checkIfMatch(ctx, flow, false);
    const target = op === "ENABLE" ? "enabled" : op === "DISABLE" ? "disabled" : undefined;
    // No transition while disabling or updating (1420/1421-400, aep-api.md §2.4.5), nor in another
    // transitional state (1416/1457-400); 1422-400 when the flow is already in the state asked for.
    checkState(ctx, "flows", flow, "update");
    const current = liveItem(ctx.core, flow).state;
    if (!target || current === target)
        throw err("1422-400", `The action ${op.toLowerCase()} cannot be applied to flow ${p.id} in state "${current}".`);
    const etag = flowEtag();
    const now = Math.max(nowMs(), flow.updatedAt + 1);
    Object.assign(flow, {
        state: target,
        etag,
        version: etag,
        updatedAt: now,
        updatedBy: userOf(ctx),
        updatedClient: ctx.auth?.clientId,
        lastOperation: { started: now, updated: now, operation: op.toLowerCase(), percentCompleted: 100, status: { value: "completed" } },
    });
    beginTransition(ctx.core, p.id, target === "enabled" ? "enabling" : "disabling");
    ctx.core.store.touch();
    return { status: 200, body: { id: p.id, etag } };
}

// ---------------------------------------------------------------------------------------------------
// Specifications

function specLookup(kind: "connectionSpecs" | "flowSpecs") {
    const items = () => (kind === "connectionSpecs" ? CONNECTION_SPECS.map(connectionSpecItem) : FLOW_SPECS.map(flowSpecItem));
    return {
        list: (ctx: Ctx): Reply => {
            sandboxOf(ctx);
            return listItems(ctx, items(), `/${kind}`);
        },
        one: (ctx: Ctx, p: Record<string, string>): Reply => {
            sandboxOf(ctx);
            const item = items().find((i) => i.id === p.id);
            if (!item) throw err("1101-404", `The ${kind} resource ${p.id} does not exist.`, { id: p.id, type: kind });
            return { status: 200, body: listEnvelope([item]) };
        },
    };
}

const connectionSpecs = specLookup("connectionSpecs");
const flowSpecs = specLookup("flowSpecs");

router
    .on("GET", "/connections", listColl("connections"))
    .on("POST", "/connections", createBaseConnection)
    .on("GET", "/connections/:id", getOne("connections"))
    .on("PATCH", "/connections/:id", patchItem("connections"))
    .on("DELETE", "/connections/:id", deleteItem("connections"))
    .on("GET", "/sourceConnections", listColl("sourceConnections"))
    .on("POST", "/sourceConnections", createConnection("sourceConnections"))
    .on("GET", "/sourceConnections/:id", getOne("sourceConnections"))
    .on("PATCH", "/sourceConnections/:id", patchItem("sourceConnections"))
    .on("DELETE", "/sourceConnections/:id", deleteItem("sourceConnections"))
    .on("GET", "/targetConnections", listColl("targetConnections"))
    .on("POST", "/targetConnections", createConnection("targetConnections"))
    .on("GET", "/targetConnections/:id", getOne("targetConnections"))
    .on("PATCH", "/targetConnections/:id", patchItem("targetConnections"))
    .on("DELETE", "/targetConnections/:id", deleteItem("targetConnections"))
    .on("GET", "/flows", listColl("flows"))
    .on("POST", "/flows", createFlow)
    .on("GET", "/flows/:id", getOne("flows"))
    .on("PATCH", "/flows/:id", patchItem("flows"))
    .on("DELETE", "/flows/:id", deleteItem("flows"))
    .on("POST", "/flows/:id/action", flowAction)
    .on("GET", "/connectionSpecs", connectionSpecs.list)
    .on("GET", "/connectionSpecs/:id", connectionSpecs.one)
    .on("GET", "/flowSpecs", flowSpecs.list)
    .on("GET", "/flowSpecs/:id", flowSpecs.one)
    // Runs are not emulated: streaming flows show none.
    .on("GET", "/runs", (ctx) => {
        sandboxOf(ctx);
        return listItems(ctx, [], "/runs");
    });

// Described in the spec, not served: testing and exploring base connections, searches, writing specs,
// runs' details and the actions on connections.
const FLOW_SPEC = "flow-service.yaml";
router
    .notServed("GET", "/connections/:id/test", FLOW_SPEC)
    .notServed("GET", "/connections/:id/explore", FLOW_SPEC)
    .notServed("GET", "/connections/:id/configs", FLOW_SPEC)
    .notServed("POST", "/connections/:id/action", FLOW_SPEC)
    .notServed("POST", "/connections/search", FLOW_SPEC)
    .notServed("POST", "/connectionSpecs", FLOW_SPEC)
    .notServed("PUT", "/connectionSpecs/:id", FLOW_SPEC)
    .notServed("GET", "/connectionSpecs/:id/explore", FLOW_SPEC)
    .notServed("GET", "/connectionSpecs/:id/configs", FLOW_SPEC)
    .notServed("POST", "/flows/search", FLOW_SPEC)
    .notServed("POST", "/flowSpecs", FLOW_SPEC)
    .notServed("PUT", "/flowSpecs/:id", FLOW_SPEC)
    .notServed("POST", "/flowSpecs/search", FLOW_SPEC)
    .notServed("POST", "/runs", FLOW_SPEC)
    .notServed("GET", "/runs/:id", FLOW_SPEC)
    .notServed("PUT", "/runs/:id", FLOW_SPEC)
    .notServed("POST", "/runs/:id/action", FLOW_SPEC)
    .notServed("POST", "/sourceConnections/:id/action", FLOW_SPEC)
    .notServed("POST", "/targetConnections/:id/action", FLOW_SPEC);

/** Applies a UI-style edit to a stored connection or flow: shallow merge, new etag and update time. */
export function editFlowItem(item: Record<string, any>, changes: Record<string, unknown>): Record<string, any> {
    const etag = flowEtag();
    return { ...item, ...clone(changes), etag, version: etag, updatedAt: Math.max(nowMs(), (item.updatedAt ?? 0) + 1) };
}
