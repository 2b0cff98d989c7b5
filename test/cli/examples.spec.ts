/**
 * The examples as a user runs them, through the real Pulumi CLI in their project folders:
 * - `examples/chatlio` set up as its README says (stack init, config set --secret, preview, up, stack
 *   output, the event check, destroy);
 * - `pulumi new` with `examples/chatlio` as the template in a folder outside this repository, as the README's
 *   non-interactive form (the packed package installed first, until it is published), then `up`.
 * The workflows of `examples/pr-preview` run in pipeline.spec.ts.
 */
import { execFileSync } from "child_process";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { INSTALL_HINT, PULUMI_BIN, ROOT, cliInstalled } from "./harness";
import { Project, ProjectHome, languageHostInstalled, must } from "./project";

const CHATLIO = path.join(ROOT, "examples", "chatlio");
const SEND_TEST_EVENT = [path.join(ROOT, "dist", "cli.js"), "send-test-event"];

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
        home.typeCheck = true; // the examples as users run them: type-checked
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

    describe("pulumi new with examples/chatlio as the template, outside this repository", function () {
        const home = new ProjectHome();
        home.typeCheck = true; // the examples as users run them: type-checked
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "aep-new-"));
        let emu: Emulator;

        before(async () => {
            emu = await startEmulator();
        });
        after(async () => {
            await emu?.close();
            home.remove();
            fs.rmSync(work, { recursive: true, force: true });
        });

        it("the non-interactive form CI uses, after the README's one extra step (npm install of the packed package): the package by its published name, the secret encrypted, and the project deploys", async () => {
            // `npm pack` in this repository: what the package's registry copy will hold.
            const tarball = path.join(
                work,
                JSON.parse(
                    execFileSync("npm", ["pack", "--json", "--silent", "--ignore-scripts", "--pack-destination", work], {
                        cwd: ROOT,
                        encoding: "utf8",
                    }),
                )[0].filename,
            );
            const dir = path.join(work, "support-chat");
            fs.mkdirSync(dir);
            const p = new Project(home, dir, "dev");
            // The README's extra step until the package is published.
            await must(p.run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball]), "npm install the tarball");
            // The README's non-interactive form: the settings as flags, the secret from stdin into `config set --secret`.
            await must(
                p.run(PULUMI_BIN, [
                    "new",
                    CHATLIO,
                    "--force",
                    "--yes",
                    "--name",
                    "support-chat",
                    "--description",
                    "Chatlio webhooks into AEP",
                    "--stack",
                    "dev",
                    "-c",
                    `aep:clientId=${DEMO_CREDENTIALS.clientId}`,
                    "-c",
                    `aep:orgId=${DEMO_CREDENTIALS.orgId}`,
                    "-c",
                    "aep:sandboxName=dev",
                    // The emulator stands in for Adobe: its URLs are the only settings the README does not list.
                    "-c",
                    `aep:platformUrl=${emu.url}`,
                    "-c",
                    `aep:imsUrl=${emu.url}`,
                ]),
                "pulumi new",
            );
            await must(
                p.run("sh", ["-c", 'printf %s "$SECRET" | pulumi config set --secret aep:clientSecret'], {
                    SECRET: DEMO_CREDENTIALS.clientSecret,
                }),
                "config set --secret from stdin",
            );
            const config = fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8");
            expect(config, config)
                .to.match(/aep:clientSecret:\n\s+secure: v1:/)
                .and.not.contain(DEMO_CREDENTIALS.clientSecret);
            expect(config).to.contain("aep:sandboxName: dev").and.contain("chatlio:displayName: Chatlio");
            expect(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).to.contain("name: support-chat");
            // The project names the package by version, and nothing of this repository's layout.
            const pkg = fs.readFileSync(path.join(dir, "package.json"), "utf8");
            expect(JSON.parse(pkg).dependencies["pulumi-aep-chatlio"]).to.match(/^\^\d+\.\d+\.\d+$/);
            expect(pkg).to.not.match(/file:|\.\.\//);
            expect(fs.lstatSync(path.join(dir, "node_modules", "pulumi-aep-chatlio")).isSymbolicLink()).to.equal(false);

            const preview = await must(p.pulumi(["preview"]), "preview");
            expect(preview.stdout).to.match(/\+ 10 to create/);
            const up = await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
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
