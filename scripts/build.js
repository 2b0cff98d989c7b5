// `npm run build` (and `prepare`, which npm runs on `npm ci`, `npm pack` and installs from git): compiles
// provider/ to dist/ (CommonJS, ES2020, .d.ts, source maps with the sources inlined) with
// tsconfig.build.json, from an empty dist/ so that no file of a removed source survives.
//
// `--if-stale` (before `npm start`, the scripts that run the local engine, and every mocha run through
// .mocharc.json, which requires this file) builds only when a source is newer than the last build: the provider host loads the
// package's compiled entry (`pulumi-aep-chatlio/host` is dist/host.js), in this repository too.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".build-stamp");
const INPUTS = [path.join(ROOT, "provider"), path.join(ROOT, "tsconfig.json"), path.join(ROOT, "tsconfig.build.json")];

function newest(file) {
    const st = fs.statSync(file);
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(st.mtimeMs, ...fs.readdirSync(file).map((f) => newest(path.join(file, f))));
}

function stale() {
    let built;
    try {
        built = fs.statSync(STAMP).mtimeMs;
    } catch {
        return true;
    }
    return Math.max(...INPUTS.map(newest)) > built;
}

function build() {
    fs.rmSync(DIST, { recursive: true, force: true });
    const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
    try {
        execFileSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
    } catch {
        console.error("build failed: dist/ was not written (see the TypeScript errors above)");
        process.exit(1);
    }
    fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

if (require.main !== module || process.argv.includes("--if-stale")) {
    if (stale()) {
        console.error("dist/ is older than provider/: building it (npm run build)");
        build();
    }
} else {
    build();
}
