/**
 * The real Pulumi CLI in project folders, as users run it: the repository's root project (what `npm start`
 * deploys with the local engine) and its golden previews. The examples, the pull-request workflows and `pulumi
 * new` have suites of their own (examples.spec.ts, pipeline.spec.ts).
 * Every command is the CLI's own (`pulumi stack init`, `config set`, `preview --diff`, `up --yes`,
 * `stack output`, `refresh`, `destroy`), against the emulator, through Pulumi's Node.js language host.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Emulator, startEmulator } from "aep-emulator";
import { INSTALL_HINT, ROOT, cliInstalled } from "./harness";
import { Project, ProjectHome, foldPreview, languageHostInstalled, must, previewText } from "./project";
import { beyondSettingsCheck } from "../support/requests";

const GOLDEN = path.join(__dirname, "golden");
/** Set AEP_UPDATE_GOLDEN=1 to write the golden previews anew (then review the diff before committing). */
const UPDATE = !!process.env.AEP_UPDATE_GOLDEN;

function golden(name: string, text: string): void {
    const file = path.join(GOLDEN, `${name}.txt`);
    if (UPDATE) {
        fs.mkdirSync(GOLDEN, { recursive: true });
        fs.writeFileSync(file, `${text}\n`);
    }
    expect(text, `golden preview ${name} (AEP_UPDATE_GOLDEN=1 rewrites it)`).to.equal(fs.readFileSync(file, "utf8").trimEnd());
}

/** The stack's random suffix (the RandomString all ChatlioSource names share), for folding. */
async function suffixOf(p: Project): Promise<string | undefined> {
    const state = await p.export();
    return state.deployment.resources?.find((r) => r.type === "random:index/randomString:RandomString")?.outputs?.result;
}

const writes = (emu: Emulator) => emu.log.filter((e) => e.kind === "write");

describe("The real Pulumi CLI in project folders", function () {
    if (!cliInstalled() || !languageHostInstalled()) {
        console.log(`\n  ${INSTALL_HINT}\n`);
        if (process.env.AEP_REQUIRE_PULUMI_CLI)
            it("needs the Pulumi CLI and its Node.js language host (AEP_REQUIRE_PULUMI_CLI is set)", () => expect.fail(INSTALL_HINT));
        return;
    }
    this.timeout(600_000);

    describe("the repository's root project (Pulumi.yaml: examples/chatlio's program)", function () {
        const home = new ProjectHome();
        let emu: Emulator;
        let p: Project;

        before(async () => {
            emu = await startEmulator();
            p = new Project(home, ROOT, `root-${process.pid}`);
            await p.init({
                "aep:clientId": emu.env().AEP_CLIENT_ID,
                "aep:clientSecret": { value: emu.env().AEP_CLIENT_SECRET, secret: true },
                "aep:orgId": emu.env().AEP_ORG_ID,
                "aep:platformUrl": emu.url,
                "aep:imsUrl": emu.url,
            });
        });
        after(async () => {
            await p?.remove();
            await emu?.close();
            home.remove();
        });

        it("previews a new stack with no AEP request but the settings check, then creates it with `pulumi up --yes`", async () => {
            const preview = await must(p.pulumi(["preview"]), "preview");
            expect(preview.stdout).to.match(/\+ 10 to create/);
            expect(beyondSettingsCheck(emu.log)).to.deep.equal([]);
            const up = await must(p.pulumi(["up", "--yes"]), "up");
            expect(up.stdout).to.match(/\+ 10 created/);
            expect(writes(emu).filter((e) => e.method === "POST")).to.have.length(7);
        });

        it("exports the webhook URL as a secret, and an event posted to it lands (npm run smoke -- --url)", async () => {
            const shown = await p.outputs();
            expect(shown.webhookUrl).to.equal("[secret]");
            const url = String((await p.outputs(true)).webhookUrl);
            expect(url).to.match(/\/collection\/[0-9a-f]{64}\?x-adobe-flow-id=/);
            const smoke = await must(p.run("npm", ["run", "--silent", "smoke", "--", "--url", url]), "smoke");
            expect(smoke.stdout).to.contain("new conversation: 200").and.not.contain(url);
            expect(emu.records(String(shown.datasetId))).to.have.length(1);
        });

        it("previews and applies an unchanged stack with no AEP request but the settings check", async () => {
            emu.resetLog();
            const preview = await must(p.pulumi(["preview", "--diff"]), "preview");
            expect(preview.stdout).to.match(/10 unchanged/);
            const up = await must(p.pulumi(["up", "--yes"]), "up");
            expect(up.stdout).to.match(/10 unchanged/);
            // The preview, and the up's own preview and update.
            expect(beyondSettingsCheck(emu.log, 3)).to.deep.equal([]);
        });

        it("previews a display-name change as renames only: no removed mapping, nothing unknown, no warning (golden)", async () => {
            await must(p.pulumi(["config", "set", "chatlio:displayName", "Support"]), "config set");
            emu.resetLog();
            const preview = await must(p.pulumi(["preview", "--diff"]), "preview");
            expect(emu.log.filter((e) => e.kind === "write")).to.deep.equal([]);
            const text = foldPreview(previewText(preview), { stack: p.stack, suffix: await suffixOf(p) });
            expect(text).to.match(/~ 5 to update/);
            expect(text).to.not.match(/- mappings|\[unknown\]|output<|warning/);
            golden("display-name-change", text);
        });

        it("applies it: the five renames, no new mapping version, the dataflow untouched", async () => {
            emu.resetLog();
            const up = await must(p.pulumi(["up", "--yes"]), "up");
            expect(up.stdout).to.match(/~ 5 updated/);
            const w = writes(emu).map((e) => `${e.method} ${e.path.split("/").slice(3, 5).join("/")}`);
            expect(w.filter((x) => /\/(mappingSets|flows)\b/.test(x))).to.deep.equal([]);
        });

        it("previews a new field as an update of the field group alone: nothing unknown, no removed mapping (golden)", async () => {
            await must(
                p.pulumi(["config", "set", "chatlio:extraFields", JSON.stringify({ rating: { type: "string", title: "Rating" } })]),
                "config set",
            );
            emu.resetLog();
            const preview = await must(p.pulumi(["preview", "--diff"]), "preview");
            expect(writes(emu)).to.deep.equal([]);
            const text = foldPreview(previewText(preview), { stack: p.stack, suffix: await suffixOf(p) });
            expect(text)
                .to.match(/~ 1 to update/)
                .and.match(/\+ +rating +: \{/);
            expect(text).to.not.match(/- mappings|\[unknown\]|output</);
            golden("new-field", text);
            await must(p.pulumi(["up", "--yes"]), "up");
        });

        it("previews a mapping change: the mapping set updates, and the dataflow follows its new version, saying that ingestion pauses (golden)", async () => {
            await must(
                p.pulumi([
                    "config",
                    "set",
                    "chatlio:mappings",
                    JSON.stringify([{ source: "rating", destination: "_tenant.chatlio.rating" }]),
                ]),
                "config set",
            );
            emu.resetLog();
            const preview = await must(p.pulumi(["preview", "--diff"]), "preview");
            expect(writes(emu)).to.deep.equal([]);
            const text = foldPreview(previewText(preview), { stack: p.stack, suffix: await suffixOf(p) });
            expect(text).to.match(/~ 2 to update/);
            // AEP gives the mapping set a new version (unknown until it answers); no mapping is shown removed.
            expect(text)
                .to.match(/~ mappingVersion +: 0 => \[unknown\]/)
                .and.not.match(/- mappings/);
            expect(text).to.match(
                /warning: dataflow "Chatlio dataflow <suffix>" is updated in place \(mappingVersion\): AEP pauses ingestion/,
            );
            golden("mapping-change", text);
            const up = await must(p.pulumi(["up", "--yes"]), "up");
            expect(up.stdout).to.match(/~ 2 updated/);
            expect(up.stdout).to.match(
                /Diagnostics:\n(.*\n)* {2}pulumi-nodejs:dynamic\/aep:Dataflow \(chatlio-dataflow\):\n {4}warning: dataflow "Chatlio dataflow [a-z0-9]{6}" is updated in place \(mappingVersion\)/,
            );
        });

        it("previews a sandbox change with the opt-in that lets the dataset go: all seven replaced, the new webhook URL announced as a warning of the dataflow, counted (golden)", async () => {
            await must(p.pulumi(["config", "set", "aep:sandboxName", "dev"]), "config set");
            // The dataset is protected until forceDestroy: one `pulumi up` lifts the protection and replaces it.
            await must(p.pulumi(["config", "set", "chatlio:forceDestroy", "true"]), "config set");
            emu.resetLog();
            const preview = await must(p.pulumi(["preview", "--diff"]), "preview");
            // Reads only: whether the dataset to be replaced holds data (it holds none that landed yet).
            expect(writes(emu)).to.deep.equal([]);
            expect(
                beyondSettingsCheck(emu.log)
                    .filter((e) => e.kind === "read")
                    .map((e) => e.path.split("/").slice(3, 5).join("/")),
            ).to.deep.equal(["catalog/dataSets"]);
            const text = foldPreview(previewText(preview), { stack: p.stack, suffix: await suffixOf(p) });
            expect(text).to.match(/\+-7 to replace/);
            golden("sandbox-change", text);
            const json = JSON.parse((await must(p.pulumi(["preview", "--json"]), "preview --json")).stdout);
            const warnings = (json.diagnostics ?? []).filter((d: any) => d.severity === "warning");
            expect(warnings.map((d: any) => String(d.urn).split("::").pop())).to.deep.equal(["chatlio-dataflow"]);
            expect(warnings[0].message).to.match(
                /dataflow "Chatlio dataflow [a-z0-9]{6}" will be replaced \([^)]*sandboxName changed\): AEP gives the new dataflow a new streaming URL/,
            );
            await must(p.pulumi(["config", "rm", "aep:sandboxName"]), "config rm");
            await must(p.pulumi(["config", "rm", "chatlio:forceDestroy"]), "config rm");
        });

        it("refreshes with no change, then destroys, leaving only the mapping set", async () => {
            const refresh = await must(p.pulumi(["refresh", "--yes"]), "refresh");
            expect(refresh.stdout).to.match(/10 unchanged/);
            // The dataset holds the event posted above: destroying it needs the opt-in (the safety spec shows the refusal).
            await must(p.pulumi(["config", "set", "chatlio:forceDestroy", "true"]), "config set");
            emu.resetLog();
            const up = await must(p.pulumi(["up", "--yes"]), "up");
            // The dataset (its protection lifted) and the dataflow (its delete guard) take the opt-in.
            expect(up.stdout).to.match(/~ 2 updated/);
            expect(writes(emu), "the opt-in alone sends nothing to AEP").to.deep.equal([]);
            const destroy = await must(p.pulumi(["destroy", "--yes"]), "destroy");
            expect(destroy.stdout).to.match(/- 10 deleted/);
            expect(emu.objects().map((o) => o.kind)).to.deep.equal(["mappingSet"]);
        });
    });

    describe("the Node.js it all runs on", function () {
        const home = new ProjectHome();
        let p: Project;
        after(async () => {
            await p?.remove();
            home.remove();
        });

        it("is the project's own Node 22 for the program and for Pulumi's dynamic-provider host, whatever the machine's node is", async () => {
            p = new Project(home, path.join(ROOT, "test", "fixtures", "node-version"), `node-${process.pid}`);
            await p.init();
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            const out = await p.outputs();
            expect(process.version, "the tests' own node (npm puts node_modules/.bin first)").to.match(/^v22\./);
            expect(out.program).to.equal(process.version);
            expect(out.host).to.equal(process.version);
            await must(p.pulumi(["destroy", "--yes", "--skip-preview"]), "destroy");
        });
    });
});
