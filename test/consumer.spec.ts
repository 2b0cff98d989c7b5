/**
 * The package as a user gets it: `npm pack`, installed into a fresh project that has nothing but
 * @pulumi/pulumi, @pulumi/random and the tarball, then a TypeScript and a JavaScript program using it,
 * each run against the emulator (up, the stack's webhookUrl, a Chatlio event posted to it, destroy).
 * State written by one build works with the other: a stack deployed from the repository's sources is
 * updated, refreshed and destroyed by the packed package, and the other way round; and a Chatlio stack
 * deployed by the release before the generic webhook component previews with no change under this build.
 *
 * The pack and the install happen once (a `before` hook, about 20 s with npm's cache); the programs
 * share them. Which engine runs a consumer program is one function, `runConsumer`.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { NEW_CONVERSATION } from "../provider/internal";
import { Emulator, startEmulator } from "aep-emulator";
import { LocalEngine, RunResult } from "../tools/engine";
import { DynamicHost } from "../tools/engine/host";
import { loadSdk } from "../tools/engine/sdk";
import { StackState } from "../tools/engine/state";
import { extractReleaseProvider } from "./support/release";
import { emulatorConfig, expectOk, StackConfig } from "./support/stack";
import { CliEngineUnderTest } from "./cli/engines";
import { CliHome, INSTALL_HINT, cliInstalled } from "./cli/harness";
import { Project, ProjectHome, languageHostInstalled, must } from "./cli/project";

const ROOT = path.resolve(__dirname, "..");
const FIXTURES = path.join(__dirname, "fixtures", "consumer");
const PACKAGE = "pulumi-aep-chatlio";
/** The resource classes the package exports beside the webhook source components. */
const KINDS = [
    "FieldGroup",
    "Schema",
    "IdentityDescriptor",
    "Dataset",
    "BaseConnection",
    "SourceConnection",
    "TargetConnection",
    "MappingSet",
    "Dataflow",
];
/** The components: the generic webhook source, its presets, the HTTP API source. */
const COMPONENTS = ["WebhookSource", "ChatlioSource", "CustomerIoSource", "PendoSource", "LavaSource", "HttpApiSource"];
const version = (name: string): string => require(`${name}/package.json`).version;

/** One stack of a program: its project folder, the stack's name, where its state lives, its config. */
export interface ConsumerStack {
    dir: string;
    stack: string;
    stateDir: string;
    config: StackConfig;
}

/**
 * Runs one operation of a program in a consumer project. This is the only place that knows which engine
 * does it: the local engine here; the Pulumi CLI (through the Automation API) can take its place.
 */
export type ConsumerRunner = (stack: ConsumerStack, op: "up" | "refresh" | "destroy") => Promise<RunResult>;

const runLocal: ConsumerRunner = (s, op) =>
    new LocalEngine({ projectDir: s.dir, stack: s.stack, stateDir: s.stateDir, config: s.config, log: () => undefined })[op]();

const runConsumer: ConsumerRunner = runLocal;

/** The repository's sources always run through the local engine. */
const runSources = runLocal;

function run(cmd: string, args: string[], cwd: string): string {
    try {
        return execFileSync(cmd, args, {
            cwd,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, npm_config_loglevel: "error" },
        });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
    }
}

describe("The packed package in a fresh project", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let project: string; // the consumer project: package.json, node_modules, ts/, js/, example/
    let sources: string; // the TypeScript program with its import pointed at ../provider, inside the repository
    let stateRoot: string;
    let packed: { filename: string; size: number; unpackedSize: number; files: string[] };
    /** What npm printed while installing the tarball (warnings included). */
    let installOutput = "";

    const stack = (dir: string, name: string): ConsumerStack => ({
        dir,
        stack: name,
        stateDir: path.join(stateRoot, name),
        // Throwaway stacks: the opt-in that lets the spec destroy them.
        config: { ...emulatorConfig(emu), "chatlio:forceDestroy": "true" },
    });

    before(async () => {
        emu = await startEmulator();
        project = fs.mkdtempSync(path.join(os.tmpdir(), "aep-consumer-"));
        stateRoot = path.join(project, ".state");
        // dist/ is current: .mocharc.json requires tools/build.js, which builds it when stale. `prepack`
        // would build it once more, so the pack skips scripts.
        const [info] = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", project], ROOT));
        packed = {
            filename: info.filename,
            size: info.size,
            unpackedSize: info.unpackedSize,
            files: info.files.map((f: { path: string }) => f.path),
        };
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "aep-chatlio-consumer", private: true }, null, 2));
        // As a user installs it: npm's own warnings shown (`run` quiets them for the other commands).
        const install = spawnSync(
            "npm",
            [
                "install",
                "--prefer-offline",
                "--no-audit",
                "--no-fund",
                `./${packed.filename}`,
                `@pulumi/pulumi@${version("@pulumi/pulumi")}`,
                `@pulumi/random@${version("@pulumi/random")}`,
            ],
            { cwd: project, encoding: "utf8" },
        );
        installOutput = `${install.stdout}\n${install.stderr}`;
        if (install.status !== 0) throw new Error(`npm install failed: ${installOutput}`);
        fs.cpSync(path.join(FIXTURES, "ts"), path.join(project, "ts"), { recursive: true });
        fs.cpSync(path.join(FIXTURES, "js"), path.join(project, "js"), { recursive: true });
        fs.mkdirSync(path.join(project, "example"));
        fs.copyFileSync(path.join(ROOT, "examples", "chatlio", "index.ts"), path.join(project, "example", "index.ts"));

        fs.mkdirSync(path.join(ROOT, "tmp"), { recursive: true });
        sources = fs.mkdtempSync(path.join(ROOT, "tmp", "consumer-sources-"));
        fs.copyFileSync(path.join(FIXTURES, "ts", "Pulumi.yaml"), path.join(sources, "Pulumi.yaml"));
        const program = fs.readFileSync(path.join(FIXTURES, "ts", "index.ts"), "utf8");
        const fromSources = program.replace(
            `from "${PACKAGE}"`,
            `from ${JSON.stringify(path.relative(sources, path.join(ROOT, "provider")))}`,
        );
        expect(fromSources).to.not.equal(program);
        fs.writeFileSync(path.join(sources, "index.ts"), fromSources);
    });

    after(async () => {
        await emu?.close();
        if (project) fs.rmSync(project, { recursive: true, force: true });
        if (sources) fs.rmSync(sources, { recursive: true, force: true });
    });

    it("packs dist/ (.js and .d.ts: no source maps, whose paths would name files that do not ship), README, LICENSE and CHANGELOG, and nothing else", () => {
        const others = packed.files.filter((f) => !f.startsWith("dist/"));
        expect(others.sort()).to.deep.equal(["CHANGELOG.md", "LICENSE", "README.md", "package.json"]);
        const js = packed.files.filter((f) => f.endsWith(".js"));
        expect(js).to.include.members(["dist/index.js", "dist/host.js"]);
        for (const f of js) {
            expect(packed.files, f).to.include.members([f.replace(/\.js$/, ".d.ts")]);
        }
        expect(packed.files.filter((f) => f.endsWith(".map"))).to.deep.equal([]);
        expect(packed.files.filter((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts"))).to.deep.equal([]);
        expect(packed.files.filter((f) => /(^|\/)(test|tools|emulator|provider|examples)\//.test(f))).to.deep.equal([]);
    });

    it("installs without a single warning that names this package (no install script, no engine it lacks)", () => {
        const ours = installOutput.split("\n").filter((l) => /warn|notice/i.test(l) && l.includes(PACKAGE));
        expect(ours, installOutput).to.deep.equal([]);
        const manifest = JSON.parse(fs.readFileSync(path.join(project, "node_modules", PACKAGE, "package.json"), "utf8"));
        expect(Object.keys(manifest.scripts ?? {}).filter((k) => /^(pre|post)?install$|^prepare$/.test(k))).to.deep.equal([]);
        expect(manifest.engines.node).to.equal(">=22");
    });

    it("installs beside @pulumi/pulumi and @pulumi/random, sharing the project's one copy of each", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8"));
        expect(Object.keys(manifest.dependencies).sort()).to.deep.equal(["@pulumi/pulumi", "@pulumi/random", PACKAGE]);
        const installed = path.join(project, "node_modules", PACKAGE);
        expect(fs.lstatSync(installed).isSymbolicLink()).to.equal(false);
        expect(fs.existsSync(path.join(installed, "node_modules", "@pulumi"))).to.equal(false);
    });

    it("require() gives the webhook source components and the nine resources, and pulumi-aep-chatlio/host the nine providers, from .js files", () => {
        const script = `
            const pkg = require(${JSON.stringify(PACKAGE)});
            const host = require(${JSON.stringify(`${PACKAGE}/host`)});
            const dir = require("path").dirname(require.resolve(${JSON.stringify(`${PACKAGE}/package.json`)}));
            console.log(JSON.stringify({
                main: require.resolve(${JSON.stringify(PACKAGE)}),
                host: require.resolve(${JSON.stringify(`${PACKAGE}/host`)}),
                classes: Object.keys(pkg).filter((k) => /^[A-Z][a-z]/.test(k) && typeof pkg[k] === "function"),
                providers: Object.keys(host.providers).filter((k) => typeof host.providers[k].create === "function"),
                loaded: Object.keys(require.cache).filter((f) => f.startsWith(dir)),
            }));`;
        const got = JSON.parse(run(process.execPath, ["-e", script], project));
        const dist = path.join(fs.realpathSync(project), "node_modules", PACKAGE, "dist");
        expect(got.main).to.equal(path.join(dist, "index.js"));
        expect(got.host).to.equal(path.join(dist, "host.js"));
        expect(got.classes).to.include.members([...COMPONENTS, ...KINDS]);
        expect(got.providers.sort()).to.deep.equal([
            "baseConnection",
            "dataflow",
            "dataset",
            "fieldGroup",
            "identityDescriptor",
            "mappingSet",
            "schema",
            "sourceConnection",
            "targetConnection",
        ]);
        expect(got.loaded.length).to.be.greaterThan(10);
        expect(got.loaded.filter((f: string) => !f.startsWith(dist) || !f.endsWith(".js"))).to.deep.equal([]);
    });

    it("a strict TypeScript program (the test program and examples/chatlio) type-checks against the package's .d.ts", () => {
        // One compiler run: the two programs must check cleanly, and a third file with a wrong input type
        // must be refused, which shows the types checked are the package's own.
        fs.writeFileSync(
            path.join(project, "example", "wrong.ts"),
            `import { Dataset } from "${PACKAGE}";\nnew Dataset("d", { schemaId: 42 });\n`,
        );
        const tsc = require.resolve("typescript/bin/tsc");
        const args = [
            tsc,
            "--noEmit",
            "--strict",
            "--pretty",
            "false",
            "--target",
            "es2020",
            "--module",
            "commonjs",
            "ts/index.ts",
            "example/index.ts",
            "example/wrong.ts",
        ];
        let errors = "";
        try {
            run(process.execPath, args, project);
        } catch (e) {
            errors = (e as Error).message;
        }
        const lines = errors.split("\n").filter((l) => /error TS\d+/.test(l));
        expect(lines, errors).to.have.length(1);
        expect(lines[0]).to.match(/^example\/wrong\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'Input<string>'/);
    });

    it("exports exactly the public API, in its .d.ts and at run time: the nine resources with their types, the webhook source components, the settings type", () => {
        const entry = path.join(project, "node_modules", PACKAGE, "dist", "index.d.ts");
        const program = ts.createProgram([entry], { strict: true, noEmit: true });
        const checker = program.getTypeChecker();
        const declared = checker
            .getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!)
            .map((s) => s.name)
            .sort();
        expect(declared).to.deep.equal(
            [
                ...KINDS.flatMap((k) => [k, `${k}Args`, `${k}Outputs`, `${k}State`]),
                "XdmField",
                "Mapping",
                "CommonArgs",
                "ConnectionArgs",
                "ConnectionState",
                ...COMPONENTS,
                "ChatlioSourceArgs",
                "ChatlioIdentity",
                "WebhookSourceArgs",
                "WebhookPreset",
                "SourceIdentity",
                "HttpApiSourceArgs",
                "AepSettings",
            ].sort(),
        );
        // At run time the classes (the rest are types), and the registries of kinds and of webhook presets, which
        // the declarations leave out (marked internal): a JavaScript user can reach them, no editor offers them.
        const loaded = execFileSync(process.execPath, ["-p", `Object.keys(require("${PACKAGE}")).sort().join(",")`], {
            cwd: project,
            encoding: "utf8",
        }).trim();
        expect(loaded.split(",")).to.deep.equal([...KINDS, ...COMPONENTS, "REGISTRY", "WEBHOOK_PRESETS"].sort());
        expect(declared).to.not.include("REGISTRY").and.not.include("WEBHOOK_PRESETS");
    });

    it("every exported input and output carries its TSDoc in the installed .d.ts, for editors to show", () => {
        const entry = path.join(project, "node_modules", PACKAGE, "dist", "index.d.ts");
        const program = ts.createProgram([entry], { strict: true, noEmit: true });
        const checker = program.getTypeChecker();
        const undocumented: string[] = [];
        let documented = 0;
        const doc = (symbol: ts.Symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
        const ours = (symbol: ts.Symbol) => (symbol.declarations ?? []).some((d) => d.getSourceFile().fileName.includes(`/${PACKAGE}/`));
        for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!)) {
            const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
            if (!(symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))) continue;
            if (doc(symbol)) documented++;
            else undocumented.push(exported.name);
            // Every property an editor offers on the type (a class's outputs come from its outputs type, each
            // documented once where it is declared), inherited Pulumi members aside.
            for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
                if (!ours(member)) continue;
                if (doc(member)) documented++;
                else undocumented.push(`${exported.name}.${member.name}`);
            }
        }
        expect(undocumented).to.deep.equal([]);
        expect(documented).to.be.greaterThan(150);
        const sources = fs.readFileSync(path.join(path.dirname(entry), "sources", "webhook-source.d.ts"), "utf8");
        expect(sources).to.match(/\/\*\* The URL the sender posts to[^*]*\*\/\s*readonly webhookUrl: pulumi\.Output<string>;/);
    });

    const packedFirst = () => stack(path.join(project, "ts"), "packed-first");
    let packedUp: RunResult;

    it("the TypeScript program (a ChatlioSource and a second Dataset) deploys from the package: up, then a Chatlio event through the stack's webhookUrl", async () => {
        packedUp = await runConsumer(packedFirst(), "up");
        expectOk(packedUp);
        expect(packedUp.changes).to.deep.equal({ create: 11 }); // stack, component, random suffix, 7 + 1 AEP objects
        await expectEventStored(emu, packedUp);
        expect(emu.objects().map((o) => o.id)).to.include(String(packedUp.outputs.archiveDatasetId.value));
    });

    it("a provider host started outside the project finds the package beside its own @pulumi/pulumi, and says what to do when it is not there", async () => {
        const s = packedFirst();
        const state = JSON.parse(fs.readFileSync(path.join(s.stateDir, `${s.stack}.json`), "utf8")) as StackState;
        const dataset = state.resources.find((r) => r.type === "pulumi-nodejs:dynamic/aep:Dataset" && r.urn.endsWith("::archive"));
        expect(dataset, "the archive dataset in the packed-first stack's state").to.not.equal(undefined);
        const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "aep-elsewhere-"));
        const config = Object.fromEntries(Object.entries(s.config).map(([k, v]) => [k, typeof v === "string" ? { value: v } : v]));
        // The consumer project's own SDK host, started in an empty folder (as an Automation API program
        // might), reads the dataset with the forwarder from state.
        const read = async () => {
            const host = await DynamicHost.start({
                sdk: loadSdk(project),
                projectDir: elsewhere,
                project: "aep-chatlio-consumer",
                env: process.env,
                onOutput: () => undefined,
            });
            try {
                await host.configure(config, "urn:pulumi:packed-first::aep-chatlio-consumer::pulumi:providers:pulumi-nodejs::default");
                return await host.read(
                    { urn: dataset!.urn, name: "archive", type: dataset!.type },
                    dataset!.id!,
                    dataset!.outputs,
                    dataset!.inputs,
                );
            } finally {
                await host.stop();
            }
        };
        const installed = path.join(project, "node_modules", PACKAGE);
        try {
            const found = await read();
            expect(found.id).to.equal(dataset!.id);
            expect(found.properties.description).to.equal("Chatlio events kept for a year");
            fs.renameSync(installed, `${installed}.away`);
            const message = await read().then(
                () => "",
                (e: Error) => e.message,
            );
            expect(message).to.contain("cannot find the package pulumi-aep-chatlio");
            expect(message).to.contain(elsewhere);
            expect(message).to.contain("npm install pulumi-aep-chatlio");
            expect(message).to.contain("workDir");
        } finally {
            if (fs.existsSync(`${installed}.away`)) fs.renameSync(`${installed}.away`, installed);
            fs.rmSync(elsewhere, { recursive: true, force: true });
        }
    });

    it("that stack, deployed by the packed package, is updated (nothing to do), refreshed and destroyed from the sources", async () => {
        const fromSources = { ...packedFirst(), dir: sources };
        const written = forwarders(fromSources);
        const again = await runSources(fromSources, "up");
        expectOk(again);
        expect(again.changes).to.deep.equal({ same: 11 });
        // Both builds serialize the same forwarder text, so the state of an unchanged stack stays as it was.
        expect(forwarders(fromSources)).to.deep.equal(written);
        const refreshed = await runSources(fromSources, "refresh");
        expectOk(refreshed);
        expect(Object.keys(refreshed.changes).filter((k) => k !== "same" && k !== "refresh")).to.deep.equal([]);
        expectOk(await runSources(fromSources, "destroy"));
        expectGone(emu, [...stackIds(packedUp), String(packedUp.outputs.archiveDatasetId.value)]);
    });

    it("a stack deployed from the sources is updated (nothing to do), refreshed and destroyed by the packed package, and its webhookUrl takes events", async () => {
        const fromSources = stack(sources, "sources-first");
        const first = await runSources(fromSources, "up");
        expectOk(first);
        expect(first.changes).to.deep.equal({ create: 11 });
        const written = forwarders(fromSources);
        const packedRun = { ...fromSources, dir: path.join(project, "ts") };
        const again = await runConsumer(packedRun, "up");
        expectOk(again);
        expect(again.changes).to.deep.equal({ same: 11 });
        expect(forwarders(packedRun)).to.deep.equal(written);
        await expectEventStored(emu, again);
        const refreshed = await runConsumer(packedRun, "refresh");
        expectOk(refreshed);
        expect(Object.keys(refreshed.changes).filter((k) => k !== "same" && k !== "refresh")).to.deep.equal([]);
        expectOk(await runConsumer(packedRun, "destroy"));
        expectGone(emu, [...stackIds(first), String(first.outputs.archiveDatasetId.value)]);
    });

    it("a Chatlio stack deployed by the release before the webhook sources previews with no change under this build: same URNs, type tokens and inputs", async () => {
        // That release's provider/ as it was, and the test program importing it, inside the repository (its
        // node_modules resolve), run by the same engine as the sources.
        const release = fs.mkdtempSync(path.join(ROOT, "tmp", "release-"));
        try {
            extractReleaseProvider(ROOT, release);
            const dir = path.join(release, "program");
            fs.mkdirSync(dir);
            fs.copyFileSync(path.join(FIXTURES, "ts", "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const program = fs.readFileSync(path.join(FIXTURES, "ts", "index.ts"), "utf8");
            fs.writeFileSync(path.join(dir, "index.ts"), program.replace(`from "${PACKAGE}"`, `from "../provider"`));
            // Deployed as that release's users did, without the opt-in (which this build also gives the dataflow).
            const old = { ...stack(dir, "release-first"), config: emulatorConfig(emu) };
            const first = await runSources(old, "up");
            expectOk(first);
            expect(first.changes).to.deep.equal({ create: 11 });
            const before = resources(old);
            expect(before.map((r) => r.type)).to.include("aep:chatlio:ChatlioSource");

            const now = { ...old, dir: sources };
            const engine = new LocalEngine({
                projectDir: now.dir,
                stack: now.stack,
                stateDir: now.stateDir,
                config: now.config,
                log: () => undefined,
            });
            const preview = await engine.preview();
            expectOk(preview);
            expect(preview.changes).to.deep.equal({ same: 11 });
            const again = await runSources(now, "up");
            expectOk(again);
            expect(again.changes).to.deep.equal({ same: 11 });
            // The same resources, by URN and type token, with the same inputs (the forwarder aside).
            expect(resources(now)).to.deep.equal(before);
            await expectEventStored(emu, again);
            // The opt-in (a `pulumi up` sending nothing to AEP), then the destroy.
            const optedIn = { ...now, config: { ...now.config, "chatlio:forceDestroy": "true" } };
            expect((await runSources(optedIn, "up")).changes).to.deep.equal({ same: 9, update: 2 });
            expectOk(await runSources(optedIn, "destroy"));
            expectGone(emu, [...stackIds(first), String(first.outputs.archiveDatasetId.value)]);
        } finally {
            fs.rmSync(release, { recursive: true, force: true });
        }
    });

    it("the JavaScript program deploys from the package: up, a Chatlio event through the stack's webhookUrl, destroy", async () => {
        const s = stack(path.join(project, "js"), "js");
        const up = await runConsumer(s, "up");
        expectOk(up);
        expect(up.changes).to.deep.equal({ create: 10 });
        await expectEventStored(emu, up);
        expectOk(await runConsumer(s, "destroy"));
        expectGone(emu, stackIds(up));
    });

    const viaCli =
        "through the Pulumi CLI, run by an Automation API script whose workspace folder is not the project folder: the JavaScript program deploys, takes a Chatlio event and is destroyed";
    if (!cliInstalled()) {
        console.log(`\n  ${INSTALL_HINT}\n`);
        if (process.env.AEP_REQUIRE_PULUMI_CLI) it(viaCli, () => expect.fail(INSTALL_HINT));
        return;
    }
    it(viaCli, async () => {
        // Pulumi's dynamic-provider plugin starts in the workspace folder and loads @pulumi/pulumi from
        // there; a workspace elsewhere points NODE_PATH at the project's node_modules (README, "Automation API").
        const home = new CliHome();
        const workDir = path.join(home.dir, "workspace");
        fs.mkdirSync(workDir);
        fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), "name: aep-chatlio-consumer\nruntime: nodejs\n");
        const cli = new CliEngineUnderTest(home, {
            project: "aep-chatlio-consumer",
            stack: "cli",
            program: path.join(project, "js", "index.js"),
            workDir,
            env: { NODE_PATH: path.join(project, "node_modules") },
        });
        try {
            await cli.init();
            await cli.setConfig(emulatorConfig(emu));
            const up = await cli.up();
            expect(up.ok, `${up.error}\n${up.diagnostics.join("\n")}`).to.equal(true);
            expect(up.steps.filter((x) => x.op === "create").map((x) => x.name)).to.include("chatlio");
            const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, { value: v.value, secret: v.secret }]));
            await expectEventStored(emu, { outputs } as unknown as RunResult);
            const destroyed = await cli.destroy();
            expect(destroyed.ok, destroyed.error).to.equal(true);
            expectGone(emu, stackIds({ outputs } as unknown as RunResult));
        } finally {
            await cli.remove();
            home.remove();
        }
    });

    const onLts = `on the newest Node.js LTS the registry serves (24, "Krypton"): the JavaScript program, in its project folder through the real CLI, deploys, takes an event and is destroyed`;
    if (!languageHostInstalled()) {
        if (process.env.AEP_REQUIRE_PULUMI_CLI) it(onLts, () => expect.fail(INSTALL_HINT));
        return;
    }
    it(onLts, async () => {
        // The registry's node package ships the binary; in the project, not globally. (Node 26, the newest
        // release the registry serves, is not an LTS yet: its process.release.lts is unset.)
        spawnSync("npm", ["install", "--no-save", "--prefer-offline", "--no-audit", "--no-fund", "node@24"], {
            cwd: project,
            encoding: "utf8",
        });
        const nodeDir = path.join(project, "node_modules", ".bin");
        const lts = execFileSync(path.join(nodeDir, "node"), ["-p", "process.version + ' ' + process.release.lts"], {
            encoding: "utf8",
        }).trim();
        expect(lts).to.match(/^v24\.\d+\.\d+ Krypton$/);
        const home = new ProjectHome(nodeDir);
        const p = new Project(home, path.join(project, "js"), "lts", { NODE_PATH: path.join(project, "node_modules") });
        try {
            await p.init(
                Object.fromEntries(
                    Object.entries(emulatorConfig(emu)).map(([k, v]) => [
                        k,
                        typeof v === "string" ? v : { value: v.value, secret: v.secret },
                    ]),
                ),
            );
            await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
            const out = await p.outputs(true);
            expect(String(out.node)).to.equal(lts.split(" ")[0]);
            const outputs = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { value: v, secret: k === "webhookUrl" }]));
            await expectEventStored(emu, { outputs } as unknown as RunResult);
            await must(p.pulumi(["destroy", "--yes", "--skip-preview"]), "destroy");
        } finally {
            await p.remove();
            home.remove();
        }
    });
});

/** Posts a Chatlio event to the stack's webhookUrl; it lands in the stack's dataset. */
async function expectEventStored(emu: Emulator, up: RunResult): Promise<void> {
    const { webhookUrl, datasetId } = up.outputs;
    expect(webhookUrl.secret).to.equal(true);
    const before = emu.records(String(datasetId.value)).length;
    const res = await fetch(String(webhookUrl.value), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(NEW_CONVERSATION),
    });
    expect(res.status, await res.clone().text()).to.equal(200);
    const records = emu.records(String(datasetId.value)) as any[];
    expect(records).to.have.length(before + 1);
    expect(records[records.length - 1]._acme.chatlio.visitor.UUID).to.equal(NEW_CONVERSATION.visitor.UUID);
    expect(emu.objects().map((o) => o.id)).to.include.members(stackIds(up));
}

/** The AEP ids a Chatlio stack exports (all but the mapping set's). */
function stackIds(up: RunResult): string[] {
    return ["datasetId", "dataflowId", "schemaId", "fieldGroupId", "sourceConnectionId", "targetConnectionId"].map((k) =>
        String(up.outputs[k].value),
    );
}

/** None of these objects is left in AEP (mapping sets stay: AEP documents no delete for them). */
function expectGone(emu: Emulator, ids: string[]): void {
    const held = new Set(emu.objects().map((o) => o.id));
    expect(ids.filter((id) => held.has(id))).to.deep.equal([]);
}

/** Each resource of the stack in state: its URN, type token and inputs (the serialized provider left out). */
function resources(s: ConsumerStack): Array<{ urn: string; type: string; inputs: Record<string, unknown> }> {
    const state = JSON.parse(fs.readFileSync(path.join(s.stateDir, `${s.stack}.json`), "utf8")) as StackState;
    return state.resources.map((r) => {
        const { __provider, ...inputs } = (r.inputs ?? {}) as Record<string, unknown>;
        void __provider;
        return { urn: r.urn, type: r.type, inputs };
    });
}

/** The serialized provider each dynamic resource of the stack stores, by resource name. */
function forwarders(s: ConsumerStack): Record<string, string> {
    const state = JSON.parse(fs.readFileSync(path.join(s.stateDir, `${s.stack}.json`), "utf8")) as StackState;
    return Object.fromEntries(
        state.resources
            .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))
            .map((r) => [r.urn.split("::").pop(), String(r.inputs.__provider)]),
    );
}
