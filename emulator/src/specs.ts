/**
 * The connection and flow specifications the emulated Flow Service knows. Their ids come from Adobe's
 * Chatlio tutorial (aep-api.md §3); Adobe publishes no bodies for them (§2.4.2), so these are written
 * in the item shape of the spec's ConnectionSpecItemDTO / FlowSpecItemDTO, with the emulator's own text.
 */

export const CHATLIO_CONNECTION_SPEC_ID = "073127a3-26e3-496c-9d94-9f48fb93fba8";
/** The HTTP API streaming provider; the Chatlio tutorial sends it as `providerId` (aep-api.md §5.5). */
export const STREAMING_PROVIDER_ID = "521eee4d-8cbe-4906-bb48-fb6bd4450033";
export const DATA_LAKE_CONNECTION_SPEC_ID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c";
export const STREAMING_FLOW_SPEC_ID = "e77fde5a-22a8-11ed-861d-0242ac120002";

const PERMISSIONS = {
    manage: [{ "@type": "lowLevel", name: "EnterpriseSource", permissions: ["write"] }],
    view: [{ "@type": "lowLevel", name: "EnterpriseSource", permissions: ["read"] }],
};

export interface ConnectionSpec {
    id: string;
    name: string;
    providerId: string;
    version: string;
    /** "source" specs may back source connections, "target" specs target connections. */
    role: "source" | "target";
    /** Data formats a connection of this spec may declare in `data.format`. */
    formats: string[];
    body: Record<string, unknown>;
}

export const CONNECTION_SPECS: ConnectionSpec[] = [
    {
        id: CHATLIO_CONNECTION_SPEC_ID,
        name: "chatlio",
        providerId: STREAMING_PROVIDER_ID,
        version: "1.0",
        role: "source",
        // "json" is the only supported format for the Chatlio source (aep-api.md §3).
        formats: ["json"],
        body: {
            authSpec: [],
            sourceSpec: {
                name: "chatlio",
                type: "Streaming",
                spec: {
                    schema: "http://json-schema.org/draft-07/schema#",
                    type: "object",
                    description: "Chatlio webhook events streamed to Experience Platform.",
                },
                attributes: {
                    uiAttributes: {
                        isSource: true,
                        documentationLink:
                            "https://experienceleague.adobe.com/docs/experience-platform/sources/connectors/marketing-automation/chatlio-webhook.html",
                        category: "Marketing Automation",
                        icon: "chatlio",
                        description: "Stream Chatlio chat events through a webhook.",
                        label: "Beta",
                    },
                },
            },
            attributes: { category: "Marketing Automation", connectorName: "Chatlio", isSource: true },
            permissionsInfo: PERMISSIONS,
        },
    },
    {
        id: DATA_LAKE_CONNECTION_SPEC_ID,
        name: "Data Lake",
        providerId: "0ed90a81-07f4-4586-8190-b40eccef1c5a",
        version: "1.0",
        role: "target",
        formats: ["json", "parquet_xdm", "delimited", "parquet"],
        body: {
            authSpec: [],
            sourceSpec: {
                name: "Data Lake",
                type: "Platform",
                spec: {
                    schema: "http://json-schema.org/draft-07/schema#",
                    type: "object",
                    description: "Experience Platform data lake: records land in a dataset.",
                },
                attributes: {
                    uiAttributes: {
                        isSource: false,
                        category: "Adobe Experience Platform",
                        label: "GA",
                        description: "Experience Platform data lake",
                    },
                },
            },
            attributes: { category: "Adobe Experience Platform", connectorName: "Data Lake", isSource: false },
            permissionsInfo: PERMISSIONS,
        },
    },
];

export interface FlowSpec {
    id: string;
    name: string;
    providerId: string;
    version: string;
    sourceConnectionSpecIds: string[];
    targetConnectionSpecIds: string[];
    body: Record<string, unknown>;
}

export const FLOW_SPECS: FlowSpec[] = [
    {
        id: STREAMING_FLOW_SPEC_ID,
        name: "Streaming source to data lake",
        providerId: STREAMING_PROVIDER_ID,
        version: "1.0",
        sourceConnectionSpecIds: [CHATLIO_CONNECTION_SPEC_ID],
        targetConnectionSpecIds: [DATA_LAKE_CONNECTION_SPEC_ID],
        body: {
            optionSpec: {
                spec: {
                    schema: "http://json-schema.org/draft-07/schema#",
                    type: "object",
                    properties: {
                        errorDiagnosticsEnabled: {
                            title: "Error diagnostics",
                            description: "Keep samples of rejected records.",
                            type: "boolean",
                            default: false,
                        },
                    },
                },
            },
            // The spec's FlowSpecItemDTO types transformationSpecs as a single object; it is followed here.
            transformationSpecs: {
                name: "Mapping",
                spec: {
                    schema: "http://json-schema.org/draft-07/schema#",
                    type: "object",
                    description: "Which mapping set, and which of its versions, turns the raw payload into XDM.",
                    properties: { mappingId: { type: "string" }, mappingVersion: { type: "string" } },
                },
            },
            attributes: {
                isSourceFlow: true,
                flacValidationSupported: false,
                frequency: "streaming",
                notification: { category: "sources", flowRun: { enabled: false } },
            },
            permissionsInfo: {
                manage: [{ type: "lowLevel", name: "EnterpriseSource", permissions: ["write"] }],
                view: [{ type: "lowLevel", name: "EnterpriseSource", permissions: ["read"] }],
            },
        },
    },
];

export function connectionSpecItem(s: ConnectionSpec): Record<string, unknown> {
    return { id: s.id, name: s.name, providerId: s.providerId, version: s.version, ...s.body };
}

export function flowSpecItem(s: FlowSpec): Record<string, unknown> {
    return {
        id: s.id,
        name: s.name,
        providerId: s.providerId,
        version: s.version,
        sourceConnectionSpecIds: s.sourceConnectionSpecIds,
        targetConnectionSpecIds: s.targetConnectionSpecIds,
        ...s.body,
    };
}
