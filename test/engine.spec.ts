// The local engine runs a real Pulumi program (test/fixtures/engine-basic) through the SDK's own
// runtime and dynamic-provider host, against a loopback fake REST API that counts every request; and the
// seven AEP resources (test/fixtures/aep-stack) against the emulator, for what the product's provider
// relies on: its messages to the engine.

import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { ChildProcess, spawn } from "child_process";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { LocalEngine, RunResult } from "../tools/engine";
import { Diagnostics } from "../tools/engine/diagnostics";
import { Display } from "../tools/engine/display";
import { StateFile } from "../tools/engine/state";
import { emulatorConfig, expectOk, StackConfig } from "./support/stack";

const FIXTURE = path.join(__dirname, "fixtures", "engine-basic");
const TOKEN = "s3cr3t-api-token-7f2c";

interface Call {
    method: string;
    path: string;
    auth: string;
    body: any;
}

/** The fake API: items under /items, every call recorded; a title "explode" makes POST fail. */
class FakeApi {
    readonly calls: Call[] = [];
    readonly items = new Map<string, any>();
    private n = 0;
    private server = http.createServer((req, res) => {
        let raw = "";
        req.on("data", (c) => (raw += c));
        req.on("end", () => {
            const body = raw ? JSON.parse(raw) : undefined;
            this.calls.push({ method: req.method!, path: req.url!, auth: String(req.headers.authorization), body });
            const send = (status: number, data?: unknown) => {
                res.writeHead(status, { "content-type": "application/json" });
                res.end(data === undefined ? "" : JSON.stringify(data));
            };
            const id = req.url!.split("/")[2];
            if (req.method === "POST") {
                if (body.title === "explode") return send(500, { error: "boom" });
                const item = { ...body, id: `it-${++this.n}`, version: 1 };
                this.items.set(item.id, item);
                return send(201, item);
            }
            const item = this.items.get(id);
            if (!item) return send(404, { error: "not found" });
            if (req.method === "GET") return send(200, item);
            if (req.method === "PATCH") {
                Object.assign(item, body, { version: item.version + 1 });
                return send(200, item);
            }
            if (req.method === "DELETE") {
                this.items.delete(id);
                return send(204);
            }
            send(405);
        });
    });
    url = "";

    async start(): Promise<void> {
        await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
        this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    }

    stop(): Promise<void> {
        return new Promise((r) => this.server.close(() => r()));
    }

    /** Calls since the last take(), as "METHOD /path". */
    take(): string[] {
        return this.calls.splice(0).map((c) => `${c.method} ${c.path}`);
    }

    writes(calls: string[]): string[] {
        return calls.filter((c) => !c.startsWith("GET "));
    }

    byTitle(title: string): any {
        return [...this.items.values()].find((i) => i.title === title);
    }
}

const ROOT = path.resolve(__dirname, "..");

/** Resolves when `ok()` holds (checked every 50 ms); fails after `ms`, naming `what`. */
async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
    const t0 = Date.now();
    while (!ok()) {
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

/** A TypeScript entry of this repository in a process group of its own (so the group can be killed). */
function spawnGroup(args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess & { output: string[] } {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", ...args], {
        cwd: ROOT,
        env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    child.stdout!.on("data", (b) => output.push(String(b)));
    child.stderr!.on("data", (b) => output.push(String(b)));
    return Object.assign(child, { output });
}

/** SIGKILL to every process of the group; resolves once none is left. */
async function killGroup(child: ChildProcess): Promise<void> {
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid!, "SIGKILL");
    await exited;
    await until(
        "the killed process group to be gone",
        () => {
            try {
                process.kill(-child.pid!, 0);
                return false;
            } catch {
                return true;
            }
        },
        10_000,
    );
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

describe("local engine (tools/engine)", function () {
    this.timeout(60_000);
    const api = new FakeApi();
    let stateDir: string;
    let out: string[] = [];
    let config: Record<string, string | { value: string; secret?: boolean }> = {};

    const engine = (stack = "dev") =>
        new LocalEngine({
            projectDir: FIXTURE,
            stack,
            stateDir,
            config: {
                "engine-basic:apiUrl": api.url,
                "engine-basic:apiToken": { value: TOKEN, secret: true },
                ...config,
            },
            log: (line) => out.push(line),
        });

    /** Runs an operation and checks what every run must guarantee: no process left behind, no secret shown. */
    async function run(op: "preview" | "up" | "refresh" | "destroy", stack = "dev"): Promise<RunResult> {
        out = [];
        const r = await engine(stack)[op]();
        expect(r.pids.length, "processes spawned").to.be.greaterThan(0);
        for (const pid of r.pids) expect(alive(pid), `process ${pid} still running after ${op}`).to.equal(false);
        expect(out.join("\n")).not.to.contain(TOKEN);
        expect(r.diagnostics.join("\n")).not.to.contain(TOKEN);
        return r;
    }

    const statePath = (stack = "dev") => path.join(stateDir, `${stack}.json`);
    const state = (stack = "dev") => JSON.parse(fs.readFileSync(statePath(stack), "utf8"));
    const urnOf = (name: string) => `urn:pulumi:dev::engine-basic::pulumi-nodejs:dynamic/fixture:Item::${name}`;
    const ops = (r: RunResult) =>
        r.steps
            .filter((s) => s.op !== "same")
            .map((s) => `${s.op} ${s.name}`)
            .sort();

    before(async () => {
        await api.start();
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-spec-"));
    });

    after(async () => {
        await api.stop();
        fs.rmSync(stateDir, { recursive: true, force: true });
    });

    describe("one stack through its life", () => {
        it("previews a new stack without a single write and without creating state", async () => {
            const r = await run("preview");
            expect(r.ok, r.error).to.equal(true);
            expect(r.changes).to.deep.equal({ create: 7 });
            expect(api.take()).to.deep.equal([]);
            expect(fs.existsSync(statePath())).to.equal(false);
            expect(r.outputs.parentId.unknown).to.equal(true);
            expect(r.outputs.token.secret).to.equal(true);
            expect(out).to.include("    + 7 to create");
        });

        it("creates everything on up, with the secret config reaching configure but not the state", async () => {
            const r = await run("up");
            expect(r.ok, r.error).to.equal(true);
            expect(r.changes).to.deep.equal({ create: 7 });
            const calls = api.calls.slice();
            expect(api.take()).to.deep.equal(["POST /items", "POST /items", "POST /items", "POST /items"]);
            expect(
                calls.every((c) => c.auth === `Bearer ${TOKEN}`),
                "every call carries the configured token",
            ).to.equal(true);
            expect(api.byTitle(`child-${r.outputs.suffixValue.value}`).parentId).to.equal(r.outputs.parentId.value);

            const text = fs.readFileSync(statePath(), "utf8");
            expect(text).not.to.contain(TOKEN);
            const s = state();
            const parent = s.resources.find((x: any) => x.urn === urnOf("parent"));
            expect(parent.id).to.equal(r.outputs.parentId.value);
            expect(parent.outputs.__provider).to.be.a("string");
            expect(parent.provider).to.match(/::pulumi:providers:pulumi-nodejs::default::/);
            const child = s.resources.find((x: any) => x.urn === urnOf("child"));
            expect(child.dependencies).to.include(urnOf("parent"));
            expect(child.propertyDependencies.parentId).to.deep.equal([urnOf("parent")]);
            // A secret input reaches the provider in plaintext and comes back secret; so does an additionalSecretOutput.
            expect(api.byTitle("note")).to.not.equal(undefined);
            const note = s.resources.find((x: any) => x.urn.endsWith("::bundle-note"));
            expect(note.urn).to.equal("urn:pulumi:dev::engine-basic::fixture:index:Bundle$pulumi-nodejs:dynamic/fixture:Item::bundle-note");
            expect(note.secretInputs).to.deep.equal(["title"]);
            expect(note.secretOutputs).to.deep.equal(["title", "version"]);
            expect(parent.secretOutputs).to.equal(undefined);
            expect(out.some((l) => /Item parent created \(\d+\.\ds\)/.test(l))).to.equal(true);
            expect(out).to.include("    + 7 created");
        });

        it("reports stack outputs with their secret flags, in the result, the state and the display", async () => {
            const outputs = engine().outputs();
            expect(outputs.parentId).to.deep.equal({ value: api.byTitle("Parent").id, secret: false });
            expect(outputs.token.secret).to.equal(true);
            expect(outputs.token.value).to.equal(`tok-${api.byTitle("note").id}`);
            const s = state();
            const stack = s.resources.find((x: any) => x.type === "pulumi:pulumi:Stack");
            expect(stack.secretOutputs).to.deep.equal(["token"]);
            expect(JSON.stringify(stack.outputs.token)).to.contain("ciphertext");
            expect(JSON.stringify(s)).not.to.contain(outputs.token.value as string);
            const bundle = s.resources.find((x: any) => x.type === "fixture:index:Bundle");
            expect(bundle.custom).to.equal(false);
            expect(bundle.secretOutputs).to.deep.equal(["token"]);
        });

        it("finds nothing to do on a second up and makes no request at all", async () => {
            const before = state();
            const r = await run("up");
            expect(r.ok, r.error).to.equal(true);
            expect(r.changes).to.deep.equal({ same: 7 });
            expect(api.take()).to.deep.equal([]);
            const suffix = (s: any) => s.resources.find((x: any) => x.type.startsWith("random:")).outputs.result;
            expect(suffix(state())).to.equal(suffix(before));
            expect(out).to.include("    7 unchanged");
        });

        it("previews an input change as an update using only Check and Diff", async () => {
            config = { "engine-basic:parentTitle": "Renamed" };
            const r = await run("preview");
            expect(r.ok, r.error).to.equal(true);
            expect(ops(r)).to.deep.equal(["update parent"]);
            expect(r.steps.find((s) => s.name === "parent")!.changedKeys).to.deep.equal(["title"]);
            expect(api.take()).to.deep.equal([]);
            expect(out.some((l) => l.includes("Item parent update [diff: ~title]"))).to.equal(true);
        });

        it("updates a changed input in place", async () => {
            const r = await run("up");
            expect(r.ok, r.error).to.equal(true);
            expect(ops(r)).to.deep.equal(["update parent"]);
            expect(api.take()).to.deep.equal([`PATCH /items/${r.outputs.parentId.value}`]);
            expect(r.outputs.parentVersion.value).to.equal(2);
        });

        it("replaces by creating first and deleting the old object at the end", async () => {
            const oldId = engine().outputs().parentId.value;
            config = { ...config, "engine-basic:slot": "b" };
            const r = await run("up");
            expect(r.ok, r.error).to.equal(true);
            const newId = r.outputs.parentId.value;
            expect(newId).not.to.equal(oldId);
            const child = api.byTitle(`child-${r.outputs.suffixValue.value}`);
            expect(ops(r)).to.deep.equal(["delete parent", "replace parent", "update child"]);
            expect(api.take()).to.deep.equal(["POST /items", `PATCH /items/${child.id}`, `DELETE /items/${oldId}`]);
            expect(state().resources.filter((x: any) => x.pendingDelete)).to.deep.equal([]);
        });

        it("deletes before replacing when the provider asks for it, and first what that replaces too", async () => {
            config = { ...config, "engine-basic:withFollower": "true" };
            expect((await run("up")).ok).to.equal(true);
            const follower = api.byTitle("follower");
            api.take();
            const oldId = engine().outputs().parentId.value;
            config = { ...config, "engine-basic:zone": "us" };
            const r = await run("up");
            expect(r.ok, r.error).to.equal(true);
            const child = api.byTitle(`child-${r.outputs.suffixValue.value}`);
            // The follower takes the parent's zone (a replacing input): as the Pulumi engine does, it is deleted
            // before the parent and comes back after it; the child only refers to the parent's id (an update).
            const calls = api.take();
            expect(calls.slice(0, 3)).to.deep.equal([`DELETE /items/${follower.id}`, `DELETE /items/${oldId}`, "POST /items"]);
            expect(calls.slice(3).sort()).to.deep.equal([`PATCH /items/${child.id}`, "POST /items"]);
            expect(ops(r)).to.deep.equal(["replace follower", "replace parent", "update child"]);
            expect(api.byTitle("follower").zone).to.equal("us");
            expect(out.some((l) => l.includes("replaced (delete before replace)"))).to.equal(true);
        });

        it("fails a check with the property's name, writes nothing and leaves no process behind", async () => {
            const before = fs.readFileSync(statePath(), "utf8");
            config = { ...config, "engine-basic:parentTitle": "" };
            const r = await run("up");
            expect(r.ok).to.equal(false);
            expect(r.error).to.contain("property title");
            expect(r.error).to.contain("title is required");
            expect(api.writes(api.take())).to.deep.equal([]);
            expect(out.some((l) => l.startsWith("error: ") && l.includes("title is required"))).to.equal(true);
            const byUrn = (text: string) => Object.fromEntries(JSON.parse(text).resources.map((x: any) => [x.urn, x]));
            expect(byUrn(fs.readFileSync(statePath(), "utf8"))).to.deep.equal(byUrn(before));
            config = { ...config, "engine-basic:parentTitle": "Renamed" };
        });

        it("refreshes drift from the API and drops an object deleted outside Pulumi", async () => {
            const parentId = engine().outputs().parentId.value as string;
            api.items.get(parentId).title = "edited in the UI";
            const note = api.byTitle("note");
            api.items.delete(note.id);
            const r = await run("refresh");
            expect(r.ok, r.error).to.equal(true);
            expect(api.writes(api.take())).to.deep.equal([]);
            expect(r.steps.find((s) => s.name === "parent")).to.deep.include({ op: "refresh", changedKeys: ["title"] });
            expect(r.steps.find((s) => s.name === "bundle-note")!.op).to.equal("delete");
            const s = state();
            expect(s.resources.find((x: any) => x.urn.endsWith("::bundle-note"))).to.equal(undefined);
            expect(s.resources.find((x: any) => x.urn === urnOf("parent")).outputs.title).to.equal("edited in the UI");
        });

        it("converges on the next up and deletes what the program no longer declares", async () => {
            config = { ...config, "engine-basic:withExtra": "false" };
            const extraId = api.byTitle("extra").id;
            const r = await run("up");
            expect(r.ok, r.error).to.equal(true);
            expect(ops(r)).to.deep.equal(["create bundle-note", "delete extra", "update parent"]);
            const calls = api.take();
            expect(calls[calls.length - 1]).to.equal(`DELETE /items/${extraId}`);
            expect(api.byTitle("Renamed")).to.not.equal(undefined);
            expect(api.byTitle("note")).to.not.equal(undefined);
        });

        it("destroys everything, dependents before what they depend on", async () => {
            const parentId = engine().outputs().parentId.value;
            const r = await run("destroy");
            expect(r.ok, r.error).to.equal(true);
            const deletes = api.take();
            expect(deletes).to.have.length(4);
            expect(deletes.every((c) => c.startsWith("DELETE "))).to.equal(true);
            const child = r.steps.findIndex((s) => s.name === "child");
            const parent = r.steps.findIndex((s) => s.name === "parent");
            const stack = r.steps.findIndex((s) => s.type === "pulumi:pulumi:Stack");
            expect(child).to.be.lessThan(parent);
            expect(r.steps.findIndex((s) => s.name === "bundle-note")).to.be.lessThan(r.steps.findIndex((s) => s.name === "bundle"));
            expect(stack).to.equal(r.steps.length - 1);
            expect(deletes.indexOf(`DELETE /items/${parentId}`)).to.be.greaterThan(0);
            expect(api.items.size).to.equal(0);
            expect(state().resources).to.deep.equal([]);
            expect(r.changes).to.deep.equal({ delete: 7 });
        });
    });

    describe("failures", () => {
        beforeEach(() => {
            config = {};
            api.take();
        });

        it("fails when the program crashes, creating nothing and leaving no process behind", async () => {
            config = { "engine-basic:crash": "true" };
            const r = await run("up", "crash");
            expect(r.ok).to.equal(false);
            expect(r.error).to.contain("crashed on purpose");
            expect(api.take()).to.deep.equal([]);
        });

        it("refuses a resource type it has no provider for, naming the type", async () => {
            config = { "engine-basic:foreignType": "true" };
            const r = await run("preview", "foreign");
            expect(r.ok).to.equal(false);
            expect(r.error).to.contain("resource type 'acme:index:Widget' (widget) is not supported by the local engine");
            expect(out.filter((l) => l.startsWith("error: "))).to.have.length(2);
        });

        it("keeps what succeeded when a create fails, and the next up converges", async () => {
            config = { "engine-basic:parentTitle": "explode" };
            const r = await run("up", "partial");
            expect(r.ok).to.equal(false);
            expect(r.error).to.contain("status 500");
            const kept = state("partial").resources.map((x: any) => x.urn.split("::").pop());
            expect(kept).to.include.members(["engine-basic-partial", "suffix"]);
            expect(kept).not.to.include("parent");
            expect(kept).not.to.include("child");

            config = {};
            api.take();
            const again = await run("up", "partial");
            expect(again.ok, again.error).to.equal(true);
            expect(ops(again)).to.include.members(["create child", "create parent"]);
            expect(ops(again).every((o) => o.startsWith("create "))).to.equal(true);
            const itemCreates = again.steps.filter((s) => s.op === "create" && s.type.includes("Item")).length;
            expect(api.writes(api.take())).to.deep.equal(Array(itemCreates).fill("POST /items"));
        });
    });
});

describe("local engine with the AEP provider (test/fixtures/aep-stack)", function () {
    this.timeout(120_000);
    const AEP_STACK = path.join(__dirname, "fixtures", "aep-stack");
    let emu: Emulator;
    let stateDir: string;
    let config: StackConfig;
    let out: string[] = [];
    const urn = (stack: string, kind: string, name: string) => `urn:pulumi:${stack}::aep-stack::pulumi-nodejs:dynamic/aep:${kind}::${name}`;
    const engine = (stack: string) => new LocalEngine({ projectDir: AEP_STACK, stack, stateDir, config, log: (l) => out.push(l) });
    const run = async (stack: string, op: "preview" | "up" | "destroy"): Promise<RunResult> => {
        out = [];
        const r = await engine(stack)[op]();
        expectOk(r);
        return r;
    };

    before(async () => {
        emu = await startEmulator();
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-aep-"));
        config = emulatorConfig(emu);
    });
    after(async () => {
        await emu?.close();
        fs.rmSync(stateDir, { recursive: true, force: true });
    });

    /**
     * The run's one kept message is a warning of the resource `name` of kind `kind`: under it as it came and
     * in the Diagnostics section, counted in the summary, once in the run's diagnostics, no stderr copy.
     */
    function expectOneWarningOf(r: RunResult, kind: string, name: string, text: RegExp): void {
        expect(r.resourceDiagnostics).to.have.length(1);
        const [w] = r.resourceDiagnostics;
        expect(w.severity).to.equal("warning");
        expect(w.urn).to.equal(urn("diag", kind, name));
        expect(w.message).to.match(text);
        const type = `pulumi-nodejs:dynamic/aep:${kind}`;
        expect(out).to.include(`    ${type} ${name} warning: ${w.message}`);
        const section = out.indexOf("Diagnostics:");
        expect(section, "a Diagnostics section").to.be.greaterThan(0);
        expect(out.slice(section + 1, section + 3)).to.deep.equal([`  ${type} (${name}):`, `    warning: ${w.message}`]);
        expect(out).to.include("    1 warning");
        // Once, with its severity, and not again as the host's stderr ("warning: ..." / "aep: ...").
        expect(r.diagnostics.filter((l) => l.includes(w.message))).to.deep.equal([`warning: ${w.message}`]);
        expect(r.diagnostics.filter((l) => /^aep: /.test(l))).to.deep.equal([]);
    }

    it("shows the provider's warnings as the CLI does: of their resource, counted, once; progress shown, not kept", async () => {
        // A create refused once with 429: the provider's retry is progress (ephemeral).
        emu.faults.add({ method: "POST", path: /^\/data\/foundation\/catalog\/dataSets$/, status: 429, retryAfter: "0" });
        const up = await run("diag", "up");
        const progress = up.diagnostics.filter((l) => /create dataset: 429.*; retrying in/.test(l));
        expect(progress).to.have.length(1);
        expect(progress[0]).to.match(/^info: /);
        expect(
            out.some((l) => /^ {4}pulumi-nodejs:dynamic\/aep:Dataset dataset create dataset: 429.*; retrying in/.test(l)),
            "shown under the dataset",
        ).to.equal(true);
        expect(up.resourceDiagnostics).to.deep.equal([]);
        expect(out).not.to.include("Diagnostics:");
        expect(out.some((l) => /warning/.test(l))).to.equal(false);

        // A sandbox change: the dataflow's Diff warns at preview that its URL changes.
        config = { ...config, "test:sandbox": "dev" };
        const preview = await run("diag", "preview");
        expectOneWarningOf(preview, "Dataflow", "flow", /^dataflow "flow-[a-z0-9]+" will be replaced .*new streaming URL/);

        // Destroy: the mapping set is left in AEP, and its Delete says so.
        const destroy = await run("diag", "destroy");
        expectOneWarningOf(destroy, "MappingSet", "mapping", /^mapping set "mapping-[a-z0-9]+" \([0-9a-f]+\) is left in AEP/);
    });

    it("keeps a state that loads when `npm start` is killed (SIGKILL, whole process group) during a create, and the next up converges", async () => {
        const stack = "killed";
        config = emulatorConfig(emu); // the default sandbox, as the killed run has it (no config beyond its environment)
        const statePath = path.join(stateDir, `${stack}.json`);
        const env: NodeJS.ProcessEnv = { ...process.env };
        for (const k of Object.keys(env)) if (k.startsWith("AEP_")) delete env[k];
        Object.assign(env, {
            AEP_PLATFORM_URL: emu.url,
            AEP_IMS_URL: emu.url,
            AEP_CLIENT_ID: DEMO_CREDENTIALS.clientId,
            AEP_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
            AEP_ORG_ID: DEMO_CREDENTIALS.orgId,
        });
        // Objects earlier specs left in AEP (mapping sets cannot be deleted) are not this stack's.
        const earlier = new Set(emu.objects().map((o) => o.id));
        const made = () => emu.objects().filter((o) => !earlier.has(o.id));
        // AEP makes the dataset, then holds its answer back: the create is in flight until the kill.
        emu.faults.add({ method: "POST", path: /^\/data\/foundation\/catalog\/dataSets$/, delayMs: 30_000 });
        const injected = emu.faults.injected;
        const cli = spawnGroup(["tools/engine/cli.ts", "up", "--yes", "--cwd", AEP_STACK, "--stack", stack, "--state-dir", stateDir], env);
        const inState = (name: string) => {
            if (!fs.existsSync(statePath)) return false;
            // Every look at the file while the run writes it finds it whole.
            return JSON.parse(fs.readFileSync(statePath, "utf8")).resources.some((r: { urn: string }) => r.urn.endsWith(`::${name}`));
        };
        try {
            await until("the dataset's create to reach AEP", () => emu.faults.injected > injected);
            await until("the schema's create to be in the state", () => inState("schema"));
        } catch (e) {
            throw new Error(`${(e as Error).message}\n${cli.output.join("")}`);
        } finally {
            await killGroup(cli);
            emu.faults.clear();
        }
        expect(cli.signalCode).to.equal("SIGKILL");

        // The state loads: what finished before the kill is in it, the dataset (made, not answered) is not.
        const kept = new StateFile(stateDir, stack).load("aep-stack", stack).resources.map((r) => r.urn);
        expect(kept).to.include.members([urn(stack, "FieldGroup", "fg"), urn(stack, "Schema", "schema")]);
        expect(kept).not.to.include(urn(stack, "Dataset", "dataset"));
        expect(made().filter((o) => o.kind === "dataset")).to.have.length(1);
        expect(fs.readdirSync(stateDir).filter((f) => f.endsWith(".tmp"))).to.deep.equal([]);

        // The next up converges: finished creates are not made again, the dataset AEP made is taken over.
        const again = await run(stack, "up");
        expect(again.steps.filter((x) => x.name === "fg" || x.name === "schema").map((x) => x.op)).to.deep.equal(["same", "same"]);
        expect(again.steps.find((x) => x.name === "dataset")!.op).to.equal("create");
        expect(again.resourceDiagnostics.map((m) => `${m.severity} ${m.urn}`)).to.include(`warning ${urn(stack, "Dataset", "dataset")}`);
        const kinds = ["fieldGroup", "schema", "dataset", "sourceConnection", "targetConnection", "mappingSet", "flow"];
        expect(
            made()
                .filter((o) => kinds.includes(o.kind))
                .map((o) => o.kind)
                .sort(),
        ).to.deep.equal([...kinds].sort());
        emu.resetLog();
        const quiet = await run(stack, "up");
        expect(Object.keys(quiet.changes)).to.deep.equal(["same"]);
        expect(emu.log.filter((e) => e.kind === "write")).to.deep.equal([]);
        await run(stack, "destroy");
    });

    it("attributes a message without a URN to the stack, drops debug, and keeps errors but not after a failed step", () => {
        const lines: string[] = [];
        const recorded: string[] = [];
        let cancelled = false;
        const stack = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
        const d = new Diagnostics({
            display: new Display((l) => lines.push(l), "up", false),
            stackUrn: () => stack,
            record: (l) => recorded.push(l),
            cancelled: () => cancelled,
        });
        d.log(2, "about nothing in particular", "", false);
        d.log(0, "debug detail", stack, false);
        d.log(1, "waiting", urn("dev", "Dataset", "ds"), true);
        d.log(3, "went wrong", urn("dev", "Dataset", "ds"), false);
        cancelled = true;
        d.log(3, "the echo of the cancellation", "", false);
        expect(d.kept).to.deep.equal([
            { severity: "warning", message: "about nothing in particular", urn: stack },
            { severity: "error", message: "went wrong", urn: urn("dev", "Dataset", "ds") },
        ]);
        expect(d.warnings).to.equal(1);
        expect(d.errors).to.deep.equal(["went wrong"]);
        expect(recorded).to.deep.equal([
            "warning: about nothing in particular",
            "info: waiting",
            "error: went wrong",
            "error: the echo of the cancellation",
        ]);
        expect(lines).to.deep.equal([
            "    pulumi:pulumi:Stack proj-dev warning: about nothing in particular",
            "    pulumi-nodejs:dynamic/aep:Dataset ds waiting",
            "    pulumi-nodejs:dynamic/aep:Dataset ds error: went wrong",
        ]);
    });
});

describe("local engine state file (tools/engine/state.ts)", function () {
    this.timeout(120_000);

    it("is always whole: a process writing it in a loop, killed with SIGKILL at random moments, leaves a state that loads", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-state-kill-"));
        // Big values, few keys: the time goes to writing the file, not to making its text.
        const writer = `
            const { StateFile } = require(${JSON.stringify(path.join(ROOT, "tools", "engine", "state"))});
            const file = new StateFile(process.argv[1], "loop");
            const big = "x".repeat(200000);
            const resources = Array.from({ length: 20 }, (_, i) => ({
                urn: "urn:pulumi:loop::p::t::r" + i, type: "t", custom: true, id: String(i),
                inputs: { big }, outputs: { big, n: 0 }, dependencies: [], propertyDependencies: {},
            }));
            (async () => {
                for (let n = 1; ; n++) {
                    for (const r of resources) r.outputs.n = n;
                    await file.write({ version: 1, project: "p", stack: "loop", updated: "", resources });
                    if (n === 1) process.stdout.write("written\\n");
                }
            })();`;
        try {
            for (let i = 0; i < 20; i++) {
                const child = spawnGroup(["-e", writer, dir]);
                await until("the first write", () => child.output.join("").includes("written"), 30_000);
                await new Promise((r) => setTimeout(r, Math.random() * 100));
                await killGroup(child);
                const state = new StateFile(dir, "loop").load("p", "loop");
                expect(state.resources).to.have.length(20);
                expect(new Set(state.resources.map((r) => r.outputs.n)).size, "every resource from the same write").to.equal(1);
                expect(
                    fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")),
                    "temp files of the killed writer, removed by the load",
                ).to.deep.equal([]);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
