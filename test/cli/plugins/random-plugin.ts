// TEST-ONLY STAND-IN for the `random` resource plugin, for the real-CLI suite (test/cli). The Pulumi CLI
// would download the real plugin (pulumi-resource-random), which this machine cannot reach, and
// pulumi-random's Go module replaces a local folder, so the module proxy cannot build it either. This
// stand-in serves RandomString and RandomId through the SDK's own provider server (@pulumi/pulumi/provider),
// with the behaviour the local engine's stand-in has (tools/engine/random.ts: values chosen once and kept,
// every input forces a replacement). It says it is version 4.21.2, the @pulumi/random the project tests
// with, so the engine takes it for the plugin that package asks for. Users get the real plugin.
import * as provider from "@pulumi/pulumi/provider";
import { checkRandom, createRandom, isLocalRandomType } from "../../../tools/engine/random";

const VERSION = "4.21.2";

function typeOf(urn: string): string {
    // urn:pulumi:stack::project::[parent$]type::name
    const parts = urn.split("::");
    const types = parts[2].split("$");
    return types[types.length - 1];
}

function inputsOf(props: Record<string, unknown>): Record<string, unknown> {
    const generated = new Set(["result", "b64Std", "b64Url", "hex", "dec"]);
    return Object.fromEntries(Object.entries(props).filter(([k]) => !generated.has(k)));
}

const random: provider.Provider = {
    version: VERSION,
    async check(urn, olds, news) {
        const type = typeOf(urn);
        if (!isLocalRandomType(type)) {
            return { failures: [{ property: "", reason: `${type} is not served by the test-only random stand-in` }] };
        }
        return { inputs: news, failures: checkRandom(type, news) };
    },
    async diff(_id, _urn, olds, news) {
        const before = inputsOf(olds);
        const keys = new Set([...Object.keys(before), ...Object.keys(news)]);
        // Defaults the provider fills in (lower, upper, ...) count as unchanged when the program omits them.
        const replaces = [...keys].filter((k) => news[k] !== undefined && JSON.stringify(before[k]) !== JSON.stringify(news[k]));
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(urn, inputs) {
        const { id, outputs } = createRandom(typeOf(urn), inputs, false);
        return { id, outs: outputs };
    },
    async read(id, _urn, props) {
        return { id, props };
    },
    async delete() {
        // Nothing to delete: the value lives only in state.
    },
};

provider.main(random, process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
});
