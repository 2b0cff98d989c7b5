/**
 * A pipeline killed in the middle of `pulumi up` converges on the next run, with nothing left behind.
 *
 * The real Pulumi CLI runs a project folder; the emulator holds one request (a create, an update, a
 * delete) as it arrives, the test kills the CLI's whole process group with SIGKILL right then (a cancelled
 * CI job), and AEP goes on to act on the request nobody waits for any more. Then, as a pipeline's next run
 * would, the README's recovery: `pulumi cancel` (a file backend keeps the dead run's lock), `pulumi refresh
 * --clear-pending-creates` (the pending operations the killed run left) and the same command again. AEP is
 * compared with the stack's state: one object per resource, no orphan, nothing lost, no pending operation
 * left and no warning about one.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Emulator, startEmulator } from "aep-emulator";
import { INSTALL_HINT, ROOT, cliInstalled } from "./harness";
import { Project, ProjectHome, emulatorConfig, languageHostInstalled, must } from "./project";

const JS_CHATLIO = path.join(ROOT, "test", "fixtures", "js-chatlio");
const JS_PROJECT = path.join(ROOT, "test", "fixtures", "js-project");

/** Each kind's create, as the emulator sees it. */
const CREATES: Array<{ kind: string; object: string; path: RegExp }> = [
    { kind: "field group", object: "fieldGroup", path: /^\/data\/foundation\/schemaregistry\/tenant\/fieldgroups\/?$/ },
    { kind: "schema", object: "schema", path: /^\/data\/foundation\/schemaregistry\/tenant\/schemas\/?$/ },
    { kind: "identity descriptor", object: "descriptor", path: /^\/data\/foundation\/schemaregistry\/tenant\/descriptors\/?$/ },
    { kind: "dataset", object: "dataset", path: /^\/data\/foundation\/catalog\/dataSets$/ },
    { kind: "source connection", object: "sourceConnection", path: /^\/data\/foundation\/flowservice\/sourceConnections$/ },
    { kind: "target connection", object: "targetConnection", path: /^\/data\/foundation\/flowservice\/targetConnections$/ },
    { kind: "mapping set", object: "mappingSet", path: /^\/data\/foundation\/conversion\/mappingSets$/ },
    { kind: "dataflow", object: "flow", path: /^\/data\/foundation\/flowservice\/flows$/ },
];

/** The processes below `pid` (children, theirs, …), by id, with their command lines. */
function descendants(pid: number): Map<number, string> {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
        } catch {
            // gone meanwhile
        }
    }
    const found = new Map<number, string>();
    for (let queue = [...(children.get(pid) ?? [])]; queue.length;) {
        const next = queue.shift()!;
        try {
            found.set(next, fs.readFileSync(`/proc/${next}/cmdline`, "utf8").replace(/\0/g, " ").trim());
        } catch {
            continue;
        }
        queue = queue.concat(children.get(next) ?? []);
    }
    return found;
}

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`);

/**
 * Runs `args`, and kills the CLI's process group when the emulator sees the first request matching `method
 * path`, which AEP then carries out. Returns the command lines of the CLI's processes that outlived the kill:
 * the CLI starts each plugin (language host, dynamic-provider host, random) in a process group of its own,
 * so a group kill does not reach them; they are ended here, by id, so that the suite leaves none behind.
 */
async function killDuring(emu: Emulator, p: Project, args: string[], method: string, reqPath: RegExp): Promise<string[]> {
    let seen = false;
    let tree = new Map<number, string>();
    emu.faults.add({
        method,
        path: reqPath,
        count: 1,
        delayMs: 1500,
        onMatch: () => {
            seen = true;
            if (p.pid) tree = descendants(p.pid);
            p.kill();
        },
    });
    const r = await p.pulumi(args);
    emu.faults.clear();
    expect(seen, `the CLI never sent ${method} ${reqPath}:\n${r.stdout}\n${r.stderr}`).to.equal(true);
    expect(r.code, "the CLI was killed").to.not.equal(0);
    // AEP acts on the held request after the kill.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const survivors = [...tree].filter(([pid]) => alive(pid));
    for (const [pid] of survivors) {
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // ended meanwhile
        }
    }
    return survivors.map(([, cmd]) => cmd);
}

/** What Pulumi prints on every command while a killed run's operations stay pending in the state. */
const PENDING_WARNING = /pending operations from previous deployment|run interactively/;

/** `pulumi ARGS`; a file backend left with an empty `<stack>.json.attrs` sidecar is repaired first (see `recover`). */
async function runRepairing(p: Project, args: string[]): Promise<string> {
    let r = await p.pulumi(args);
    if (r.code !== 0 && /failed to load checkpoint: EOF/.test(r.stdout + r.stderr)) {
        const removed = p.home.removeEmptySidecars();
        expect(removed, "an empty sidecar explains the EOF").to.not.deep.equal([]);
        await p.pulumi(["cancel", "--yes"]);
        r = await p.pulumi(args);
    }
    if (r.code !== 0) throw new Error(`${args.join(" ")} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout + r.stderr;
}

/**
 * The README's recovery, as a pipeline's next run does it: `pulumi cancel --yes` (a file backend keeps the dead
 * run's lock), `pulumi refresh --clear-pending-creates --yes` (drops the pending operations the killed run left
 * in the state; the objects it made are taken over by the next step), then the same command again. A file
 * backend can also be left with an empty `<stack>.json.attrs` sidecar when the kill lands while the CLI writes
 * its checkpoint (gocloud's fileblob truncates and rewrites that file in place): the next command then fails
 * "failed to load checkpoint: EOF", and the README's remedy (remove the empty sidecar; the checkpoint itself is
 * intact) is what the pipeline runs. No step warns of pending operations, and none are left.
 */
async function rerun(p: Project, args: string[]): Promise<string> {
    await p.pulumi(["cancel", "--yes"]);
    const cleared = await runRepairing(p, ["refresh", "--clear-pending-creates", "--yes"]);
    expect(cleared).to.not.match(PENDING_WARNING);
    expect((await p.export()).deployment.pending_operations ?? [], "pending operations after the refresh").to.deep.equal([]);
    const out = await runRepairing(p, args);
    expect(out, "the rerun warns of no pending operation").to.not.match(PENDING_WARNING);
    expect((await p.export()).deployment.pending_operations ?? [], "pending operations after the rerun").to.deep.equal([]);
    return out;
}

/** AEP against the stack's state: every resource's object exists, and AEP holds nothing else in the sandbox (mapping sets left by destroy aside). */
async function matchesState(emu: Emulator, p: Project, sandbox = "prod"): Promise<void> {
    const state = await p.export();
    const ids = (state.deployment.resources ?? [])
        .filter((r) => String(r.type).startsWith("pulumi-nodejs:dynamic/aep:"))
        .map((r) => String(r.id));
    const held = emu.objects(sandbox).map((o) => o.id);
    expect([...held].sort(), "AEP holds exactly the stack's objects").to.deep.equal([...ids].sort());
}

describe("A pipeline killed in the middle of `pulumi up` converges on the next run (real CLI)", function () {
    if (!cliInstalled() || !languageHostInstalled()) {
        console.log(`\n  ${INSTALL_HINT}\n`);
        if (process.env.AEP_REQUIRE_PULUMI_CLI)
            it("needs the Pulumi CLI and its Node.js language host (AEP_REQUIRE_PULUMI_CLI is set)", () => expect.fail(INSTALL_HINT));
        return;
    }
    this.timeout(900_000);
    const home = new ProjectHome();
    after(() => home.remove());

    // The eight kinds' scenarios are independent (a stack and an emulator each): they run three at a time in
    // `before`, each recording its outcome, and each kind's test reports its own.
    const outcomes = new Map<string, Error | null>();
    async function killDuringCreate(c: (typeof CREATES)[number]): Promise<void> {
        const emu = await startEmulator();
        const p = new Project(home, JS_CHATLIO, `kill-${c.object}-${process.pid}`);
        try {
            await p.init(emulatorConfig(emu));
            await killDuring(emu, p, ["up", "--yes", "--skip-preview"], "POST", c.path);
            expect(
                emu.objects().some((o) => o.kind === c.object),
                `AEP made the ${c.kind}`,
            ).to.equal(true);
            const out = await rerun(p, ["up", "--yes", "--skip-preview"]);
            expect(out).to.match(
                new RegExp(
                    `${c.kind} .*already exists in AEP .*under the name this stack gave it: an earlier run of this stack made it and was interrupted`,
                ),
            );
            await matchesState(emu, p);
            expect(emu.objects().filter((o) => o.kind === c.object)).to.have.length(1);
            emu.resetLog();
            const again = await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            expect(again.stdout).to.match(/11 unchanged/);
            expect(again.stdout + again.stderr, "a later command warns of no pending operation").to.not.match(PENDING_WARNING);
            expect(emu.log.filter((e) => e.kind === "write")).to.deep.equal([]);
            await must(p.pulumi(["destroy", "--yes", "--skip-preview"]), "destroy");
            expect(emu.objects().map((o) => o.kind)).to.deep.equal(["mappingSet"]);
        } finally {
            await p.remove();
            await emu.close();
        }
    }
    before(async () => {
        const queue = [...CREATES];
        await Promise.all(
            Array.from({ length: 3 }, async () => {
                for (let c = queue.shift(); c; c = queue.shift()) {
                    outcomes.set(
                        c.object,
                        await killDuringCreate(c).then(
                            () => null,
                            (e: Error) => e,
                        ),
                    );
                }
            }),
        );
    });

    for (const c of CREATES) {
        it(`killed while AEP creates the ${c.kind}: the documented recovery takes it over (no duplicate) and leaves no pending operation nor warning, a second up changes nothing, destroy leaves only the mapping set`, () => {
            const error = outcomes.get(c.object);
            expect(error, `the ${c.kind} scenario did not run`).to.not.equal(undefined);
            if (error) throw error;
        });
    }

    it("killed during an update (AEP applies the dataset's change), the documented recovery converges, leaving no pending operation", async () => {
        const emu = await startEmulator();
        const p = new Project(home, JS_CHATLIO, `kill-update-${process.pid}`);
        try {
            await p.init(emulatorConfig(emu));
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            await must(p.pulumi(["config", "set", "chatlio:displayName", "Support"]), "config set");
            await killDuring(emu, p, ["up", "--yes", "--skip-preview"], "PATCH", /^\/data\/foundation\/catalog\/dataSets\//);
            const out = await rerun(p, ["up", "--yes", "--skip-preview"]);
            expect(out).to.match(/updated/);
            await matchesState(emu, p);
            expect(emu.objects().find((o) => o.kind === "dataset")!.name).to.match(/^Support events dataset /);
            expect((await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up")).stdout).to.match(/11 unchanged/);
        } finally {
            await p.pulumi(["destroy", "--yes", "--skip-preview"]);
            await p.remove();
            await emu.close();
        }
    });

    it("killed during a destroy (AEP deletes the dataflow), the documented recovery and the next destroy converge, leaving no pending operation", async () => {
        const emu = await startEmulator();
        const p = new Project(home, JS_CHATLIO, `kill-destroy-${process.pid}`);
        try {
            await p.init(emulatorConfig(emu));
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            await killDuring(emu, p, ["destroy", "--yes", "--skip-preview"], "DELETE", /^\/data\/foundation\/flowservice\/flows\//);
            await rerun(p, ["destroy", "--yes", "--skip-preview"]);
            expect(emu.objects().map((o) => o.kind)).to.deep.equal(["mappingSet"]);
            expect((await p.export()).deployment.resources ?? []).to.deep.equal([]);
        } finally {
            await p.remove();
            await emu.close();
        }
    });

    it("an automatic name: the next up finds the object under the same name and takes it over; the plugins the killed CLI started outlive it", async () => {
        const emu = await startEmulator();
        const p = new Project(home, JS_PROJECT, `kill-auto-${process.pid}`);
        try {
            await p.init(emulatorConfig(emu));
            const survivors = await killDuring(emu, p, ["up", "--yes", "--skip-preview"], "POST", CREATES[4].path);
            // What the README tells self-hosted runners: the plugins a killed CLI started go on running.
            expect(
                survivors.some((cmd) => /pulumi-language-nodejs/.test(cmd)),
                survivors.join("\n"),
            ).to.equal(true);
            expect(
                survivors.some((cmd) => /dynamic-provider/.test(cmd)),
                survivors.join("\n"),
            ).to.equal(true);
            const made = emu.objects();
            expect(made).to.have.length(1);
            await rerun(p, ["up", "--yes", "--skip-preview"]);
            expect(emu.objects()).to.deep.equal(made);
            expect((await p.outputs()).notesName).to.equal(made[0].name);
            await must(p.pulumi(["destroy", "--yes", "--skip-preview"]), "destroy");
        } finally {
            await p.remove();
            await emu.close();
        }
    });

    it("a name the user wrote is refused, naming Pulumi's pending-create command and adopt, and that way out converges", async () => {
        const emu = await startEmulator();
        const p = new Project(home, JS_PROJECT, `kill-named-${process.pid}`);
        try {
            await p.init({ ...emulatorConfig(emu), "test:notesName": "Chatlio notes (hand-picked)" });
            await killDuring(emu, p, ["up", "--yes", "--skip-preview"], "POST", CREATES[4].path);
            await p.pulumi(["cancel", "--yes"]);
            p.home.removeEmptySidecars();
            const refused = await p.pulumi(["up", "--yes", "--skip-preview"]);
            expect(refused.code).to.not.equal(0);
            const text = refused.stdout + refused.stderr;
            const id = emu.objects()[0].id;
            const urn = `urn:pulumi:${p.stack}::aep-js::pulumi-nodejs:dynamic/aep:SourceConnection::notes`;
            expect(text).to.contain(`AEP already has a source connection with this name (${id})`);
            expect(text)
                .to.contain(`Pulumi keeps a pending create for '${urn}'`)
                .and.contain("`pulumi refresh --clear-pending-creates --yes`");
            expect(emu.objects()).to.have.length(1);
            // The way out the message names, as a pipeline's script would run it.
            await must(p.pulumi(["refresh", "--clear-pending-creates", "--yes"]), "refresh --clear-pending-creates");
            expect((await p.export()).deployment.pending_operations ?? []).to.deep.equal([]);
            await must(p.pulumi(["config", "set", "test:adopt", "true"]), "config set");
            const up = await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            expect(up.stdout + up.stderr).to.contain(`adopting the existing source connection "Chatlio notes (hand-picked)" (${id})`);
            await matchesState(emu, p);
            expect(emu.objects()).to.have.length(1);
            await must(p.pulumi(["destroy", "--yes", "--skip-preview"]), "destroy");
            expect(emu.objects()).to.deep.equal([]);
        } finally {
            await p.remove();
            await emu.close();
        }
    });
});
