// The Engine gRPC service (pulumirpc.Engine) of one run, on a loopback port of its own, as the Pulumi CLI's
// host server serves it (pkg/v3 host/host_server.go): the program gets its address as `--engine`, the
// dynamic-provider host as its first argument, and both send their messages to it.
//
//   Log                  a diagnostic: severity (debug 0, info 1, warning 2, error 3), message, the URN of
//                        the resource it is about ("" for none), ephemeral (progress, not kept); an unknown
//                        severity is refused, as the CLI does
//   SetRootResource / GetRootResource  the stack's URN
//   RequirePulumiVersion accepted

import { Sdk } from "./sdk";

type Unary = (call: { request: any }, callback: (err: any, resp?: any) => void) => void;

export type LogListener = (severity: number, message: string, urn: string, ephemeral: boolean) => void;

export class EngineServer {
    private server: InstanceType<Sdk["grpc"]["Server"]> | undefined;
    private root = "";

    constructor(
        private readonly sdk: Sdk,
        private readonly onLog: LogListener,
    ) {}

    /** Serves the Engine service; resolves with its address (`127.0.0.1:<port>`). */
    async start(): Promise<string> {
        const { grpc, engrpc } = this.sdk;
        const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
        server.addService(engrpc.EngineService, this.impl() as any);
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
        );
        this.server = server;
        return `127.0.0.1:${port}`;
    }

    stop(): void {
        this.server?.forceShutdown();
        this.server = undefined;
    }

    private impl(): Record<string, Unary> {
        const { engproto, emptyproto, grpc } = this.sdk;
        return {
            log: (call, cb) => {
                const r = call.request as InstanceType<typeof engproto.LogRequest>;
                const severity = r.getSeverity();
                if (![0, 1, 2, 3].includes(severity)) {
                    cb({ code: grpc.status.INVALID_ARGUMENT, details: `Unrecognized logging severity: ${severity}` });
                    return;
                }
                this.onLog(severity, r.getMessage(), r.getUrn(), r.getEphemeral());
                cb(null, new emptyproto.Empty());
            },
            getRootResource: (_call, cb) => {
                const resp = new engproto.GetRootResourceResponse();
                resp.setUrn(this.root);
                cb(null, resp);
            },
            setRootResource: (call, cb) => {
                this.root = call.request.getUrn();
                cb(null, new engproto.SetRootResourceResponse());
            },
            requirePulumiVersion: (_call, cb) => {
                cb(null, new engproto.RequirePulumiVersionResponse());
            },
        };
    }
}
