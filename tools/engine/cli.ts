// `npm start [-- <command>]`: the local engine behind a small command line that mirrors the Pulumi CLI.
//
//   npm start                                   up --yes
//   npm start -- preview | up | refresh | destroy [--yes]
//   npm start -- stack output [NAME] [--json] [--show-secrets]
//   npm start -- config [get KEY | set KEY VALUE [--secret] | rm KEY]
//   common flags: --stack NAME (default dev), --cwd DIR (the folder of Pulumi.yaml; default the repo root)
//
// State, local config and the embedded emulator's store live in `.pulumi-local/` beside Pulumi.yaml.
// Unless AEP_PLATFORM_URL and AEP_IMS_URL (env) or aep:platformUrl and aep:imsUrl (config) point at
// a real AEP, each run starts the embedded AEP emulator (aep-emulator) and points the provider at it.

import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { LocalEngine } from "./engine";
import { LocalConfigStore, loadProject, loadStackConfigFile, namespaced } from "./project";
import { renderValue } from "./display";
import { ConfigValue, OutputValue, RunResult } from "./types";
import { makeSecret } from "./values";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

const USAGE = `usage: npm start [-- <command> [flags]]

commands:
  up [--yes]                       run the program and apply the changes (default: up --yes)
  preview                          show what up would do, without changing anything
  refresh [--yes]                  read every resource back and record drift in the state
  destroy [--yes]                  delete every resource of the stack
  stack output [NAME] [--json] [--show-secrets]
                                   print the stack outputs (secrets as [secret] unless --show-secrets)
  config                           list the stack config (secret values hidden)
  config get KEY                   print one config value
  config set KEY VALUE [--secret]  store a value in .pulumi-local/<stack>.config.json
  config rm KEY                    remove a stored value

flags:
  --stack NAME   the stack (default dev)
  --cwd DIR      the project folder holding Pulumi.yaml (default the repository root)
  --state-dir D  where state, local config and the emulator's store live (default <cwd>/.pulumi-local)
  --yes          do not ask for confirmation
`;

interface Args {
    positional: string[];
    flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(["stack", "cwd", "s", "C", "state-dir"]);

function parseArgs(argv: string[]): Args {
    const positional: string[] = [];
    const flags = new Map<string, string | true>();
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--") {
            positional.push(...argv.slice(i + 1));
            break;
        }
        const m = /^--?([A-Za-z-]+)(?:=(.*))?$/.exec(a);
        if (m && !/^-\d/.test(a)) {
            const name = m[1];
            if (m[2] !== undefined) flags.set(name, m[2]);
            else if (VALUE_FLAGS.has(name) && i + 1 < argv.length) flags.set(name, argv[++i]);
            else flags.set(name, true);
        } else {
            positional.push(a);
        }
    }
    return { positional, flags };
}

class UsageError extends Error {}

function flagString(args: Args, ...names: string[]): string | undefined {
    for (const n of names) {
        const v = args.flags.get(n);
        if (typeof v === "string") return v;
        if (v === true) throw new UsageError(`--${n} needs a value`);
    }
    return undefined;
}

function has(args: Args, name: string): boolean {
    return args.flags.has(name);
}

async function confirm(question: string): Promise<boolean> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    try {
        const answer = await new Promise<string>((resolve) => rl.question(`${question} [yes/no] `, resolve));
        return /^y(es)?$/i.test(answer.trim());
    } finally {
        rl.close();
    }
}

interface Context {
    projectDir: string;
    stack: string;
    localDir: string;
    store: LocalConfigStore;
}

function context(args: Args): Context {
    const cwd = path.resolve(flagString(args, "cwd", "C") ?? REPO_ROOT);
    if (!fs.existsSync(path.join(cwd, "Pulumi.yaml")) && !fs.existsSync(path.join(cwd, "Pulumi.yml"))) {
        throw new UsageError(`no Pulumi.yaml in ${cwd} (use --cwd to point at the project folder)`);
    }
    const stack = flagString(args, "stack", "s") ?? "dev";
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`invalid stack name "${stack}"`);
    const localDir = path.resolve(flagString(args, "state-dir") ?? path.join(cwd, ".pulumi-local"));
    return { projectDir: cwd, stack, localDir, store: new LocalConfigStore(path.join(localDir, `${stack}.config.json`)) };
}

/** The whole stack config: Pulumi.yaml defaults < Pulumi.<stack>.yaml < `config set` values. */
function stackConfig(ctx: Context): Record<string, ConfigValue> {
    const project = loadProject(ctx.projectDir);
    return { ...project.configDefaults, ...loadStackConfigFile(project, ctx.stack).config, ...ctx.store.read() };
}

interface AepTarget {
    env: Record<string, string>;
    stop: () => Promise<void>;
    /** True for the embedded emulator: its URLs lead nowhere but this machine. */
    local: boolean;
}

/** Points the provider at the AEP in config/env, or starts the embedded emulator for this run. */
async function aepTarget(ctx: Context, config: Record<string, ConfigValue>): Promise<AepTarget> {
    const platform = config["aep:platformUrl"]?.value ?? process.env.AEP_PLATFORM_URL;
    const ims = config["aep:imsUrl"]?.value ?? process.env.AEP_IMS_URL;
    if (platform && ims) {
        console.log(`AEP: ${platform} (IMS ${ims})`);
        return { env: {}, stop: async () => undefined, local: false };
    }
    let emulator: typeof import("aep-emulator");
    try {
        emulator = require("aep-emulator");
    } catch (e) {
        throw new Error(
            `no AEP configured and the embedded emulator could not be loaded (${(e as Error).message}). ` +
                `Set aep:platformUrl and aep:imsUrl (npm start -- config set aep:platformUrl https://platform.adobe.io) ` +
                `or AEP_PLATFORM_URL and AEP_IMS_URL.`,
        );
    }
    fs.mkdirSync(ctx.localDir, { recursive: true });
    // The emulator keeps the port it got on the stack's first run: streaming URLs in state stay valid.
    const portFile = path.join(ctx.localDir, `${ctx.stack}.emulator.json`);
    const port = fs.existsSync(portFile) ? Number(JSON.parse(fs.readFileSync(portFile, "utf8")).port) : 0;
    let emu: Awaited<ReturnType<typeof emulator.startEmulator>>;
    try {
        emu = await emulator.startEmulator({ port, storeFile: path.join(ctx.localDir, `${ctx.stack}.aep-store.json`) });
    } catch (e) {
        throw new Error(
            `the embedded emulator could not listen on port ${port}, where this stack's AEP lives (${(e as Error).message}). ` +
                `Is another run of this stack going on? If not, free the port, or delete ${portFile} to move the stack to a new port.`,
        );
    }
    if (!port) fs.writeFileSync(portFile, JSON.stringify({ port: Number(new URL(emu.url).port) }) + "\n");
    console.log(`AEP: embedded emulator at ${emu.url}`);
    const creds = emulator.DEMO_CREDENTIALS;
    const env: Record<string, string> = { AEP_PLATFORM_URL: emu.url, AEP_IMS_URL: emu.url };
    // Credentials from config win (the provider reads config before env); otherwise the demo ones.
    if (!config["aep:clientId"]) env.AEP_CLIENT_ID = creds.clientId;
    if (!config["aep:clientSecret"]) env.AEP_CLIENT_SECRET = creds.clientSecret;
    if (!config["aep:orgId"]) env.AEP_ORG_ID = creds.orgId;
    return { env, stop: () => emu.close(), local: true };
}

async function runOperation(op: "preview" | "up" | "refresh" | "destroy", args: Args): Promise<number> {
    const ctx = context(args);
    const config = stackConfig(ctx);
    const target = await aepTarget(ctx, config);
    const engine = (log?: (line: string) => void) =>
        new LocalEngine({
            projectDir: ctx.projectDir,
            stack: ctx.stack,
            stateDir: ctx.localDir,
            config,
            env: target.env,
            log,
            showSames: has(args, "show-sames"),
        });
    let result: RunResult;
    try {
        if (op !== "preview" && !has(args, "yes") && !has(args, "y") && !has(args, "skip-preview")) {
            if (!process.stdin.isTTY) {
                console.error(`error: --yes must be passed in to proceed when running in non-interactive mode`);
                return 1;
            }
            if (op === "up") {
                const plan = await engine().preview();
                if (!plan.ok) return 1;
                console.log("");
            }
            const what = { up: "perform this update", refresh: "perform this refresh", destroy: "perform this destroy" }[op];
            if (!(await confirm(`Do you want to ${what}?`))) {
                console.log("confirmation declined, not proceeding");
                return 1;
            }
            console.log("");
        }
        result = await engine()[op]();
    } finally {
        await target.stop();
    }
    if (result.ok && op === "up") printChatlioStep(result, target.local);
    return result.ok ? 0 : 1;
}

/**
 * After an up, the one thing the person must do by hand: paste the webhook URL into Chatlio. The
 * embedded emulator's URLs lead only to this machine, so they are shown; a real AEP's stay secret.
 */
function printChatlioStep(result: RunResult, local: boolean): void {
    const { streamingUrl, webhookUrl, setupInstructions } = result.outputs;
    if (!streamingUrl || !webhookUrl) return;
    console.log("");
    if (local) {
        console.log(`Streaming URL (embedded emulator): ${streamingUrl.value}`);
        console.log(`Webhook URL for Chatlio:           ${webhookUrl.value}`);
    } else {
        console.log("Streaming URL: [secret]  (npm start -- stack output --show-secrets streamingUrl)");
        console.log("Webhook URL:   [secret]  (npm start -- stack output --show-secrets webhookUrl)");
    }
    if (typeof setupInstructions?.value === "string") {
        console.log("");
        console.log(setupInstructions.value.replace(/pulumi stack output/g, "npm start -- stack output"));
    }
}

function stackOutput(args: Args): number {
    const ctx = context(args);
    const engine = new LocalEngine({ projectDir: ctx.projectDir, stack: ctx.stack, stateDir: ctx.localDir });
    if (!fs.existsSync(engine.statePath)) {
        console.error(
            `error: stack "${ctx.stack}" has no state yet (${path.relative(process.cwd(), engine.statePath)}); run npm start first`,
        );
        return 1;
    }
    const outputs = engine.outputs();
    const name = args.positional[2];
    const show = has(args, "show-secrets");
    const wire = (o: OutputValue) => (o.secret ? makeSecret(o.value) : o.value);
    if (name !== undefined) {
        const o = outputs[name];
        if (!o) {
            console.error(`error: current stack does not have output property '${name}'`);
            return 1;
        }
        if (has(args, "json")) {
            console.log(JSON.stringify(o.secret && !show ? "[secret]" : o.value, null, 2));
        } else if (o.secret && !show) {
            console.log("[secret]");
        } else {
            console.log(typeof o.value === "string" ? o.value : JSON.stringify(o.value, null, 2));
        }
        return 0;
    }
    if (has(args, "json")) {
        const obj = Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.secret && !show ? "[secret]" : o.value]));
        console.log(JSON.stringify(obj, null, 2));
        return 0;
    }
    console.log(`Current stack outputs (${Object.keys(outputs).length}):`);
    const keys = Object.keys(outputs).sort();
    const w = Math.max(6, ...keys.map((k) => k.length));
    console.log(`    ${"OUTPUT".padEnd(w)}  VALUE`);
    for (const k of keys) {
        const v = wire(outputs[k]);
        const shown =
            typeof outputs[k].value === "string" && (!outputs[k].secret || show) ? String(outputs[k].value) : renderValue(v, show, "    ");
        console.log(`    ${k.padEnd(w)}  ${shown}`);
    }
    if (!show && Object.values(outputs).some((o) => o.secret)) {
        console.log("");
        console.log("More information at: npm start -- stack output --show-secrets");
    }
    return 0;
}

function configCommand(args: Args): number {
    const ctx = context(args);
    const project = loadProject(ctx.projectDir);
    const [, sub, key, value] = args.positional;
    if (!sub) {
        const all = stackConfig(ctx);
        const keys = Object.keys(all).sort();
        const w = Math.max(3, ...keys.map((k) => k.length));
        console.log(`${"KEY".padEnd(w)}  VALUE`);
        for (const k of keys) console.log(`${k.padEnd(w)}  ${all[k].secret ? "[secret]" : all[k].value}`);
        return 0;
    }
    if (!key) throw new UsageError(`config ${sub} needs a KEY`);
    const full = namespaced(key, project.name);
    if (sub === "get") {
        const v = stackConfig(ctx)[full];
        if (!v) {
            console.error(`error: configuration key '${full}' not found for stack '${ctx.stack}'`);
            return 1;
        }
        console.log(v.secret && !has(args, "show-secrets") ? "[secret]" : v.value);
        return 0;
    }
    if (sub === "set") {
        if (value === undefined) throw new UsageError("config set needs KEY and VALUE");
        ctx.store.set(full, value, has(args, "secret"));
        console.log(
            `set ${full}${has(args, "secret") ? " (secret)" : ""} for stack ${ctx.stack} in ${path.relative(process.cwd(), ctx.store.file)}`,
        );
        return 0;
    }
    if (sub === "rm") {
        if (!ctx.store.remove(full)) {
            console.error(`error: ${full} is not set in ${ctx.store.file}`);
            return 1;
        }
        return 0;
    }
    throw new UsageError(`unknown config command "${sub}"`);
}

export async function main(argv: string[]): Promise<number> {
    const args = parseArgs(argv);
    if (has(args, "help") || has(args, "h") || args.positional[0] === "help") {
        console.log(USAGE);
        return 0;
    }
    const [cmd, sub] = args.positional;
    try {
        switch (cmd ?? "up") {
            case "up":
            case "update":
                if (cmd === undefined) args.flags.set("yes", true);
                return await runOperation("up", args);
            case "preview":
            case "pre":
                return await runOperation("preview", args);
            case "refresh":
                return await runOperation("refresh", args);
            case "destroy":
            case "down":
                return await runOperation("destroy", args);
            case "stack":
                if (sub !== "output") throw new UsageError(`unknown command "stack ${sub ?? ""}"`);
                return stackOutput(args);
            case "config":
                return configCommand(args);
            default:
                throw new UsageError(`unknown command "${cmd}"`);
        }
    } catch (e) {
        if (e instanceof UsageError) {
            console.error(`error: ${e.message}\n\n${USAGE}`);
            return 2;
        }
        console.error(`error: ${(e as Error).message}`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e) => {
            console.error(e);
            process.exitCode = 1;
        },
    );
}
