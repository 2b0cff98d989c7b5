/**
 * The DCS streaming inlet (POST /collection/{inletId}), what Chatlio's webhooks call (aep-api.md §2.6).
 * A raw payload goes through the flow's mapping set to an XDM record; an XDM envelope
 * ({header, body: {xdmEntity}}) is taken as is. The record is checked against the dataset's schema and
 * stored under the dataset of the flow's target connection.
 *
 * Real DCS checks raw payloads after answering; the emulator checks synchronously so that a test sees a
 * bad mapping or payload at once (a 400 naming the field).
 */
import { ApiError, dcsError } from "./errors";
import { Ctx, Reply, header } from "./http";
import { applyMappingSet } from "./data-prep";
import { liveItem, mappingFor } from "./flow-service";
import { SandboxData } from "./store";
import { isObject, nowMs, requestId } from "./util";
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

/** The flow whose inlet URL ends with this inlet id (searching every sandbox). */
function flowsOfInlet(ctx: Ctx, inletId: string): FlowRef[] {
    const out: FlowRef[] = [];
    for (const [name, sb] of ctx.core.store.all()) {
        for (const flow of Object.values(sb.flows)) {
            const url = flow.options?.inletUrl;
            if (typeof url === "string" && url.endsWith(`/collection/${inletId}`)) out.push({ sandbox: name, sb, flow });
        }
    }
    return out;
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
 * POST /collection/{inletId} and /collection/batch/{inletId}. No Authorization is needed: the Chatlio
 * inlet is unauthenticated (aep-api.md §2.6).
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

    const candidates = flowsOfInlet(ctx, inletId);
    if (candidates.length === 0) throw dcsError(404, "not-found", "Inlet not found", `No dataflow has the inlet ${inletId}.`);
    // The dataflow id may come as ?x-adobe-flow-id= (UI tutorial) or as an x-adobe-flow-id header
    // (http.md); both are accepted (aep-api.md §5.10).
    const flowId = ctx.query.get("x-adobe-flow-id") ?? header(ctx, "x-adobe-flow-id");
    const ref = flowId ? candidates.find((c) => c.flow.id === flowId) : candidates[0];
    if (!ref) throw bad("Unknown dataflow", `The dataflow ${flowId} does not use the inlet ${inletId}.`);
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
