/**
 * Where the real CLI's fixed cost goes for a program in a project folder, run as users type it
 * (`pulumi up`, `pulumi preview` with the Node.js language host): for each command, its wall time, when
 * each process started (the CLI, the language host, the program, the dynamic-provider host), when the
 * first AEP request left, and the CPU each used; every program command with and without type-checking
 * (PULUMI_NODEJS_TRANSPILE_ONLY=true). One ChatlioSource, the emulator in this process at 50 ms per request.
 *
 *   npx ts-node --transpile-only tools/bench/cli-fixed.ts [--repeat 2]
 *
 * Needs `npm run pulumi:install`. Quoted in docs/BENCHMARK.md. It asserts nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { DEMO_CREDENTIALS, startEmulator } from "aep-emulator";
import { PULUMI_BIN } from "../../test/cli/harness";
import { Project, ProjectHome, languageHostInstalled } from "../../test/cli/project";
import { ProcessSampler, Role } from "./processes";
import { textTable } from "./report";
import { TimedEntry, clockLog } from "./run";

const DIR = path.join(__dirname, "fixtures", "chatlio");
const SHOWN: Role[] = ["cli", "language host", "program", "plugin", "host"];

async function main(): Promise<void> {
    if (!languageHostInstalled()) throw new Error("run `npm run pulumi:install` first");
    const i = process.argv.indexOf("--repeat");
    const repeat = i > 0 ? Number(process.argv[i + 1]) : 2;
    const emu = await startEmulator({ latencyMs: 50, trafficLog: "" });
    clockLog(emu);
    const log = emu.log as TimedEntry[];
    const home = new ProjectHome();
    const project = new Project(home, DIR, `fixed-${process.pid}`);
    const rows: string[][] = [];
    try {
        await project.init({
            "aep:clientId": DEMO_CREDENTIALS.clientId,
            "aep:clientSecret": { value: DEMO_CREDENTIALS.clientSecret, secret: true },
            "aep:orgId": DEMO_CREDENTIALS.orgId,
            "aep:platformUrl": emu.url,
            "aep:imsUrl": emu.url,
        });
        const run = async (label: string, args: string[], env: NodeJS.ProcessEnv = {}, bare = false) => {
            emu.resetLog();
            const sampler = new ProcessSampler(10).start();
            const t0 = performance.now();
            const r = bare ? await project.run(PULUMI_BIN, args, env) : await project.pulumi(args, env);
            const wall = performance.now() - t0;
            const p = sampler.stop();
            if (r.code !== 0) throw new Error(`${label}: ${r.stderr || r.stdout}`);
            const first = log.length ? Math.min(...log.map((e) => e.at - 50)) - t0 : undefined;
            const at = (role: Role) => (p.roles[role]?.firstSeenMs !== undefined ? String(p.roles[role]!.firstSeenMs) : "—");
            const cpu = (role: Role) => (p.roles[role] ? p.roles[role]!.cpuS.toFixed(2) : "—");
            rows.push([
                label,
                String(Math.round(wall)),
                ...SHOWN.map(at),
                first !== undefined ? String(Math.round(first)) : "—",
                ...SHOWN.map(cpu),
                String(log.length),
            ]);
            process.stderr.write(`cli-fixed: ${label}: ${Math.round(wall)} ms\n`);
        };
        const typeCheckOff = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
        await run("pulumi version", ["version"], {}, true);
        await run("up (creates)", ["up", "--yes", "--skip-preview"]);
        for (let k = 0; k < repeat; k++) {
            await run("preview, no change", ["preview"]);
            await run("preview, no change, transpile only", ["preview"], typeCheckOff);
            await run("up, no change", ["up", "--yes", "--skip-preview"]);
            await run("up, no change, transpile only", ["up", "--yes", "--skip-preview"], typeCheckOff);
            await run("refresh", ["refresh", "--yes", "--skip-preview"]);
        }
        await run("destroy", ["destroy", "--yes", "--skip-preview"]);
    } finally {
        await project.pulumi(["stack", "rm", "--yes", "--force"]);
        fs.rmSync(path.join(DIR, `Pulumi.${project.stack}.yaml`), { force: true });
        home.remove();
        await emu.close();
    }
    const header = [
        "command",
        "wall ms",
        ...SHOWN.map((r) => `${r} starts ms`),
        "1st request ms",
        ...SHOWN.map((r) => `CPU s ${r}`),
        "requests",
    ];
    process.stdout.write(textTable(header, rows) + "\n");
}

main().catch((e) => {
    process.stderr.write(`cli-fixed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
