#!/usr/bin/env node
// Records AEP traffic that pages through every list family: it starts an emulator (emulator/dist, so build
// it first) whose traffic log is TRAFFIC.jsonl (appended to), creates three objects of each kind, sends
// records to an inlet (Catalog batches), then lists everything one item at a time, following each family's
// next link in the form Adobe documents, and reads each object by id. .ci/run checks the file against
// Adobe's specs with `aep-contract-check.js --responses`.
//
//   node emulator/scripts/record-paging.js TRAFFIC.jsonl
"use strict";
const { DEMO_CREDENTIALS, startEmulator } = require("../dist");

const SR = "/data/foundation/schemaregistry";
const CATALOG = "/data/foundation/catalog";
const FLOW = "/data/foundation/flowservice";
const PREP = "/data/foundation/conversion";
const SANDBOX = "/data/foundation/sandbox-management";
const XED_FULL = "application/vnd.adobe.xed-full+json;version=1";
const EXPERIENCE_EVENT = "https://ns.adobe.com/xdm/context/experienceevent";

async function main() {
    const trafficLog = process.argv[2];
    if (!trafficLog) {
        console.error("usage: record-paging.js TRAFFIC.jsonl");
        process.exit(2);
    }
    // Streamed records land in the data lake (Catalog batches) at once, so the batches can be paged.
    const em = await startEmulator({ trafficLog, sandboxes: ["prod", "dev", "stage"], seed: "record-paging", dataLakeLatencyMs: 0 });
    let calls = 0;
    try {
        const form = new URLSearchParams({
            grant_type: "client_credentials",
            client_id: DEMO_CREDENTIALS.clientId,
            client_secret: DEMO_CREDENTIALS.clientSecret,
            scope: "openid,AdobeID,read_organizations",
        });
        const tokenRes = await fetch(`${em.url}/ims/token/v3`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: form.toString(),
        });
        const token = (await tokenRes.json()).access_token;

        /** One call; fails the run on an unexpected status. */
        async function call(method, path, { body, accept, expect = [200, 201, 204] } = {}) {
            const headers = {
                Authorization: `Bearer ${token}`,
                "x-api-key": DEMO_CREDENTIALS.clientId,
                "x-gw-ims-org-id": DEMO_CREDENTIALS.orgId,
                "x-sandbox-name": "dev",
            };
            if (accept) headers.Accept = accept;
            if (body !== undefined) headers["Content-Type"] = "application/json";
            const res = await fetch(`${em.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
            const text = await res.text();
            calls++;
            if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text}`);
            return text ? JSON.parse(text) : undefined;
        }
        /** Path and query of an absolute link to this emulator. */
        const local = (href) => {
            const u = new URL(href);
            return u.pathname + u.search;
        };
        /** Follows `next` from `first` until it gives none; returns how many pages were read. */
        async function page(first, next, accept) {
            let pages = 0;
            for (let path = first; path; pages++) {
                const body = await call("GET", path, { accept });
                path = next(body);
            }
            if (pages < 3) throw new Error(`${first}: only ${pages} page(s)`);
            return pages;
        }

        // Three of each kind.
        const made = { schemas: [], datasets: [], sources: [], targets: [], mappings: [], flows: [], inlets: [], bases: [] };
        for (const name of ["A", "B", "C"]) {
            const fg = await call("POST", `${SR}/tenant/fieldgroups`, {
                body: {
                    title: `Paging field group ${name}`,
                    description: "Fields for the paging run.",
                    type: "object",
                    "meta:intendedToExtend": [EXPERIENCE_EVENT],
                    definitions: {
                        paging: {
                            properties: { _acme: { type: "object", properties: { message: { type: "string", title: "Message" } } } },
                        },
                    },
                    allOf: [{ $ref: "#/definitions/paging" }],
                },
            });
            const schema = await call("POST", `${SR}/tenant/schemas`, {
                body: {
                    type: "object",
                    title: `Paging schema ${name}`,
                    description: "A schema for the paging run.",
                    allOf: [{ $ref: EXPERIENCE_EVENT }, { $ref: fg.$id }],
                },
            });
            made.schemas.push(schema);
            await call("POST", `${SR}/tenant/descriptors`, {
                body: {
                    "@type": "xdm:descriptorIdentity",
                    "xdm:sourceSchema": schema.$id,
                    "xdm:sourceVersion": 1,
                    "xdm:sourceProperty": "/_acme/message",
                    "xdm:namespace": "Email",
                    "xdm:property": "xdm:code",
                    "xdm:isPrimary": false,
                },
            });
            const ds = await call("POST", `${CATALOG}/dataSets`, {
                body: { name: `Paging dataset ${name}`, schemaRef: { id: schema.$id, contentType: XED_FULL } },
            });
            const datasetId = ds[0].split("/").pop();
            made.datasets.push(datasetId);
            const source = await call("POST", `${FLOW}/sourceConnections`, {
                body: {
                    name: `Paging source ${name}`,
                    providerId: "521eee4d-8cbe-4906-bb48-fb6bd4450033",
                    connectionSpec: { id: "073127a3-26e3-496c-9d94-9f48fb93fba8", version: "1.0" },
                    data: { format: "json" },
                },
            });
            const target = await call("POST", `${FLOW}/targetConnections`, {
                body: {
                    name: `Paging target ${name}`,
                    connectionSpec: { id: "c604ff05-7f1a-43c0-8e18-33bf874cb11c", version: "1.0" },
                    data: { format: "json", schema: { id: schema.$id, version: XED_FULL } },
                    params: { dataSetId: datasetId },
                },
            });
            const mapping = await call("POST", `${PREP}/mappingSets`, {
                body: {
                    outputSchema: { schemaRef: { id: schema.$id, contentType: XED_FULL } },
                    mappings: [
                        { sourceType: "ATTRIBUTE", source: "message", destination: "_acme.message" },
                        { sourceType: "EXPRESSION", source: "uuid()", destination: "_id" },
                        { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
                    ],
                },
            });
            const flow = await call("POST", `${FLOW}/flows`, {
                body: {
                    name: `Paging flow ${name}`,
                    flowSpec: { id: "e77fde5a-22a8-11ed-861d-0242ac120002", version: "1.0" },
                    sourceConnectionIds: [source.id],
                    targetConnectionIds: [target.id],
                    transformations: [{ name: "Mapping", params: { mappingId: mapping.id, mappingVersion: 0 } }],
                },
            });
            // An HTTP API base connection (streaming/http.md), one of them with an authenticated inlet.
            const base = await call("POST", `${FLOW}/connections`, {
                body: {
                    name: `Paging base connection ${name}`,
                    connectionSpec: { id: "bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb", version: "1.0" },
                    auth: { specName: "Streaming Connection", params: { dataType: "raw", authenticationRequired: name === "B" } },
                },
            });
            made.bases.push(base.id);
            made.sources.push(source.id);
            made.targets.push(target.id);
            made.mappings.push(mapping.id);
            made.flows.push(flow.id);
        }
        // Records in the first dataset, three requests: three Catalog batches.
        const inlet = (await call("GET", `${FLOW}/flows/${made.flows[0]}`)).items[0].options.inletUrl;
        for (const message of ["one", "two", "three"]) {
            const res = await fetch(inlet, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ message }),
            });
            calls++;
            if (res.status !== 200) throw new Error(`inlet: ${res.status} ${await res.text()}`);
        }

        const ID_LIST = "application/vnd.adobe.xed-id+json";
        const pages = {};
        // Schema Registry: _links.next is the next page's URI (null on the last page).
        const srNext = (b) => (b._links.next ? local(b._links.next) : null);
        pages.fieldgroups = await page(`${SR}/tenant/fieldgroups?orderby=title&limit=1`, srNext, ID_LIST);
        pages.mixins = await page(`${SR}/tenant/mixins?orderby=-title&limit=1`, srNext, "application/vnd.adobe.xed+json");
        pages.schemas = await page(`${SR}/tenant/schemas?orderby=title&limit=1`, srNext, ID_LIST);
        await call("GET", `${SR}/global/classes?orderby=title&limit=1`, { accept: ID_LIST });
        await call("GET", `${SR}/tenant/classes`, { accept: ID_LIST });
        await call("GET", `${SR}/global/schemas`, { accept: ID_LIST });
        await call("GET", `${SR}/global/fieldgroups`, { accept: ID_LIST });
        await call("GET", `${SR}/global/mixins`, { accept: "application/vnd.adobe.xed+json" });
        await call("GET", `${SR}/global/fieldgroups/${encodeURIComponent("https://ns.adobe.com/xdm/context/identitymap")}`, {
            accept: "application/vnd.adobe.xed+json; version=1",
        });
        await call("GET", `${SR}/tenant/descriptors`, { accept: "application/vnd.adobe.xdm-id+json" });
        await call("GET", `${SR}/tenant/descriptors`, { accept: "application/vnd.adobe.xdm+json" });
        await call("GET", `${SR}/stats`);
        for (const s of made.schemas)
            await call("GET", `${SR}/tenant/schemas/${encodeURIComponent(s.$id)}`, { accept: "application/vnd.adobe.xed+json; version=1" });
        await call("GET", `${SR}/global/classes/${encodeURIComponent(EXPERIENCE_EVENT)}`, {
            accept: "application/vnd.adobe.xed-full+json; version=1",
        });

        // Catalog: no link; start is the offset, the page an object keyed by id.
        const offsets = (path) => {
            let start = 0;
            return async () => {
                let n = 0;
                for (;;) {
                    const body = await call("GET", `${path}${path.includes("?") ? "&" : "?"}limit=1&start=${start}`);
                    if (!Object.keys(body).length) return n;
                    start += Object.keys(body).length;
                    n++;
                }
            };
        };
        pages.dataSets = await offsets(`${CATALOG}/dataSets`)();
        pages.batches = await offsets(`${CATALOG}/batches?dataSet=${made.datasets[0]}`)();
        for (const id of made.datasets) await call("GET", `${CATALOG}/dataSets/${id}`);
        for (const id of Object.keys(await call("GET", `${CATALOG}/batches`))) await call("GET", `${CATALOG}/batches/${id}`);

        // Flow Service: _links.next.href is /<collection>?continuationToken=…, relative to the service.
        const flowNext = (b) => (b._links.next ? `${FLOW}${b._links.next.href}` : null);
        pages.sourceConnections = await page(`${FLOW}/sourceConnections?limit=1`, flowNext);
        pages.connections = await page(`${FLOW}/connections?limit=1`, flowNext);
        for (const id of made.bases) await call("GET", `${FLOW}/connections/${id}`);
        await call("GET", `${FLOW}/connectionSpecs/bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb`);
        await call("GET", `${FLOW}/flowSpecs/c1a19761-d2c7-4702-b9fa-fe91f0613e81`);
        pages.targetConnections = await page(`${FLOW}/targetConnections?limit=1&orderby=name`, flowNext);
        pages.flows = await page(
            `${FLOW}/flows?limit=1&property=${encodeURIComponent("flowSpec.id==e77fde5a-22a8-11ed-861d-0242ac120002")}`,
            flowNext,
        );
        await call("GET", `${FLOW}/connectionSpecs?limit=1`);
        await call("GET", `${FLOW}/flowSpecs`);
        await call("GET", `${FLOW}/runs?property=${encodeURIComponent(`flowId==${made.flows[0]}`)}`);
        await call("GET", `${FLOW}/flows?count=true`);
        for (const id of made.sources) await call("GET", `${FLOW}/sourceConnections/${id}`);
        for (const id of made.targets) await call("GET", `${FLOW}/targetConnections/${id}`);
        for (const id of made.flows) await call("GET", `${FLOW}/flows/${id}`);
        await call("GET", `${FLOW}/connectionSpecs/073127a3-26e3-496c-9d94-9f48fb93fba8`);
        await call("GET", `${FLOW}/flowSpecs/e77fde5a-22a8-11ed-861d-0242ac120002`);

        // Data Prep: _links.next.href is the next page's URI while sets follow.
        pages.mappingSets = await page(`${PREP}/mappingSets?limit=1&start=0`, (b) => (b._links.next ? local(b._links.next.href) : null));
        for (const id of made.mappings) await call("GET", `${PREP}/mappingSets/${id}`);
        await call("GET", `${PREP}/mappingSets/${made.mappings[0]}/mappings`);

        // Sandboxes: limit and offset together; next is a URI template while sandboxes follow.
        for (const list of [`${SANDBOX}/sandboxes`, `${SANDBOX}/`]) {
            let n = 0;
            for (let offset = 0; ; offset++, n++) {
                const body = await call("GET", `${list}${list.endsWith("/") ? "" : ""}?limit=1&offset=${offset}`);
                if (!body._links.next) break;
            }
            pages[list] = n + 1;
        }
        await call("GET", `${SANDBOX}/sandboxes/dev`);

        console.log(
            `record-paging: ${calls} calls recorded in ${trafficLog}; pages read: ${Object.entries(pages)
                .map(([k, v]) => `${k.split("/").filter(Boolean).pop()} ${v}`)
                .join(", ")}`,
        );
    } finally {
        await em.stop();
    }
}

main().catch((e) => {
    console.error(`record-paging: ${e.stack || e.message}`);
    process.exit(1);
});
