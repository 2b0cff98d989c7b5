/**
 * The provider object each resource hands to Pulumi: a small forwarder that loads this package's
 * real providers inside the provider host, instead of Pulumi's by-value copy of all their code.
 *
 * Pulumi serializes a dynamic resource's provider into state (`__provider`) and runs that text in its
 * provider host. Serialized whole, the AEP lifecycle and client come to about 50 KB per resource, take
 * seconds to serialize on every run, and freeze the code into state: `refresh` and `destroy` would run
 * whatever version did the last `up`. The forwarder is a few hundred bytes; in the host it resolves
 * `pulumi-aep-chatlio/host` from the project folder (the host's working folder, as for any package a
 * provider requires) and calls the provider of the same kind there, so every operation runs the
 * installed version. When the package is used from its TypeScript sources (this repository), the host
 * loads them through provider/ts-loader.js (TypeScript's transpiler, with a disk cache).
 */
import * as pulumi from "@pulumi/pulumi";

export type ProviderKind = "fieldGroup" | "schema" | "identityDescriptor" | "dataset" | "sourceConnection" | "targetConnection" | "mappingSet" | "dataflow";

/** One forwarder per kind: the SDK serializes a provider object once, however many resources share it. */
const forwarders = new Map<ProviderKind, pulumi.dynamic.ResourceProvider>();

export function hostedProvider(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
    let forwarder = forwarders.get(kind);
    if (!forwarder) forwarders.set(kind, (forwarder = makeForwarder(kind)));
    return forwarder;
}

function makeForwarder(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
    const load = (): pulumi.dynamic.ResourceProvider & Required<Pick<pulumi.dynamic.ResourceProvider, "check">> => {
        const g = globalThis as any;
        if (!g.__pulumiAepChatlioHost) {
            // Resolve as a module in the project folder would (this also finds the package itself when the
            // project is this repository).
            const fromProject = require("module").createRequire(`${process.cwd()}/index.js`);
            const entry: string = fromProject.resolve("pulumi-aep-chatlio/host");
            if (/\.ts$/.test(entry)) fromProject("pulumi-aep-chatlio/ts-loader").register();
            g.__pulumiAepChatlioHost = fromProject(entry);
        }
        return g.__pulumiAepChatlioHost.providers[kind];
    };
    return {
        configure: (req) => load().configure!(req),
        check: (olds, news) => load().check(olds, news),
        diff: (id, olds, news) => load().diff!(id, olds, news),
        create: (inputs) => load().create(inputs),
        read: (id, props) => load().read!(id, props),
        update: (id, olds, news) => load().update!(id, olds, news),
        delete: (id, props) => load().delete!(id, props),
    };
}
