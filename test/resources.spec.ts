/**
 * The seven AEP resources through their whole lifecycle, run by the local engine (the SDK's runtime and
 * its own dynamic-provider host) against the emulator: preview, up, update, replace, refresh, destroy.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { LocalEngine, RunResult } from "../tools/engine";
import { AepClient } from "../provider/client";
import { emulatorConfig, expectOk } from "./support/stack";
import { beyondSettingsCheck } from "./support/requests";

const PROJECT = path.join(__dirname, "fixtures", "aep-stack");
const KINDS = ["fieldGroup", "schema", "dataset", "sourceConnection", "targetConnection", "mappingSet", "flow"];

function stepsOf(result: RunResult, op: string): string[] {
    return result.steps
        .filter((s) => s.op === op && s.type.startsWith("pulumi-nodejs:dynamic"))
        .map((s) => s.name)
        .sort();
}

/** A refresh that finds AEP as state has it: all seven read, not one output changed. */
function expectNoDrift(r: RunResult): void {
    expectOk(r);
    expect(stepsOf(r, "refresh")).to.have.length(7);
    const drift = r.steps.filter((s) => (s.changedKeys ?? []).length).map((s) => `${s.name}: ${s.changedKeys!.join(", ")}`);
    expect(drift, "outputs a refresh changed").to.deep.equal([]);
    expect(r.changes.update ?? 0).to.equal(0);
}

describe("AEP resources through the local engine", function () {
    this.timeout(120_000);
    let emu: Emulator;
    let stateDir: string;
    const lines: string[] = [];
    let config: Record<string, string | { value: string; secret?: boolean }>;

    const engine = () => new LocalEngine({ projectDir: PROJECT, stack: "test", stateDir, config, log: (l) => lines.push(l) });
    const objects = (sandbox = "prod") => emu.objects(sandbox).filter((o) => o.kind !== "mappingSet");
    /** Reads an object back through the Platform API, as a person checking AEP would. */
    const aepGet = (family: "flowService" | "catalog" | "dataPrep", p: string, sandboxName = "prod") =>
        new AepClient({ ...DEMO_CREDENTIALS, sandboxName, scopes: "openid", platformUrl: emu.url, imsUrl: emu.url })
            .request({ family, method: "GET", path: p, operation: "test read" })
            .then((r) => r.data);

    before(async () => {
        emu = await startEmulator();
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-resources-"));
        config = emulatorConfig(emu);
    });
    after(async () => {
        await emu?.close();
        fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it("previews a new stack with no AEP request but the settings check", async () => {
        emu.resetLog();
        const r = await engine().preview();
        expectOk(r);
        expect(stepsOf(r, "create")).to.have.length(7);
        expect(emu.log.filter((e) => e.kind === "write")).to.deep.equal([]);
        expect(beyondSettingsCheck(emu.log)).to.deep.equal([]);
        expect(emu.objects()).to.deep.equal([]);
    });

    it("creates all seven objects and exports the secret streaming URL", async () => {
        const r = await engine().up();
        expectOk(r);
        expect(stepsOf(r, "create")).to.have.length(7);
        expect(
            emu
                .objects()
                .map((o) => o.kind)
                .sort(),
        ).to.deep.equal([...KINDS].sort());
        expect(r.outputs.streamingUrl.secret).to.equal(true);
        expect(r.outputs.webhookUrl.secret).to.equal(true);
        expect(String(r.outputs.streamingUrl.value)).to.match(new RegExp(`^${emu.url}/collection/[0-9a-f]{64}$`));
        expect(r.outputs.webhookUrl.value).to.equal(`${r.outputs.streamingUrl.value}?x-adobe-flow-id=${r.outputs.dataflowId.value}`);
        expect(r.outputs.state.value).to.equal("enabled");
        expect(r.outputs.mappingVersion.value).to.equal(0);
    });

    it("previews an unchanged stack with no HTTP request but the settings check", async () => {
        emu.resetLog();
        const r = await engine().preview();
        expectOk(r);
        expect(stepsOf(r, "same")).to.have.length(7);
        expect(beyondSettingsCheck(emu.log)).to.deep.equal([]);
    });

    it("applies an unchanged stack with no HTTP request but the settings check", async () => {
        emu.resetLog();
        const r = await engine().up();
        expectOk(r);
        expect(stepsOf(r, "same")).to.have.length(7);
        expect(beyondSettingsCheck(emu.log)).to.deep.equal([]);
    });

    it("refresh right after the up reports no change for any of the seven", async () => {
        expectNoDrift(await engine().refresh());
    });

    it("updates in place: descriptions, a new field and its mapping, a disabled dataflow", async () => {
        const before = engine().outputs();
        config["test:description"] = "second";
        config["test:extraField"] = "true";
        config["test:enabled"] = "false";

        emu.resetLog();
        const preview = await engine().preview();
        expectOk(preview);
        expect(emu.log.filter((e) => e.kind === "write")).to.deep.equal([]);
        expect(stepsOf(preview, "replace")).to.deep.equal([]);

        const r = await engine().up();
        expectOk(r);
        expect(stepsOf(r, "update")).to.deep.equal(["dataset", "fg", "flow", "mapping", "schema", "source", "target"]);
        expect(stepsOf(r, "replace")).to.deep.equal([]);
        const after = r.outputs;
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
            expect(after[k].value, k).to.equal(before[k].value);
        }
        expect(after.mappingVersion.value).to.equal(1);
        expect(after.state.value).to.equal("disabled");
        const flow = (await aepGet("flowService", `/flows/${after.dataflowId.value}`)).items[0];
        expect(flow.state).to.equal("disabled");
        expect(flow.description).to.equal("second");
        expect(Number(flow.transformations[0].params.mappingVersion)).to.equal(1);
        const mapping = await aepGet("dataPrep", `/mappingSets/${after.mappingSetId.value}`);
        expect(JSON.stringify(mapping.mappings)).to.contain("channelId");
    });

    it("refresh right after the update reports no change for any of the seven (server-side counters such as the dataset version included)", async () => {
        // The dataset's Catalog version moved with the update, and the update itself (before any refresh)
        // read it back into state.
        const ds = emu.objects("prod").find((o) => o.kind === "dataset")!;
        const live = await aepGet("catalog", `/dataSets/${ds.id}`);
        expect(live[ds.id].version).to.not.equal("1.0.0");
        const versionInState = () =>
            JSON.parse(fs.readFileSync(engine().statePath, "utf8")).resources.find((x: { id?: string }) => x.id === ds.id).outputs.version;
        expect(versionInState()).to.equal(live[ds.id].version);
        const r = await engine().refresh();
        expectNoDrift(r);
        expect(versionInState()).to.equal(live[ds.id].version);
    });

    it("replaces every object when the sandbox changes, creating the new ones before deleting the old", async () => {
        config["test:sandbox"] = "dev";
        const preview = await engine().preview();
        expectOk(preview);
        expect(stepsOf(preview, "replace")).to.have.length(7);
        expect(preview.diagnostics.join("\n")).to.match(/dataflow .* will be replaced/);

        const r = await engine().up();
        expectOk(r);
        expect(stepsOf(r, "replace")).to.have.length(7);
        expect(objects("prod")).to.deep.equal([]);
        expect(
            emu
                .objects("dev")
                .map((o) => o.kind)
                .sort(),
        ).to.deep.equal([...KINDS].sort());
    });

    it("refresh shows a change made outside Pulumi, and the next up puts it back", async () => {
        const ds = emu.objects("dev").find((o) => o.kind === "dataset")!;
        emu.editObject("dataset", ds.id, { description: "edited in the AEP UI" });
        const r = await engine().refresh();
        expectOk(r);
        const refreshed = JSON.parse(fs.readFileSync(engine().statePath, "utf8"));
        expect(JSON.stringify(refreshed)).to.contain("edited in the AEP UI");

        const up = await engine().up();
        expectOk(up);
        expect(stepsOf(up, "update")).to.deep.equal(["dataset"]);
        const live = await aepGet("catalog", `/dataSets/${ds.id}`, "dev");
        expect(live[ds.id].description).to.equal("second");
    });

    it("refresh drops an object deleted outside Pulumi, and the next up creates it again", async () => {
        const src = emu.objects("dev").find((o) => o.kind === "sourceConnection")!;
        const flow = emu.objects("dev").find((o) => o.kind === "flow")!;
        emu.deleteObject("flow", flow.id);
        emu.deleteObject("sourceConnection", src.id);
        const r = await engine().refresh();
        expectOk(r);
        const ids = JSON.parse(fs.readFileSync(engine().statePath, "utf8")).resources.map((res: { id?: string }) => res.id);
        expect(ids).to.not.include(src.id);
        expect(ids).to.not.include(flow.id);
        expect(ids).to.include(emu.objects("dev").find((o) => o.kind === "dataset")!.id);

        const up = await engine().up();
        expectOk(up);
        expect(stepsOf(up, "create")).to.deep.equal(["flow", "source"]);
        expect(
            emu
                .objects("dev")
                .map((o) => o.kind)
                .sort(),
        ).to.deep.equal([...KINDS].sort());
    });

    it("keeps the client secret and access tokens out of state, serialized providers and console output", async () => {
        const state = fs.readFileSync(engine().statePath, "utf8");
        const providers = [...state.matchAll(/"__provider":\s*("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string);
        expect(providers.length).to.be.at.least(7);
        const tokens = await fetch(`${emu.url}/ims/token/v3`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: `grant_type=client_credentials&client_id=${DEMO_CREDENTIALS.clientId}&client_secret=${DEMO_CREDENTIALS.clientSecret}&scope=openid`,
        }).then((x) => x.json() as Promise<any>);
        for (const text of [state, ...providers, lines.join("\n")]) {
            expect(text).to.not.contain(DEMO_CREDENTIALS.clientSecret);
            expect(text).to.not.contain(tokens.access_token);
            expect(text).to.not.match(/Bearer [A-Za-z0-9]/);
        }
        // Stack outputs that are secret are not shown in the summary.
        expect(lines.join("\n")).to.not.contain("/collection/");
    });

    it("destroys everything in reverse dependency order, leaving only the mapping sets", async () => {
        const r = await engine().destroy();
        expectOk(r);
        const deleted = r.steps.filter((s) => s.op === "delete" && s.type.startsWith("pulumi-nodejs:dynamic")).map((s) => s.name);
        expect(deleted.indexOf("flow")).to.be.lessThan(deleted.indexOf("target"));
        expect(deleted.indexOf("target")).to.be.lessThan(deleted.indexOf("dataset"));
        expect(deleted.indexOf("dataset")).to.be.lessThan(deleted.indexOf("schema"));
        expect(deleted.indexOf("schema")).to.be.lessThan(deleted.indexOf("fg"));
        expect(objects("dev")).to.deep.equal([]);
        expect(objects("prod")).to.deep.equal([]);
        expect(emu.objects().every((o) => o.kind === "mappingSet")).to.equal(true);
        expect(r.diagnostics.join("\n")).to.match(/mapping set .* is left in AEP/);
    });
});
