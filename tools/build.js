// `npm run build` (and `prepack`, which npm runs on `npm pack` and installs from git): compiles
// provider/ to dist/ (CommonJS, ES2020, .d.ts, source maps with the sources inlined) with
// tsconfig.build.json, and the emulator package's emulator/src/ to emulator/dist/ with emulator/tsconfig.json,
// each from an empty output folder so that no file of a removed source survives.
//
// `--if-stale` (before `npm start`, `npm run emulator`, the scripts that run the local engine, and every mocha
// run through .mocharc.json, which requires this file) builds only what a source is newer than: the provider
// host loads the package's compiled entry (`pulumi-aep-chatlio/host` is dist/host.js), in this repository
// too, and everything here that imports `aep-emulator` gets emulator/dist/.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const EMULATOR = path.join(ROOT, "emulator");

/** What is built: its output folder, the stamp written after a build, the sources it is built from. */
const TARGETS = [
    {
        name: "dist/",
        sources: "provider/",
        out: path.join(ROOT, "dist"),
        stamp: path.join(ROOT, "dist", ".build-stamp"),
        project: path.join(ROOT, "tsconfig.build.json"),
        inputs: [path.join(ROOT, "provider"), path.join(ROOT, "tsconfig.json"), path.join(ROOT, "tsconfig.build.json")],
        entries: [],
    },
    {
        name: "emulator/dist/",
        sources: "emulator/src/",
        out: path.join(EMULATOR, "dist"),
        // Beside dist/, not in it: the package ships dist/ (npm's own build, `npm run build -w aep-emulator`,
        // writes no stamp, so a stale check after it builds once more).
        stamp: path.join(EMULATOR, ".build-stamp"),
        project: path.join(EMULATOR, "tsconfig.json"),
        inputs: [path.join(EMULATOR, "src"), path.join(EMULATOR, "tsconfig.json")],
        entries: [path.join(EMULATOR, "dist", "index.js"), path.join(EMULATOR, "dist", "cli.js")],
        bin: path.join(EMULATOR, "dist", "cli.js"),
    },
];

function newest(file) {
    const st = fs.statSync(file);
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(st.mtimeMs, ...fs.readdirSync(file).map((f) => newest(path.join(file, f))));
}

function stale(target) {
    let built;
    try {
        built = fs.statSync(target.stamp).mtimeMs;
    } catch {
        return true;
    }
    if (!target.entries.every((f) => fs.existsSync(f))) return true;
    return Math.max(...target.inputs.map(newest)) > built;
}

function build(target) {
    fs.rmSync(target.out, { recursive: true, force: true });
    fs.rmSync(target.stamp, { force: true });
    const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
    try {
        execFileSync(process.execPath, [tsc, "-p", target.project], { cwd: ROOT, stdio: "inherit" });
    } catch {
        console.error(`build failed: ${target.name} was not written (see the TypeScript errors above)`);
        process.exit(1);
    }
    // The `aep-emulator` command: npm links it at install time, before there is a dist/ to make executable.
    if (target.bin) fs.chmodSync(target.bin, 0o755);
    fs.writeFileSync(target.stamp, `${new Date().toISOString()}\n`);
}

if (require.main !== module || process.argv.includes("--if-stale")) {
    for (const target of TARGETS) {
        if (stale(target)) {
            console.error(`${target.name} is older than ${target.sources}: building it (npm run build)`);
            build(target);
        }
    }
} else {
    for (const target of TARGETS) build(target);
}
