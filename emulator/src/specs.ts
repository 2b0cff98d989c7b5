/**
 * The connection and flow specifications the emulated Flow Service knows. Their ids come from Adobe's
 * source tutorials (aep-api.md §3; the Customer.io, Pendo and LAVA API tutorials; streaming/http.md);
 * Adobe publishes no connection spec bodies for them (§2.4.2), so these are written in the item shape of
 * the spec's ConnectionSpecItemDTO / FlowSpecItemDTO, with the emulator's own text. The GenericStreamingAEP
 * flow spec's name, provider, option spec and Mapping transformation spec follow the body Adobe shows in
 * the Streaming SDK's flow spec guide.
 */

export const CHATLIO_CONNECTION_SPEC_ID = "073127a3-26e3-496c-9d94-9f48fb93fba8";
export const CUSTOMERIO_CONNECTION_SPEC_ID = "96479064-7b8a-4d69-b9ed-21c5683837ea";
export const PENDO_CONNECTION_SPEC_ID = "6ff5654f-19d5-427d-bd3e-c0ebc802389a";
export const LAVA_CONNECTION_SPEC_ID = "232dfabe-27aa-41c0-a7cf-9961661dc68b";
/** The HTTP API streaming source (streaming/http.md): base connection, source connection, flow. */
export const HTTP_API_CONNECTION_SPEC_ID = "bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb";
/** The HTTP API's only auth spec: base connections name it in `auth.specName`. */
export const STREAMING_AUTH_SPEC_NAME = "Streaming Connection";
/** The HTTP API streaming provider; the Chatlio tutorial sends it as `providerId` (aep-api.md §5.5). */
export const STREAMING_PROVIDER_ID = "521eee4d-8cbe-4906-bb48-fb6bd4450033";
export const DATA_LAKE_CONNECTION_SPEC_ID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c";
/** GenericStreamingAEP: the flow spec of every Streaming SDK source (Chatlio, Customer.io, Pendo, LAVA). */
export const STREAMING_FLOW_SPEC_ID = "e77fde5a-22a8-11ed-861d-0242ac120002";
/** HTTP API dataflow without transformations (XDM data), streaming/http.md. */
export const HTTP_API_XDM_FLOW_SPEC_ID = "d8a6f005-7eaf-4153-983e-e8574508b877";
/** HTTP API dataflow with a Mapping transformation (raw data), streaming/http.md. */
export const HTTP_API_MAPPING_FLOW_SPEC_ID = "c1a19761-d2c7-4702-b9fa-fe91f0613e81";

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
    /**
     * Whether a source connection of this spec stands on a base connection (`baseConnectionId`): the
     * Streaming SDK webhook sources take none (their tutorials create no base connection); the HTTP API
     * needs one, which holds the inlet (streaming/http.md).
     */
    baseConnection: "none" | "required";
    body: Record<string, unknown>;
}

const DOCS = "https://experienceleague.adobe.com/docs/experience-platform/sources/connectors";

/**
 * A Streaming SDK webhook source (Adobe's `generic-streaming` template): no auth spec, JSON only ("json"
 * is the only supported data format in each tutorial), streamed through GenericStreamingAEP.
 */
function webhookSpec(id: string, name: string, connectorName: string, category: string, doc: string): ConnectionSpec {
    return {
        id,
        name,
        providerId: STREAMING_PROVIDER_ID,
        version: "1.0",
        role: "source",
        formats: ["json"],
        baseConnection: "none",
        body: {
            authSpec: [],
            sourceSpec: {
                name,
                type: "Streaming",
                spec: {
                    schema: "http://json-schema.org/draft-07/schema#",
                    type: "object",
                    description: `${connectorName} webhook events streamed to Experience Platform.`,
                },
                attributes: {
                    uiAttributes: {
                        isSource: true,
                        documentationLink: `${DOCS}/${doc}.html`,
                        category,
                        icon: name,
                        description: `Stream ${connectorName} events through a webhook.`,
                        label: "Beta",
                    },
                },
            },
            attributes: { category, connectorName, isSource: true },
            permissionsInfo: PERMISSIONS,
        },
    };
}

export const CONNECTION_SPECS: ConnectionSpec[] = [
    webhookSpec(CHATLIO_CONNECTION_SPEC_ID, "chatlio", "Chatlio", "Marketing Automation", "marketing-automation/chatlio-webhook"),
    webhookSpec(
        CUSTOMERIO_CONNECTION_SPEC_ID,
        "customerio",
        "Customer.io",
        "Marketing Automation",
        "marketing-automation/customerio-webhook",
    ),
    webhookSpec(PENDO_CONNECTION_SPEC_ID, "pendo", "Pendo", "Analytics", "analytics/pendo-webhook"),
    webhookSpec(LAVA_CONNECTION_SPEC_ID, "lava", "LAVA", "Streaming SDK", "streaming-sdk/lava"),
    {
        id: HTTP_API_CONNECTION_SPEC_ID,
        name: "http-api",
        providerId: STREAMING_PROVIDER_ID,
        version: "1.0",
        role: "source",
        // http.md's source connection sends no data.format; json is what the inlet reads.
        formats: ["json"],
        baseConnection: "required",
        body: {
            // One auth spec, "Streaming Connection", whose params are the ones http.md documents for a
            // base connection (dataType required; sourceId, name and authenticationRequired optional).
            authSpec: [
                {
                    name: STREAMING_AUTH_SPEC_NAME,
                    type: "Streaming",
                    spec: {
                        $schema: "http://json-schema.org/draft-07/schema#",
                        type: "object",
                        description: "Defines a streaming inlet, with or without authentication.",
                        properties: {
                            dataType: {
                                type: "string",
                                enum: ["xdm", "raw"],
                                description: "xdm: XDM messages land as sent; raw: messages go through the dataflow's mapping.",
                            },
                            sourceId: { type: "string", description: "An identifier of the sender; defaults to the name." },
                            name: { type: "string", description: "The name of the streaming connection." },
                            authenticationRequired: {
                                type: "boolean",
                                default: false,
                                description: "When true, the inlet needs an Authorization: Bearer access token.",
                            },
                        },
                        required: ["dataType"],
                    },
                },
            ],
            sourceSpec: {
                name: "http-api",
                type: "Streaming",
                spec: {
                    schema: "http://json-schema.org/draft-07/schema#",
                    type: "object",
                    description: "Any sender streams XDM or raw JSON to the inlet of its base connection.",
                },
                attributes: {
                    uiAttributes: {
                        isSource: true,
                        documentationLink: `${DOCS}/streaming/http.html`,
                        category: "Streaming",
                        icon: "http-api",
                        description: "Stream XDM or raw JSON over HTTP.",
                        label: "GA",
                    },
                },
            },
            attributes: { category: "Streaming", connectorName: "HTTP API", isSource: true },
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
        baseConnection: "none",
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
    /**
     * Whether a dataflow of this spec may carry a Mapping transformation. http.md: "To create a dataflow
     * with transformations, you must use c1a19761-…; to create a dataflow without transformations, use
     * d8a6f005-…": the HTTP API's XDM flow spec refuses one.
     */
    mapping: "allowed" | "refused";
    body: Record<string, unknown>;
}

const MAPPING_SPEC = {
    name: "Mapping",
    spec: {
        schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        description: "Which mapping set, and which of its versions, turns the raw payload into XDM.",
        properties: { mappingId: { type: "string" }, mappingVersion: { type: "string" } },
    },
};

function streamingFlowSpec(
    id: string,
    name: string,
    sources: string[],
    mapping: FlowSpec["mapping"],
    options: Record<string, unknown>,
): FlowSpec {
    const body: Record<string, unknown> = {
        optionSpec: {
            name: "OptionSpec",
            spec: { schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: options },
        },
        attributes: {
            isSourceFlow: true,
            flacValidationSupported: false,
            frequency: "streaming",
            notification: { category: "sources", flowRun: { enabled: false } },
        },
        permissionsInfo: {
            manage: [{ type: "lowLevel", name: "StreamingSource", permissions: ["write"] }],
            view: [{ type: "lowLevel", name: "StreamingSource", permissions: ["read"] }],
        },
    };
    // Adobe's GenericStreamingAEP body lists transformationSpecs as an array; the spec's FlowSpecItemDTO
    // types it as a single object, which the contract check holds the answer to: the spec is followed.
    if (mapping === "allowed") body.transformationSpecs = MAPPING_SPEC;
    return {
        id,
        name,
        providerId: STREAMING_PROVIDER_ID,
        version: "1.0",
        sourceConnectionSpecIds: sources,
        targetConnectionSpecIds: [DATA_LAKE_CONNECTION_SPEC_ID],
        mapping,
        body,
    };
}

const ERROR_DIAGNOSTICS = {
    title: "Error diagnostics",
    description: "Keep samples of rejected records.",
    type: "boolean",
    default: false,
};

export const FLOW_SPECS: FlowSpec[] = [
    // The Streaming SDK guide names it GenericStreamingAEP and shows options.inletUrl in its option spec:
    // each dataflow of it gets its own inlet.
    streamingFlowSpec(
        STREAMING_FLOW_SPEC_ID,
        "GenericStreamingAEP",
        [CHATLIO_CONNECTION_SPEC_ID, CUSTOMERIO_CONNECTION_SPEC_ID, PENDO_CONNECTION_SPEC_ID, LAVA_CONNECTION_SPEC_ID],
        "allowed",
        {
            errorDiagnosticsEnabled: ERROR_DIAGNOSTICS,
            inletUrl: { title: "Inlet URL", description: "The streaming endpoint of the dataflow.", type: "string" },
        },
    ),
    // Adobe documents the HTTP API flow specs' ids but shows neither their names nor their bodies: the
    // names here are the emulator's own. Their dataflows stream through the base connection's inlet.
    streamingFlowSpec(HTTP_API_XDM_FLOW_SPEC_ID, "HttpApiStreamingXdm", [HTTP_API_CONNECTION_SPEC_ID], "refused", {
        errorDiagnosticsEnabled: ERROR_DIAGNOSTICS,
    }),
    streamingFlowSpec(HTTP_API_MAPPING_FLOW_SPEC_ID, "HttpApiStreamingMapping", [HTTP_API_CONNECTION_SPEC_ID], "allowed", {
        errorDiagnosticsEnabled: ERROR_DIAGNOSTICS,
    }),
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
