/**
 * The product under the real Pulumi engine: the Pulumi CLI built by `npm run pulumi:install`, driven as
 * users drive it (Automation API for preview/up/refresh/destroy of an inline program, the CLI itself for
 * `stack init`, `config set --secret`, `stack output` and `stack export`), against the emulator.
 *
 * The same lifecycle (scenario.ts) also runs through the local engine, and the two are compared step by
 * step: the same AEP calls (method and path) and the same step kinds. Differences the engines are known
 * to have are listed in tools/engine/README.md.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { NEW_CONVERSATION } from "../../provider/chatlio/samples";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { AepCaller, HANDMADE_SUFFIX, buildChatlioChain, chainOutputs, handmadeNames } from "../support/chatlio";
import { BEARER, emulatorConfig, tokensIn } from "../support/stack";
import { CliEngineUnderTest, LocalEngineUnderTest } from "./engines";
import { CliHome, INSTALL_HINT, cliInstalled } from "./harness";
import { AEP_STACK, Run, StepRecord, requestShape, runLifecycle, stepKinds } from "./scenario";
import { beyondSettingsCheck } from "../support/requests";

describe("The real Pulumi CLI", function () {
    if (!cliInstalled()) {
        // Never counted as passed, never skipped in silence: one line says how to run it, and CI (which
        // always builds the CLI) fails.
        console.log(`\n  ${INSTALL_HINT}\n`);
        if (process.env.AEP_REQUIRE_PULUMI_CLI) it("needs the Pulumi CLI (AEP_REQUIRE_PULUMI_CLI is set)", () => expect.fail(INSTALL_HINT));
        return;
    }
    this.timeout(600_000);

    describe("runs the whole lifecycle of the seven resources, as the local engine does", function () {
        const home = new CliHome();
        const storeFile = path.join(home.dir, "aep-store.json");
        let cliEmu: Emulator;
        let localEmu: Emulator;
        let cli: CliEngineUnderTest;
        let real: Record<string, StepRecord>;
        let local: Record<string, StepRecord>;
        const seen: Record<string, string> = {};
        const byStep = (recs: StepRecord[]) => Object.fromEntries(recs.map((r) => [r.step, r]));
        const issued = () => new Set(Object.keys(JSON.parse(fs.readFileSync(storeFile, "utf8")).tokens ?? {}));

        before(async () => {
            cliEmu = await startEmulator({ storeFile });
            localEmu = await startEmulator();
            cli = new CliEngineUnderTest(home, {
                project: "aep-stack",
                stack: `cli-${process.pid}`,
                program: path.join(AEP_STACK, "index.ts"),
                workDir: AEP_STACK,
            });
            await cli.init();
            const localEngine = new LocalEngineUnderTest({
                projectDir: AEP_STACK,
                stack: "parity",
                stateDir: path.join(home.dir, "local-state"),
            });
            const [realRecs, localRecs] = await Promise.all([
                runLifecycle(cli, cliEmu, {
                    "up that converges": async (rec) => {
                        seen.config = fs.readFileSync(cli.stackConfigFile, "utf8");
                        seen.export = (await cli.stack.cli(["stack", "export"])).stdout;
                        seen.output = (await cli.stack.cli(["stack", "output", "--json"])).stdout;
                        seen.shown = (await cli.stack.cli(["stack", "output", "--json", "--show-secrets"])).stdout;
                        const url = JSON.parse(seen.shown).webhookUrl;
                        const res = await fetch(url, {
                            method: "POST",
                            headers: { "Content-Type": "application/json" },
                            body: JSON.stringify(NEW_CONVERSATION),
                        });
                        seen.post = `${res.status}`;
                        seen.records = JSON.stringify(cliEmu.records(String(rec.run.outputs.datasetId.value)));
                    },
                    "update of every kind": async () => {
                        seen.exportAfterUpdate = (await cli.stack.cli(["stack", "export"])).stdout;
                    },
                }),
                runLifecycle(localEngine, localEmu),
            ]);
            real = byStep(realRecs);
            local = byStep(localRecs);
        });
        after(async () => {
            await cli?.remove();
            await cliEmu?.close();
            await localEmu?.close();
            home.remove();
        });

        const ok = (step: string) => {
            const r = real[step].run;
            expect(r.ok, `${step}: ${r.error}\n${r.diagnostics.join("\n")}`).to.equal(true);
            return real[step];
        };
        const ops = (rec: StepRecord, op: string) =>
            rec.run.steps
                .filter((s) => s.op === op)
                .map((s) => s.name)
                .sort();
        const writes = (rec: StepRecord) => rec.log.filter((e) => e.kind === "write").map(requestShape);

        it("previews a new stack with no request to AEP but the settings check, and a create for each of the seven", () => {
            const rec = ok("preview of a new stack");
            expect(beyondSettingsCheck(rec.log)).to.deep.equal([]);
            expect(ops(rec, "create")).to.deep.equal(["dataset", "fg", "flow", "mapping", "schema", "source", "target"]);
        });

        it("fails an up whose dataflow create AEP refuses, keeps the six objects made, and converges on the rerun", () => {
            const failed = real["up that fails at the dataflow"];
            expect(failed.run.ok).to.equal(false);
            expect(failed.run.diagnostics.join("\n")).to.match(/500/);
            const posts = failed.log.filter((e) => e.method === "POST" && e.kind === "write");
            expect(posts.filter((e) => !e.path.endsWith("/flows")).map(requestShape)).to.have.length(6);
            const flowPosts = posts.filter((e) => e.path.endsWith("/flows"));
            expect(flowPosts.length).to.be.greaterThan(0);
            expect(flowPosts.every((e) => e.status === 500)).to.equal(true);
            const rerun = ok("up that converges");
            expect(ops(rerun, "create")).to.deep.equal(["flow"]);
            expect(writes(rerun)).to.deep.equal(["POST /data/foundation/flowservice/flows"]);
        });

        it("keeps streamingUrl and webhookUrl secret in stack export and stack output, and --show-secrets gives them", () => {
            const rec = ok("up that converges");
            const outputs = JSON.parse(seen.export).deployment.resources.find(
                (r: { type: string }) => r.type === "pulumi:pulumi:Stack",
            ).outputs;
            for (const k of ["streamingUrl", "webhookUrl"]) {
                expect(outputs[k]).to.have.property("ciphertext");
                expect(JSON.parse(seen.output)[k]).to.equal("[secret]");
                expect(rec.run.outputs[k].secret).to.equal(true);
            }
            const shown = JSON.parse(seen.shown);
            expect(shown.streamingUrl).to.match(new RegExp(`^${cliEmu.url}/collection/[0-9a-f]{64}$`));
            expect(shown.webhookUrl).to.equal(`${shown.streamingUrl}?x-adobe-flow-id=${shown.dataflowId}`);
            expect(seen.export).to.not.contain("/collection/");
        });

        it("lands a Chatlio event posted to the webhook URL in the dataset", () => {
            expect(seen.post).to.equal("200");
            const records = JSON.parse(seen.records);
            expect(records).to.have.length(1);
            expect(JSON.stringify(records[0])).to.contain(NEW_CONVERSATION.message).and.to.contain(NEW_CONVERSATION.visitor.UUID);
        });

        it("reads aep:clientSecret from a secure: value that `pulumi config set --secret` wrote", () => {
            expect(seen.config).to.match(/aep:clientSecret:\n\s+secure: v1:/);
            expect(seen.config).to.not.contain(String((cliEmu.env() as Record<string, string>).AEP_CLIENT_SECRET));
        });

        it("makes no request to AEP but the settings check for an unchanged preview or an unchanged up", () => {
            for (const step of ["unchanged preview", "unchanged up"]) {
                const rec = ok(step);
                expect(beyondSettingsCheck(rec.log), step).to.deep.equal([]);
                expect(ops(rec, "same"), step).to.have.length(7);
            }
        });

        it("shows a reviewer the changed fields in `pulumi preview --diff`, without a write", () => {
            const rec = ok("preview of an update of every kind");
            expect(writes(rec)).to.deep.equal([]);
            const text = rec.run.stdout;
            const block = (type: string) =>
                text.split(/\n(?=\s+[~+-]? ?pulumi)/).find((b) => b.includes(`pulumi-nodejs:dynamic/aep:${type}: (update)`)) ?? "";
            expect(block("Dataset")).to.match(/~ description\s*: "first" => "second"/);
            expect(block("Dataflow")).to.match(/~ enabled\s*: true => false/);
            expect(block("FieldGroup")).to.match(/\+ channelId: \{/);
            expect(block("MappingSet")).to.match(/mappings/);
            for (const type of ["Schema", "SourceConnection", "TargetConnection"])
                expect(block(type), type).to.match(/~ description\s*: "first" => "second"/);
            expect(text).to.match(/~ 7 to update/);
            expect(text).to.not.match(/replace/);
        });

        it("updates every kind in place, keeping every id and the streaming URL", () => {
            const before = real["up that converges"].run.outputs;
            const rec = ok("update of every kind");
            expect(ops(rec, "update")).to.deep.equal(["dataset", "fg", "flow", "mapping", "schema", "source", "target"]);
            for (const k of [
                "fieldGroupId",
                "schemaId",
                "datasetId",
                "sourceConnectionId",
                "targetConnectionId",
                "mappingSetId",
                "dataflowId",
                "streamingUrl",
            ]) {
                expect(rec.run.outputs[k].value, k).to.equal(before[k].value);
            }
            expect(rec.run.outputs.mappingVersion.value).to.equal(1);
            expect(rec.run.outputs.state.value).to.equal("disabled");
        });

        it("refresh shows an edit made outside Pulumi, and the next up puts it back", () => {
            const refresh = ok("refresh after an outside edit");
            expect(writes(refresh)).to.deep.equal([]);
            expect(ops(refresh, "update")).to.deep.equal(["dataset"]);
            const up = ok("up after the outside edit");
            expect(ops(up, "update")).to.deep.equal(["dataset"]);
            expect(writes(up)).to.deep.equal(["PATCH /data/foundation/catalog/dataSets/{id}"]);
        });

        it("refresh drops objects deleted outside Pulumi, and the next up creates them again", () => {
            const refresh = ok("refresh after an outside delete");
            expect(ops(refresh, "delete")).to.deep.equal(["flow", "source"]);
            const up = ok("up after the outside delete");
            expect(ops(up, "create")).to.deep.equal(["flow", "source"]);
        });

        it("replaces everything on a sandbox change, warning at preview about the new URL and creating before deleting", () => {
            const preview = ok("preview of a sandbox change");
            // Reads only: whether the dataset to be replaced holds data (it does not here).
            expect(preview.log.filter((e) => e.method !== "GET" && !e.path.startsWith("/ims/"))).to.deep.equal([]);
            expect(
                beyondSettingsCheck(preview.log)
                    .filter((e) => e.method === "GET")
                    .map((e) => requestShape(e)),
            ).to.deep.equal(["GET /data/foundation/catalog/dataSets/{id}"]);
            expect(preview.run.diagnostics.join("\n")).to.match(/dataflow .* will be replaced/);
            const rec = ok("sandbox change");
            expect(stepKinds(rec.run).filter((k) => k.endsWith(":replace"))).to.have.length(7);
            const w = writes(rec);
            const lastFlowCreate = w.lastIndexOf("POST /data/foundation/flowservice/flows");
            expect(lastFlowCreate).to.be.at.least(0);
            expect(lastFlowCreate).to.be.lessThan(w.findIndex((x) => x.startsWith("DELETE")));
            expect(cliEmu.objects("prod").filter((o) => o.kind !== "mappingSet")).to.deep.equal([]);
        });

        it("destroys dependents first, leaves the mapping sets and says so", () => {
            const rec = ok("destroy");
            const order = rec.log.filter((e) => e.method === "DELETE").map((e) => requestShape(e).split("/").slice(-2, -1)[0]);
            const at = (kind: string) => {
                expect(order, kind).to.include(kind);
                return order.indexOf(kind);
            };
            expect(at("flows")).to.be.lessThan(at("targetConnections"));
            expect(at("targetConnections")).to.be.lessThan(at("dataSets"));
            expect(at("dataSets")).to.be.lessThan(at("schemas"));
            expect(at("schemas")).to.be.lessThan(at("fieldgroups"));
            expect(cliEmu.objects().every((o) => o.kind === "mappingSet")).to.equal(true);
            expect(rec.run.diagnostics.join("\n")).to.match(/mapping set .* is left in AEP/);
        });

        it("keeps the client secret and every access token out of the exported state", () => {
            const secret = String((cliEmu.env() as Record<string, string>).AEP_CLIENT_SECRET);
            const hashes = issued();
            expect(hashes.size).to.be.greaterThan(0);
            for (const text of [seen.export, seen.exportAfterUpdate, seen.config]) {
                expect(text).to.not.contain(secret);
                expect(tokensIn(text, hashes)).to.deep.equal([]);
                expect(text).to.not.match(BEARER);
            }
        });

        it("makes the same AEP calls as the local engine, step by step", () => {
            const differences: string[] = [];
            for (const step of Object.keys(real)) {
                const a = real[step].log.map(requestShape).sort();
                const b = local[step].log.map(requestShape).sort();
                if (JSON.stringify(a) !== JSON.stringify(b))
                    differences.push(`${step}:\n  CLI:   ${a.join(", ")}\n  local: ${b.join(", ")}`);
            }
            expect(differences.join("\n")).to.equal("");
        });

        it("takes the same steps as the local engine", () => {
            const differences: string[] = [];
            for (const step of Object.keys(real)) {
                const a = stepKinds(real[step].run);
                const b = stepKinds(local[step].run);
                if (JSON.stringify(a) !== JSON.stringify(b))
                    differences.push(`${step}:\n  CLI:   ${a.join(", ")}\n  local: ${b.join(", ")}`);
            }
            expect(differences.join("\n")).to.equal("");
        });
    });

    describe("with a ChatlioSource, with adopt: true and with Profile", function () {
        const home = new CliHome();
        let emu: Emulator;
        let chatlio: CliEngineUnderTest;
        let adopt: CliEngineUnderTest;
        let profile: CliEngineUnderTest;
        const runs: Record<string, Run & { requests: number }> = {};
        let handmade: Record<string, string>;
        let records = "";

        before(async () => {
            emu = await startEmulator();
            const step = async (name: string, op: () => Promise<Run>) => {
                emu.resetLog();
                const run = await op();
                runs[name] = { ...run, requests: beyondSettingsCheck(emu.log).length };
            };
            // The component: a RandomString suffix (the test-only random plugin), seven objects, an event.
            const chatlioDir = path.join(AEP_STACK, "..", "chatlio-stack");
            chatlio = new CliEngineUnderTest(home, {
                project: "chatlio-stack",
                stack: `chatlio-${process.pid}`,
                program: path.join(chatlioDir, "index.ts"),
                workDir: chatlioDir,
            });
            await chatlio.init();
            // A throwaway stack: the opt-in that lets the run destroy it.
            await chatlio.setConfig({ ...emulatorConfig(emu), "chatlio:forceDestroy": "true" });
            await step("chatlio up", () => chatlio.up());
            const url = JSON.parse((await chatlio.stack.cli(["stack", "output", "--json", "--show-secrets"])).stdout).webhookUrl;
            await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(NEW_CONVERSATION) });
            records = JSON.stringify(emu.records(String(runs["chatlio up"].outputs.datasetId?.value)));
            await step("chatlio unchanged up", () => chatlio.up());

            // adopt: a chain made by hand through AEP's API, then a stack declaring the same names.
            const chain = await buildChatlioChain(new AepCaller(emu.url, DEMO_CREDENTIALS, "prod"), { suffix: HANDMADE_SUFFIX });
            const names = handmadeNames();
            emu.editObject("mappingSet", chain.mappingSetId, { name: names.mapping });
            handmade = chainOutputs(chain);
            adopt = new CliEngineUnderTest(home, {
                project: "aep-stack",
                stack: `adopt-${process.pid}`,
                program: path.join(AEP_STACK, "index.ts"),
                workDir: AEP_STACK,
            });
            await adopt.init();
            await adopt.setConfig({
                ...emulatorConfig(emu),
                "test:names": JSON.stringify(names),
                "test:adopt": "true",
                "test:description": "managed by Pulumi now",
            });
            await step("adopt up", () => adopt.up());
            await step("adopt unchanged up", () => adopt.up());
            await step("adopt destroy", () => adopt.destroy());
            await step("chatlio destroy", () => chatlio.destroy());

            // Profile and identities: what a reviewer sees in a pull request under the real CLI.
            const profileDir = path.join(AEP_STACK, "..", "chatlio-profile");
            profile = new CliEngineUnderTest(home, {
                project: "chatlio-profile",
                stack: `profile-${process.pid}`,
                program: path.join(profileDir, "index.ts"),
                workDir: profileDir,
            });
            await profile.init();
            await profile.setConfig(emulatorConfig(emu));
            await step("profile up", () => profile.up());
            await profile.setConfig({ "test:planType": "integer" });
            await step("profile preview of a type change", () => profile.preview({ diff: true }));
            await profile.setConfig({ "test:planType": "string", "test:profile": "false" });
            await step("profile preview turning Profile off", () => profile.preview());
            await profile.setConfig({ "test:profile": "true" });
            await step("profile destroy", () => profile.destroy());
        });
        after(async () => {
            await chatlio?.remove();
            await adopt?.remove();
            await profile?.remove();
            await emu?.close();
            home.remove();
        });
        const ok = (name: string) => {
            const r = runs[name];
            expect(r.ok, `${name}: ${r.error}\n${r.diagnostics.join("\n")}`).to.equal(true);
            return r;
        };

        it("deploys a ChatlioSource whose automatic names come from a RandomString, and its webhook takes events", () => {
            const up = ok("chatlio up");
            expect(up.steps.filter((s) => s.op === "create").map((s) => s.type)).to.include("random:index/randomString:RandomString");
            expect(up.steps.filter((s) => s.type.startsWith("pulumi-nodejs:dynamic")).length).to.equal(7);
            expect(JSON.parse(records)).to.have.length(1);
            expect(ok("chatlio unchanged up").requests).to.equal(0);
            expect(ok("chatlio destroy").steps.filter((s) => s.op === "delete").length).to.equal(9);
        });

        it("deploys a Profile-enabled ChatlioSource with an email identity; previews warn of a destructive field change and refuse Profile off, with no request but the settings check", () => {
            const up = ok("profile up");
            expect(up.steps.map((x) => x.type)).to.include("pulumi-nodejs:dynamic/aep:IdentityDescriptor");
            const typeChange = ok("profile preview of a type change");
            expect(typeChange.requests).to.equal(0);
            expect(`${typeChange.stdout}\n${typeChange.diagnostics.join("\n")}`).to.match(
                /These are destructive changes: AEP refuses them once a dataset of the schema has ingested data or is enabled for Profile/,
            );
            const off = runs["profile preview turning Profile off"];
            expect(off.ok).to.equal(false);
            expect(off.requests).to.equal(0);
            expect(`${off.stdout}\n${off.diagnostics.join("\n")}`).to.contain(
                'immutable "union" tag, and AEP never removes an immutable tag',
            );
            ok("profile destroy");
        });

        it("takes over a chain made by hand with adopt: true, same ids and no duplicate; the next up makes no request but the settings check; destroy deletes it", () => {
            const up = ok("adopt up");
            for (const [k, id] of Object.entries(handmade)) expect(up.outputs[k].value, k).to.equal(id);
            expect(ok("adopt unchanged up").requests).to.equal(0);
            ok("adopt destroy");
            expect(emu.objects("prod").filter((o) => o.kind !== "mappingSet")).to.deep.equal([]);
        });
    });
});
