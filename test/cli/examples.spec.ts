/**
 * The examples as a user runs them, through the real Pulumi CLI in their project folders:
 * - `examples/chatlio` set up as its README says (stack init, config set --secret, preview, up, stack
 *   output, the event check, destroy);
 * - `examples/pr-preview`: both workflows' steps in order, as the commands the jobs run (the pull-request
 *   preview of `dev` and `prod` with the credentials in the environment, then `up` of `dev`; and the fork
 *   job against the emulator it starts itself), and the pull-request comment its README shows;
 * - `pulumi new` with `examples/chatlio` as the template, installing the packed package, then `up`.
 */
import { execFileSync, spawn } from "child_process";
import { expect } from "chai";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { INSTALL_HINT, PULUMI_BIN, ROOT, cliInstalled } from "./harness";
import { Project, ProjectHome, foldPreview, languageHostInstalled, must, previewText } from "./project";

const CHATLIO = path.join(ROOT, "examples", "chatlio");
const PR_PREVIEW = path.join(ROOT, "examples", "pr-preview");
const SEND_TEST_EVENT = [path.join(ROOT, "dist", "cli.js"), "send-test-event"];

const demoEnv = (url: string) => ({
    AEP_PLATFORM_URL: url,
    AEP_IMS_URL: url,
    AEP_CLIENT_ID: DEMO_CREDENTIALS.clientId,
    AEP_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
    AEP_ORG_ID: DEMO_CREDENTIALS.orgId,
});

/** The `env:` values a workflow file sets for a job (KEY: value lines, `${{ … }}` expressions left out). */
function workflowEnv(file: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const m of fs.readFileSync(file, "utf8").matchAll(/^ {6}([A-Z_]+): (.+)$/gm)) if (!m[2].includes("${{")) env[m[1]] = m[2].trim();
    return env;
}

/** The `run:` commands of a workflow, in order (one per line of a `run: |` block). */
function workflowRuns(file: string): string[] {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const runs: string[] = [];
    for (let i = 0; i < lines.length; i++) {
        const m = /^\s+- (?:name: .*\n\s+)?run: (.*)$/.exec(lines[i]) ?? /^\s+run: (.*)$/.exec(lines[i]);
        if (!m) continue;
        if (m[1] !== "|") runs.push(m[1]);
        else
            for (
                const indent = lines[i + 1].length - lines[i + 1].trimStart().length;
                i + 1 < lines.length && lines[i + 1].startsWith(" ".repeat(indent));
            )
                runs.push(lines[++i].trim());
    }
    return runs;
}

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

/** The field group's unchanged fields, which a diff lists in full, replaced by one line (as the README shows them). */
function elideUnchangedFields(text: string): string {
    return text.replace(/^( +)fields +: \{\n(?:\1 .*\n)*?\1\}\n/m, (block, indent) =>
        /^\s+[~+-] /m.test(block) ? block : `${indent}fields          : { … }\n`,
    );
}

describe("The examples through the real Pulumi CLI", function () {
    if (!cliInstalled() || !languageHostInstalled()) {
        console.log(`\n  ${INSTALL_HINT}\n`);
        if (process.env.AEP_REQUIRE_PULUMI_CLI)
            it("needs the Pulumi CLI and its Node.js language host (AEP_REQUIRE_PULUMI_CLI is set)", () => expect.fail(INSTALL_HINT));
        return;
    }
    this.timeout(900_000);

    describe("examples/chatlio, set up as its README says", function () {
        const home = new ProjectHome();
        let emu: Emulator;
        let p: Project;

        before(async () => {
            // Records land in the data lake (Catalog shows their batch) as soon as they are posted.
            emu = await startEmulator({ dataLakeLatencyMs: 0 });
            // The emulator stands in for Adobe: its URLs are the only settings the README does not list.
            p = new Project(home, CHATLIO, `readme-${process.pid}`);
        });
        after(async () => {
            await p?.remove();
            await emu?.close();
            home.remove();
        });

        it("pulumi stack init, config set (the secret with --secret), preview (no write), up, stack output", async () => {
            await p.init({
                "aep:clientId": DEMO_CREDENTIALS.clientId,
                "aep:clientSecret": { value: DEMO_CREDENTIALS.clientSecret, secret: true },
                "aep:orgId": DEMO_CREDENTIALS.orgId,
                "aep:sandboxName": "dev",
                "aep:platformUrl": emu.url,
                "aep:imsUrl": emu.url,
            });
            const file = fs.readFileSync(path.join(CHATLIO, `Pulumi.${p.stack}.yaml`), "utf8");
            expect(file)
                .to.match(/aep:clientSecret:\n\s+secure: v1:/)
                .and.not.contain(DEMO_CREDENTIALS.clientSecret);
            await must(p.pulumi(["preview"]), "preview");
            expect(emu.log.filter((e) => e.kind === "write")).to.deep.equal([]);
            await must(p.pulumi(["up", "--yes"]), "up");
            expect(emu.objects("dev").filter((o) => o.kind !== "mappingSet")).to.have.length(6);
            const url = (await must(p.pulumi(["stack", "output", "--show-secrets", "webhookUrl"]), "stack output")).stdout.trim();
            expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/collection\/[0-9a-f]{64}\?x-adobe-flow-id=/);
        });

        it("the event check (pulumi-aep-chatlio send-test-event) posts to the stack's webhook URL, and the event lands", async () => {
            const r = await must(p.run(process.execPath, SEND_TEST_EVENT), "send-test-event");
            expect(r.stdout).to.contain("new conversation: 200").and.contain("AEP accepted every event");
            expect(r.stdout).to.not.match(/collection\/[0-9a-f]{64}/);
            expect(emu.records(String((await p.outputs()).datasetId))).to.have.length(1);
        });

        it("destroy: the dataset holds the event, so it takes chatlio:forceDestroy first", async () => {
            const refused = await p.pulumi(["destroy", "--yes"]);
            expect(refused.code).to.not.equal(0);
            // The dataset protects itself until the opt-in: Pulumi refuses at the preview, before any delete.
            expect(refused.stdout + refused.stderr).to.match(/aep:Dataset::chatlio-dataset" cannot be deleted\s+because it is protected/);
            await must(p.pulumi(["config", "set", "chatlio:forceDestroy", "true"]), "config set");
            await must(p.pulumi(["up", "--yes"]), "up");
            await must(p.pulumi(["destroy", "--yes"]), "destroy");
            expect(emu.objects("dev").filter((o) => o.kind !== "mappingSet")).to.deep.equal([]);
        });
    });

    describe("examples/pr-preview: the workflows' steps, as commands", function () {
        const home = new ProjectHome();
        let emu: Emulator;
        const stacks: Project[] = [];

        before(async () => {
            emu = await startEmulator();
        });
        after(async () => {
            for (const s of stacks) await s.remove();
            await emu?.close();
            home.remove();
        });

        it("chatlio.yml on a pull request: preview --diff of dev and prod with the credentials in the environment, no write; then up of dev", async () => {
            // The job's environment: the repository secrets as AEP_* variables, the sandbox per stack (the emulator's URLs stand in for Adobe's).
            for (const name of ["dev", "prod"]) {
                const s = new Project(home, PR_PREVIEW, `${name}`, { ...demoEnv(emu.url), AEP_SANDBOX_NAME: name });
                stacks.push(s);
                await must(s.pulumi(["stack", "select", "--create"]), "stack select --create");
                const preview = await must(s.pulumi(["preview", "--diff"]), `preview ${name}`);
                expect(preview.stdout)
                    .to.match(/\+ 10 to create/)
                    .and.match(new RegExp(`sandboxName +: "${name}"`));
            }
            expect(emu.log.filter((e) => e.kind === "write")).to.deep.equal([]);
            const up = await must(stacks[0].pulumi(["up", "--yes"]), "up dev");
            expect(up.stdout).to.match(/\+ 10 created/);
            expect(emu.objects("dev").filter((o) => o.kind !== "mappingSet")).to.have.length(6);
            expect(emu.objects("prod")).to.deep.equal([]);
            // No credential reached the stack's config file or its state.
            const state = JSON.stringify(await stacks[0].export());
            expect(state).to.not.contain(DEMO_CREDENTIALS.clientSecret);
            expect(
                fs.existsSync(path.join(PR_PREVIEW, "Pulumi.dev.yaml"))
                    ? fs.readFileSync(path.join(PR_PREVIEW, "Pulumi.dev.yaml"), "utf8")
                    : "",
            ).to.not.contain(DEMO_CREDENTIALS.clientSecret);
        });

        it("the pull-request comment in its README is what the preview of a display-name change shows", async () => {
            const dev = stacks[0];
            await must(dev.pulumi(["config", "set", "chatlio:displayName", "Support dev"]), "config set");
            const preview = await must(dev.pulumi(["preview", "--diff"]), "preview");
            const state = await dev.export();
            const suffix = state.deployment.resources?.find((r) => r.type === "random:index/randomString:RandomString")?.outputs?.result;
            const shown = elideUnchangedFields(foldPreview(previewText(preview), { stack: dev.stack, suffix }) + "\n").trimEnd();
            const readme = path.join(PR_PREVIEW, "README.md");
            const text = fs.readFileSync(readme, "utf8");
            if (process.env.AEP_UPDATE_GOLDEN)
                fs.writeFileSync(
                    readme,
                    text.replace(
                        /## What the pull-request comment shows\n([\s\S]*?)```\n[\s\S]*?```/,
                        (_m, intro) => `## What the pull-request comment shows\n${intro}\`\`\`\n${shown}\n\`\`\``,
                    ),
                );
            const block = /## What the pull-request comment shows\n[\s\S]*?```\n([\s\S]*?)```/
                .exec(fs.readFileSync(readme, "utf8"))![1]
                .trimEnd();
            expect(shown).to.equal(block);
            await must(dev.pulumi(["config", "rm", "chatlio:displayName"]), "config rm");
        });

        it("fork-preview.yml: starts the packed emulator with npx, then stack init, preview --diff, up --yes and the event check, with no secret; examples/chatlio deploys against it too", async () => {
            const file = path.join(PR_PREVIEW, "fork-preview.yml");
            const env = workflowEnv(file);
            expect(Object.keys(env)).to.include.members([
                "AEP_PLATFORM_URL",
                "AEP_CLIENT_ID",
                "AEP_CLIENT_SECRET",
                "AEP_ORG_ID",
                "PULUMI_CONFIG_PASSPHRASE",
            ]);
            expect(workflowRuns(file)).to.deep.equal([
                "npm ci",
                "mkdir -p .pulumi-state",
                "npx aep-emulator --port 8787 > emulator.log 2>&1 &",
                "until curl -sf http://127.0.0.1:8787/__emulator/health > /dev/null; do sleep 1; done",
                "pulumi stack init ci",
                "pulumi preview --diff",
                "pulumi up --yes",
                "npx pulumi-aep-chatlio send-test-event",
            ]);
            // The job's steps on this machine: the emulator from its packed tarball, installed in a folder of its own
            // with nothing else and started with `npx aep-emulator` (a free port for 8787); a state file of its own;
            // the job's demo credentials.
            const port = await freePort();
            const url = `http://127.0.0.1:${port}`;
            const state = fs.mkdtempSync(path.join(os.tmpdir(), "aep-fork-state-"));
            const emuDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-fork-emulator-"));
            const packed = JSON.parse(
                execFileSync("npm", ["pack", "--json", "--silent", "--ignore-scripts", "--pack-destination", emuDir], {
                    cwd: path.join(ROOT, "emulator"),
                    encoding: "utf8",
                }),
            )[0].filename;
            fs.writeFileSync(path.join(emuDir, "package.json"), JSON.stringify({ name: "fork-ci", private: true }));
            execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", `./${packed}`], {
                cwd: emuDir,
                stdio: "ignore",
            });
            const emulator = spawn("npx", ["--no-install", "aep-emulator", "--port", String(port)], {
                cwd: emuDir,
                stdio: ["ignore", "pipe", "pipe"],
                detached: true,
            });
            try {
                await new Promise<void>((resolve, reject) => {
                    let out = "";
                    emulator.stdout!.on("data", (d) => {
                        out += d;
                        if (out.includes(url)) resolve();
                    });
                    emulator.on("exit", (code) => reject(new Error(`the emulator exited (${code}): ${out}`)));
                });
                const s = new Project(home, PR_PREVIEW, "ci", {
                    ...env,
                    AEP_PLATFORM_URL: url,
                    AEP_IMS_URL: url,
                    PULUMI_BACKEND_URL: `file://${state}`,
                });
                await must(s.pulumi(["stack", "init"]), "stack init ci");
                const preview = await must(s.pulumi(["preview", "--diff"]), "preview");
                expect(preview.stdout).to.match(/\+ 10 to create/);
                const up = await must(s.pulumi(["up", "--yes"]), "up");
                expect(up.stdout).to.match(/\+ 10 created/);
                const sent = await must(s.run(process.execPath, SEND_TEST_EVENT), "send-test-event");
                expect(sent.stdout).to.contain("new conversation: 200");
                fs.rmSync(path.join(PR_PREVIEW, "Pulumi.ci.yaml"), { force: true });
                // The same emulator serves examples/chatlio, deployed as its README says (the emulator's URLs aside).
                const chatlio = new Project(home, CHATLIO, `fork-${process.pid}`, {
                    ...env,
                    AEP_PLATFORM_URL: url,
                    AEP_IMS_URL: url,
                    PULUMI_BACKEND_URL: `file://${state}`,
                });
                await must(chatlio.pulumi(["stack", "init"]), "stack init");
                expect((await must(chatlio.pulumi(["up", "--yes"]), "up examples/chatlio")).stdout).to.match(/\+ 10 created/);
                await chatlio.remove();
            } finally {
                try {
                    process.kill(-emulator.pid!, "SIGTERM");
                } catch {
                    emulator.kill();
                }
                fs.rmSync(state, { recursive: true, force: true });
                fs.rmSync(emuDir, { recursive: true, force: true });
            }
        });
    });

    describe("pulumi new with examples/chatlio as the template", function () {
        const home = new ProjectHome();
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "aep-new-"));
        let emu: Emulator;
        let p: Project;

        before(async () => {
            emu = await startEmulator();
        });
        after(async () => {
            await emu?.close();
            home.remove();
            fs.rmSync(work, { recursive: true, force: true });
        });

        it("asks for the stack's settings (the secret as a secret), installs the packed package, and the project deploys", async () => {
            // The template as it would be published: its dependency on this package names a released version;
            // here, the packed tarball stands in for it.
            const tarball = path.join(
                work,
                JSON.parse(
                    execFileSync("npm", ["pack", "--json", "--silent", "--ignore-scripts", "--pack-destination", work], {
                        cwd: ROOT,
                        encoding: "utf8",
                    }),
                )[0].filename,
            );
            const template = path.join(work, "template");
            fs.cpSync(CHATLIO, template, {
                recursive: true,
                filter: (f) => !/node_modules|Pulumi\.[^/]*\.yaml$/.test(path.basename(f)) || path.basename(f) === "Pulumi.yaml",
            });
            const pkg = JSON.parse(fs.readFileSync(path.join(template, "package.json"), "utf8"));
            pkg.dependencies["pulumi-aep-chatlio"] = `file:${tarball}`;
            fs.writeFileSync(path.join(template, "package.json"), JSON.stringify(pkg, null, 2));

            const dir = path.join(work, "support-chat");
            // `pulumi new` asks for each setting the template's Pulumi.yaml declares, in a terminal: the answers
            // are typed at its prompts (`script` gives it one). The emulator's URLs are the only settings given as
            // flags: a user talking to Adobe keeps the defaults.
            const asked: string[] = [];
            const answers: Array<[RegExp, string]> = [
                [/Client ID of the OAuth Server-to-Server credential/, DEMO_CREDENTIALS.clientId],
                [/Client secret of that credential/, DEMO_CREDENTIALS.clientSecret],
                [/IMS organization id, ending with @AdobeOrg/, DEMO_CREDENTIALS.orgId],
                [/AEP sandbox to deploy into .*\(prod\)/, ""],
                [/Start of every AEP display name .*\(Chatlio\)/, "Support"],
            ];
            const command = [
                PULUMI_BIN,
                "new",
                template,
                "--dir",
                dir,
                "--name",
                "support-chat",
                "--description",
                "Chatlio webhooks into AEP",
                "--stack",
                "dev",
                "-c",
                `aep:platformUrl=${emu.url}`,
                "-c",
                `aep:imsUrl=${emu.url}`,
            ]
                .map((a) => `'${a}'`)
                .join(" ");
            const created = await new Promise<number>((resolve) => {
                const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], {
                    cwd: work,
                    env: home.env(),
                    stdio: ["pipe", "pipe", "pipe"],
                });
                let seen = "";
                child.stdout!.on("data", (d) => {
                    seen += d.toString();
                    while (answers.length && answers[0][0].test(seen)) {
                        asked.push(String(answers[0][0]));
                        child.stdin!.write(`${answers.shift()![1]}\r`);
                        seen = "";
                    }
                });
                const stuck = setTimeout(() => child.kill(), 300_000);
                child.on("exit", (code) => {
                    clearTimeout(stuck);
                    resolve(code ?? 1);
                });
            });
            expect(created).to.equal(0);
            expect(asked).to.have.length(5);
            const config = fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8");
            expect(config, config)
                .to.match(/aep:clientSecret:\n\s+secure: v1:/)
                .and.not.contain(DEMO_CREDENTIALS.clientSecret);
            expect(config).to.contain("aep:sandboxName: prod").and.contain("chatlio:displayName: Support");
            expect(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).to.contain("name: support-chat");

            p = new Project(home, dir, "dev");
            const up = await must(p.pulumi(["up", "--yes"]), "up");
            expect(up.stdout).to.match(/\+ 10 created/);
            const sent = await must(
                p.run("npx", ["--no-install", "pulumi-aep-chatlio", "send-test-event"]),
                "npx pulumi-aep-chatlio send-test-event",
            );
            expect(sent.stdout).to.contain("new conversation: 200");
            await must(p.pulumi(["config", "set", "chatlio:forceDestroy", "true"]), "config set");
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            await must(p.pulumi(["destroy", "--yes", "--skip-preview"]), "destroy");
            expect(emu.objects().filter((o) => o.kind !== "mappingSet")).to.deep.equal([]);
        });
    });
});
