/**
 * Entry point for Pulumi's provider host (`pulumi-aep-chatlio/host`): the real provider of each
 * resource kind, loaded by the forwarders that resources serialize into state (see resources/hosted.ts).
 */
import { REGISTRY } from "./resources";
import { isEchoOfReturnedError } from "./resources/lifecycle";

/** Each kind's provider, by the key its forwarder names. */
export const providers: Record<string, unknown> = Object.fromEntries(REGISTRY.map((p) => [p.kind, p]));

// The SDK's dynamic-provider host prints each failed check, diff, read or delete as `${error}: ${stack}`
// on stderr, and returns the same error to the engine, which shows it. The provider notes the errors it
// returns; their printed copy (a doubled message and a stack trace) is dropped here, once per error.
// Everything else written to stderr passes unchanged.
const KEY = Symbol.for("pulumi-aep-chatlio/stderr-filter/v1");
const g = globalThis as Record<symbol, unknown>;
if (!g[KEY]) {
    g[KEY] = true;
    const original = console.error.bind(console);
    console.error = (...args: unknown[]) => {
        if (args.length === 1 && isEchoOfReturnedError(args[0])) return;
        original(...args);
    };
}
