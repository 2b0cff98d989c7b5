/**
 * Diagnostics for the Pulumi engine: warnings and progress shown by the CLI under the resource they
 * concern, counted in the run's summary.
 *
 * Pulumi starts its Node.js dynamic-provider host with the engine's gRPC address as the first argument
 * (`pulumi-resource-pulumi-nodejs <engine>`); the host itself never dials it, so `console.*` output
 * reaches the CLI only as text of the Stack. Here the provider dials it and calls the Engine service's
 * `Log` with a severity and the resource's URN, as a native provider does. Where there is no engine to
 * talk to (unit tests, a host started by hand, an engine without the service), messages go to stderr
 * with their severity in front, as before.
 */

/** Engine `LogSeverity` values (pulumi/proto engine.proto). */
const SEVERITY = { debug: 0, info: 1, warning: 2, error: 3 } as const;
export type Severity = keyof typeof SEVERITY;

interface EngineLink {
    log(severity: Severity, message: string, urn: string | undefined, ephemeral: boolean): Promise<boolean>;
}

/** The connection to the engine: undefined until tried, null when there is none. */
let engineLink: EngineLink | null | undefined;

/** The engine's address when this process is Pulumi's dynamic-provider host, else undefined. */
export function engineAddress(argv: string[] = process.argv): string | undefined {
    const main = argv[1] ?? "";
    const addr = argv[2];
    if (!/dynamic-provider/.test(main) || !addr || !/^[\w.-]+:\d+$|^\[[\d:a-f]+\]:\d+$/i.test(addr)) return undefined;
    return addr;
}

function link(): EngineLink | undefined {
    if (engineLink !== undefined) return engineLink ?? undefined;
    engineLink = null;
    const addr = engineAddress();
    if (!addr) return undefined;
    try {
        const sdk = require.resolve("@pulumi/pulumi/package.json");
        const from = (m: string) => require(require.resolve(m, { paths: [sdk] }));
        const grpc = from("@grpc/grpc-js");
        const pb = from("@pulumi/pulumi/proto/engine_pb");
        const svc = from("@pulumi/pulumi/proto/engine_grpc_pb");
        const client = new svc.EngineClient(addr, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 1 << 24 });
        let broken = false;
        engineLink = {
            log(severity: Severity, message: string, urn: string | undefined, ephemeral: boolean): Promise<boolean> {
                if (broken) return Promise.resolve(false);
                const req = new pb.LogRequest();
                req.setSeverity(SEVERITY[severity]);
                req.setMessage(message);
                if (urn) req.setUrn(urn);
                req.setEphemeral(ephemeral);
                return new Promise<boolean>((resolve) => {
                    client.log(req, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err: unknown) => {
                        if (err) broken = true;
                        resolve(!err);
                    });
                });
            },
        } satisfies EngineLink;
    } catch {
        engineLink = null;
    }
    return engineLink ?? undefined;
}

/**
 * Shows a message in the Pulumi CLI: under the resource `urn` when given, with the severity's label and
 * count. `ephemeral` messages (progress such as a retry) show while the step runs and are not kept.
 */
export async function report(severity: Severity, message: string, urn?: string, ephemeral = false): Promise<void> {
    const engine = link();
    if (engine && (await engine.log(severity, message, urn, ephemeral))) return;
    const label = severity === "info" ? "aep" : severity;
    console.error(`${label}: ${message}`);
}
