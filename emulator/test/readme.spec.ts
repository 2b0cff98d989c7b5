/**
 * The package README holds true: its mocha example runs exactly as written (the code block is taken from
 * the README, saved as a user's spec file and run by mocha in a folder of its own, `aep-emulator` resolved
 * to this package), its route tables list exactly the routes the emulator serves and those it answers 501,
 * and its fault-rule and control-route tables match what the emulator takes.
 */
import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, routeTable } from "../src";

const README = fs.readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");
const REPO = path.resolve(__dirname, "..", "..");

/** The text between a heading and the next heading of the same level. */
function section(heading: string): string {
    const start = README.indexOf(`\n${heading}\n`);
    expect(start, heading).to.be.above(-1);
    const level = heading.split(" ")[0];
    const rest = README.slice(start + heading.length + 2);
    const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
    return end < 0 ? rest : rest.slice(0, end);
}

/** `METHOD /whole/path` for every table row of a routes section, the base taken from each `###` heading. */
function routesIn(text: string): string[] {
    const out: string[] = [];
    let base = "";
    for (const line of text.split("\n")) {
        const heading = /^### (.+)$/.exec(line);
        if (heading) {
            base = /\(`(\/[^`]*)`/.exec(heading[1])?.[1] ?? "";
            continue;
        }
        const row = /^\| ((?:`[A-Z]+` ?)+)\| `(\/[^`]*)` \|/.exec(line);
        if (!row) continue;
        for (const method of row[1].match(/[A-Z]+/g) ?? []) out.push(`${method} ${base}${row[2]}`);
    }
    return out.sort();
}

describe("the package README", () => {
    it("runs its mocha example as written", async function () {
        this.timeout(60_000);
        const block = /<!-- example: mocha -->\n```js\n([\s\S]*?)\n```/.exec(README);
        expect(block, "the README's mocha example").to.not.equal(null);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-emulator-readme-"));
        try {
            fs.writeFileSync(path.join(dir, "aep.spec.js"), block![1]);
            const mocha = path.join(REPO, "node_modules", "mocha", "bin", "mocha.js");
            // A folder of its own (no mocha config, no ts-node): require("aep-emulator") finds this package
            // through the repository's node_modules, as an installed dependency would be found.
            const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.join(REPO, "node_modules") };
            delete env.NODE_OPTIONS;
            const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
                execFile(
                    process.execPath,
                    [mocha, "--no-config", "aep.spec.js"],
                    { cwd: dir, env, timeout: 50_000 },
                    (err, stdout, stderr) => resolve({ code: err ? ((err as any).code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
                );
            });
            expect(result.code, result.out).to.equal(0);
            expect(result.out).to.match(/\b2 passing\b/);
            expect(result.out).to.not.match(/failing|pending/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("lists every route the emulator serves, and no other, by family", () => {
        const served = routeTable().flatMap((f) => f.routes.filter((r) => !r.notServed).map((r) => `${r.method} ${f.base}${r.path}`));
        expect(routesIn(section("## Routes served"))).to.deep.equal([...new Set(served)].sort());
    });

    it("lists every route of Adobe's specs the emulator does not serve (501), and no other", () => {
        const gaps = routeTable().flatMap((f) => f.routes.filter((r) => r.notServed).map((r) => `${r.method} ${f.base}${r.path}`));
        expect(routesIn(section("## Routes not served (501)"))).to.deep.equal([...new Set(gaps)].sort());
    });

    it("documents every fault rule field, and the control API takes each JSON one", async () => {
        const table = section("### Fault rules");
        const fields = [...table.matchAll(/^\| ([^|]+)\|/gm)].flatMap((m) => [...m[1].matchAll(/`([A-Za-z]+)`/g)].map((f) => f[1]));
        expect(fields).to.include.members([
            "method",
            "path",
            "pathRegex",
            "status",
            "body",
            "retryAfter",
            "commit",
            "delayMs",
            "reset",
            "count",
            "onMatch",
        ]);
        const em = await startEmulator();
        try {
            const rule = { method: "GET", path: "/x", status: 503, body: { m: 1 }, retryAfter: "1", commit: false, delayMs: 0, count: 2 };
            const res = await fetch(`${em.url}/__emulator/faults`, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify(rule),
            });
            expect(res.status).to.equal(201);
            const reset = await fetch(`${em.url}/__emulator/faults`, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ pathRegex: "^/y", reset: "after-commit" }),
            });
            expect(reset.status).to.equal(201);
        } finally {
            await em.stop();
        }
    });

    it("documents control routes that answer", async () => {
        const em = await startEmulator();
        try {
            const routes = [...section("## Control API").matchAll(/^\| `((?:GET|POST|PATCH|DELETE)[^`]*)`/gm)].map((m) => m[1]);
            expect(routes.length).to.be.at.least(9);
            for (const r of routes.filter((r) => r.startsWith("GET /__emulator/") && !r.includes("{"))) {
                const p = r.replace(/^GET /, "").replace(/\[.*\]$/, "");
                expect((await fetch(`${em.url}${p}`)).status, r).to.equal(200);
            }
            for (const r of ["POST /__emulator/reset", "POST /__emulator/flush", "DELETE /__emulator/faults"]) {
                expect(routes, r).to.include(r);
                const [method, p] = r.split(" ");
                expect((await fetch(`${em.url}${p}`, { method })).status, r).to.equal(204);
            }
        } finally {
            await em.stop();
        }
    });
});
