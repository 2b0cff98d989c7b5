/**
 * Adopting what already exists: a Chatlio chain made by hand through AEP's API (as Adobe's tutorial
 * does it), then a stack declaring the same names. Without `adopt` every kind refuses to make a second
 * object, naming the one that exists and suggesting `adopt: true`; with it the stack takes the objects
 * over (same ids, its inputs applied, no duplicates) and destroy deletes them.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aep from "../provider/internal";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { AepCaller, ChatlioChain, HANDMADE_SUFFIX, buildChatlioChain, chainOutputs, handmadeNames } from "./support/chatlio";
import { LocalEngine } from "../tools/engine";
import { Invariants } from "./support/invariants";
import { expectOk, LooseProvider } from "./support/stack";
import { beyondSettingsCheck } from "./support/requests";

const PROJECT = path.join(__dirname, "fixtures", "aep-stack");
/** The names buildChatlioChain gives, by the fixture's resource names; the mapping set gets one below. */
const NAMES = handmadeNames();

describe("Adopting objects that already exist in AEP", function () {
    this.timeout(120_000);
    let emu: Emulator;
    let stateDir: string;
    let invariants: Invariants;
    let chain: ChatlioChain;
    const config: Record<string, string | { value: string; secret?: boolean }> = {};
    const engine = () => new LocalEngine({ projectDir: PROJECT, stack: "adopt", stateDir, config, log: () => undefined });
    const byKind = () => Object.fromEntries(emu.objects("prod").map((o) => [o.kind, o.id]));
    const handmade = () => ({
        fieldGroup: chain.fieldGroupId,
        schema: chain.schemaId,
        dataset: chain.datasetId,
        sourceConnection: chain.sourceConnectionId,
        targetConnection: chain.targetConnectionId,
        mappingSet: chain.mappingSetId,
        flow: chain.flowId,
    });
    const clean = () => {
        const r = invariants.check(engine().statePath);
        expect({ duplicates: r.duplicates, orphans: r.orphans, lost: r.lost }).to.deep.equal({ duplicates: [], orphans: [], lost: [] });
    };

    before(async () => {
        emu = await startEmulator();
        invariants = new Invariants(emu);
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-adopt-"));
        chain = await buildChatlioChain(new AepCaller(emu.url, DEMO_CREDENTIALS, "prod"), { suffix: HANDMADE_SUFFIX });
        emu.editObject("mappingSet", chain.mappingSetId, { name: NAMES.mapping }); // the tutorial's mapping set has no name
        // Made outside any stack: not orphans of one, until a stack takes them over.
        invariants.madeOutside(Object.values(handmade()));
        Object.assign(config, {
            "aep:clientId": DEMO_CREDENTIALS.clientId,
            "aep:clientSecret": { value: DEMO_CREDENTIALS.clientSecret, secret: true },
            "aep:orgId": DEMO_CREDENTIALS.orgId,
            "aep:platformUrl": emu.url,
            "aep:imsUrl": emu.url,
            "test:names": JSON.stringify(NAMES),
            "test:description": "managed by Pulumi now",
            "test:enabled": "false",
        });
    });
    after(async () => {
        await emu?.close();
        fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it("without adopt, each of the seven kinds refuses to create a second object with a taken name, naming it and suggesting adopt", async () => {
        const settings: Record<string, string> = {
            "aep:clientId": DEMO_CREDENTIALS.clientId,
            "aep:clientSecret": DEMO_CREDENTIALS.clientSecret,
            "aep:orgId": DEMO_CREDENTIALS.orgId,
            "aep:platformUrl": emu.url,
            "aep:imsUrl": emu.url,
        };
        const cases: Array<[string, unknown, Record<string, unknown>, string]> = [
            ["field group", aep.fieldGroupProvider, { title: NAMES.fg, fields: { message: { type: "string" } } }, chain.fieldGroupId],
            ["schema", aep.schemaProvider, { title: NAMES.schema, fieldGroupIds: [chain.fieldGroupId] }, chain.schemaId],
            ["dataset", aep.datasetProvider, { name: NAMES.dataset, schemaId: chain.schemaId }, chain.datasetId],
            ["source connection", aep.sourceConnectionProvider, { name: NAMES.source }, chain.sourceConnectionId],
            [
                "target connection",
                aep.targetConnectionProvider,
                { name: NAMES.target, datasetId: chain.datasetId, schemaId: chain.schemaId },
                chain.targetConnectionId,
            ],
            [
                "mapping set",
                aep.mappingSetProvider,
                { name: NAMES.mapping, schemaId: chain.schemaId, mappings: [{ source: "message", destination: "_acme.chatlio.message" }] },
                chain.mappingSetId,
            ],
            [
                "dataflow",
                aep.dataflowProvider,
                {
                    name: NAMES.flow,
                    sourceConnectionId: chain.sourceConnectionId,
                    targetConnectionId: chain.targetConnectionId,
                    mappingSetId: chain.mappingSetId,
                    mappingVersion: 0,
                },
                chain.flowId,
            ],
        ];
        const before = emu.objects();
        for (const [kind, p, inputs, existingId] of cases) {
            const provider = p as LooseProvider;
            await provider.configure({ config: { get: (k: string) => settings[k] } });
            const checked = await provider.check({}, { resourceName: "x", ...inputs });
            expect(checked.failures, kind).to.deep.equal([]);
            const err = await provider.create(checked.inputs).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(err, `${kind} was created a second time`).to.be.instanceOf(Error);
            const name = String(inputs.title ?? inputs.name);
            expect(err!.message, kind).to.contain(`set \`adopt: true\` to take the existing ${kind} over`);
            if (inputs.title) {
                // Schema Registry refuses the title itself (XDM-1521-400): its answer and the name are shown.
                expect(err!.message, kind).to.contain("XDM-1521-400").and.contain(`An AEP ${kind} named "${name}" already exists`);
            } else {
                // Elsewhere AEP allows duplicates: the lookup before create finds the existing object by name.
                expect(err!.message, kind).to.contain(`create ${kind} "${name}": AEP already has a ${kind} with this name (${existingId})`);
            }
        }
        expect(emu.objects()).to.deep.equal(before);
    });

    it("a stack declaring the same names fails without adopt, naming the existing objects, and creates nothing", async () => {
        const r = await engine().up();
        expect(r.ok).to.equal(false);
        expect(r.error).to.match(
            /(field group named "Chatlio Event Details \(made by hand\)" already exists|source connection "Chatlio source \(made by hand\)": AEP already has a source connection with this name \([0-9a-f-]{36}\))/,
        );
        expect(r.error).to.contain("set `adopt: true`");
        expect(byKind()).to.deep.equal(handmade());
        expect(emu.objects("prod")).to.have.length(7);
        clean();
    });

    it("with adopt: true the stack takes the seven objects over: the same ids, its inputs applied, no duplicate", async () => {
        config["test:adopt"] = "true";
        const r = await engine().up();
        expectOk(r);
        expect(r.steps.filter((s) => s.op === "create" && s.type.startsWith("pulumi-nodejs:dynamic"))).to.have.length(7);
        expect(r.diagnostics.join("\n")).to.contain(`adopting the existing dataflow "${NAMES.flow}" (${chain.flowId})`);
        expect(byKind()).to.deep.equal(handmade());
        expect(emu.objects("prod")).to.have.length(7);
        const ids = chainOutputs(chain);
        expect(Object.fromEntries(Object.keys(ids).map((k) => [k, r.outputs[k].value]))).to.deep.equal(ids);
        // The stack's inputs, not the hand-made ones, are what AEP now holds.
        for (const [kind, id] of [
            ["dataset", chain.datasetId],
            ["sourceConnection", chain.sourceConnectionId],
            ["targetConnection", chain.targetConnectionId],
            ["flow", chain.flowId],
            ["schema", chain.schemaId],
            ["fieldGroup", chain.fieldGroupId],
        ]) {
            expect(emu.getObject(kind, id)!.description, kind).to.equal("managed by Pulumi now");
        }
        expect(JSON.stringify(emu.getObject("fieldGroup", chain.fieldGroupId))).to.contain('"chat"');
        const mapping = emu.getObject("mappingSet", chain.mappingSetId) as any;
        expect(JSON.stringify(mapping.mappings)).to.contain("_acme.chat.message");
        const flow = emu.getObject("flow", chain.flowId) as any;
        expect(flow.state).to.equal("disabled");
        expect(Number(flow.transformations[0].params.mappingVersion)).to.equal(Number(mapping.version));
        expect(r.outputs.mappingVersion.value).to.equal(Number(mapping.version));
        clean();

        // Taken over for good: the next up has nothing to do.
        emu.resetLog();
        const again = await engine().up();
        expectOk(again);
        expect(again.steps.filter((s) => s.op !== "same")).to.deep.equal([]);
        expect(beyondSettingsCheck(emu.log)).to.deep.equal([]);
    });

    it("destroy deletes the adopted objects (the mapping set stays, as AEP cannot delete it)", async () => {
        const r = await engine().destroy();
        expectOk(r);
        expect(emu.objects().map((o) => o.id)).to.deep.equal([chain.mappingSetId]);
        clean();
    });
});
