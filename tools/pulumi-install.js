#!/usr/bin/env node
// npm run pulumi:install — builds the Pulumi CLI and its Node.js language host from their Go modules into
// .tools/pulumi/bin/ (git-ignored), the way Pulumi's own distribution lays them out:
//
//   pulumi                           the CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi), pinned by tools/pulumi-cli/
//   pulumi-language-nodejs           the Node.js language host, pinned by tools/pulumi-language-nodejs/: what
//                                    `pulumi up` in a project folder starts to run the program
//   pulumi-resource-pulumi-nodejs    the dynamic-provider plugin script, copied from the SDK in node_modules
//
// Neither Go main package can be installed with `go install pkg@version` here: pkg's go.mod replaces sdk with a
// local folder, and from sdk v3.90.0 on the language host is a module of its own, which the module proxy this
// project can reach refuses. So each has a wrapper module of ours (go.mod and go.sum pin every dependency).
// The language host comes from sdk v3.68.0, the newest release that still carries it inside the sdk module; it
// is older than the CLI but speaks the same language-host protocol (see the README).
//
// Each build is skipped when its binary already reports (or was stamped with) the pinned version, so a second
// run takes about a second; Go's own build and module caches make a rebuild on the same machine quick too.
// `--force` rebuilds both.
"use strict";
const { execFileSync, spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const BIN_DIR = path.join(ROOT, ".tools", "pulumi", "bin");

/** The two Go binaries: where their wrapper module is, the package to build, and the module whose version pins them. */
const BINARIES = [
    {
        name: "pulumi",
        what: "Pulumi CLI",
        moduleDir: path.join(ROOT, "tools", "pulumi-cli"),
        pkg: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
        pinnedBy: "github.com/pulumi/pulumi/pkg/v3",
        // The CLI reports its version itself.
        installed: (bin) => {
            const r = spawnSync(bin, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
            return r.status === 0 ? r.stdout.trim() : undefined;
        },
    },
    {
        name: "pulumi-language-nodejs",
        what: "Node.js language host",
        moduleDir: path.join(ROOT, "tools", "pulumi-language-nodejs"),
        pkg: "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs",
        pinnedBy: "github.com/pulumi/pulumi/sdk/v3",
        // The host has no version flag: the build writes one beside it.
        installed: (bin) =>
            fs.existsSync(bin) && fs.existsSync(`${bin}.version`) ? fs.readFileSync(`${bin}.version`, "utf8").trim() : undefined,
        stamp: true,
    },
];

function pinnedVersion(b) {
    const mod = fs.readFileSync(path.join(b.moduleDir, "go.mod"), "utf8");
    const m = new RegExp(`${b.pinnedBy.replace(/[./]/g, "\\$&")} (v\\d+\\.\\d+\\.\\d+)`).exec(mod);
    if (!m) throw new Error(`${path.relative(ROOT, b.moduleDir)}/go.mod does not require ${b.pinnedBy} at a version`);
    return m[1];
}

/**
 * Pulumi's own distribution ships the Node.js dynamic-provider plugin (a small script that starts the SDK's
 * provider host from the project's node_modules) beside the `pulumi` binary; the SDK package carries the
 * same script. Put it in the same place, so the CLI finds it as it does in a normal install.
 */
function placeDynamicProviderPlugin() {
    const name = "pulumi-resource-pulumi-nodejs";
    const from = path.join(ROOT, "node_modules", "@pulumi", "pulumi", name);
    if (!fs.existsSync(from)) {
        console.error(`${from} is missing: run \`npm ci\` first, then \`npm run pulumi:install\` again.`);
        process.exit(1);
    }
    fs.copyFileSync(from, path.join(BIN_DIR, name));
    fs.chmodSync(path.join(BIN_DIR, name), 0o755);
}

function build(b, version) {
    const bin = path.join(BIN_DIR, b.name);
    console.log(`Building the ${b.what} ${version} from its Go module`);
    const started = Date.now();
    const tmp = `${bin}.${process.pid}.tmp`;
    try {
        execFileSync(
            "go",
            [
                "build",
                "-mod=readonly",
                "-trimpath",
                "-ldflags",
                `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`,
                "-o",
                tmp,
                b.pkg,
            ],
            { cwd: b.moduleDir, stdio: "inherit", env: { ...process.env, GOFLAGS: "-buildvcs=false" } },
        );
        fs.renameSync(tmp, bin);
        if (b.stamp) fs.writeFileSync(`${bin}.version`, `${version}\n`);
    } catch (e) {
        fs.rmSync(tmp, { force: true });
        console.error(`The ${b.what} build failed (${e.message.split("\n")[0]}).`);
        process.exit(1);
    }
    console.log(`Built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${bin}`);
}

function main() {
    const force = process.argv.includes("--force");
    fs.mkdirSync(BIN_DIR, { recursive: true });
    const todo = BINARIES.map((b) => ({ b, version: pinnedVersion(b) })).filter(
        ({ b, version }) => force || b.installed(path.join(BIN_DIR, b.name)) !== version,
    );
    if (todo.length) {
        const go = spawnSync("go", ["version"], { encoding: "utf8" });
        if (go.status !== 0) {
            console.error(
                "pulumi:install needs Go (1.26 or newer) on PATH to build the Pulumi CLI and its Node.js language host from their Go modules.",
            );
            process.exit(1);
        }
        console.log(
            `Using ${go.stdout.trim()}; a cold build downloads the modules and compiles for several minutes, later builds reuse Go's caches.`,
        );
        for (const { b, version } of todo) build(b, version);
    }
    placeDynamicProviderPlugin();
    for (const b of BINARIES) {
        const bin = path.join(BIN_DIR, b.name);
        const have = b.installed(bin);
        const want = pinnedVersion(b);
        if (have !== want) {
            console.error(`The ${b.what} at ${bin} reports ${have ?? "nothing"} instead of ${want}.`);
            process.exit(1);
        }
        console.log(`${b.what} ${have}${todo.some((t) => t.b === b) ? "" : " (already built)"}: ${bin}`);
    }
}

main();
