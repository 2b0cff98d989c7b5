/**
 * scripts/record-paging.js, which .ci/run uses to record traffic for Adobe's contract checker: it runs
 * without anything beside the repository, and its traffic holds multi-page lists of every family, each
 * next page fetched through the link Adobe documents.
 */
import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.resolve(__dirname, "..", "scripts", "record-paging.js");

describe("scripts/record-paging.js", () => {
    it("records every family's lists, one item a page, each next page reached through its documented link", async function () {
        this.timeout(60_000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-emulator-paging-"));
        try {
            const file = path.join(dir, "traffic.jsonl");
            const out = await new Promise<string>((resolve, reject) =>
                execFile(process.execPath, [SCRIPT, file], { timeout: 50_000 }, (err, stdout, stderr) =>
                    err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
                ),
            );
            expect(out).to.match(/^record-paging: \d+ calls recorded/);
            const lines = fs
                .readFileSync(file, "utf8")
                .trim()
                .split("\n")
                .map((l) => JSON.parse(l));
            expect(
                lines.every((l) => l.status >= 200 && l.status < 300),
                "every recorded call succeeded",
            ).to.equal(true);
            const gets = (re: RegExp) =>
                lines.filter((l) => l.method === "GET" && re.test(new URL(l.url).pathname + new URL(l.url).search));
            // Schema Registry: pages after the first carry start (from _links.next).
            for (const list of ["fieldgroups", "mixins", "schemas"]) {
                const pages = gets(new RegExp(`/schemaregistry/tenant/${list}\\?`));
                expect(pages.length, list).to.equal(3);
                expect(pages.filter((p) => new URL(p.url).searchParams.has("start")).length, list).to.equal(2);
                expect(pages[2].responseBody._links.next, list).to.equal(null);
            }
            // Flow Service: pages after the first carry only the continuation token.
            for (const list of ["connections", "sourceConnections", "targetConnections", "flows"]) {
                const pages = gets(new RegExp(`/flowservice/${list}\\?(limit|continuationToken)=`));
                expect(pages.length, list).to.equal(3);
                expect(
                    pages.slice(1).every((p) => /^\?continuationToken=[A-Za-z0-9_-]+$/.test(new URL(p.url).search)),
                    list,
                ).to.equal(true);
                expect(pages[2].responseBody._links, list).to.deep.equal({});
            }
            // Catalog (datasets and batches), Data Prep and sandboxes: offsets, next links, templates.
            expect(gets(/\/catalog\/dataSets\?limit=1&start=/).length).to.equal(4);
            expect(gets(/\/catalog\/batches\?dataSet=[0-9a-f]+&limit=1&start=/).length).to.equal(4);
            expect(gets(/\/conversion\/mappingSets\?limit=1&start=\d/).length).to.equal(3);
            const sandboxes = gets(/\/sandbox-management\/sandboxes\?limit=1&offset=/);
            expect(sandboxes.map((p) => !!p.responseBody._links.next)).to.deep.equal([true, true, false]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
