/**
 * The DCS streaming inlet (POST /collection/{inletId}), what webhook senders call (aep-api.md §2.6).
 * An inlet is a dataflow's own (`options.inletUrl`, the Streaming SDK webhook sources such as Chatlio,
 * Customer.io, Pendo and LAVA) or a base connection's (`auth.params.inletUrl`, the HTTP API source, whose
 * dataflows all stream through it). A raw payload goes through the flow's mapping set to an XDM record;
 * an XDM envelope ({header, body: {xdmEntity}}) is taken as is. The record is checked against the
 * dataset's schema and stored under the dataset of the flow's target connection.
 *
 * Real DCS checks raw payloads after answering; the emulator checks synchronously so that a test sees a
 * bad mapping or payload at once (a 400 naming the field).
 */
import { ApiError, dcsError } from "./errors";
import { Ctx, Reply, header } from "./http";
import { applyMappingSet } from "./data-prep";
import { liveItem, mappingFor } from "./flow-service";
import { SandboxData } from "./store";
import { isObject, nowMs, requestId, sha256 } from "./util";
import { landRecords } from "./catalog";
import { recordProblems, schemaFields } from "./xdm";

/** Payload limit: "larger than 1 MB" gets a 413 (dcs-spec); read here as 1 MiB. */
export const INLET_MAX_BYTES = 1024 * 1024;

const INLET_PATH = /^\/collection\/(batch\/)?([^/]+)\/?$/;

interface FlowRef {
    sandbox: string;
    sb: SandboxData;
    flow: Record<string, any>;
}

interface Inlet {
    /** The base connection that owns the inlet (HTTP API), or undefined for a dataflow's own inlet. */
    base?: Record<string, any>;
    /** The dataflows streaming through it. */
    flows: FlowRef[];
}

const ownsInlet = (url: unknown, inletId: string) => typeof url === "string" && url.endsWith(`/collection/${inletId}`);

/** The inlet with this id (searching every sandbox): its base connection, if any, and its dataflows. */
function findInlet(ctx: Ctx, inletId: string): Inlet | undefined {
    for (const [name, sb] of ctx.core.store.all()) {
        const base = Object.values(sb.connections).find((c) => ownsInlet(c.auth?.params?.inletUrl, inletId));
        if (base) {
            const sources = Object.values(sb.sourceConnections).filter((s) => s.baseConnectionId === base.id);
            const flows = Object.values(sb.flows)
                .filter((f) => sources.some((s) => (f.sourceConnectionIds ?? []).includes(s.id)))
                .map((flow) => ({ sandbox: name, sb, flow }));
            return { base, flows };
        }
        const flow = Object.values(sb.flows).find((f) => ownsInlet(f.options?.inletUrl, inletId));
        if (flow) return { flows: [{ sandbox: name, sb, flow }] };
    }
    return undefined;
}

/**
 * An authenticated inlet (a base connection with auth.params.authenticationRequired) takes a request only
 * with `Authorization: Bearer <access token>`; without one, or with an invalid or expired token, it answers
 * 401 in the data-collection-service-authorization shape (http.md, "Sending messages to an authenticated
 * streaming connection"). Adobe names no other header for it: a token this emulator's IMS issued and that
 * has not expired is valid, whichever client it was issued to (Adobe documents no organisation check here).
 */
function checkInletAuth(ctx: Ctx, inlet: Inlet): void {
    if (inlet.base?.auth?.params?.authenticationRequired !== true) return;
    const refuse = (message: string) => dcsError(401, "authorization", "Authorization", message);
    const auth = header(ctx, "authorization");
    if (!auth || !auth.trim())
        throw refuse("The inlet requires authentication and no access token was sent: add Authorization: Bearer <IMS access token>.");
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    const info = m ? ctx.core.store.tokens[sha256(m[1])] : undefined;
    if (!info) throw refuse("The access token is not valid: send Authorization: Bearer <IMS access token>.");
    if (info.expiresAt <= Date.now()) throw refuse("The access token has expired: get a new one from IMS.");
}

/**
 * The dataflow a message is for. The flow id may come as ?x-adobe-flow-id= (UI tutorial) or as an
 * x-adobe-flow-id header (http.md), both accepted (aep-api.md §5.10), or, for XDM, as the envelope's
 * header.flowId (http.md's XDM example). http.md calls the flow id required for XDM and raw data alike on a
 * base connection's inlet, while the older streaming tutorials send XDM envelopes that name only
 * header.datasetId: the emulator takes the dataflow the message names, else the one writing to
 * header.datasetId, else the inlet's only dataflow, and refuses only a message that leaves the choice open.
 */
function chooseFlow(ctx: Ctx, inletId: string, inlet: Inlet, payload: unknown): FlowRef {
    const candidates = inlet.flows;
    const envelope = isObject(payload) && isObject(payload.header) ? payload.header : undefined;
    const flowId = ctx.query.get("x-adobe-flow-id") ?? header(ctx, "x-adobe-flow-id") ?? envelope?.flowId;
    if (flowId !== undefined) {
        const ref = candidates.find((c) => c.flow.id === flowId);
        if (!ref) throw bad("Unknown dataflow", `The dataflow ${String(flowId)} does not use the inlet ${inletId}.`);
        return ref;
    }
    if (envelope && typeof envelope.datasetId === "string") {
        const writing = candidates.filter((c) => datasetOf(c) === envelope.datasetId);
        if (writing.length === 1) return writing[0];
    }
    if (candidates.length === 1) return candidates[0];
    if (candidates.length === 0)
        throw bad(
            "No dataflow",
            `No dataflow streams through the inlet ${inletId} yet: create a source connection on base connection ${inlet.base?.id} and a dataflow.`,
        );
    throw bad(
        "Dataflow not named",
        `${candidates.length} dataflows stream through the inlet ${inletId}: name one with the x-adobe-flow-id header (or query parameter).`,
    );
}

function datasetOf(ref: FlowRef): string | undefined {
    const targetId = (ref.flow.targetConnectionIds ?? [])[0];
    return targetId ? ref.sb.targetConnections[targetId]?.params?.dataSetId : undefined;
}

const bad = (title: string, message: string, extra: Record<string, unknown> = {}) => dcsError(400, "validation", title, message, extra);

/** Builds, checks and stores one record; returns the dataset id. Throws a DCS-style error. */
function ingest(ctx: Ctx, ref: FlowRef, payload: unknown): string {
    const { sb, flow } = ref;
    const targetId = (flow.targetConnectionIds ?? [])[0];
    const target = targetId ? sb.targetConnections[targetId] : undefined;
    const datasetId: string | undefined = target?.params?.dataSetId;
    const dataset = datasetId ? sb.datasets[datasetId] : undefined;
    if (!datasetId || !dataset)
        throw bad("Dataset not found", `The dataflow ${flow.id} writes to dataset ${datasetId ?? "(none)"}, which does not exist.`);
    const schema = sb.schemas[dataset.schemaRef?.id];
    if (!schema) throw bad("Schema not found", `The schema ${dataset.schemaRef?.id} of dataset ${datasetId} does not exist.`);

    let record: unknown;
    if (isObject(payload) && isObject(payload.header) && isObject(payload.body) && payload.body.xdmEntity !== undefined) {
        // An XDM envelope (dcs-spec streamingMessage): the entity is the record.
        const ref = payload.header.schemaRef;
        if (isObject(ref) && ref.id !== schema.$id)
            throw bad("Schema mismatch", `header.schemaRef.id ${String(ref.id)} is not the schema ${schema.$id} of dataset ${datasetId}.`);
        record = payload.body.xdmEntity;
    } else {
        if (!isObject(payload)) throw bad("Invalid payload", "The payload must be a JSON object.");
        const mapping = (flow.transformations ?? []).find((t: any) => isObject(t) && String(t.name).toLowerCase() === "mapping");
        if (!mapping) {
            record = payload;
        } else {
            let set: Record<string, any>;
            try {
                set = mappingFor(sb, mapping);
            } catch (e) {
                if (e instanceof ApiError)
                    throw bad("Mapping not found", `The dataflow ${flow.id} refers to a mapping set version that does not exist.`);
                throw e;
            }
            // A source attribute the payload lacks yields no value (Data Prep); only the XDM validation of the
            // mapped record below may refuse it (a required field, a type, a format).
            try {
                record = applyMappingSet(sb, set, payload).record;
            } catch (e) {
                throw bad("Mapping failed", `Applying the mapping set ${set.id} failed: ${(e as Error).message}`);
            }
        }
    }
    const { fields, required } = schemaFields(schema, sb.fieldGroups);
    const problems = recordProblems(record, fields, required);
    if (problems.length) {
        throw bad("Invalid XDM record", `The record does not fit the schema ${schema.$id}: ${problems.map((p) => p.message).join("; ")}.`, {
            fields: problems.map((p) => p.path),
            problems,
        });
    }
    (sb.records[datasetId] ??= []).push(record);
    ctx.core.store.touch();
    return datasetId;
}

/**
 * POST /collection/{inletId} and /collection/batch/{inletId}. No Authorization is needed unless the inlet
 * is a base connection's with authenticationRequired (checkInletAuth); the webhook sources' inlets are
 * unauthenticated (aep-api.md §2.6).
 */
export function handleInlet(ctx: Ctx): Reply {
    const m = INLET_PATH.exec(ctx.path);
    if (!m) throw dcsError(404, "not-found", "Not found", `No inlet route for ${ctx.path}.`);
    if (ctx.method !== "POST") throw dcsError(405, "method", "Method not allowed", "The inlet only accepts POST.");
    const batch = !!m[1];
    const inletId = m[2];
    const received = nowMs();
    if (Buffer.byteLength(ctx.rawBody) > INLET_MAX_BYTES)
        throw dcsError(413, "payload-size", "Payload too large", "The payload is larger than 1 MB.");
    const inlet = findInlet(ctx, inletId);
    if (!inlet) throw dcsError(404, "not-found", "Inlet not found", `No dataflow or base connection has the inlet ${inletId}.`);
    checkInletAuth(ctx, inlet);
    // dcs-spec lists application/json and application/x-jackson-smile; the emulator reads JSON only. A
    // missing Content-Type is tolerated (webhook senders vary).
    if (ctx.contentType && ctx.contentType !== "application/json")
        throw bad("Unsupported content type", `Content-Type ${ctx.contentType} is not supported by the emulator; send application/json.`);
    let payload: unknown;
    try {
        payload = JSON.parse(ctx.rawBody);
    } catch {
        throw bad("Invalid JSON", "The payload is not valid JSON.");
    }

    // A batch names its dataflow for every message alike: by header or query, or in its first message.
    const first = batch && isObject(payload) && Array.isArray(payload.messages) ? payload.messages[0] : payload;
    const ref = chooseFlow(ctx, inletId, inlet, first);
    // The spec requires x-sandbox-name on the inlet while the tutorials send no headers (aep-api.md §5.11):
    // it is optional, and must name the flow's sandbox when sent.
    const sandbox = header(ctx, "x-sandbox-name");
    if (sandbox && sandbox !== ref.sandbox)
        throw bad("Wrong sandbox", `The inlet ${inletId} belongs to sandbox "${ref.sandbox}", not "${sandbox}".`);
    // A flow being updated keeps streaming; one being enabled (just created) does not yet.
    const state = liveItem(ctx.core, ref.flow).state;
    if (state !== "enabled" && state !== "updating")
        throw bad("Dataflow not enabled", `The dataflow ${ref.flow.id} is ${state}; it must be enabled to stream data.`);

    if (batch) {
        const messages = isObject(payload) && Array.isArray(payload.messages) ? payload.messages : undefined;
        if (!messages) throw bad("Invalid batch", `A batch body is {"messages": [...]}.`);
        let stored = 0;
        let size = 0;
        let datasetId: string | undefined;
        const responses = messages.map((msg) => {
            const xactionId = requestId();
            try {
                datasetId = ingest(ctx, ref, msg);
                stored++;
                size += Buffer.byteLength(JSON.stringify(msg));
                return { xactionId };
            } catch (e) {
                if (!(e instanceof ApiError)) throw e;
                return { ...(e.body as object), xactionId, status: e.status };
            }
        });
        // The stored messages head for the data lake, where Catalog shows them as a batch (catalog.ts).
        if (datasetId && stored)
            landRecords(ctx.core, ref.sb, datasetId, { recordCount: stored, size, imsOrg: ref.flow.imsOrgId, at: received });
        return { status: 207, body: { inletId, batchId: requestId(), receivedTimeMs: received, responses } };
    }
    const datasetId = ingest(ctx, ref, payload);
    landRecords(ctx.core, ref.sb, datasetId, {
        recordCount: 1,
        size: Buffer.byteLength(ctx.rawBody),
        imsOrg: ref.flow.imsOrgId,
        at: received,
    });
    // The 200 body is {inletId, xactionId, receivedTimeMs} in the docs (the spec spells inletID). The sync
    // validation flag is syncValidation in the spec and synchronousValidation in the tutorial
    // (aep-api.md §5.11): both are honoured.
    const body: Record<string, unknown> = { inletId, xactionId: requestId(), receivedTimeMs: received };
    if (ctx.query.get("syncValidation") === "true" || ctx.query.get("synchronousValidation") === "true")
        body.synchronousValidation = { status: "pass" };
    return { status: 200, body };
}
