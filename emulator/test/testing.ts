/**
 * Helpers for tests that talk to the emulator over HTTP with Node's fetch (not the project's client):
 * a tiny AEP caller, documented-shape request bodies for the Chatlio chain, and a builder that creates
 * the whole chain (field group → … → dataflow). Sample Chatlio payloads are in samples.ts.
 */
import {
    CHATLIO_CONNECTION_SPEC_ID,
    DATA_LAKE_CONNECTION_SPEC_ID,
    DEMO_CREDENTIALS,
    EXPERIENCE_EVENT,
    EmulatorClient,
    STREAMING_FLOW_SPEC_ID,
    STREAMING_PROVIDER_ID,
} from "../src";

export const BASE = {
    schemaRegistry: "/data/foundation/schemaregistry",
    catalog: "/data/foundation/catalog",
    flowService: "/data/foundation/flowservice",
    dataPrep: "/data/foundation/conversion",
    sandbox: "/data/foundation/sandbox-management",
} as const;

export const XED_FULL = "application/vnd.adobe.xed-full+json;version=1";
export const XED_LOOKUP = "application/vnd.adobe.xed+json; version=1";
export const XED_ID_LIST = "application/vnd.adobe.xed-id+json";

export interface CallOptions {
    body?: unknown;
    /** A raw body sent as is (overrides `body`). */
    raw?: string;
    headers?: Record<string, string>;
    /** x-sandbox-name; null leaves it out. Default: the caller's sandbox. */
    sandbox?: string | null;
    /** Leave out Authorization, x-api-key and x-gw-ims-org-id. */
    noAuth?: boolean;
    contentType?: string;
}

export interface CallResult<T = any> {
    status: number;
    body: T;
    headers: Headers;
}

/** Calls the emulator like an AEP client would: token from IMS, the gateway headers, JSON bodies. */
export class AepCaller {
    private accessToken?: string;

    constructor(
        public readonly url: string,
        public readonly client: EmulatorClient = DEMO_CREDENTIALS,
        public readonly sandbox = "dev",
    ) {}

    async token(): Promise<string> {
        if (this.accessToken) return this.accessToken;
        const form = new URLSearchParams({
            grant_type: "client_credentials",
            client_id: this.client.clientId,
            client_secret: this.client.clientSecret,
            scope: "openid,AdobeID,read_organizations",
        });
        const res = await fetch(`${this.url}/ims/token/v3`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: form.toString(),
        });
        const body = (await res.json()) as any;
        if (res.status !== 200) throw new Error(`IMS answered ${res.status}: ${JSON.stringify(body)}`);
        this.accessToken = body.access_token as string;
        return this.accessToken;
    }

    /** `path` starts at the server root, e.g. `${BASE.catalog}/dataSets`. */
    async call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
        const headers: Record<string, string> = {};
        if (!options.noAuth) {
            headers.Authorization = `Bearer ${await this.token()}`;
            headers["x-api-key"] = this.client.clientId;
            headers["x-gw-ims-org-id"] = this.client.orgId;
        }
        const sandbox = options.sandbox === undefined ? this.sandbox : options.sandbox;
        if (sandbox !== null) headers["x-sandbox-name"] = sandbox;
        let body: string | undefined;
        if (options.raw !== undefined) body = options.raw;
        else if (options.body !== undefined) body = JSON.stringify(options.body);
        if (body !== undefined) headers["Content-Type"] = options.contentType ?? "application/json";
        Object.assign(headers, options.headers ?? {});
        const res = await fetch(`${this.url}${path}`, { method, headers, body });
        const text = await res.text();
        let parsed: unknown = text;
        try {
            parsed = text ? JSON.parse(text) : undefined;
        } catch {
            /* keep the text */
        }
        return { status: res.status, body: parsed as T, headers: res.headers };
    }
}

// ---------------------------------------------------------------------------------------------------
// Documented-shape bodies for the Chatlio chain (aep-api.md §2, §3)

export function chatlioFieldGroupBody(tenantId: string, title = "Chatlio Event Details"): Record<string, unknown> {
    const ns = `_${tenantId}`;
    return {
        title,
        description: "Fields received from the Chatlio webhook.",
        type: "object",
        "meta:intendedToExtend": [EXPERIENCE_EVENT],
        definitions: {
            chatlio: {
                properties: {
                    [ns]: {
                        type: "object",
                        properties: {
                            chatlio: {
                                type: "object",
                                properties: {
                                    UUID: { type: "string", title: "Visitor UUID" },
                                    email: { type: "string", title: "Visitor email" },
                                    message: { type: "string", title: "Message" },
                                    channelId: { type: "string", title: "Channel ID" },
                                    slackChannelName: { type: "string", title: "Slack channel name" },
                                    slackChannelId: { type: "string", title: "Slack channel ID" },
                                    messageCount: { type: "integer", title: "Message count" },
                                    messages: {
                                        type: "array",
                                        items: {
                                            type: "object",
                                            properties: {
                                                text: { type: "string" },
                                                ts: { type: "string" },
                                                sentAt: { type: "string", format: "date-time" },
                                                userId: { type: "string" },
                                                username: { type: "string" },
                                                isVisitorMsg: { type: "boolean" },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
        allOf: [{ $ref: "#/definitions/chatlio" }],
    };
}

export function chatlioSchemaBody(fieldGroupId: string, title = "Chatlio Events"): Record<string, unknown> {
    return {
        type: "object",
        title,
        description: "Chatlio webhook events.",
        allOf: [{ $ref: EXPERIENCE_EVENT }, { $ref: fieldGroupId }],
    };
}

export function chatlioMappings(tenantId: string): Array<Record<string, unknown>> {
    const p = `_${tenantId}.chatlio`;
    return [
        { sourceType: "EXPRESSION", source: "uuid()", destination: "_id" },
        { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
        { sourceType: "ATTRIBUTE", source: "visitor.UUID", destination: `${p}.UUID` },
        { sourceType: "ATTRIBUTE", source: "visitor.email", destination: `${p}.email` },
        { sourceType: "ATTRIBUTE", source: "message", destination: `${p}.message` },
        // The Chatlio tutorial's naming style, accepted beside the docs' style (aep-api.md §5.7).
        { sourceAttribute: "channelId", destinationXdmPath: `${p}.channelId`, identity: false, version: 0 },
        { sourceAttribute: "slackChannelName", destinationXdmPath: `${p}.slackChannelName`, identity: false, version: 0 },
        { sourceAttribute: "slackChannelId", destinationXdmPath: `${p}.slackChannelId`, identity: false, version: 0 },
    ];
}

export interface ChatlioChain {
    fieldGroupId: string;
    schemaId: string;
    datasetId: string;
    sourceConnectionId: string;
    targetConnectionId: string;
    mappingSetId: string;
    flowId: string;
    inletUrl: string;
}

async function expectStatus(res: CallResult, status: number, what: string): Promise<CallResult> {
    if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res;
}

/** The names (titles) buildChatlioChain gives its objects; the tutorial's mapping set has none. */
export function chatlioChainNames(suffix = ""): {
    fieldGroup: string;
    schema: string;
    dataset: string;
    source: string;
    target: string;
    flow: string;
} {
    return {
        fieldGroup: `Chatlio Event Details${suffix}`,
        schema: `Chatlio Events${suffix}`,
        dataset: `Chatlio Events Dataset${suffix}`,
        source: `Chatlio source${suffix}`,
        target: `Chatlio target${suffix}`,
        flow: `Chatlio dataflow${suffix}`,
    };
}

/** Creates field group → schema → dataset → source → target → mapping set → dataflow, as documented. */
export async function buildChatlioChain(
    caller: AepCaller,
    options: { tenantId?: string; suffix?: string; mappings?: Array<Record<string, unknown>> } = {},
): Promise<ChatlioChain> {
    const tenant = options.tenantId ?? "acme";
    const names = chatlioChainNames(options.suffix);
    const fg = await expectStatus(
        await caller.call("POST", `${BASE.schemaRegistry}/tenant/fieldgroups`, {
            body: chatlioFieldGroupBody(tenant, names.fieldGroup),
        }),
        201,
        "create field group",
    );
    const fieldGroupId = fg.body.$id as string;
    const schema = await expectStatus(
        await caller.call("POST", `${BASE.schemaRegistry}/tenant/schemas`, {
            body: chatlioSchemaBody(fieldGroupId, names.schema),
        }),
        201,
        "create schema",
    );
    const schemaId = schema.body.$id as string;
    const ds = await expectStatus(
        await caller.call("POST", `${BASE.catalog}/dataSets`, {
            body: {
                name: names.dataset,
                description: "Target for the Chatlio dataflow.",
                schemaRef: { id: schemaId, contentType: XED_FULL },
            },
        }),
        201,
        "create dataset",
    );
    const datasetId = String(ds.body[0]).split("/").pop() as string;
    const src = await expectStatus(
        await caller.call("POST", `${BASE.flowService}/sourceConnections`, {
            body: {
                name: names.source,
                providerId: STREAMING_PROVIDER_ID,
                description: "Streaming source connection for Chatlio",
                connectionSpec: { id: CHATLIO_CONNECTION_SPEC_ID, version: "1.0" },
                data: { format: "json" },
            },
        }),
        201,
        "create source connection",
    );
    const tgt = await expectStatus(
        await caller.call("POST", `${BASE.flowService}/targetConnections`, {
            body: {
                name: names.target,
                connectionSpec: { id: DATA_LAKE_CONNECTION_SPEC_ID, version: "1.0" },
                data: { format: "json", schema: { id: schemaId, version: XED_FULL } },
                params: { dataSetId: datasetId },
            },
        }),
        201,
        "create target connection",
    );
    const ms = await expectStatus(
        await caller.call("POST", `${BASE.dataPrep}/mappingSets`, {
            body: {
                outputSchema: { schemaRef: { id: schemaId, contentType: XED_FULL } },
                mappings: options.mappings ?? chatlioMappings(tenant),
            },
        }),
        200,
        "create mapping set",
    );
    const flow = await expectStatus(
        await caller.call("POST", `${BASE.flowService}/flows`, {
            body: {
                name: names.flow,
                flowSpec: { id: STREAMING_FLOW_SPEC_ID, version: "1.0" },
                sourceConnectionIds: [src.body.id],
                targetConnectionIds: [tgt.body.id],
                transformations: [{ name: "Mapping", params: { mappingId: ms.body.id, mappingVersion: 0 } }],
            },
        }),
        201,
        "create dataflow",
    );
    const got = await expectStatus(await caller.call("GET", `${BASE.flowService}/flows/${flow.body.id}`), 200, "get dataflow");
    return {
        fieldGroupId,
        schemaId,
        datasetId,
        sourceConnectionId: src.body.id,
        targetConnectionId: tgt.body.id,
        mappingSetId: ms.body.id,
        flowId: flow.body.id,
        inletUrl: got.body.items[0].options.inletUrl,
    };
}
