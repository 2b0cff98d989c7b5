/**
 * What a reviewer and a user see, through the real Pulumi CLI in project folders: drift made by hand in AEP
 * is named under the resource (AEP's value and the program's); a refresh warns of no write it does not
 * make; a dataflow re-created after a hand deletion says its webhook URL changed; typos inside nested inputs
 * fail at preview with the key path and the nearest key (TypeScript and JavaScript programs); a wrong
 * secret, client id or org fails the preview naming the setting, with one token request and one read; and
 * an unchanged preview sends nothing else.
 */
import { expect } from "chai";
import * as path from "path";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { INSTALL_HINT, ROOT, cliInstalled } from "./harness";
import { Project, ProjectHome, emulatorConfig, languageHostInstalled, must, postEvent } from "./project";

const JS_NESTED = path.join(ROOT, "test", "fixtures", "js-nested");
const DATASET_DESCRIPTION = "Chatlio webhook events streamed by the Chatlio source.";
const FLOW_DESCRIPTION = "Streams Chatlio webhook events into the dataset.";

const kinds = (emu: Emulator) => emu.log.map((e) => e.kind);
const count = (emu: Emulator, kind: string) => kinds(emu).filter((k) => k === kind).length;
const text = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

describe("Signals a reviewer can trust (real CLI, project folders)", function () {
    if (!cliInstalled() || !languageHostInstalled()) {
        console.log(`\n  ${INSTALL_HINT}\n`);
        if (process.env.AEP_REQUIRE_PULUMI_CLI)
            it("needs the Pulumi CLI and its Node.js language host (AEP_REQUIRE_PULUMI_CLI is set)", () => expect.fail(INSTALL_HINT));
        return;
    }
    this.timeout(900_000);

    describe("a deployed ChatlioSource (TypeScript)", function () {
        const home = new ProjectHome();
        let emu: Emulator;
        let p: Project;
        let out: Record<string, unknown> = {};

        before(async () => {
            emu = await startEmulator();
            p = new Project(home, ROOT, `signals-${process.pid}`);
            await p.init(emulatorConfig(emu));
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            out = await p.outputs(true);
        });
        after(async () => {
            await p?.remove();
            await emu?.close();
            home.remove();
        });

        it("an unchanged preview sends one token request and one read (the settings check), and nothing else", async () => {
            emu.resetLog();
            const preview = await must(p.pulumi(["preview"]), "preview");
            expect(preview.stdout).to.match(/unchanged/);
            expect(kinds(emu)).to.deep.equal(["token", "read"]);
            expect(emu.log[1].path).to.equal("/data/foundation/schemaregistry/stats");
        });

        it("a refresh after hand edits warns of no write, and says what drifted", async () => {
            emu.editObject("dataset", String(out.datasetId), { description: "Edited in the AEP UI" });
            emu.editObject("flow", String(out.dataflowId), { description: "Paused by ops" });
            emu.resetLog();
            const refresh = await must(p.pulumi(["refresh", "--yes"]), "refresh");
            const said = text(refresh);
            expect(said).to.not.match(/updated in place|pauses ingestion|will be replaced|paste the new/);
            expect(said).to.contain(`was changed outside Pulumi; the next \`pulumi up\` sets the program's values again`);
            expect(said).to.contain(`description: "Paused by ops" in AEP, "${FLOW_DESCRIPTION}" in the stack's last deployment`);
            expect(count(emu, "write")).to.equal(0);
        });

        it("the next preview --diff names each drifted field under its resource, with AEP's value and the program's", async () => {
            emu.resetLog();
            const preview = await must(p.pulumi(["preview", "--diff"]), "preview");
            const said = text(preview);
            expect(said).to.match(/~ 2 to update/);
            expect(said).to.match(
                new RegExp(
                    `dataset "Chatlio events dataset [a-z0-9]{6}" was changed outside Pulumi \\(drift\\); this update sets the program's values again:\\s+description: "Edited in the AEP UI" in AEP, "${DATASET_DESCRIPTION.replace(/\./g, "\\.")}" in the program`,
                ),
            );
            expect(said).to.contain(`description: "Paused by ops" in AEP, "${FLOW_DESCRIPTION}" in the program`);
            expect(kinds(emu)).to.deep.equal(["token", "read"]);
            // Under the resource: the engine has each warning with the resource's URN.
            const json = JSON.parse((await must(p.pulumi(["preview", "--json"]), "preview")).stdout);
            const drift = (json.diagnostics ?? []).filter((d: any) => d.severity === "warning" && /changed outside Pulumi/.test(d.message));
            expect(drift.map((d: any) => String(d.urn).split("::").pop()).sort()).to.deep.equal(["chatlio-dataflow", "chatlio-dataset"]);
        });

        it("an up sets the program's values again, and a later preview shows no drift", async () => {
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            expect(emu.getObject("dataset", String(out.datasetId))?.description).to.equal(DATASET_DESCRIPTION);
            const preview = await must(p.pulumi(["preview", "--diff"]), "preview");
            expect(text(preview)).to.not.contain("changed outside Pulumi");
            expect(preview.stdout).to.match(/unchanged/);
        });

        it("preview --refresh names drift too", async () => {
            emu.editObject("dataset", String(out.datasetId), { description: "Edited again" });
            const preview = await must(p.pulumi(["preview", "--refresh", "--diff"]), "preview");
            expect(text(preview)).to.contain(`description: "Edited again" in AEP, "${DATASET_DESCRIPTION}" in the program`);
            await must(p.pulumi(["up", "--refresh", "--yes", "--skip-preview"]), "up");
            expect(emu.getObject("dataset", String(out.datasetId))?.description).to.equal(DATASET_DESCRIPTION);
        });

        it("a dataflow deleted by hand: the refresh and the next preview say its webhook URL will change and Chatlio needs the new one", async () => {
            emu.deleteObject("flow", String(out.dataflowId));
            const refresh = await must(p.pulumi(["refresh", "--yes"]), "refresh");
            expect(text(refresh)).to.match(
                /dataflow "Chatlio dataflow [a-z0-9]{6}" \([0-9a-f-]{36}\) no longer exists in AEP \(deleted outside Pulumi\): it leaves the stack's state, and the next `pulumi up` creates it again; the new dataflow gets a new webhook URL, and Chatlio \(or the source's sender\) must be given it/,
            );
            const preview = await must(p.pulumi(["preview", "--diff"]), "preview");
            expect(text(preview)).to.match(
                /dataflow "Chatlio dataflow [a-z0-9]{6}" is created for source connection [0-9a-f-]{36}, which exists already: if it replaces a dataflow deleted outside Pulumi, AEP gives it a new webhook URL: after the up, give Chatlio \(or the source's sender\) the new one/,
            );
            const up = await must(p.pulumi(["up", "--yes"]), "up");
            expect(text(up)).to.contain("AEP gives it a new webhook URL");
            const now = await p.outputs(true);
            expect(now.webhookUrl).to.not.equal(out.webhookUrl);
            expect(await postEvent(String(now.webhookUrl))).to.equal(200);
            out = now;
        });

        it("an untouched stack's up gives no such warning", async () => {
            const up = await must(p.pulumi(["up", "--yes"]), "up");
            expect(text(up)).to.not.contain("new webhook URL");
        });

        it("enabled: false warns that the dataflow takes no events while disabled", async () => {
            await must(p.pulumi(["config", "set", "chatlio:enabled", "false"]), "config set");
            const preview = await must(p.pulumi(["preview"]), "preview");
            expect(text(preview)).to.match(
                /dataflow "Chatlio dataflow [a-z0-9]{6}" is disabled \(enabled: false\): it takes no events while disabled/,
            );
            expect(text(preview)).to.not.contain("taken in late");
            await must(p.pulumi(["config", "rm", "chatlio:enabled"]), "config rm");
        });

        for (const [key, value, path, near] of [
            ["extraFields", '{"rating":{"type":"string","titel":"Rating","requird":true}}', "extraFields.rating.requird", "required"],
            [
                "mappings",
                '[{"source":"visitor.handle","destinaton":"_tenant.chatlio.visitor.name"}]',
                "mappings[0].destinaton",
                "destination",
            ],
        ]) {
            it(`refuses a typo inside ${key} at preview, naming ${path} and "${near}", without a write`, async () => {
                await must(p.pulumi(["config", "set", `chatlio:${key}`, value]), "config set");
                emu.resetLog();
                const preview = await p.pulumi(["preview"]);
                expect(preview.code).to.not.equal(0);
                expect(text(preview)).to.contain(`${path}: `).and.contain(`did you mean "${near}"?`);
                expect(text(preview)).to.not.contain("mapping to undefined");
                expect(count(emu, "write")).to.equal(0);
                await must(p.pulumi(["config", "rm", `chatlio:${key}`]), "config rm");
            });
        }

        for (const [what, key, value, setting, variable] of [
            ["client secret", "aep:clientSecret", "wrong-secret", "aep:clientSecret", "AEP_CLIENT_SECRET"],
            ["client id", "aep:clientId", "wrong-client", "aep:clientId", "AEP_CLIENT_ID"],
            ["org", "aep:orgId", "FFFFFFFFFFFFFFFFFFFFFFFF@AdobeOrg", "aep:orgId", "AEP_ORG_ID"],
        ]) {
            it(`a preview with a wrong ${what} fails naming ${setting} (${variable}): one token request, at most one read, no write`, async () => {
                const secret = key === "aep:clientSecret" ? ["--secret"] : [];
                await must(p.pulumi(["config", "set", ...secret, key, value]), "config set");
                emu.resetLog();
                const preview = await p.pulumi(["preview"]);
                await must(
                    p.pulumi(["config", "set", ...secret, key, (DEMO_CREDENTIALS as unknown as Record<string, string>)[key.slice(4)]]),
                    "config set",
                );
                expect(preview.code).to.not.equal(0);
                const said = text(preview);
                expect(said).to.contain(`${setting} (${variable}) `);
                expect(said).to.match(
                    what === "org" ? /was refused by AEP: 403 403025/ : /was refused by Adobe IMS: 40[01] invalid_client/,
                );
                expect(said).to.not.contain("wrong-secret").and.not.contain(DEMO_CREDENTIALS.clientSecret);
                expect(count(emu, "token")).to.equal(1);
                expect(count(emu, "read")).to.be.at.most(1);
                expect(count(emu, "write")).to.equal(0);
            });
        }
    });

    describe("a JavaScript program", function () {
        const home = new ProjectHome();
        let emu: Emulator;
        let p: Project;

        before(async () => {
            emu = await startEmulator();
            p = new Project(home, JS_NESTED, `nested-${process.pid}`);
            await p.init(emulatorConfig(emu));
        });
        after(async () => {
            await p?.remove();
            await emu?.close();
            home.remove();
        });

        it("previews its valid program", async () => {
            await must(p.pulumi(["preview"]), "preview");
        });

        for (const [typo, path, near, list] of [
            ["field", "fields.rating.requird", "required", "type, title, description, format, enum, properties, items, required"],
            ["mapping", "mappings[0].destinaton", "destination", "sourceType, source, destination"],
            ["identity", "identity.namspace", "namespace", "field, namespace, primary"],
            ["component-mapping", "mappings[0].destinaton", "destination", "sourceType, source, destination"],
        ]) {
            it(`fails at preview on a typo inside a nested input (${path}), naming the nearest key "${near}", without a write`, async () => {
                await must(p.pulumi(["config", "set", "test:typo", typo]), "config set");
                emu.resetLog();
                const preview = await p.pulumi(["preview"]);
                expect(preview.code).to.not.equal(0);
                expect(text(preview))
                    .to.contain(`${path}: `)
                    .and.contain(`has no key "${path.split(".").pop()}": did you mean "${near}"? (its keys are ${list})`);
                expect(count(emu, "write")).to.equal(0);
            });
        }

        it("lists only the inputs a user can set when a top-level input is misspelt", async () => {
            await must(p.pulumi(["config", "set", "test:typo", "descriptor"]), "config set");
            const preview = await p.pulumi(["preview"]);
            expect(preview.code).to.not.equal(0);
            expect(text(preview)).to.contain(
                'IdentityDescriptor has no input "primry": did you mean "primary"? (its inputs are schemaId, sourceProperty, namespace, primary, sandboxName, adopt)',
            );
            expect(text(preview)).to.not.match(/resourceName|autoNamed/);
            await must(p.pulumi(["config", "rm", "test:typo"]), "config rm");
        });
    });
});
