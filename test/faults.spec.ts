/**
 * Faults through the local engine against the emulator's fault injection: on create, update, read and
 * delete of each of the seven resources, AEP answers 429 (with and without Retry-After), 500, 502, 503,
 * 504, answers too late, drops the connection before acting or after committing, refuses a stale
 * etag (412), or no longer has the object (404). A run succeeds where retrying is safe and enough;
 * otherwise it fails with a clear error and the next run converges. After every run AEP holds no
 * duplicate, no orphan, and every object state claims.
 *
 * Each run (4–8 s) injects several faults at once, one or more per object kind; the runs form one
 * story: create, update, refresh, replace into another sandbox, update again, destroy.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aep from "../provider/internal";
import { DEMO_CREDENTIALS, Emulator, FaultRule, startEmulator } from "aep-emulator";
import { LocalEngine, RunResult } from "../tools/engine";
import { Invariants } from "./support/invariants";
import { emulatorConfig, expectOk, LooseProvider } from "./support/stack";

const PROJECT = path.join(__dirname, "fixtures", "aep-stack");
const SR = "/data/foundation/schemaregistry";
const CAT = "/data/foundation/catalog";
const FS = "/data/foundation/flowservice";
const DP = "/data/foundation/conversion";

/** Where each kind is created (POST) and where one object of it lives (GET, PUT/PATCH, DELETE). */
const CREATE = {
    fieldGroup: `${SR}/tenant/fieldgroups`,
    schema: `${SR}/tenant/schemas`,
    dataset: `${CAT}/dataSets`,
    sourceConnection: `${FS}/sourceConnections`,
    targetConnection: `${FS}/targetConnections`,
    mappingSet: `${DP}/mappingSets`,
    flow: new RegExp(`^${FS}/flows$`),
};
const ITEM = {
    fieldGroup: `${SR}/tenant/fieldgroups/`,
    schema: `${SR}/tenant/schemas/`,
    dataset: `${CAT}/dataSets/`,
    sourceConnection: `${FS}/sourceConnections/`,
    targetConnection: `${FS}/targetConnections/`,
    mappingSet: `${DP}/mappingSets/`,
    flow: new RegExp(`^${FS}/flows/[^/]+$`),
};
const FLOW_ACTION = new RegExp(`^${FS}/flows/[^/]+/action$`);

/** The client gives up on an answer after TIMEOUT_MS; a "slow" fault answers after LATE_MS. */
const TIMEOUT_MS = 1500;
const LATE_MS = 3500;

type Op = "preview" | "up" | "refresh" | "destroy";
interface Run extends RunResult {
    /** Faults the emulator injected during the run. */
    injected: number;
    /** Fault rules with a finite count not used up by the run. */
    unused: string[];
}

function namesOf(r: RunResult, op: string): string[] {
    return r.steps
        .filter((s) => s.op === op && s.type.startsWith("pulumi-nodejs:dynamic"))
        .map((s) => s.name)
        .sort();
}

describe("Faults: runs that fail cleanly and converge, never duplicating, orphaning or losing an AEP object", function () {
    this.timeout(180_000);
    let emu: Emulator;
    let stateDir: string;
    let invariants: Invariants;
    const config: Record<string, string | { value: string; secret?: boolean }> = {};
    const engine = () =>
        new LocalEngine({
            projectDir: PROJECT,
            stack: "faults",
            stateDir,
            config,
            env: { AEP_HTTP_TIMEOUT_MS: String(TIMEOUT_MS), AEP_HTTP_DEADLINE_MS: "30000", AEP_HTTP_RETRY_BASE_MS: "20" },
            log: () => undefined,
        });
    const ids = () =>
        Object.fromEntries(
            emu
                .objects()
                .filter((o) => o.sandbox === (config["test:sandbox"] ?? "prod"))
                .map((o) => [o.kind, o.id]),
        );

    /** One run under the given faults, then the invariants: no duplicate, no orphan, nothing lost. */
    async function run(op: Op, faults: FaultRule[]): Promise<Run> {
        emu.faults.clear();
        faults.forEach((f) => emu.faults.add(f));
        const before = emu.faults.injected;
        emu.resetLog();
        const r = await engine()[op]();
        const injected = emu.faults.injected - before;
        const left = (await fetch(`${emu.url}/__emulator/faults`).then((x) => x.json())) as {
            rules: Array<FaultRule & { count: number | null }>;
        };
        emu.faults.clear();
        const report = invariants.check(engine().statePath);
        const context = `after ${op}: ${r.error ?? "ok"}`;
        expect(report.duplicates, `duplicates ${context}`).to.deep.equal([]);
        expect(report.orphans, `orphans ${context}`).to.deep.equal([]);
        expect(report.lost, `objects lost ${context}`).to.deep.equal([]);
        const unused = left.rules
            .filter((rule) => rule.count !== null)
            .map((rule) => `${rule.method ?? "*"} ${rule.path} ${rule.status ?? rule.reset ?? "delay"}`);
        return { ...r, injected, unused };
    }

    /** POSTs that reached AEP's create route for one kind during the last run. */
    const posts = (kind: keyof typeof CREATE) =>
        emu.log.filter(
            (e) =>
                e.method === "POST" && (typeof CREATE[kind] === "string" ? e.path === CREATE[kind] : (CREATE[kind] as RegExp).test(e.path)),
        ).length;

    before(async () => {
        emu = await startEmulator();
        invariants = new Invariants(emu);
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-faults-"));
        Object.assign(config, emulatorConfig(emu));
    });
    after(async () => {
        await emu?.close();
        fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it("creates through throttling, 5xx, late and lost answers, sending a create again when its answer was lost before AEP acted; a create lost three times fails, naming it", async () => {
        const r = await run("up", [
            { method: "POST", path: "/ims/token/v3", status: 503 },
            { method: "GET", path: `${SR}/stats`, status: 500 },
            { method: "POST", path: CREATE.fieldGroup, status: 429, retryAfter: "1" },
            { method: "POST", path: CREATE.fieldGroup, reset: "before" }, // AEP did not act: found nowhere, sent again
            { method: "POST", path: CREATE.schema, status: 503, count: 2 },
            { method: "POST", path: CREATE.schema, reset: "before" },
            { method: "GET", path: CREATE.dataset, status: 504 }, // the look-up by name before create
            { method: "POST", path: CREATE.dataset, reset: "before" },
            { method: "POST", path: CREATE.dataset, reset: "after-commit" }, // the second send: made, answer lost, found
            { method: "GET", path: CREATE.sourceConnection, reset: "before" },
            { method: "POST", path: CREATE.sourceConnection, reset: "before" },
            { method: "POST", path: CREATE.sourceConnection, delayMs: LATE_MS },
            { method: "POST", path: CREATE.targetConnection, status: 429 },
            { method: "POST", path: CREATE.targetConnection, reset: "before" },
            // The automatically named mapping set: lost twice before AEP acted, sent a third time, same name.
            { method: "POST", path: CREATE.mappingSet, reset: "before", count: 2 },
            // The dataflow is the last object created: the connection drops before Flow Service acts, every time.
            { method: "POST", path: CREATE.flow, reset: "before", count: 3 },
        ]);
        expect(r.ok).to.equal(false);
        expect(r.error).to.match(
            /create dataflow "flow-[a-z0-9]+": AEP's answer was lost \(ECONNRESET\) 3 times, and each time no dataflow with that name existed afterwards, so it was not created; run the update again/,
        );
        expect(r.unused).to.deep.equal([]);
        expect(r.injected).to.equal(20);
        // Every object but the dataflow exists once (no duplicate: see run), each lost create resolved by name.
        // Dropped connections are logged at once (late answers only when they are sent).
        expect(
            emu
                .objects()
                .map((o) => o.kind)
                .sort(),
        ).to.deep.equal(["dataset", "fieldGroup", "mappingSet", "schema", "sourceConnection", "targetConnection"]);
        expect(posts("dataset")).to.equal(2);
        expect(posts("fieldGroup")).to.equal(3);
        expect(posts("targetConnection")).to.equal(3);
        expect(posts("mappingSet")).to.equal(3);
        expect(posts("flow")).to.equal(3); // the first send and two more, each after a look-up found nothing
        expect(posts("schema")).to.equal(4);
        // The mapping set kept the automatic name it was first sent with.
        const state = JSON.parse(fs.readFileSync(engine().statePath, "utf8"));
        const mapping = state.resources.find((x: { urn: string }) => x.urn.endsWith("::mapping"));
        const made = emu.objects().find((o) => o.kind === "mappingSet")!;
        expect(made.name).to.match(/^mapping-[a-z0-9]{7}$/);
        expect(mapping.outputs.name).to.equal(made.name);
        expect(mapping.id).to.equal(made.id);
        const said = r.diagnostics.join("\n");
        expect(said).to.contain("create field group: 429; retrying in 1s"); // Retry-After honoured
        for (const kind of ["dataset", "source connection", "mapping set", "dataflow", "field group", "target connection"]) {
            expect(said).to.match(new RegExp(`the answer to "create ${kind} [^"]+" was lost; looking the ${kind} up by name`));
        }
        expect(said).to.match(
            /no mapping set named "mapping-[a-z0-9]+" exists after the lost answer \(ECONNRESET\): AEP did not create it; sending the create again \(2 of 2\)/,
        );
    });

    it("updates all seven in place through 412s (one a real change made in the AEP UI), late, dropped and throttled answers, and creates the dataflow left out", async () => {
        const before = ids();
        emu.editObject("sourceConnection", before.sourceConnection, { description: "edited in the AEP UI" });
        Object.assign(config, { "test:description": "second", "test:extraField": "true", "test:enabled": "false" });
        const r = await run("up", [
            { method: "PUT", path: ITEM.fieldGroup, delayMs: LATE_MS }, // applied, answered too late: PUT again
            { method: "PUT", path: ITEM.fieldGroup, reset: "before" }, // every update verb: dropped before AEP acts, sent again
            { method: "PUT", path: ITEM.schema, status: 502 },
            { method: "PUT", path: ITEM.schema, reset: "before" },
            { method: "PATCH", path: ITEM.dataset, status: 429, retryAfter: "0" },
            { method: "PATCH", path: ITEM.dataset, reset: "before" },
            { method: "GET", path: ITEM.sourceConnection, status: 503 }, // the re-read after the 412
            { method: "PATCH", path: ITEM.sourceConnection, reset: "before" },
            { method: "PATCH", path: ITEM.targetConnection, status: 412 },
            { method: "PATCH", path: ITEM.targetConnection, reset: "before" },
            { method: "GET", path: ITEM.targetConnection, status: 429 },
            { method: "PUT", path: ITEM.mappingSet, status: 504 },
            { method: "PUT", path: ITEM.mappingSet, reset: "before" },
            // The dataflow (disabled from the start) is created now; its answer is lost after AEP made it.
            { method: "POST", path: CREATE.flow, reset: "after-commit" },
            { method: "GET", path: ITEM.flow, status: 502 },
        ]);
        expectOk(r);
        expect(r.unused).to.deep.equal([]);
        expect(namesOf(r, "update")).to.deep.equal(["dataset", "fg", "mapping", "schema", "source", "target"]);
        expect(namesOf(r, "create")).to.deep.equal(["flow"]);
        expect(namesOf(r, "replace")).to.deep.equal([]);
        const after = ids();
        for (const kind of ["fieldGroup", "schema", "dataset", "sourceConnection", "targetConnection", "mappingSet"])
            expect(after[kind], kind).to.equal(before[kind]);
        // The change made outside was read again and overwritten; a stale etag did not stop the update.
        expect(emu.getObject("sourceConnection", after.sourceConnection)!.description).to.equal("second");
        expect(emu.getObject("targetConnection", after.targetConnection)!.description).to.equal("second");
        expect(r.diagnostics.join("\n")).to.match(/source connection "source-[a-z0-9]+" changed outside Pulumi since it was read/);
        expect(r.diagnostics.join("\n")).to.match(/target connection "target-[a-z0-9]+" changed outside Pulumi since it was read/);
        expect(emu.getObject("dataset", after.dataset)!.description).to.equal("second");
        expect(JSON.stringify(emu.getObject("fieldGroup", after.fieldGroup))).to.contain("channelId");
        expect(r.outputs.mappingVersion.value).to.equal(1);
        // Found by name after the lost answer, and disabled as asked (the create's second step).
        expect(posts("flow")).to.equal(1);
        expect(emu.getObject("flow", after.flow)!.state).to.equal("disabled");
        expect(r.outputs.state.value).to.equal("disabled");
        expect(r.outputs.webhookUrl.secret).to.equal(true);
    });

    it("refreshes through read faults on each object; a read that keeps failing fails the refresh naming it, and loses nothing", async () => {
        const r = await run("refresh", [
            { method: "GET", path: ITEM.fieldGroup, status: 429, retryAfter: "0" },
            { method: "GET", path: ITEM.schema, status: 500 },
            { method: "GET", path: ITEM.dataset, status: 502 },
            { method: "GET", path: ITEM.dataset, status: 429 },
            { method: "GET", path: ITEM.sourceConnection, status: 503 },
            { method: "GET", path: ITEM.targetConnection, status: 504 },
            { method: "GET", path: ITEM.mappingSet, delayMs: LATE_MS },
            { method: "GET", path: ITEM.mappingSet, reset: "after-commit" },
            // The dataflow stays unreadable.
            { method: "GET", path: ITEM.flow, reset: "before" },
            { method: "GET", path: ITEM.flow, status: 500, count: Infinity },
        ]);
        expect(r.ok).to.equal(false);
        expect(r.unused).to.deep.equal([]);
        expect(r.error).to.match(/^pulumi-nodejs:dynamic\/aep:Dataflow \(flow\): read dataflow "[0-9a-f-]{36}": 500 InjectedFault/);
        expect(r.error!.split("\n")).to.have.length(1);
        // The six others were read through their faults; no input drifted (AEP's own version and state may).
        expect(namesOf(r, "refresh")).to.deep.equal(["dataset", "fg", "mapping", "schema", "source", "target"]);
        const drifted = r.steps.flatMap((s) => s.changedKeys ?? []);
        expect(drifted.filter((k) => !["version", "state", "etag"].includes(k))).to.deep.equal([]);
    });

    it("replacing into another sandbox: a create that keeps failing in the middle fails the up (a create lost before AEP acted does not), so does a dataflow AEP made but cannot read back; the next run converges", async () => {
        config["test:sandbox"] = "dev";
        const first = await run("up", [
            { method: "POST", path: CREATE.dataset, status: 504 },
            { method: "POST", path: CREATE.mappingSet, status: 500, count: Infinity },
        ]);
        expect(first.ok).to.equal(false);
        // The dataset's 504 came before AEP acted: looked up, found nowhere, sent again, made once.
        // Data Prep answers 500 to every create: whether it acted is unknown, so it is looked up, sent again
        // twice, and the run fails naming it.
        expect(first.error).to.match(/create mapping set "mapping-[a-z0-9]+": AEP's answer was lost \(500\) 3 times/);
        expect(posts("dataset")).to.equal(2);
        expect(emu.objects("dev").filter((o) => o.kind === "dataset")).to.have.length(1);
        expect(emu.objects("dev").map((o) => o.kind)).to.not.include("flow");

        // Flow Service makes the dataflow, then every read of it fails: it must reach state all the same.
        const second = await run("up", [{ method: "GET", path: ITEM.flow, status: 500, count: Infinity }]);
        expect(second.ok).to.equal(false);
        expect(second.error).to.match(
            /create dataflow "flow-[a-z0-9]+": AEP created it \([0-9a-f-]{36}\), then read dataflow "[0-9a-f-]{36}": 500 InjectedFault.*; it is kept in state and the next update finishes it/,
        );
        expect(
            emu
                .objects("dev")
                .map((o) => o.kind)
                .sort(),
        ).to.deep.equal(["dataset", "fieldGroup", "flow", "mappingSet", "schema", "sourceConnection", "targetConnection"]);
        // Nothing was deleted in prod while the replacement was incomplete.
        expect(emu.objects("prod").filter((o) => o.kind !== "mappingSet")).to.have.length(6);

        // Before the next run, someone deletes the old dataset in the AEP UI, and disables the new dataflow
        // (which the stack wants disabled too: AEP then refuses to disable it again, 1422).
        emu.deleteObject("dataset", emu.objects("prod").find((o) => o.kind === "dataset")!.id);
        emu.editObject("flow", emu.objects("dev").find((o) => o.kind === "flow")!.id, { state: "disabled" });
        const third = await run("up", [
            { method: "DELETE", path: ITEM.flow, status: 503, retryAfter: "0" },
            { method: "DELETE", path: ITEM.schema, status: 429 },
        ]);
        expectOk(third);
        expect(third.unused).to.deep.equal([]);
        expect(namesOf(third, "update")).to.deep.equal(["flow"]);
        expect(namesOf(third, "create")).to.deep.equal([]);
        expect(emu.objects("prod").filter((o) => o.kind !== "mappingSet")).to.deep.equal([]);
        expect(
            emu
                .objects("dev")
                .map((o) => o.kind)
                .sort(),
        ).to.deep.equal(["dataset", "fieldGroup", "flow", "mappingSet", "schema", "sourceConnection", "targetConnection"]);
        // The dataflow's state and URLs, unknown when its create stopped, were read by this update.
        const flow = emu.objects("dev").find((o) => o.kind === "flow")!;
        expect(emu.getObject("flow", flow.id)!.state).to.equal("disabled");
        expect(third.outputs.state.value).to.equal("disabled");
        expect(third.outputs.webhookUrl).to.deep.equal({
            value: `${(emu.getObject("flow", flow.id) as any).options.inletUrl}?x-adobe-flow-id=${flow.id}`,
            secret: true,
        });
    });

    it("an update that fails permanently in the middle fails the up; the next up applies it through dropped and lost Flow Service answers", async () => {
        Object.assign(config, { "test:description": "third", "test:extraField": "false", "test:enabled": "true" });
        const failed = await run("up", [
            // The dataset and the mapping set, both updated once the schema is. The Catalog PATCH sets fixed
            // values: a 504 after AEP committed it is sent again like a PUT. Data Prep keeps failing.
            { method: "PATCH", path: ITEM.dataset, status: 504, commit: true },
            { method: "PATCH", path: ITEM.dataset, reset: "before" },
            { method: "PUT", path: ITEM.mappingSet, status: 500, count: Infinity },
        ]);
        expect(failed.ok).to.equal(false);
        expect(failed.error).to.match(/update mapping set "mapping-[a-z0-9]+": 500 InjectedFault/);
        expect(namesOf(failed, "update")).to.not.include("flow");
        expect(namesOf(failed, "update")).to.include("dataset");
        expect(emu.log.filter((e) => e.method === "PATCH" && e.path.startsWith(ITEM.dataset)).map((e) => e.status)).to.deep.equal([
            504, 0, 200,
        ]);

        // Flow Service is still working on the dataflow (a change made in the AEP UI): it is `updating`, and
        // refuses the PATCH with 1421 twice before it settles. The update waits, shows the state, goes through.
        emu.holdFlowState(ids().flow, "updating", 60_000, 2);
        const ok = await run("up", [
            { method: "PATCH", path: ITEM.flow, reset: "before" }, // PATCH with If-Match: safe to send again
            { method: "POST", path: FLOW_ACTION, reset: "before" }, // asks for a state: safe to send again
            { method: "POST", path: FLOW_ACTION, reset: "after-commit" }, // done, then 1422 "already enabled"
        ]);
        expectOk(ok);
        expect(ok.unused).to.deep.equal([]);
        const flowPatches = emu.log.filter((e) => e.method === "PATCH" && ITEM.flow.test(e.path)).map((e) => e.status);
        expect(flowPatches[0]).to.equal(0); // the dropped connection
        expect(flowPatches).to.deep.equal([0, 400, 400, 200]); // dropped, 1421 twice while updating, done
        expect(ok.diagnostics.join("\n")).to.match(
            /update dataflow: AEP is busy with it \(1421-400: [^)]*"updating"[^)]*\); waiting for it to settle; retrying in/,
        );
        // The dataset (and, as the schema's other dependant, maybe the target connection) was done by the first run.
        expect(namesOf(ok, "update")).to.include.members(["mapping", "flow"]);
        const now = ids();
        expect(JSON.stringify(emu.getObject("mappingSet", now.mappingSet))).to.not.contain("channelId");
        expect(emu.getObject("dataset", now.dataset)!.description).to.equal("third");
        expect(emu.getObject("flow", now.flow)!.description).to.equal("third");
        expect(emu.getObject("targetConnection", now.targetConnection)!.description).to.equal("third");
        expect(emu.getObject("flow", now.flow)!.state).to.equal("enabled");
        expect(ok.outputs.state.value).to.equal("enabled");
    });

    it("destroys through throttling, 5xx, late and lost answers and objects already gone; a delete that fails stops it, and the next destroy finishes", async () => {
        const live = ids();
        emu.deleteObject("targetConnection", live.targetConnection); // already gone: its DELETE meets a real 404
        // The source connection goes any time after the dataflow; the field group after everything else.
        const sourceFaults: FaultRule[] = [
            { method: "DELETE", path: ITEM.sourceConnection, status: 502 },
            { method: "DELETE", path: ITEM.sourceConnection, reset: "before" },
        ];
        const failed = await run("destroy", [
            { method: "DELETE", path: ITEM.flow, status: 429, retryAfter: "0" },
            { method: "DELETE", path: ITEM.targetConnection, status: 504 },
            { method: "DELETE", path: ITEM.targetConnection, reset: "before" },
            { method: "DELETE", path: ITEM.dataset, status: 503 },
            { method: "DELETE", path: ITEM.dataset, delayMs: LATE_MS },
            // AEP deletes the schema, but no answer to any DELETE of it ever comes back.
            { method: "DELETE", path: ITEM.schema, reset: "after-commit", count: Infinity },
            ...sourceFaults,
            // The field group: a 500 that does not clear stops the destroy.
            { method: "DELETE", path: ITEM.fieldGroup, status: 500, count: Infinity },
        ]);
        expect(failed.ok).to.equal(false);
        expect(failed.error).to.match(
            /^pulumi-nodejs:dynamic\/aep:FieldGroup \(fg\): delete field group "https:\/\/ns\.adobe\.com\/acme\/mixins\/[0-9a-f]+": 500 InjectedFault.*gave up after 6 attempts/,
        );
        const sourceLeft = emu.objects().some((o) => o.kind === "sourceConnection");
        expect(failed.unused).to.deep.equal(
            sourceLeft ? [`DELETE ${ITEM.sourceConnection} 502`, `DELETE ${ITEM.sourceConnection} before`] : [],
        );
        expect(
            emu
                .objects()
                .filter((o) => o.kind !== "mappingSet")
                .map((o) => o.kind)
                .sort(),
        ).to.deep.equal(["fieldGroup", ...(sourceLeft ? ["sourceConnection"] : [])]);
        expect(failed.diagnostics.join("\n")).to.match(
            /the answer to "delete schema https:[^"]+" was lost, and AEP no longer has it: deleted/,
        );

        // The 500 cleared (the source connection's faults still there if it was not reached), the next destroy finishes.
        const done = await run("destroy", sourceLeft ? sourceFaults : []);
        expectOk(done);
        expect(done.unused).to.deep.equal([]);
        expect(emu.objects().filter((o) => o.kind !== "mappingSet")).to.deep.equal([]);
        const state = JSON.parse(fs.readFileSync(engine().statePath, "utf8"));
        expect(state.resources.filter((r: { type: string }) => r.type.startsWith("pulumi-nodejs:dynamic"))).to.deep.equal([]);
    });
});

describe("A create sent again after a lost answer, meeting the object that attempt made after all", function () {
    this.timeout(60_000);

    it("takes that object (AEP listed it only after the look-ups) instead of failing on its taken title", async () => {
        const emu = await startEmulator();
        const base = process.env.AEP_HTTP_RETRY_BASE_MS;
        process.env.AEP_HTTP_RETRY_BASE_MS = "5";
        try {
            const settings: Record<string, string> = {
                "aep:clientId": DEMO_CREDENTIALS.clientId,
                "aep:clientSecret": DEMO_CREDENTIALS.clientSecret,
                "aep:orgId": DEMO_CREDENTIALS.orgId,
                "aep:platformUrl": emu.url,
                "aep:imsUrl": emu.url,
            };
            const provider = aep.fieldGroupProvider as unknown as LooseProvider;
            await provider.configure({ config: { get: (k: string) => settings[k] } });
            const checked = await provider.check(
                {},
                { resourceName: "late", title: "Listed late", fields: { message: { type: "string" } } },
            );
            // The first create is made but its answer lost; the four look-ups that follow find nothing (AEP lists
            // it late); the create sent again meets the taken title (XDM-1521-400).
            emu.faults.add({ method: "POST", path: CREATE.fieldGroup, reset: "after-commit", count: 1 });
            emu.faults.add({
                method: "GET",
                path: new RegExp(`^${CREATE.fieldGroup}$`),
                status: 200,
                body: { results: [], _page: { count: 0 } },
                count: 4,
            });
            const created = await provider.create(checked.inputs);
            const made = emu.objects().filter((o) => o.kind === "fieldGroup");
            expect(made).to.have.length(1);
            expect(created.id).to.equal(made[0].id);
            expect(emu.log.filter((e) => e.method === "POST" && e.kind === "write").map((e) => e.status)).to.have.length(2);
        } finally {
            if (base === undefined) delete process.env.AEP_HTTP_RETRY_BASE_MS;
            else process.env.AEP_HTTP_RETRY_BASE_MS = base;
            await emu.close();
        }
    });
});
