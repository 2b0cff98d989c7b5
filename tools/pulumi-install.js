#!/usr/bin/env node
// npm run pulumi:install — builds the Pulumi CLI from its Go module into .tools/pulumi/bin/pulumi.
//
// The CLI's main package is github.com/pulumi/pulumi/pkg/v3/cmd/pulumi. `go install pkg@version` refuses it
// (pkg's go.mod replaces sdk with a local folder), so tools/pulumi-cli/ is a wrapper module of ours that
// requires pkg and sdk at one version (go.mod/go.sum pin every dependency). The build is skipped when the
// binary already reports the pinned version, so a second run takes about a second; Go's own build and
// module caches make a rebuild on the same machine quick too.
"use strict";
const { execFileSync, spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const MODULE_DIR = path.join(ROOT, "tools", "pulumi-cli");
const BIN_DIR = path.join(ROOT, ".tools", "pulumi", "bin");
const BIN = path.join(BIN_DIR, "pulumi");

function pinnedVersion() {
    const mod = fs.readFileSync(path.join(MODULE_DIR, "go.mod"), "utf8");
    const m = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v\d+\.\d+\.\d+)/.exec(mod);
    if (!m) throw new Error("tools/pulumi-cli/go.mod does not require github.com/pulumi/pulumi/pkg/v3 at a version");
    return m[1];
}

function installedVersion() {
    if (!fs.existsSync(BIN)) return undefined;
    const r = spawnSync(BIN, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
    return r.status === 0 ? r.stdout.trim() : undefined;
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

function main() {
    const version = pinnedVersion();
    const force = process.argv.includes("--force");
    let have = installedVersion();
    if (have === version && !force) {
        placeDynamicProviderPlugin();
        console.log(`Pulumi CLI ${have} already built: ${BIN}`);
        console.log(`pulumi version: ${have}`);
        return;
    }
    const go = spawnSync("go", ["version"], { encoding: "utf8" });
    if (go.status !== 0) {
        console.error("pulumi:install needs Go (1.26 or newer) on PATH to build the Pulumi CLI from its Go module.");
        process.exit(1);
    }
    console.log(`Building the Pulumi CLI ${version} from its Go module with ${go.stdout.trim()}`);
    console.log("(a cold build downloads the modules and compiles for several minutes; later builds reuse Go's caches)");
    fs.mkdirSync(BIN_DIR, { recursive: true });
    const started = Date.now();
    const tmp = `${BIN}.${process.pid}.tmp`;
    try {
        execFileSync("go", [
            "build", "-mod=readonly", "-trimpath",
            "-ldflags", `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`,
            "-o", tmp, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
        ], { cwd: MODULE_DIR, stdio: "inherit", env: { ...process.env, GOFLAGS: "-buildvcs=false" } });
        fs.renameSync(tmp, BIN);
    } catch (e) {
        fs.rmSync(tmp, { force: true });
        console.error(`The Pulumi CLI build failed (${e.message.split("\n")[0]}).`);
        process.exit(1);
    }
    placeDynamicProviderPlugin();
    have = installedVersion();
    if (have !== version) {
        console.error(`The built CLI reports ${have ?? "nothing"} instead of ${version}.`);
        process.exit(1);
    }
    console.log(`Built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${BIN}`);
    console.log(`pulumi version: ${have}`);
}

main();
