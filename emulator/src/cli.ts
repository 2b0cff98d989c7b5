#!/usr/bin/env node
/**
 * `aep-emulator` (in this repository also `npm run emulator`): runs the AEP emulator on its own, on a fixed
 * port so a Pulumi stack, curl or any AEP client can point at it.
 *
 *   aep-emulator [--port 8787] [--host 127.0.0.1] [--store FILE] [--tenant acme] [--sandboxes prod,dev]
 *                [--seed S] [--latency MS]
 *
 * The port also comes from AEP_EMULATOR_PORT. Prints the URL, the demo credentials and the environment
 * variables a client needs.
 */
import { DEMO_CREDENTIALS, startEmulator } from "./index";

const USAGE = `usage: aep-emulator [--port 8787] [--host 127.0.0.1] [--store FILE] [--tenant acme] [--sandboxes prod,dev] [--seed S] [--latency MS]

Runs the local AEP emulator (IMS, Schema Registry, Catalog, Flow Service, Data Prep, sandbox management
and the DCS streaming inlet) on one loopback HTTP server, and prints its URL, the demo credentials and
the AEP_* variables a client needs. Stop it with Ctrl+C.

options:
  --port N          the port to listen on (default 8787, or AEP_EMULATOR_PORT; 0 picks a free one)
  --host ADDR       the interface to listen on (default 127.0.0.1)
  --store FILE      keep every object in this JSON file (loaded at start, rewritten after every change)
  --tenant ID       the tenant id of the organisation (default acme)
  --sandboxes A,B   the sandbox names (default prod,dev; the first is the default sandbox)
  --seed S          derive generated ids from S: the same requests get the same ids in every run
  --latency MS      add this many milliseconds to every request
  -h, --help        print this help`;

function arg(name: string): string | undefined {
    const i = process.argv.indexOf(`--${name}`);
    if (i >= 0) return process.argv[i + 1];
    const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
    return eq ? eq.slice(name.length + 3) : undefined;
}

async function main(): Promise<void> {
    if (process.argv.includes("--help") || process.argv.includes("-h")) {
        console.log(USAGE);
        return;
    }
    const portText = arg("port") ?? process.env.AEP_EMULATOR_PORT ?? "8787";
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port "${portText}"`);
    const latency = arg("latency");
    if (latency !== undefined && !(Number(latency) >= 0)) throw new Error(`invalid latency "${latency}"`);
    const sandboxes = arg("sandboxes")
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    if (sandboxes && !sandboxes.length) throw new Error("--sandboxes needs at least one name");
    const seed = arg("seed");
    const emulator = await startEmulator({
        port,
        host: arg("host"),
        storeFile: arg("store"),
        tenantId: arg("tenant"),
        sandboxes,
        seed,
        latencyMs: latency ? Number(latency) : undefined,
    });
    const env = emulator.env();
    const [first, ...others] = sandboxes ?? ["prod", "dev"];
    const lines = [
        `AEP emulator listening on ${emulator.url}`,
        `  IMS token:      ${emulator.urls.ims}/ims/token/v3`,
        `  Platform APIs:  ${emulator.urls.platform}/data/foundation/...`,
        `  Inlet:          ${emulator.urls.inlet}/<inletId>`,
        `  Control:        ${emulator.url}/__emulator/ (health, state, reset, flush, faults, records, log)`,
        `  Store:          ${arg("store") ?? "(memory only; use --store FILE to keep objects)"}`,
        ...(seed !== undefined ? [`  Seed:           ${seed}`] : []),
        "",
        "Demo credentials:",
        `  client id      ${DEMO_CREDENTIALS.clientId}`,
        `  client secret  ${DEMO_CREDENTIALS.clientSecret}`,
        `  org id         ${DEMO_CREDENTIALS.orgId}`,
        `  sandboxes      ${[`${first} (default)`, ...others].join(", ")}`,
        "",
        "Point the provider at it:",
        ...Object.entries(env).map(([k, v]) => `  export ${k}=${v}`),
        "",
        "Press Ctrl+C to stop.",
    ];
    console.log(lines.join("\n"));
    const stop = () => {
        emulator.close().then(() => process.exit(0));
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main().catch((e) => {
    console.error(`emulator: ${(e as Error).message}`);
    process.exit(1);
});
