/**
 * Adobe's documented manual sequence for the Chatlio source (the API tutorial's calls, one after
 * another), sent through the project's AepClient: IMS token, `/stats` for the tenant, field group,
 * schema, dataset, source connection, target connection, mapping set, flow, and a flow GET for the
 * inlet URL. The bodies carry the same fields and mappings as the ChatlioSource's, so the two sides
 * move the same bytes; only the orchestration differs (no name lookups, no engine, no processes).
 */
import { AepClient, clearTokenCache } from "../../provider/client";
import { AepSettings } from "../../provider/config";
import { CHATLIO_FIELDS, TENANT, chatlioMappings } from "../../provider/chatlio";
import {
    CHATLIO_CONNECTION_SPEC_ID,
    DATA_LAKE_CONNECTION_SPEC_ID,
    EXPERIENCE_EVENT_CLASS,
    STREAMING_FLOW_SPEC_ID,
    STREAMING_PROVIDER_ID,
    XED_FULL_V1,
} from "../../provider/resources/ids";

export interface ManualResult {
    dataflowId: string;
    inletUrl: string;
}

/** Creates the seven objects, each call awaited before the next, as the tutorial does. */
export async function manualSequence(settings: AepSettings, suffix: string): Promise<ManualResult> {
    clearTokenCache(); // the first call fetches a token, as a fresh script would
    const client = new AepClient(settings);
    const call = (req: Parameters<AepClient["request"]>[0]) => client.request(req);

    const stats = await call({
        family: "schemaRegistry",
        method: "GET",
        path: "/stats",
        operation: "read tenant id",
        headers: { Accept: "application/json" },
    });
    const tenant = String(stats.data.tenantId);
    const at = (path: string) => (path.startsWith(`${TENANT}.`) ? `_${tenant}${path.slice(TENANT.length)}` : path);

    const fg = await call({
        family: "schemaRegistry",
        method: "POST",
        path: "/tenant/fieldgroups",
        operation: "create field group",
        body: {
            title: `Chatlio event fields ${suffix}`,
            description: "Fields of Chatlio webhook events (visitor, message, offline message, transcript).",
            type: "object",
            "meta:intendedToExtend": [EXPERIENCE_EVENT_CLASS],
            definitions: { customFields: { properties: { [`_${tenant}`]: { type: "object", properties: CHATLIO_FIELDS } } } },
            allOf: [{ $ref: "#/definitions/customFields" }],
        },
    });
    const schema = await call({
        family: "schemaRegistry",
        method: "POST",
        path: "/tenant/schemas",
        operation: "create schema",
        body: {
            type: "object",
            title: `Chatlio events ${suffix}`,
            description: "Chatlio webhook events as XDM ExperienceEvents.",
            allOf: [{ $ref: EXPERIENCE_EVENT_CLASS }, { $ref: fg.data.$id }],
        },
    });
    const schemaId = String(schema.data.$id);
    const ds = await call({
        family: "catalog",
        method: "POST",
        path: "/dataSets",
        operation: "create dataset",
        body: {
            name: `Chatlio events dataset ${suffix}`,
            description: "Chatlio webhook events streamed by the Chatlio source.",
            schemaRef: { id: schemaId, contentType: XED_FULL_V1 },
        },
    });
    const datasetId = String(ds.data[0]).split("/").pop()!;
    const source = await call({
        family: "flowService",
        method: "POST",
        path: "/sourceConnections",
        operation: "create source connection",
        body: {
            name: `Chatlio source ${suffix}`,
            description: "Chatlio webhook source.",
            providerId: STREAMING_PROVIDER_ID,
            connectionSpec: { id: CHATLIO_CONNECTION_SPEC_ID, version: "1.0" },
            data: { format: "json" },
        },
    });
    const target = await call({
        family: "flowService",
        method: "POST",
        path: "/targetConnections",
        operation: "create target connection",
        body: {
            name: `Chatlio data lake target ${suffix}`,
            connectionSpec: { id: DATA_LAKE_CONNECTION_SPEC_ID, version: "1.0" },
            data: { format: "json", schema: { id: schemaId, version: XED_FULL_V1 } },
            params: { dataSetId: datasetId },
        },
    });
    const mappingSet = await call({
        family: "dataPrep",
        method: "POST",
        path: "/mappingSets",
        operation: "create mapping set",
        body: {
            name: `Chatlio mapping ${suffix}`,
            outputSchema: { schemaRef: { id: schemaId, contentType: XED_FULL_V1 } },
            mappings: chatlioMappings().mappings.map((m) => ({
                sourceType: m.sourceType ?? "ATTRIBUTE",
                source: m.source,
                destination: at(m.destination),
            })),
        },
    });
    const flow = await call({
        family: "flowService",
        method: "POST",
        path: "/flows",
        operation: "create dataflow",
        body: {
            name: `Chatlio dataflow ${suffix}`,
            description: "Streams Chatlio webhook events into the dataset.",
            flowSpec: { id: STREAMING_FLOW_SPEC_ID, version: "1.0" },
            sourceConnectionIds: [source.data.id],
            targetConnectionIds: [target.data.id],
            transformations: [
                { name: "Mapping", params: { mappingId: mappingSet.data.id, mappingVersion: Number(mappingSet.data.version ?? 0) } },
            ],
        },
    });
    const item = await call({ family: "flowService", method: "GET", path: `/flows/${flow.data.id}`, operation: "read dataflow" });
    return { dataflowId: String(flow.data.id), inletUrl: String(item.data.items?.[0]?.options?.inletUrl) };
}
