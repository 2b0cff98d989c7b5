#!/usr/bin/env node
// Checks the emulator's route table against Adobe's OpenAPI specs: every operation a spec defines must be
// either served by the emulator or listed as not served (answered 501). Prints each operation the table
// misses, then a summary; exit 0 when none is missing.
//
//   node emulator/scripts/route-coverage.js SPEC_JSON_DIR
//
// SPEC_JSON_DIR holds the six specs as JSON (flow-service, catalog, schema-registry, data-prep, sandbox,
// streaming-ingestion). The emulator is loaded from emulator/dist (build it first). Used by .ci/run.
"use strict";
const fs = require("fs");
const path = require("path");
const { routeTable } = require("../dist");

// Where each spec's paths are rooted on the Platform gateway (the specs' servers).
const SPECS = [
    { file: "schema-registry.json", base: "/data/foundation/schemaregistry" },
    { file: "catalog.json", base: "/data/foundation/catalog" },
    { file: "flow-service.json", base: "/data/foundation/flowservice" },
    { file: "data-prep.json", base: "/data/foundation/conversion" },
    { file: "sandbox.json", base: "/data/foundation" },
    { file: "streaming-ingestion.json", base: "" },
];
const METHODS = ["get", "put", "post", "delete", "patch"];

const dir = process.argv[2];
if (!dir) {
    console.error("usage: route-coverage.js SPEC_JSON_DIR");
    process.exit(2);
}

const known = routeTable().flatMap((f) => f.routes.map((r) => ({ ...r, parts: (f.base + r.path).split("/").filter(Boolean) })));

function covered(method, concretePath) {
    const segs = concretePath.split("/").filter(Boolean);
    return known.find(
        (r) => r.method === method && r.parts.length === segs.length && r.parts.every((p, i) => p.startsWith(":") || p === segs[i]),
    );
}

let missing = 0;
let served = 0;
let notServed = 0;
for (const spec of SPECS) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, spec.file), "utf8"));
    for (const [template, item] of Object.entries(doc.paths)) {
        for (const method of METHODS.filter((m) => item[m])) {
            // {CONTAINER_ID} is "global" or "tenant" (schema-registry.yaml); any other parameter is an id.
            const containers = template.includes("{CONTAINER_ID}") ? ["tenant", "global"] : [null];
            for (const container of containers) {
                const concrete = spec.base + template.replace("{CONTAINER_ID}", container ?? "").replace(/\{[^}]+\}/g, "x");
                const hit = covered(method.toUpperCase(), concrete);
                if (!hit) {
                    missing++;
                    console.log(
                        `missing: ${method.toUpperCase()} ${spec.base}${template.replace("{CONTAINER_ID}", container ?? "")} (${spec.file})`,
                    );
                } else if (hit.notServed) notServed++;
                else served++;
            }
        }
    }
}
console.log(
    `${served + notServed + missing} spec operations: ${served} served, ${notServed} answered 501 (listed as not served), ${missing} missing from the route table`,
);
process.exit(missing ? 1 : 0);
