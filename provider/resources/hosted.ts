/**
 * The provider object each resource hands to Pulumi: a small forwarder that loads this package's
 * real providers inside the provider host, instead of Pulumi's by-value copy of all their code.
 *
 * Pulumi serializes a dynamic resource's provider into state (`__provider`) and runs that text in its
 * provider host. Serialized whole, the AEP lifecycle and client come to about 50 KB per resource, take
 * seconds to serialize on every run, and freeze the code into state: `refresh` and `destroy` would run
 * whatever version did the last `up`. The forwarder is a few hundred bytes; in the host it loads
 * `pulumi-aep-chatlio/host` (compiled JavaScript, `dist/host.js`) and calls the provider of the same
 * kind there, so every operation runs the installed version.
 *
 * Where the package is found, in order:
 * 1. from the project folder, the provider host's working folder (the Pulumi CLI starts the host there),
 *    as a `require` in the program would find it;
 * 2. from the provider host's own script, `@pulumi/pulumi/cmd/dynamic-provider` in the project's
 *    node_modules, beside which the package is installed. This covers hosts started elsewhere, such as
 *    an Automation API program whose workspace folder is not the folder where the package is installed.
 *
 * The forwarder's text is stored in every resource's state and read back by later runs, possibly of
 * another build of this package (the sources in this repository, the compiled package, a later
 * version). So it stays small and self-contained, and its functions hold no comments and no syntax
 * that TypeScript writes differently for different targets: the text is the same whichever build
 * serialized it (test/consumer.spec.ts checks both directions).
 */
import * as pulumi from "@pulumi/pulumi";

/** One forwarder per kind: the SDK serializes a provider object once, however many resources share it. */
const forwarders = new Map<string, pulumi.dynamic.ResourceProvider>();

/** @internal */
export function hostedProvider(kind: string): pulumi.dynamic.ResourceProvider {
    let forwarder = forwarders.get(kind);
    if (!forwarder) forwarders.set(kind, (forwarder = makeForwarder(kind)));
    return forwarder;
}

function makeForwarder(kind: string): pulumi.dynamic.ResourceProvider {
    const load = (): pulumi.dynamic.ResourceProvider & Required<Pick<pulumi.dynamic.ResourceProvider, "check">> => {
        const g = globalThis as any;
        if (!g.__pulumiAepChatlioHost) {
            const createRequire = require("module").createRequire;
            const from: string[] = [`${process.cwd()}/index.js`];
            if (require.main && require.main.filename) from.push(require.main.filename);
            let entry = "";
            let fromHere: NodeRequire | undefined;
            for (const base of from) {
                try {
                    fromHere = createRequire(base);
                    entry = fromHere!.resolve("pulumi-aep-chatlio/host");
                    break;
                } catch (e) {
                    entry = "";
                }
            }
            if (!entry) {
                throw new Error(
                    `pulumi-aep-chatlio: the Pulumi provider host cannot find the package pulumi-aep-chatlio (looked from ${from.join(" and from ")}). ` +
                        "Install it in the Pulumi project (npm install pulumi-aep-chatlio) and run Pulumi in that folder; " +
                        "with the Automation API, set the workspace's workDir to the folder whose node_modules holds it.",
                );
            }
            g.__pulumiAepChatlioHost = fromHere!(entry);
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
