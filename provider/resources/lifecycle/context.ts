/**
 * What one provider call works with: the settings (stack config from `configure`, or the environment),
 * an AEP client bound to the object's sandbox, and a way to tell the person what is going on.
 */
import { AepClient } from "../../client";
import { AepSettings, resolveSettings } from "../../config";
import { Severity, report } from "./diagnostics";
import { UNKNOWN } from "./json";

export interface CallContext {
    settings: AepSettings;
    client: AepClient;
    /** The resource's URN, when the program sent it (`__urn`): messages are shown under that resource. */
    urn?: string;
    /** Progress (a wait, a retry, a look-up): shown while the step runs. */
    progress(message: string): Promise<void>;
    /** A notice worth keeping in the run's output (an object taken over, a mapping set left in AEP). */
    info(message: string): Promise<void>;
    /** A warning, counted by the CLI and shown under the resource. */
    warn(message: string): Promise<void>;
}

/** The stack config a provider received in `configure`, by key (`aep:clientId`, ...). */
export type StoredConfig = Record<string, string>;

/** A number from an environment variable, or undefined when unset or not a positive number. */
export function envNumber(name: string): number | undefined {
    const n = Number(process.env[name]);
    return n > 0 ? n : undefined;
}

/** Messages about one resource (or about none). */
export function messenger(urn: string | undefined): Pick<CallContext, "progress" | "info" | "warn"> {
    const say = (severity: Severity, ephemeral: boolean) => (message: string) => report(severity, message, urn, ephemeral);
    return { progress: say("info", true), info: say("info", false), warn: say("warning", false) };
}

/** A context for one call: settings resolved now (config wins over the environment), the sandbox overridden per object. */
export function callContext(config: StoredConfig | undefined, sandboxName: string | undefined, urn: string | undefined): CallContext {
    const values = config ?? {};
    const settings = resolveSettings({ get: (k: string) => values[k] }, process.env);
    if (sandboxName && sandboxName !== UNKNOWN) settings.sandboxName = sandboxName;
    const say = messenger(urn);
    // Tuning knobs for slow networks and for tests; AEP documents no timeouts of its own.
    const client = new AepClient(settings, {
        timeoutMs: envNumber("AEP_HTTP_TIMEOUT_MS"),
        deadlineMs: envNumber("AEP_HTTP_DEADLINE_MS"),
        baseDelayMs: envNumber("AEP_HTTP_RETRY_BASE_MS"),
        onRetry: (info) =>
            void say.progress(
                `${info.operation}: ${info.reason}; retrying in ${Math.round(info.delayMs / 100) / 10}s (attempt ${info.attempt})`,
            ),
    });
    return { settings, client, urn, ...say };
}
