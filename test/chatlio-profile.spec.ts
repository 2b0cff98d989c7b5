/**
 * A Profile-enabled Chatlio stack with the visitor's email as primary identity, through the local engine
 * against the emulator: up, an event that lands with its identity, refresh, then an unchanged up with no
 * request but the settings check (so refresh found no drift), the Profile refusal and the breaking-change
 * warnings at preview with no request but that check, a destructive change the preview warned about and AEP then refused, and destroy
 * (the descriptor before its schema).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aep from "../provider/internal";
import { NEW_CONVERSATION } from "../provider/internal";
import { Emulator, startEmulator } from "aep-emulator";
import { LocalEngine, RunResult } from "../tools/engine";
import { emulatorConfig, expectOk } from "./support/stack";
import { beyondSettingsCheck } from "./support/requests";

const PROJECT = path.join(__dirname, "fixtures", "chatlio-profile");
const SR = "/data/foundation/schemaregistry";

describe("A Profile-enabled Chatlio stack with an email identity, through the engine", function () {
    this.timeout(180_000);
    let emu: Emulator;
    let stateDir: string;
    let outputs: RunResult["outputs"];
    let config: ReturnType<typeof emulatorConfig>;
    const engine = (extra: Record<string, string> = {}) =>
        new LocalEngine({ projectDir: PROJECT, stack: "profile", stateDir, config: { ...config, ...extra }, log: () => undefined });
    const out = (k: string) => String(outputs[k].value);
    const tenant = "acme";
    /** The schema provider, called directly (as the provider host would), configured for the emulator. */
    const schemaProvider = async () => {
        const provider = aep.schemaProvider as any;
        const values = Object.fromEntries(Object.entries(config).map(([key, v]) => [key, typeof v === "string" ? v : v.value]));
        await provider.configure({ config: { get: (k: string) => values[k] } });
        return provider;
    };
    const changeWarning = `field "_${tenant}.chatlio.plan" changes type from string to integer`;

    before(async () => {
        emu = await startEmulator();
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-profile-"));
        config = emulatorConfig(emu);
    });
    after(async () => {
        await emu?.close();
        fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it("deploys the schema and dataset enabled for Profile, with the visitor's email as primary Email identity", async () => {
        emu.resetLog();
        const r = await engine().up();
        expectOk(r);
        outputs = r.outputs;
        expect(r.steps.filter((s) => s.op === "create").map((s) => s.name)).to.include("chatlio-identity");
        const schema = emu.getObject("schema", out("schemaId"))!;
        expect(schema["meta:immutableTags"]).to.deep.equal(["union"]);
        const dataset = emu.getObject("dataset", out("datasetId"))!;
        expect(dataset.tags).to.deep.equal({ unifiedProfile: ["enabled:true"], unifiedIdentity: ["enabled:true"] });
        const descriptor = emu.getObject("descriptor", out("descriptorId"))!;
        expect(descriptor).to.include({
            "@type": "xdm:descriptorIdentity",
            "xdm:sourceSchema": out("schemaId"),
            "xdm:sourceProperty": `/_${tenant}/chatlio/visitor/email`,
            "xdm:namespace": "Email",
            "xdm:property": "xdm:code",
            "xdm:isPrimary": true,
        });
        // Profile is enabled with the documented JSON Patch, once.
        expect(emu.log.filter((e) => e.method === "PATCH" && e.path.startsWith(`${SR}/tenant/schemas/`))).to.have.length(1);
    });

    it("stores a posted event with the visitor's email at the identity's path", async () => {
        const res = await fetch(out("webhookUrl"), {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ ...NEW_CONVERSATION, plan: "team" }),
        });
        expect(res.status, await res.clone().text()).to.equal(200);
        const [record] = emu.records(out("datasetId")) as any[];
        const pointer = String(emu.getObject("descriptor", out("descriptorId"))!["xdm:sourceProperty"]);
        const atIdentity = pointer
            .split("/")
            .slice(1)
            .reduce((o: any, k) => o?.[k], record);
        expect(atIdentity).to.equal(NEW_CONVERSATION.visitor.email);
        expect(record[`_${tenant}`].chatlio.plan).to.equal("team");
    });

    it("refreshes every object, the descriptor included", async () => {
        emu.resetLog();
        const r = await engine().refresh();
        expectOk(r);
        expect(emu.log.some((e) => e.method === "GET" && e.path === `${SR}/tenant/descriptors/${out("descriptorId")}`)).to.equal(true);
        expect(emu.log.filter((e) => e.kind === "write")).to.deep.equal([]);
    });

    it("after the refresh, changes nothing (no drift), with no request but the settings check, when applied again", async () => {
        emu.resetLog();
        const r = await engine().up();
        expectOk(r);
        expect(r.steps.filter((s) => s.op !== "same")).to.deep.equal([]);
        expect(beyondSettingsCheck(emu.log)).to.deep.equal([]);
    });

    it("reads a descriptor changed in the AEP UI back as it is now", async () => {
        const provider = aep.identityDescriptorProvider as any;
        const values = Object.fromEntries(Object.entries(config).map(([key, v]) => [key, typeof v === "string" ? v : v.value]));
        await provider.configure({ config: { get: (k: string) => values[k] } });
        const props = {
            schemaId: out("schemaId"),
            sourceProperty: `/_${tenant}/chatlio/visitor/email`,
            namespace: "Email",
            primary: true,
            sandboxName: "prod",
        };
        emu.editObject("descriptor", out("descriptorId"), { "xdm:isPrimary": false });
        expect((await provider.read(out("descriptorId"), props)).props).to.include({ primary: false, namespace: "Email" });
        emu.editObject("descriptor", out("descriptorId"), { "xdm:isPrimary": true });
        expect((await provider.read(out("descriptorId"), props)).props).to.include({ primary: true });
    });

    it("refuses at preview to turn Profile off on the schema, saying why and the way out, with no request but the settings check", async () => {
        emu.resetLog();
        const r = await engine({ "test:profile": "false" }).preview();
        expect(r.ok).to.equal(false);
        const text = r.diagnostics.join("\n");
        expect(text).to.match(/chatlio-schema.*profileEnabled/);
        expect(text).to.contain('immutable "union" tag, and AEP never removes an immutable tag');
        expect(text).to.match(/replace the schema: declare a new Schema/);
        expect(beyondSettingsCheck(emu.log)).to.deep.equal([]);
    });

    it("warns at preview of a destructive field change and of Profile on a class without identityMap, with no request but the settings check", async () => {
        emu.resetLog();
        const r = await engine({ "test:planType": "integer", "test:peopleSchema": "true" }).preview();
        expectOk(r);
        const text = r.diagnostics.join("\n");
        expect(text).to.contain(changeWarning);
        expect(text).to.match(
            /These are destructive changes: AEP refuses them once a dataset of the schema has ingested data or is enabled for Profile/,
        );
        expect(text).to.match(
            /schema "people-[a-z0-9]+": AEP enables Profile only on a schema with a primary identity or an identityMap, and refuses otherwise \(XDM-1528-400\)/,
        );
        expect(r.steps.find((s) => s.name === "chatlio-fields")?.op).to.equal("update");
        expect(beyondSettingsCheck(emu.log)).to.deep.equal([]);
    });

    it("fails to apply exactly the change the preview warned about: AEP refuses it, the dataset holding data", async () => {
        const fieldGroup = JSON.stringify(emu.getObject("fieldGroup", out("fieldGroupId")));
        const r = await engine({ "test:planType": "integer" }).up();
        expect(r.ok).to.equal(false);
        const text = `${r.error}\n${r.diagnostics.join("\n")}`;
        expect(text).to.contain("XDM-1004-400");
        expect(text).to.contain(`Refused: ${changeWarning}`);
        expect(text).to.contain(`dataset ${out("datasetId")} has ingested 1 record(s)`);
        expect(JSON.stringify(emu.getObject("fieldGroup", out("fieldGroupId")))).to.equal(fieldGroup);
    });

    it("destroys the stack, deleting the descriptor before its schema", async () => {
        emu.resetLog();
        const r = await engine().destroy();
        expectOk(r);
        expect(emu.objects().map((o) => o.kind)).to.deep.equal(["mappingSet"]);
        const deletes = emu.log.filter((e) => e.method === "DELETE").map((e) => e.path);
        const descriptor = deletes.findIndex((p) => p.startsWith(`${SR}/tenant/descriptors/`));
        const schema = deletes.findIndex((p) => p.startsWith(`${SR}/tenant/schemas/`));
        expect(descriptor).to.be.at.least(0);
        expect(descriptor).to.be.below(schema);
    });

    it("surfaces AEP's XDM-1528-400 with its meaning and the way out, keeping the schema made before it", async () => {
        // The emulator knows only ExperienceEvent, which always has identityMap: AEP's answer for a schema
        // without one is injected, in the Schema Registry's error shape.
        const provider = await schemaProvider();
        emu.faults.add({
            method: "PATCH",
            path: `${SR}/tenant/schemas/`,
            status: 400,
            body: {
                type: "http://ns.adobe.com/aep/errors/XDM-1528-400",
                title: "Profile enablement failed",
                status: 400,
                report: { "detailed-message": "no primary identity" },
                detail: "no primary identity",
            },
        });
        const checked = await provider.check({}, { resourceName: "nomap", fieldGroupIds: [], profileEnabled: true });
        const err = await provider.create(checked.inputs).then(
            () => undefined,
            (e: any) => e,
        );
        expect(err?.message).to.match(/XDM-1528-400/);
        expect(err.message).to.match(
            /AEP refuses to enable schema "nomap-[a-z0-9]+" for Profile: it has neither a primary identity nor an identityMap field/,
        );
        expect(err.message).to.match(/IdentityDescriptor with primary: true .* then set profileEnabled: true/);
        // Kept in state as created: the next update enables Profile.
        expect(err.id).to.be.a("string");
        expect(err.properties.profileEnabled).to.equal(false);
        expect(emu.getObject("schema", err.id)).to.not.equal(undefined);
    });

    it("finishes Profile enablement on a schema found by title after AEP's answer to its create was lost", async () => {
        const provider = await schemaProvider();
        emu.faults.add({ method: "POST", path: `${SR}/tenant/schemas`, reset: "after-commit" });
        const checked = await provider.check({}, { resourceName: "lost", fieldGroupIds: [], profileEnabled: true });
        const log = console.error;
        console.error = () => undefined; // the provider's "looking the schema up by name" notice
        const created = await provider.create(checked.inputs).finally(() => (console.error = log));
        expect(created.outs.profileEnabled).to.equal(true);
        expect(emu.getObject("schema", created.id)!["meta:immutableTags"]).to.deep.equal(["union"]);
    });
});
