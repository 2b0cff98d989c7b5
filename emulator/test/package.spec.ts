/**
 * The emulator as a user gets it: `npm pack` of this package, the tarball installed into a fresh folder
 * that holds nothing else, and its `aep-emulator` command started there with npx. The URL and demo
 * credentials it prints get a token from IMS and answer a Platform call.
 *
 * dist/ is current when this runs: `npm test -w aep-emulator` builds it first (`pretest`), and so does the
 * repository's whole suite (its build script, with --if-stale). So the pack skips scripts: `prepack` would
 * rebuild dist/ from empty while other specs, in other workers, load it.
 */
import { expect } from "chai";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

const PACKAGE_DIR = path.resolve(__dirname, "..");

/** The environment of a user's shell: none of the npm_* variables of the npm run this test may be part of. */
function userEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
    if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;
    return {
        ...env,
        npm_config_loglevel: "error",
        npm_config_update_notifier: "false",
        npm_config_fund: "false",
        npm_config_audit: "false",
    };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
    try {
        return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
    }
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

describe("The packed aep-emulator in a fresh folder", function () {
    this.timeout(180_000);
    let folder: string;
    let packed: { filename: string; files: string[] };
    let child: ChildProcess | undefined;

    before(() => {
        folder = fs.mkdtempSync(path.join(os.tmpdir(), "aep-emulator-user-"));
        const [info] = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", folder], PACKAGE_DIR));
        packed = { filename: info.filename, files: info.files.map((f: { path: string }) => f.path) };
        fs.writeFileSync(path.join(folder, "package.json"), JSON.stringify({ name: "aep-emulator-user", private: true }, null, 2));
        run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", `./${packed.filename}`], folder, userEnv());
    });

    after(async () => {
        if (child?.pid && child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child!.once("exit", resolve));
            process.kill(-child.pid, "SIGKILL");
            await exited;
        }
        if (folder) fs.rmSync(folder, { recursive: true, force: true });
    });

    it("packs dist/ (.js, .d.ts, source maps), README, CHANGELOG and LICENSE, and nothing else", () => {
        const others = packed.files.filter((f) => !f.startsWith("dist/"));
        expect(others.sort()).to.deep.equal(["CHANGELOG.md", "LICENSE", "README.md", "package.json"]);
        const js = packed.files.filter((f) => f.endsWith(".js"));
        expect(js).to.include.members(["dist/index.js", "dist/cli.js"]);
        for (const f of js) {
            expect(packed.files, f).to.include.members([f.replace(/\.js$/, ".d.ts"), `${f}.map`]);
        }
        expect(packed.files.filter((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts"))).to.deep.equal([]);
        expect(packed.files.filter((f) => /(^|\/)(src|test)\//.test(f))).to.deep.equal([]);
    });

    it("installs with no dependencies, and its command is a Node script", () => {
        const installed = path.join(folder, "node_modules", "aep-emulator");
        expect(fs.lstatSync(installed).isSymbolicLink()).to.equal(false);
        expect(fs.readdirSync(path.join(folder, "node_modules")).filter((d) => !d.startsWith("."))).to.deep.equal(["aep-emulator"]);
        const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
        expect(manifest.dependencies ?? {}).to.deep.equal({});
        expect(manifest.bin).to.deep.equal({ "aep-emulator": "dist/cli.js" });
        expect(fs.readFileSync(path.join(installed, "dist", "cli.js"), "utf8").split("\n")[0]).to.equal("#!/usr/bin/env node");
        expect(run("npx", ["aep-emulator", "--help"], folder, userEnv())).to.match(/^usage: aep-emulator \[--port 8787\]/);
    });

    it("runs with `npx aep-emulator --port N`, printing a URL and credentials that get a token and answer a Platform call", async () => {
        const port = await freePort();
        child = spawn("npx", ["aep-emulator", "--port", String(port)], {
            cwd: folder,
            env: userEnv(),
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout!.on("data", (d) => (out += d));
        child.stderr!.on("data", (d) => (err += d));
        const exit = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`aep-emulator printed no credentials within 60 s:\n${out}\n${err}`)), 60_000);
            child!.stdout!.on("data", () => {
                if (out.includes("Press Ctrl+C to stop.")) {
                    clearTimeout(timer);
                    resolve();
                }
            });
            exit.then((code) => {
                clearTimeout(timer);
                reject(new Error(`aep-emulator exited (${code}) before it was ready:\n${out}\n${err}`));
            });
        });

        const url = /AEP emulator listening on (\S+)/.exec(out)?.[1];
        expect(url, out).to.equal(`http://127.0.0.1:${port}`);
        const printed = (label: string) => new RegExp(`^\\s+${label}\\s+(\\S+)$`, "m").exec(out)?.[1] as string;
        const creds = { clientId: printed("client id"), clientSecret: printed("client secret"), orgId: printed("org id") };
        expect(Object.values(creds).every(Boolean), out).to.equal(true);
        const exported = Object.fromEntries([...out.matchAll(/^\s+export (AEP_\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
        expect(exported).to.include({
            AEP_PLATFORM_URL: url,
            AEP_IMS_URL: url,
            AEP_CLIENT_ID: creds.clientId,
            AEP_CLIENT_SECRET: creds.clientSecret,
            AEP_ORG_ID: creds.orgId,
        });

        const token = await fetch(`${url}/ims/token/v3`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: creds.clientId,
                client_secret: creds.clientSecret,
                scope: "openid,AdobeID,read_organizations",
            }).toString(),
        });
        expect(token.status).to.equal(200);
        const accessToken = ((await token.json()) as { access_token: string }).access_token;
        expect(accessToken).to.be.a("string").and.not.equal("");

        const stats = await fetch(`${url}/data/foundation/schemaregistry/stats`, {
            headers: {
                Authorization: `Bearer ${accessToken}`,
                "x-api-key": creds.clientId,
                "x-gw-ims-org-id": creds.orgId,
                "x-sandbox-name": exported.AEP_SANDBOX_NAME ?? "prod",
                Accept: "application/json",
            },
        });
        const body = (await stats.json()) as { imsOrg: string; tenantId: string };
        expect(stats.status, JSON.stringify(body)).to.equal(200);
        expect(body).to.include({ imsOrg: creds.orgId, tenantId: "acme" });

        // Ctrl+C, as the output says: the emulator closes its server and exits.
        process.kill(-child.pid!, "SIGINT");
        await exit;
        await new Promise((resolve) => setTimeout(resolve, 100));
        const closed = await fetch(`${url}/ims/token/v3`, { method: "POST" }).then(
            () => false,
            () => true,
        );
        expect(closed, "the emulator still answers after SIGINT").to.equal(true);
    });
});
