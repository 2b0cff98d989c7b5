// The ResourceMonitor the program talks to, on a loopback port of its own, as the Pulumi engine serves it
// to the nodejs language host's `cmd/run` (the Engine service, for the program's log calls, is in
// engine-service.ts).
//
// RPCs the SDK 3.270 calls and how they are answered:
//   GetDeploymentInfo        features: secrets only (older SDKs probe SupportsFeature instead: same answer)
//   SupportsFeature          true for "secrets"; false for everything else (resourceReferences,
//                            outputValues, aliasSpecs, transforms, hooks, ...), so the SDK falls back
//                            to plain ids/urns, resolved values and alias URNs, which this engine handles
//   RegisterResource         one step (deployment.ts); response: urn, id, outputs (secrets wrapped,
//                            unknowns as the sentinel in a preview)
//   RegisterResourceOutputs  component/stack outputs (the stack's are the stack outputs)
//   SignalAndWaitForShutdown answered once every step in flight has finished
//   ReadResource, Invoke, Call  refused with a clear UNIMPLEMENTED error (.get()/import and provider
//                            functions need real provider plugins)
// Anything else (transforms, hooks, packages) is UNIMPLEMENTED; the SDK only calls those after a
// feature check that said no.

import { Deployment, Goal, StepError } from "./deployment";
import { Sdk } from "./sdk";
import { PropertyMap } from "./values";

type Unary = (call: { request: any }, callback: (err: any, resp?: any) => void) => void;

export interface MonitorHooks {
    deployment: Deployment;
    project: string;
    stack: string;
    dryRun: boolean;
    /** A registration failed with an unexpected error (not a step's own, already reported). */
    onError: (message: string) => void;
}

export class MonitorServer {
    private server: InstanceType<Sdk["grpc"]["Server"]> | undefined;
    port = 0;

    constructor(
        private readonly sdk: Sdk,
        private readonly hooks: MonitorHooks,
    ) {}

    async start(): Promise<number> {
        const { grpc, resrpc } = this.sdk;
        const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
        server.addService(resrpc.ResourceMonitorService, this.monitorImpl() as any);
        this.port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
        );
        this.server = server;
        return this.port;
    }

    stop(): void {
        this.server?.forceShutdown();
        this.server = undefined;
    }

    private unimplemented(what: string) {
        return { code: this.sdk.grpc.status.UNIMPLEMENTED, details: what };
    }

    private struct(v: PropertyMap) {
        return this.sdk.structproto.Struct.fromJavaScript(v as Record<string, never>);
    }

    private monitorImpl(): Record<string, Unary> {
        const { resproto, emptyproto } = this.sdk;
        const d = this.hooks.deployment;
        const FEATURE_SECRETS = resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SECRETS;
        return {
            getDeploymentInfo: (_call, cb) => {
                const info = new resproto.DeploymentInfo();
                info.setProject(this.hooks.project);
                info.setStack(this.hooks.stack);
                info.setDryrun(this.hooks.dryRun);
                info.setSupportedfeaturesList([FEATURE_SECRETS]);
                cb(null, info);
            },
            supportsFeature: (call, cb) => {
                const resp = new resproto.SupportsFeatureResponse();
                resp.setHassupport(call.request.getId() === "secrets");
                cb(null, resp);
            },
            registerResource: (call, cb) => {
                const req = call.request as InstanceType<typeof resproto.RegisterResourceRequest>;
                let goal: Goal;
                try {
                    goal = this.goalOf(req);
                } catch (e) {
                    cb({ code: this.sdk.grpc.status.INVALID_ARGUMENT, details: (e as Error).message });
                    return;
                }
                d.track(d.register(goal)).then(
                    (r) => {
                        const resp = new resproto.RegisterResourceResponse();
                        resp.setUrn(r.urn);
                        resp.setId(r.id);
                        resp.setObject(this.struct(r.outputs));
                        cb(null, resp);
                    },
                    (e) => {
                        d.report(e);
                        if (!(e instanceof StepError)) {
                            d.errors.push((e as Error).message);
                            d.cancelled = true;
                            this.hooks.onError(`${goal.type} (${goal.name}): ${(e as Error).message}`);
                        }
                        // Like the engine after a failed step: the deployment is over for the program.
                        cb({ code: this.sdk.grpc.status.UNAVAILABLE, details: (e as Error).message });
                    },
                );
            },
            registerResourceOutputs: (call, cb) => {
                try {
                    d.registerOutputs(call.request.getUrn(), (call.request.getOutputs()?.toJavaScript() ?? {}) as PropertyMap);
                    cb(null, new emptyproto.Empty());
                } catch (e) {
                    cb({ code: this.sdk.grpc.status.INVALID_ARGUMENT, details: (e as Error).message });
                }
            },
            signalAndWaitForShutdown: (_call, cb) => {
                d.settle().then(() => cb(null, new emptyproto.Empty()));
            },
            readResource: (call, cb) => {
                cb(
                    this.unimplemented(
                        `reading an existing resource (${call.request.getType()} ${call.request.getName()}: .get() or import) ` +
                            `is not supported by the local engine`,
                    ),
                );
            },
            invoke: (call, cb) => {
                cb(this.unimplemented(`provider function ${call.request.getTok()} is not supported by the local engine`));
            },
            call: (call, cb) => {
                cb(this.unimplemented(`method call ${call.request.getTok()} is not supported by the local engine`));
            },
        };
    }

    private goalOf(req: InstanceType<Sdk["resproto"]["RegisterResourceRequest"]>): Goal {
        const d = this.hooks.deployment;
        const type = req.getType();
        const name = req.getName();
        const parent = req.getParent();
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps, key) => {
            const urns = deps.getUrnsList();
            if (urns.length) propertyDependencies[key] = urns;
        });
        return {
            type,
            name,
            parent,
            urn: d.urnFor(type, name, parent),
            custom: req.getCustom(),
            inputs: (req.getObject()?.toJavaScript() ?? {}) as PropertyMap,
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            provider: req.getProvider(),
            version: req.getVersion(),
            protect: req.hasProtect() ? req.getProtect() : undefined,
            deleteBeforeReplace: req.getDeletebeforereplace(),
            deleteBeforeReplaceDefined: req.getDeletebeforereplacedefined(),
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            aliases: req.getAliasurnsList(),
            retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
            importId: req.getImportid(),
            remote: req.getRemote(),
        };
    }
}
