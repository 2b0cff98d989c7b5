#!/usr/bin/env node
// Runs Adobe's contract checker (aep-contract-check.js, which CI has beside the repository) over recorded
// traffic with response checking on, and tells the documented doc-versus-spec conflicts apart from real
// non-conformance: a problem that one of CONFLICTS below explains is reported under that conflict, with
// its source; any other problem fails the check.
//
//   node emulator/scripts/contract-check.js CHECKER TRAFFIC.jsonl
//
// Exit 0 when every request and every 2xx response conforms apart from the listed conflicts.
"use strict";
const fs = require("fs");
const path = require("path");

/**
 * Where the emulator answers as Adobe's docs (or the spec's own prose and examples) say, and the spec's
 * schema says otherwise. Each names the operation, the problem the checker reports, and the source.
 */
const CONFLICTS = [
    {
        operation: /^GET schema-registry \/\{CONTAINER_ID\}\/(fieldgroups|mixins|schemas|classes|datatypes)$/,
        problem: /^\(response\) response\.(_page|_links)\.next: is null, spec says string$/,
        what: "Schema Registry lists, last or only page: _page.next and _links.next are null",
        source: 'aep-api.md §4.4 ("_page.next is null on the last page"); the spec\'s own descriptions of both ("Contains null if this is the last or only page") and its examples show null, its type says string',
    },
    {
        operation: /^GET schema-registry \/\{CONTAINER_ID\}\/descriptors$/,
        problem: /^\(response\) response\.xdm:[A-Za-z]+\[\d+\]: is string, spec says object$/,
        what: "descriptor lists with Accept xdm-id+json or xdm-link+json: ids or paths grouped by @type",
        source: "aep-api.md §2.2.2 and the spec's acceptDescriptors description; its listDescriptorsResponse types every item as a descriptor object",
    },
    {
        operation: /^GET data-prep \/mappingSets\/\{MAPPING_SET_ID\}\/mappings$/,
        problem: /^\(response\) response: is array, spec says object$/,
        what: "GET /mappingSets/{id}/mappings answers an array of mappings",
        source: 'aep-api.md §2.5 ("list mappings … 200 array", from mapping-set.md); the spec names a single MappingOperation',
    },
    {
        operation: /^PATCH flow-service \/connections\/\{BASE_CONNECTION_ID\}\/$/,
        problem: /^body: is array, spec says object$/,
        what: "PATCH /connections/{id} takes a JSON Patch array",
        source: 'the sources update tutorial (help/sources/tutorials/api/update.md, "Update connections") and the destinations update guide send an array of operations; the spec\'s schema names a single PatchInstruction',
    },
    {
        operation: /^POST flow-service \/sourceConnections$/,
        problem: /^body: lacks required "data"$/,
        what: "an HTTP API source connection on a base connection sends no data",
        source: 'streaming/http.md ("Create a source connection": name, description, baseConnectionId, connectionSpec); the spec\'s CreateSourceConnectionRequest requires data',
    },
];

function main() {
    const [checkerPath, trafficPath] = process.argv.slice(2);
    if (!checkerPath || !trafficPath) {
        console.error("usage: contract-check.js CHECKER TRAFFIC.jsonl");
        process.exit(2);
    }
    const { checkEntry } = require(path.resolve(checkerPath));
    const lines = fs
        .readFileSync(trafficPath, "utf8")
        .split("\n")
        .filter((l) => l.trim());
    const operations = new Set();
    const explained = new Map(CONFLICTS.map((c) => [c, { entries: 0, operations: new Set() }]));
    const failures = [];
    let responses = 0;
    lines.forEach((line, i) => {
        const entry = JSON.parse(line);
        if (entry.status >= 200 && entry.status < 300) responses++;
        const { key, problems } = checkEntry(entry, { responses: true });
        operations.add(key);
        const hit = new Set();
        const left = problems.filter((p) => {
            const conflict = CONFLICTS.find((c) => c.operation.test(key) && c.problem.test(p));
            if (conflict) hit.add(conflict);
            return !conflict;
        });
        for (const c of hit) {
            explained.get(c).entries++;
            explained.get(c).operations.add(key);
        }
        if (left.length) failures.push(`line ${i + 1}: ${key}\n  - ${left.slice(0, 8).join("\n  - ")}`);
    });
    for (const f of failures) console.log(f);
    console.log(
        `${lines.length} requests (${responses} with a 2xx response, checked too), ${operations.size} operations; ${lines.length - failures.length} conform apart from documented conflicts, ${failures.length} do not`,
    );
    for (const [c, seen] of explained) {
        if (seen.entries)
            console.log(
                `documented conflict, ${seen.entries} response(s) (${[...seen.operations].join("; ")}): ${c.what}. Source: ${c.source}.`,
            );
    }
    process.exit(failures.length ? 1 : 0);
}

main();
