// The SDK's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`), started and driven the
// way the Pulumi engine drives the `pulumi-nodejs` resource plugin (see
// shared/reference/pulumi-dynamic.md §2.3-2.4): spawned with the engine's address as its one argument
// (the SDK's host never dials it; provider code may, to send Engine.Log messages: engine-service.ts),
// cwd = project dir, PULUMI_NODEJS_PROJECT set; the port is the first stdout line; later stdout/stderr
// lines are the provider's own output and are passed on as diagnostics.

import { Sdk } from "./sdk";
import { eachLine, spawnNode, Spawned } from "./processes";
import { makeSecret, PropertyMap } from "./values";
import { ConfigValue } from "./types";

export const DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";

export interface CheckOutcome {
    inputs: PropertyMap;
    failures: Array<{ property: string; reason: string }>;
}

export interface DiffOutcome {
    changes: "unknown" | "none" | "some";
    replaces: string[];
    deleteBeforeReplace: boolean;
}

/** A provider call that failed; `initFailure` is set when Create/Update reported ErrorResourceInitFailed. */
export class ProviderError extends Error {
    initFailure?: { id: string; properties: PropertyMap; reasons: string[] };
    constructor(message: string) {
        super(message);
        this.name = "ProviderError";
    }
}

interface ResourceIds {
    urn: string;
    name: string;
    type: string;
}

type Callback<T> = (err: import("@grpc/grpc-js").ServiceError | null, resp?: T) => void;

export class DynamicHost {
    private constructor(
        private readonly sdk: Sdk,
        private readonly proc: Spawned,
        private readonly client: InstanceType<Sdk["provrpc"]["ResourceProviderClient"]>,
    ) {}

    get pid(): number {
        return this.proc.pid;
    }

    static async start(opts: {
        sdk: Sdk;
        projectDir: string;
        project: string;
        env: NodeJS.ProcessEnv;
        onOutput: (line: string, stream: "stdout" | "stderr") => void;
        onSpawn?: (pid: number) => void;
        /** The Engine service's address (default: one nothing listens on, so Engine calls fail). */
        engineAddress?: string;
    }): Promise<DynamicHost> {
        const { sdk } = opts;
        const proc = spawnNode([sdk.dynamicProviderScript, opts.engineAddress ?? "127.0.0.1:1"], {
            cwd: opts.projectDir,
            env: { ...opts.env, PULUMI_NODEJS_PROJECT: opts.project, PULUMI_PROJECT: opts.project },
        });
        opts.onSpawn?.(proc.pid);
        let stderrTail = "";
        const port = await new Promise<number>((resolve, reject) => {
            let first = true;
            eachLine(proc.child.stdout!, (line) => {
                if (first) {
                    first = false;
                    const p = Number(line.trim());
                    if (Number.isInteger(p) && p > 0) resolve(p);
                    else reject(new Error(`the dynamic-provider host printed "${line}" instead of its port`));
                    return;
                }
                opts.onOutput(line, "stdout");
            });
            eachLine(proc.child.stderr!, (line) => {
                stderrTail = (stderrTail + "\n" + line).slice(-2000);
                opts.onOutput(line, "stderr");
            });
            proc.exited.then((code) => reject(new Error(`the dynamic-provider host exited (code ${code}) before it served:${stderrTail}`)));
        }).catch(async (e) => {
            await proc.kill();
            throw e;
        });
        const client = new sdk.provrpc.ResourceProviderClient(`127.0.0.1:${port}`, sdk.grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
        });
        return new DynamicHost(sdk, proc, client);
    }

    async stop(): Promise<void> {
        try {
            this.client.close();
        } catch {
            // ignore
        }
        await this.proc.kill();
    }

    private call<Req, Resp>(method: string, req: Req): Promise<Resp> {
        return new Promise<Resp>((resolve, reject) => {
            const fn = (this.client as unknown as Record<string, (r: Req, cb: Callback<Resp>) => void>)[method];
            fn.call(this.client, req, (err, resp) => {
                if (err) {
                    reject(this.toProviderError(method, err));
                } else {
                    resolve(resp as Resp);
                }
            });
        });
    }

    private toProviderError(method: string, err: import("@grpc/grpc-js").ServiceError): ProviderError {
        const e = new ProviderError(err.details || err.message);
        // Create/Update errors whose thrown object had an `id` carry ErrorResourceInitFailed details.
        const bin = err.metadata?.get("grpc-status-details-bin")?.[0];
        if (bin && (method === "create" || method === "update")) {
            try {
                const status = this.sdk.statusproto.Status.deserializeBinary(new Uint8Array(bin as Buffer));
                for (const any of status.getDetailsList()) {
                    if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
                        const d = this.sdk.provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
                        e.initFailure = {
                            id: d.getId(),
                            properties: (d.getProperties()?.toJavaScript() ?? {}) as PropertyMap,
                            reasons: d.getReasonsList(),
                        };
                    }
                }
            } catch {
                // no usable details
            }
        }
        return e;
    }

    /** A new request of the given kind, addressed to the resource (URN, name, type). */
    private addressed<R extends { setUrn(v: string): unknown; setName(v: string): unknown; setType(v: string): unknown }>(
        Kind: new () => R,
        r: ResourceIds,
    ): R {
        const req = new Kind();
        req.setUrn(r.urn);
        req.setName(r.name);
        req.setType(r.type);
        return req;
    }

    private struct(v: PropertyMap) {
        return this.sdk.structproto.Struct.fromJavaScript(v as Record<string, never>);
    }

    /** Configure with the whole stack config, namespaced keys, secrets wrapped (target.go GetPackageConfig). */
    async configure(config: Record<string, ConfigValue>, providerUrn: string): Promise<void> {
        const req = new this.sdk.provproto.ConfigureRequest();
        const args: PropertyMap = {};
        const vars = req.getVariablesMap();
        for (const [k, v] of Object.entries(config)) {
            args[k] = v.secret ? makeSecret(v.value) : v.value;
            vars.set(k, v.value);
        }
        req.setArgs(this.struct(args));
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        req.setSendsOldInputs(true);
        req.setSendsOldInputsToDelete(true);
        req.setUrn(providerUrn);
        req.setName("default");
        req.setType(DYNAMIC_PROVIDER_TYPE);
        await this.call("configure", req);
    }

    async check(r: ResourceIds, olds: PropertyMap, news: PropertyMap): Promise<CheckOutcome> {
        const req = this.addressed(this.sdk.provproto.CheckRequest, r);
        req.setOlds(this.struct(olds));
        req.setNews(this.struct(news));
        const resp = await this.call<unknown, InstanceType<Sdk["provproto"]["CheckResponse"]>>("check", req);
        return {
            inputs: (resp.getInputs()?.toJavaScript() ?? {}) as PropertyMap,
            failures: resp.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
    }

    async diff(
        r: ResourceIds,
        id: string,
        olds: PropertyMap,
        news: PropertyMap,
        oldInputs: PropertyMap,
        ignoreChanges: string[],
    ): Promise<DiffOutcome> {
        const req = this.addressed(this.sdk.provproto.DiffRequest, r);
        req.setId(id);
        req.setOlds(this.struct(olds));
        req.setNews(this.struct(news));
        req.setOldInputs(this.struct(oldInputs));
        req.setIgnorechangesList(ignoreChanges);
        const resp = await this.call<unknown, InstanceType<Sdk["provproto"]["DiffResponse"]>>("diff", req);
        const C = this.sdk.provproto.DiffResponse.DiffChanges;
        const c = resp.getChanges();
        return {
            changes: c === C.DIFF_SOME ? "some" : c === C.DIFF_NONE ? "none" : "unknown",
            replaces: resp.getReplacesList(),
            deleteBeforeReplace: resp.getDeletebeforereplace(),
        };
    }

    async create(r: ResourceIds, properties: PropertyMap): Promise<{ id: string; properties: PropertyMap }> {
        const req = this.addressed(this.sdk.provproto.CreateRequest, r);
        req.setProperties(this.struct(properties));
        req.setPreview(false);
        const resp = await this.call<unknown, InstanceType<Sdk["provproto"]["CreateResponse"]>>("create", req);
        return { id: resp.getId(), properties: (resp.getProperties()?.toJavaScript() ?? {}) as PropertyMap };
    }

    async update(
        r: ResourceIds,
        id: string,
        olds: PropertyMap,
        news: PropertyMap,
        oldInputs: PropertyMap,
        ignoreChanges: string[],
    ): Promise<PropertyMap> {
        const req = this.addressed(this.sdk.provproto.UpdateRequest, r);
        req.setId(id);
        req.setOlds(this.struct(olds));
        req.setNews(this.struct(news));
        req.setOldInputs(this.struct(oldInputs));
        req.setIgnorechangesList(ignoreChanges);
        req.setPreview(false);
        const resp = await this.call<unknown, InstanceType<Sdk["provproto"]["UpdateResponse"]>>("update", req);
        return (resp.getProperties()?.toJavaScript() ?? {}) as PropertyMap;
    }

    async delete(r: ResourceIds, id: string, properties: PropertyMap, oldInputs: PropertyMap): Promise<void> {
        const req = this.addressed(this.sdk.provproto.DeleteRequest, r);
        req.setId(id);
        req.setProperties(this.struct(properties));
        req.setOldInputs(this.struct(oldInputs));
        await this.call("delete", req);
    }

    async read(
        r: ResourceIds,
        id: string,
        properties: PropertyMap,
        inputs: PropertyMap,
    ): Promise<{ id: string; properties: PropertyMap; inputs?: PropertyMap }> {
        const req = this.addressed(this.sdk.provproto.ReadRequest, r);
        req.setId(id);
        req.setProperties(this.struct(properties));
        req.setInputs(this.struct(inputs));
        const resp = await this.call<unknown, InstanceType<Sdk["provproto"]["ReadResponse"]>>("read", req);
        const ins = resp.getInputs()?.toJavaScript() as PropertyMap | undefined;
        return {
            id: resp.getId(),
            properties: (resp.getProperties()?.toJavaScript() ?? {}) as PropertyMap,
            inputs: ins && Object.keys(ins).length ? ins : undefined,
        };
    }
}
