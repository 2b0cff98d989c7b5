/**
 * Safe for a production pipeline, through the real Pulumi CLI in project folders: a dataset holding data
 * is never deleted or replaced without the opt-in, and a teardown refused leaves the whole pipeline taking events; misspelt inputs fail at preview; an automatic name is the
 * same in every preview and in the up; a rotated secret reaches refresh after the documented step, and a
 * wrong one is reported once per resource, in one line naming the setting, without a stack trace.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { INSTALL_HINT, ROOT, cliInstalled } from "./harness";
import { Project, ProjectHome, emulatorConfig, languageHostInstalled, must, postEvent } from "./project";

const JS_PROJECT = path.join(ROOT, "test", "fixtures", "js-project");
const JS_CHATLIO = path.join(ROOT, "test", "fixtures", "js-chatlio");
const JS_TEARDOWN = path.join(ROOT, "test", "fixtures", "js-teardown");
const writes = (emu: Emulator) => emu.log.filter((e) => e.kind === "write");

describe("Safe for a production pipeline (real CLI, project folders)", function () {
    if (!cliInstalled() || !languageHostInstalled()) {
        console.log(`\n  ${INSTALL_HINT}\n`);
        if (process.env.AEP_REQUIRE_PULUMI_CLI)
            it("needs the Pulumi CLI and its Node.js language host (AEP_REQUIRE_PULUMI_CLI is set)", () => expect.fail(INSTALL_HINT));
        return;
    }
    this.timeout(600_000);

    describe("a ChatlioSource whose dataset holds events", function () {
        const home = new ProjectHome();
        let emu: Emulator;
        let p: Project;
        let datasetId = "";

        before(async () => {
            // Records land in the data lake (and Catalog shows a batch) as soon as they are posted.
            emu = await startEmulator({ dataLakeLatencyMs: 0 });
            p = new Project(home, ROOT, `safety-${process.pid}`);
            await p.init(emulatorConfig(emu));
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            const out = await p.outputs(true);
            datasetId = String(out.datasetId);
            expect(await postEvent(String(out.webhookUrl))).to.equal(200);
            expect(emu.records(datasetId)).to.have.length(1);
        });
        after(async () => {
            await p?.remove();
            await emu?.close();
            home.remove();
        });

        const refusal = (text: string) => {
            expect(text).to.match(new RegExp(`dataset "Chatlio events dataset [a-z0-9]{6}" \\(${datasetId}\\) holds data`));
            expect(text).to.contain("set `forceDestroy: true`").and.contain("ChatlioSource: forceDestroy");
        };

        it("refuses a sandbox switch at preview, naming the dataset, its data and the opt-in", async () => {
            await must(p.pulumi(["config", "set", "aep:sandboxName", "dev"]), "config set");
            emu.resetLog();
            const preview = await p.pulumi(["preview", "--diff"]);
            expect(preview.code).to.not.equal(0);
            refusal(preview.stdout + preview.stderr);
            expect(writes(emu)).to.deep.equal([]);
        });

        it("refuses it at up too (which previews first), changing nothing in AEP", async () => {
            const before = emu.objects();
            const up = await p.pulumi(["up", "--yes"]);
            expect(up.code).to.not.equal(0);
            refusal(up.stdout + up.stderr);
            expect(emu.objects()).to.deep.equal(before);
            expect(emu.records(datasetId)).to.have.length(1);
        });

        it("with the opt-in, previews the loss as a warning under the dataset and the new URL under the dataflow, then replaces everything", async () => {
            await must(p.pulumi(["config", "set", "chatlio:forceDestroy", "true"]), "config set");
            const json = JSON.parse((await must(p.pulumi(["preview", "--json"]), "preview")).stdout);
            const warnings = (json.diagnostics ?? []).filter((d: any) => d.severity === "warning");
            const under = (type: string) =>
                warnings.filter((d: any) =>
                    String(d.urn).endsWith(`$pulumi-nodejs:dynamic/aep:${type}::chatlio-${type === "Dataset" ? "dataset" : "dataflow"}`),
                );
            expect(
                under("Dataset")
                    .map((d: any) => d.message)
                    .join(""),
            ).to.match(/holds data .*replacing it deletes that data for good \(forceDestroy is set\)/);
            expect(
                under("Dataflow")
                    .map((d: any) => d.message)
                    .join(""),
            ).to.match(/will be replaced .*new streaming URL/);
            expect(json.changeSummary.replace).to.equal(7);
            const up = await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            expect(up.stdout).to.match(/\+-7 replaced/);
            expect(emu.objects("prod").filter((o) => o.kind !== "mappingSet")).to.deep.equal([]);
        });

        it("taking the opt-in back protects the dataset again; a destroy whose preview is skipped then deletes nothing, the dataflow refusing first", async () => {
            const out = await p.outputs(true);
            const newDataset = String(out.datasetId);
            expect(await postEvent(String(out.webhookUrl))).to.equal(200);
            await must(p.pulumi(["config", "rm", "chatlio:forceDestroy"]), "config rm");
            emu.resetLog();
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            expect(writes(emu), "taking the opt-in back sends nothing to AEP").to.deep.equal([]);
            const before = emu.objects("dev");
            const destroy = await p.pulumi(["destroy", "--yes", "--skip-preview"]);
            expect(destroy.code).to.not.equal(0);
            // Pulumi deletes dependents first: the dataflow's guard refuses before anything is deleted.
            expect(destroy.stdout + destroy.stderr)
                .to.match(
                    new RegExp(`dataflow "Chatlio dataflow [a-z0-9]{6}" \\([0-9a-f-]{36}\\) feeds dataset ${newDataset}, which holds data`),
                )
                .and.contain("set `forceDestroy: true` on the dataset and the dataflow (ChatlioSource: forceDestroy)");
            expect(emu.objects("dev")).to.deep.equal(before);
            expect(emu.records(newDataset)).to.have.length(1);
            expect(await postEvent(String(out.webhookUrl))).to.equal(200);
            await must(p.pulumi(["config", "set", "chatlio:forceDestroy", "true"]), "config set");
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            await must(p.pulumi(["destroy", "--yes", "--skip-preview"]), "destroy");
            expect(emu.objects("dev").filter((o) => o.kind !== "mappingSet")).to.deep.equal([]);
        });
    });

    describe("tearing down a ChatlioSource whose dataset holds events", function () {
        const home = new ProjectHome();
        let emu: Emulator;
        let p: Project;
        let datasetId = "";
        let webhookUrl = "";
        let held: ReturnType<Emulator["objects"]> = [];
        const datasetUrn = () =>
            `urn:pulumi:${p.stack}::aep-js-teardown::aep:chatlio:ChatlioSource$pulumi-nodejs:dynamic/aep:Dataset::chatlio-dataset`;
        // The engine's own words (step.go, deleteProtectedError), with the dataset's URN.
        const engineRefusal = (text: string) =>
            expect(text.replace(/\s+/g, " ")).to.contain(`resource "${datasetUrn()}" cannot be deleted because it is protected`);
        // Nothing deleted, nothing written, the webhook still takes events into the same dataset.
        const untouched = async () => {
            expect(writes(emu)).to.deep.equal([]);
            expect(emu.objects()).to.deep.equal(held);
            expect(await postEvent(webhookUrl)).to.equal(200);
        };

        before(async () => {
            emu = await startEmulator({ dataLakeLatencyMs: 0 });
            p = new Project(home, JS_TEARDOWN, `teardown-${process.pid}`);
            await p.init(emulatorConfig(emu));
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            const out = await p.outputs(true);
            datasetId = String(out.datasetId);
            webhookUrl = String(out.webhookUrl);
            expect(await postEvent(webhookUrl)).to.equal(200);
            emu.flushDataLake();
            held = emu.objects();
        });
        beforeEach(() => emu.resetLog());
        after(async () => {
            await p?.remove();
            await emu?.close();
            home.remove();
        });

        it("`pulumi destroy --preview-only` fails, naming the dataset, and deletes nothing", async () => {
            const r = await p.pulumi(["destroy", "--preview-only"]);
            expect(r.code).to.not.equal(0);
            engineRefusal(r.stdout + r.stderr);
            await untouched();
        });

        it("`pulumi destroy --yes` stops at its preview: every AEP object stays and the webhook answers 200", async () => {
            const r = await p.pulumi(["destroy", "--yes"]);
            expect(r.code).to.not.equal(0);
            engineRefusal(r.stdout + r.stderr);
            await untouched();
        });

        it("the preview of the program without the ChatlioSource fails naming the dataset, and that `up` deletes nothing, with or without its preview", async () => {
            await must(p.pulumi(["config", "set", "chatlio:declared", "false"]), "config set");
            const preview = await p.pulumi(["preview"]);
            expect(preview.code).to.not.equal(0);
            engineRefusal(preview.stdout + preview.stderr);
            const up = await p.pulumi(["up", "--yes"]);
            expect(up.code).to.not.equal(0);
            engineRefusal(up.stdout + up.stderr);
            const skipped = await p.pulumi(["up", "--yes", "--skip-preview"]);
            expect(skipped.code).to.not.equal(0);
            expect(skipped.stdout + skipped.stderr).to.contain(`feeds dataset ${datasetId}, which holds data`);
            await untouched();
            await must(p.pulumi(["config", "rm", "chatlio:declared"]), "config rm");
        });

        it("with the protection removed by hand (`pulumi state unprotect`), a destroy still deletes nothing: the dataflow refuses first, naming the dataset, its data and the opt-in", async () => {
            await must(p.pulumi(["state", "unprotect", datasetUrn(), "--yes"]), "state unprotect");
            const r = await p.pulumi(["destroy", "--yes", "--skip-preview"]);
            expect(r.code).to.not.equal(0);
            expect(r.stdout + r.stderr)
                .to.match(new RegExp(`feeds dataset ${datasetId}, which holds data \\(its last successful batch is \\w+\\)`))
                .and.contain("ChatlioSource: forceDestroy")
                .and.contain("Nothing was deleted");
            await untouched();
        });

        it("a stack whose dataset is not protected yet (as the previous release left it) previews no change, and `pulumi up` protects it without a request to AEP", async () => {
            // The state the previous release wrote differs from this release's only by the protect flag.
            const preview = await must(p.pulumi(["preview", "--json"]), "preview");
            const json = JSON.parse(preview.stdout);
            expect(json.changeSummary).to.deep.equal({
                same: Object.values(json.changeSummary).reduce((a: number, b) => a + Number(b), 0),
            });
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            const state = await p.export();
            expect(state.deployment.resources?.find((r) => r.urn === datasetUrn())?.protect).to.equal(true);
            await untouched();
        });

        it("after the opt-in (`forceDestroy: true`, then `pulumi up`, which sends no AEP write), destroy deletes the pipeline and its data", async () => {
            await must(p.pulumi(["config", "set", "chatlio:forceDestroy", "true"]), "config set");
            const up = await must(p.pulumi(["up", "--yes"]), "up");
            expect(up.stdout).to.match(/~ 2 updated/);
            expect(writes(emu), "the opt-in alone sends nothing to AEP").to.deep.equal([]);
            expect((await p.export()).deployment.resources?.find((r) => r.urn === datasetUrn())?.protect ?? false).to.equal(false);
            const destroy = await must(p.pulumi(["destroy", "--yes"]), "destroy");
            expect(destroy.stdout + destroy.stderr).to.match(/holds data .*deleting it deletes that data for good \(forceDestroy is set\)/);
            expect(emu.objects().map((o) => o.kind)).to.deep.equal(["mappingSet"]);
        });
    });

    describe("a ChatlioSource whose dataset shows no data yet (events streamed, not landed)", function () {
        const home = new ProjectHome();
        let emu: Emulator;
        let p: Project;

        before(async () => {
            // Adobe lands streamed events in the data lake up to an hour later (the emulator's default too).
            emu = await startEmulator();
            p = new Project(home, JS_TEARDOWN, `unlanded-${process.pid}`);
            await p.init(emulatorConfig(emu));
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
        });
        after(async () => {
            await p?.remove();
            await emu?.close();
            home.remove();
        });

        it("a destroy whose preview is skipped deletes nothing: the dataflow refuses first, its dataset being protected until the opt-in", async () => {
            const out = await p.outputs(true);
            expect(await postEvent(String(out.webhookUrl))).to.equal(200);
            // Catalog shows no batch yet: the dataset looks empty.
            expect(emu.getObject("dataset", String(out.datasetId))?.lastSuccessfulBatch).to.equal(undefined);
            const held = emu.objects();
            emu.resetLog();
            const r = await p.pulumi(["destroy", "--yes", "--skip-preview"]);
            expect(r.code).to.not.equal(0);
            expect(r.stdout + r.stderr)
                .to.contain(`feeds dataset ${out.datasetId}, which is protected until forceDestroy is set`)
                .and.contain("Nothing was deleted");
            expect(writes(emu)).to.deep.equal([]);
            expect(emu.objects()).to.deep.equal(held);
            expect(await postEvent(String(out.webhookUrl))).to.equal(200);
        });

        it("a sandbox switch, which would replace the dataset, fails at preview: Pulumi refuses the protected dataset, and the warning under it names the opt-in", async () => {
            await must(p.pulumi(["config", "set", "aep:sandboxName", "dev"]), "config set");
            emu.resetLog();
            const r = await p.pulumi(["preview"]);
            await must(p.pulumi(["config", "rm", "aep:sandboxName"]), "config rm");
            expect(r.code).to.not.equal(0);
            const text = (r.stdout + r.stderr).replace(/\s+/g, " ");
            expect(text).to.contain(
                `unable to replace resource "urn:pulumi:${p.stack}::aep-js-teardown::aep:chatlio:ChatlioSource$pulumi-nodejs:dynamic/aep:Dataset::chatlio-dataset" as it is currently marked for protection`,
            );
            expect(text).to.match(
                /dataset "Chatlio events dataset [a-z0-9]{6}" \([0-9a-f]+\) is protected until forceDestroy is set.*set `forceDestroy: true` on it \(ChatlioSource: forceDestroy\) in the same `pulumi up` as this change/,
            );
            expect(writes(emu)).to.deep.equal([]);
        });
    });

    describe("a JavaScript program", function () {
        const home = new ProjectHome();
        let emu: Emulator;
        let p: Project;

        before(async () => {
            emu = await startEmulator();
            p = new Project(home, JS_PROJECT, `js-${process.pid}`);
            await p.init(emulatorConfig(emu));
        });
        after(async () => {
            await p?.remove();
            await emu?.close();
            home.remove();
        });

        it("shows one and the same automatic name in two previews and the up", async () => {
            const names: string[] = [];
            for (let i = 0; i < 2; i++) {
                const preview = await must(p.pulumi(["preview", "--diff"]), "preview");
                names.push(/name\s*: "(notes-[a-z0-9]{7})"/.exec(preview.stdout)?.[1] ?? "none");
            }
            await must(p.pulumi(["up", "--yes"]), "up");
            names.push(String((await p.outputs()).notesName));
            expect(names[0]).to.match(/^notes-[a-z0-9]{7}$/);
            expect(names).to.deep.equal([names[0], names[0], names[0]]);
            expect(emu.objects().map((o) => o.name)).to.deep.equal([names[0]]);
        });

        for (const [misspell, key, near] of [
            ["resource", "descripton", "description"],
            ["sandbox", "sandboxname", "sandboxName"],
            ["component", "displayname", "displayName"],
        ]) {
            it(`fails at preview on a misspelt input (${key}), naming it and "${near}", without a request`, async () => {
                await must(p.pulumi(["config", "set", "test:misspell", misspell]), "config set");
                emu.resetLog();
                const preview = await p.pulumi(["preview"]);
                expect(preview.code).to.not.equal(0);
                expect(preview.stdout + preview.stderr).to.contain(`has no input "${key}": did you mean "${near}"?`);
                expect(writes(emu)).to.deep.equal([]);
                await must(p.pulumi(["config", "rm", "test:misspell"]), "config rm");
            });
        }
    });

    describe("credentials", function () {
        const home = new ProjectHome();
        const store = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aep-rotate-")), "store.json");
        const OLD = DEMO_CREDENTIALS.clientSecret;
        const NEW = `${OLD}.rotated`;
        let emu: Emulator;
        let p: Project;
        let port = 0;
        // The credential is rotated in the Developer Console: AEP takes the old secret and the new one for a
        // while, then only the new one (a restart of the emulator on the same store and port).
        const serve = async (secrets: string[]) => {
            await emu?.close();
            emu = await startEmulator({
                port,
                storeFile: store,
                clients: secrets.map((clientSecret) => ({ ...DEMO_CREDENTIALS, clientSecret })),
            });
            port = Number(new URL(emu.url).port);
        };

        before(async () => {
            await serve([OLD, NEW]);
            // A ChatlioSource with an identity: eleven resources, nine of them AEP objects.
            p = new Project(home, JS_CHATLIO, `rotate-${process.pid}`);
            await p.init(emulatorConfig(emu, OLD));
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
        });
        after(async () => {
            await p?.remove();
            await emu?.close();
            home.remove();
            fs.rmSync(path.dirname(store), { recursive: true, force: true });
        });

        it("a refresh after the secret changed in config alone uses the stored one, and says so in one line per resource", async () => {
            await must(p.pulumi(["config", "set", "--secret", "aep:clientSecret", NEW]), "config set");
            await serve([NEW]);
            const refresh = await p.pulumi(["refresh", "--yes"]);
            expect(refresh.code).to.not.equal(0);
            const text = refresh.stdout + refresh.stderr;
            // The CLI shows each resource's failure once under it in Diagnostics (and on its progress row).
            const diagnostics = text.slice(text.indexOf("Diagnostics:"));
            const errors = diagnostics.split("\n").filter((l) => /error: .*AEP refused/.test(l));
            expect(errors.length, diagnostics).to.be.within(1, 8);
            for (const line of errors) {
                expect(line).to.contain("check aep:clientId and aep:clientSecret (AEP_CLIENT_ID, AEP_CLIENT_SECRET)");
                expect(line).to.contain(
                    "Pulumi ran this refresh with the provider configuration stored in the stack's state by its last `pulumi up`",
                );
                expect(line.match(/AEP refused/g)).to.have.length(1);
            }
            expect(text).to.not.match(/\n\s+at .*\.(js|ts):\d+/);
            expect(text).to.not.contain(NEW).and.not.contain(OLD);
        });

        it("the documented step (pulumi up) stores the new secret, and the next refresh uses it", async () => {
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            const refresh = await must(p.pulumi(["refresh", "--yes"]), "refresh");
            expect(refresh.stdout).to.match(/unchanged/);
        });

        it("a wrong organization points at aep:orgId", async () => {
            await must(p.pulumi(["config", "set", "aep:orgId", "FFFFFFFFFFFFFFFFFFFFFFFF@AdobeOrg"]), "config set");
            // --run-program: the refresh takes the current configuration (the documented way, besides `pulumi up`).
            const refresh = await p.pulumi(["refresh", "--yes", "--run-program"]);
            expect(refresh.code).to.not.equal(0);
            expect(refresh.stdout + refresh.stderr).to.match(/403 403025 Profile is not valid\): check aep:orgId \(AEP_ORG_ID\)/);
            await must(p.pulumi(["config", "set", "aep:orgId", DEMO_CREDENTIALS.orgId]), "config set");
            await must(p.pulumi(["destroy", "--yes", "--skip-preview"]), "destroy");
        });
    });
});
