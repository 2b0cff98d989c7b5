/**
 * The product end to end: the example stack (Pulumi.yaml → examples/chatlio) deployed through the local
 * engine against the emulator, each Chatlio event posted to the webhook URL and found in the dataset.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CHATLIO_SAMPLES, NEW_CONVERSATION, TRANSCRIPT } from "../provider/internal";
import { Emulator, startEmulator } from "aep-emulator";
import { LocalEngine, RunResult } from "../tools/engine";
import { emulatorConfig, expectOk } from "./support/stack";
import { beyondSettingsCheck } from "./support/requests";

const ROOT = path.resolve(__dirname, "..");

describe("Chatlio events flow into AEP through the example stack", function () {
    this.timeout(120_000);
    let emu: Emulator;
    let stateDir: string;
    let outputs: RunResult["outputs"];
    const tenant = "acme"; // the emulator's default tenant
    const config: Record<string, string | { value: string; secret?: boolean }> = {};
    const engine = () => new LocalEngine({ projectDir: ROOT, stack: "e2e", stateDir, config, log: () => undefined });
    const post = (body: unknown) =>
        fetch(String(outputs.webhookUrl.value), {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

    before(async () => {
        emu = await startEmulator();
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-e2e-"));
        Object.assign(config, emulatorConfig(emu));
        // A throwaway stack: the opt-in that lets it move to another sandbox (preview) and be destroyed.
        config["chatlio:forceDestroy"] = "true";
        const r = await engine().up();
        expectOk(r);
        outputs = r.outputs;
    });
    after(async () => {
        await emu?.close();
        fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it("deploys the seven objects and exports the URLs as secrets", () => {
        expect(
            emu
                .objects()
                .map((o) => o.kind)
                .sort(),
        ).to.deep.equal(["dataset", "fieldGroup", "flow", "mappingSet", "schema", "sourceConnection", "targetConnection"]);
        expect(outputs.streamingUrl.secret).to.equal(true);
        expect(outputs.webhookUrl.secret).to.equal(true);
        expect(outputs.webhookUrl.value).to.equal(`${outputs.streamingUrl.value}?x-adobe-flow-id=${outputs.dataflowId.value}`);
        expect(String(outputs.setupInstructions.value)).to.contain("Webhooks and post-chat actions");
    });

    for (const [event, payload] of Object.entries(CHATLIO_SAMPLES)) {
        it(`stores a "${event}" event as a valid XDM ExperienceEvent`, async () => {
            const before = emu.records(String(outputs.datasetId.value)).length;
            const res = await post(payload);
            expect(res.status, JSON.stringify(res.body)).to.equal(200);
            const records = emu.records(String(outputs.datasetId.value)) as any[];
            expect(records).to.have.length(before + 1);
            const record = records[records.length - 1];
            expect(record._id).to.match(/^[0-9a-f-]{36}$/);
            expect(Date.parse(record.timestamp)).to.be.greaterThan(0);
            const chatlio = record[`_${tenant}`].chatlio;
            const p = payload as any;
            if (p.visitor) expect(chatlio.visitor.UUID).to.equal(p.visitor.UUID);
            if (p.message) expect(chatlio.message).to.equal(p.message);
            if (p.emailPretty) expect(chatlio.offline.emailPretty).to.equal(p.emailPretty);
            if (p.messages) {
                expect(chatlio.transcript.messages).to.deep.equal(p.messages);
                expect(chatlio.transcript.visitorTraits.currentPage).to.equal(p.visitorTraits.current_page);
                expect(chatlio.channelName).to.equal(p.channelName);
            }
        });
    }

    it("stores a visitor without visitor.UUID, without one (Data Prep yields no value for a missing source field)", async () => {
        const { UUID: _uuid, ...visitor } = NEW_CONVERSATION.visitor;
        const res = await post({ ...NEW_CONVERSATION, visitor });
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        const record = (emu.records(String(outputs.datasetId.value)) as any[]).at(-1);
        expect(record[`_${tenant}`].chatlio.visitor).to.not.have.property("UUID");
        expect(record[`_${tenant}`].chatlio.visitor.email).to.equal(visitor.email);
    });

    it("refuses an event whose mapped record does not fit the schema (a type), with the inlet's error shape, storing nothing", async () => {
        const count = emu.records(String(outputs.datasetId.value)).length;
        const messages = TRANSCRIPT.messages.map((m, i) => (i === 0 ? { ...m, isVisitorMsg: "sometimes" } : m));
        const res = await post({ ...TRANSCRIPT, messages });
        expect(res.status).to.equal(400);
        expect(res.body).to.include({ status: "400" });
        expect(res.body.report.message).to.match(/isVisitorMsg" must be a boolean/);
        expect(emu.records(String(outputs.datasetId.value))).to.have.length(count);
    });

    it("changes nothing, with no request but the settings check, when applied again", async () => {
        emu.resetLog();
        const r = await engine().up();
        expectOk(r);
        expect(r.steps.filter((s) => s.op !== "same")).to.deep.equal([]);
        expect(beyondSettingsCheck(emu.log)).to.deep.equal([]);
    });

    it("warns at preview when a change would replace the dataflow and mint a new URL", async () => {
        config["aep:sandboxName"] = "dev";
        const r = await engine().preview();
        delete config["aep:sandboxName"];
        expectOk(r);
        expect(r.steps.some((s) => s.op === "replace" && s.name === "chatlio-dataflow")).to.equal(true);
        expect(r.diagnostics.join("\n")).to.match(/warning: dataflow .* will be replaced .* new streaming URL/);
        expect(emu.log.filter((e) => e.kind === "write")).to.deep.equal([]);
    });

    it("destroys every AEP object but the mapping set, which Adobe cannot delete", async () => {
        const r = await engine().destroy();
        expectOk(r);
        expect(emu.objects().map((o) => o.kind)).to.deep.equal(["mappingSet"]);
    });
});
