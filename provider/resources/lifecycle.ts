/**
 * The lifecycle every AEP resource shares: settings from `configure`, offline `check` with automatic
 * names, `diff` that owns only the declared fields, a `create` that never duplicates an object when
 * AEP's answer was lost, idempotent `delete`, and `read` that reports objects deleted outside Pulumi.
 *
 * Each AEP object supplies an {@link AepObjectSpec}; {@link aepProvider} turns it into a Pulumi
 * `ResourceProvider`. The returned object is serialized by value into state, so nothing here may hold
 * credentials or clients at module scope: settings arrive in `configure` (or the environment) inside
 * the provider host, and a client is built per call.
 */
import * as pulumi from "@pulumi/pulumi";
import { AepClient, AepError, OutcomeUnknownError } from "../client";
import { AepSettings, SETTINGS, resolveSettings, settingsProblems } from "../config";

/** The value the Pulumi engine sends to check and diff for inputs not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the value is, or holds anywhere, the preview "unknown" sentinel. */
export function isUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(isUnknown);
    if (value && typeof value === "object") return Object.values(value).some(isUnknown);
    return false;
}

/** Inputs every AEP resource accepts besides its own. */
export interface CommonInputs {
    /** The Pulumi resource name, used to build automatic names. Set by the resource class. */
    resourceName?: string;
    /** The AEP sandbox; defaults to the `aep:sandboxName` setting. Changing it replaces the object. */
    sandboxName?: string;
    /** Take over an existing object with the same unique name instead of failing. */
    adopt?: boolean;
}

/** What one provider call works with: the settings, a client bound to the sandbox, a logger. */
export interface Ctx {
    settings: AepSettings;
    client: AepClient;
    /** Progress and notices, shown by the Pulumi CLI as diagnostics of the provider. */
    log(message: string): void;
}

export interface CheckFailure {
    property: string;
    reason: string;
}

/** How one AEP object is declared, checked, compared and driven through its API. */
export interface AepObjectSpec<I extends CommonInputs, O> {
    /** In AEP's words, for messages: "dataset", "schema", ... */
    kind: string;
    /** The input that AEP requires to be unique (or that users search by): "name" or "title". */
    nameKey: keyof I & string;
    /** Longest automatic or given name AEP accepts. */
    nameMaxLength: number;
    /**
     * True where AEP itself refuses a second object with the same name (Schema Registry titles). Elsewhere
     * AEP accepts duplicates, so create looks the name up first and refuses to make a second one.
     */
    nameEnforcedByAep?: boolean;
    /** Fills defaults into known inputs (never over unknown ones). */
    defaults(inputs: I): I;
    /** Offline validation; unknown values must be skipped. */
    validate(inputs: I): CheckFailure[];
    /** Inputs this resource owns and compares in diff; all others are ignored. */
    compareKeys: Array<keyof I & string>;
    /**
     * Flags a program can only turn on (AEP never turns them off): an input left out, or false, is no
     * change, whatever AEP holds (e.g. Profile enabled in the AEP UI, or on an adopted object).
     */
    oneWayKeys?: Array<keyof I & string>;
    /** Inputs AEP cannot change in place: a change replaces the object. */
    replaceKeys: Array<keyof I & string>;
    create(ctx: Ctx, inputs: I): Promise<{ id: string; outs: O }>;
    /** Finds an existing object by its unique name; used after a lost create answer and for `adopt`. */
    find(ctx: Ctx, inputs: I): Promise<string | undefined>;
    /** The live object in the shape of the outputs, or undefined when it no longer exists. */
    read(ctx: Ctx, id: string, olds: O): Promise<O | undefined>;
    update(ctx: Ctx, id: string, olds: O, news: I): Promise<O>;
    delete(ctx: Ctx, id: string, olds: O): Promise<void>;
    /** A warning to show (in preview too) when a change replaces the object. */
    replaceWarning?(olds: O, replaces: string[]): string;
    /**
     * Offline checks of a change against the previous inputs (empty for a new object), e.g. a setting AEP
     * can never undo. Unknown values must be skipped.
     */
    validateChange?(olds: Partial<I>, news: I): CheckFailure[];
    /** Warnings to show at check (in preview too), e.g. what AEP may refuse; `olds` is empty for a new object. */
    checkWarnings?(olds: Partial<I>, news: I): string[];
    /** Warnings to show at diff (in preview too) for an in-place change AEP may refuse. */
    changeWarnings?(olds: O, news: I): string[];
}

/**
 * Thrown by a spec's `create` when AEP made the object but a later step of the create failed (a dataflow
 * whose read-back fails). The object is then kept in state as created but not initialised, so the next
 * run updates it and destroy deletes it, instead of leaving it in AEP unknown to Pulumi.
 */
export class PartiallyCreatedError extends Error {
    constructor(
        readonly id: string,
        /** The outputs known so far; fields left undefined are filled in by the next update. */
        readonly outs: Record<string, unknown>,
        cause: unknown,
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "PartiallyCreatedError";
    }
}

/** How many times a create is sent again after its answer was lost and a look-up found nothing. */
export const CREATE_RESENDS = 2;

/** Drops `undefined` (which Pulumi's wire format rejects) and turns the value into plain JSON. */
export function clean<T>(value: T): T {
    if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(clean) as unknown as T;
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (v !== undefined && typeof v !== "function") out[k] = clean(v);
        }
        return out as T;
    }
    return value;
}

/** Structural equality of JSON values, key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
        if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
        return a.every((v, i) => sameJson(v, b[i]));
    }
    if (a && b && typeof a === "object" && typeof b === "object") {
        const ka = Object.keys(a as object).filter((k) => (a as any)[k] !== undefined);
        const kb = Object.keys(b as object).filter((k) => (b as any)[k] !== undefined);
        if (ka.length !== kb.length) return false;
        return ka.every((k) => sameJson((a as any)[k], (b as any)[k]));
    }
    return false;
}

/** A short random suffix for automatic names (lowercase letters and digits). */
export function randomSuffix(length = 7): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    const bytes = require("crypto").randomBytes(length) as Buffer;
    let out = "";
    for (const b of bytes) out += alphabet[b % alphabet.length];
    return out;
}

/** Checks a name-like input: a non-empty string within AEP's length limit. */
export function checkText(
    failures: CheckFailure[],
    inputs: Record<string, unknown>,
    key: string,
    opts: { required?: boolean; max: number; hint?: string },
): void {
    const v = inputs[key];
    if (v === undefined || v === UNKNOWN) {
        if (opts.required && v === undefined) failures.push({ property: key, reason: `${key} is required${opts.hint ? `: ${opts.hint}` : ""}` });
        return;
    }
    if (typeof v !== "string") {
        failures.push({ property: key, reason: `${key} must be a string, got ${typeof v}` });
    } else if (v.trim().length === 0) {
        failures.push({ property: key, reason: `${key} must not be empty: give a value or leave it out${opts.hint ? ` (${opts.hint})` : ""}` });
    } else if (v.length > opts.max) {
        failures.push({ property: key, reason: `${key} is ${v.length} characters; AEP accepts at most ${opts.max}: shorten it` });
    }
}

/** Checks that an input looks like the id of the right AEP object kind. */
export function checkId(
    failures: CheckFailure[],
    inputs: Record<string, unknown>,
    key: string,
    pattern: RegExp,
    what: string,
    opts: { required?: boolean } = { required: true },
): void {
    const v = inputs[key];
    if (v === UNKNOWN) return;
    if (v === undefined || v === "") {
        if (opts.required) failures.push({ property: key, reason: `${key} is required: pass the ${what}` });
        return;
    }
    if (typeof v !== "string" || !pattern.test(v)) {
        failures.push({ property: key, reason: `${key} ${JSON.stringify(v)} is not a ${what}: pass the \`id\` output of the resource that owns it` });
    }
}

const SANDBOX_NAME = /^[a-z][a-z0-9-]{0,255}$/;

/**
 * Builds the Pulumi provider for one AEP object kind. The lifecycle:
 * - check: defaults, automatic name (kept once chosen), sandbox from settings, offline validation;
 * - diff: owned fields only; replacement where AEP cannot change a field; delete-before-replace when
 *   the replacement would reuse the same unique name;
 * - create: adopt (opt-in) or create; a lost answer is resolved by looking the object up by name, and
 *   the create is sent again (at most {@link CREATE_RESENDS} times) when the look-up finds nothing;
 * - read: the live object, or no id when it is gone;
 * - update/delete: the object's own verbs; delete of a missing object succeeds.
 */
export function aepProvider<I extends CommonInputs, O extends Record<string, any>>(
    spec: AepObjectSpec<I, O>,
): pulumi.dynamic.ResourceProvider<I, O> {
    /**
     * After a create whose answer was lost: AEP may have made the object (or may still be making it), so it
     * is looked up by its unique name a few times, backing off from the client's retry base (default 500 ms:
     * 0, 1, 2 and 4 s). Found: it is the created object (what the create left undone is done now, as when
     * adopting). Not found: undefined.
     */
    async function lookUpAfterLostCreate(ctx: Ctx, inputs: I, name: string): Promise<{ id: string; outs: O } | undefined> {
        const base = Number(process.env.AEP_HTTP_RETRY_BASE_MS) > 0 ? Number(process.env.AEP_HTTP_RETRY_BASE_MS) : 500;
        for (const wait of [0, 2 * base, 4 * base, 8 * base]) {
            if (wait) await new Promise((r) => setTimeout(r, wait));
            ctx.log(`the answer to "create ${spec.kind} ${name}" was lost; looking the ${spec.kind} up by name`);
            const existing = await spec.find(ctx, inputs);
            const current = existing && (await spec.read(ctx, existing, {} as O));
            if (existing && current) {
                // Fields AEP does not echo (undefined in `current`) keep their input values, as in read.
                const found = clean(current);
                // A create can be more than one call (a dataflow is disabled after it is made): what the
                // lost answer left undone is done now, as when adopting.
                const stale = spec.compareKeys.some((k) => (found as any)[k] !== undefined && !sameJson((found as any)[k], (inputs as any)[k]));
                const outs = stale ? await spec.update(ctx, existing, { ...found, ...inputsOnly(inputs) }, inputs) : found;
                return { id: existing, outs: clean(withInputs(outs, inputs)) };
            }
        }
        return undefined;
    }

    /** A create's failure other than a lost answer, in the words the person needs. */
    function createError(err: unknown, inputs: I, name: string): unknown {
        if (err instanceof PartiallyCreatedError) {
            // An error with an `id` is what the dynamic-provider host reports as "created but not
            // initialised" (ErrorResourceInitFailed): the engine keeps the object in state.
            const message = `create ${spec.kind} "${name}": AEP created it (${err.id}), then ${err.message}; it is kept in state and the next update finishes it`;
            return Object.assign(new Error(message), { id: err.id, properties: clean(withInputs(err.outs as O, inputs)), reasons: [err.message] });
        }
        if (err instanceof AepError && isNameClash(err)) {
            return new Error(
                `${err.message}\n  An AEP ${spec.kind} named "${name}" already exists. Give this resource another ${spec.nameKey}, ` +
                    `or set \`adopt: true\` to take the existing ${spec.kind} over.`,
            );
        }
        return err;
    }

    // Settings live on the provider object inside the provider host only: `configure` runs there, after
    // the program serialized this object, so the values are never written to state.
    const provider: pulumi.dynamic.ResourceProvider<I, O> & { aepConfig?: Record<string, string> } = {
        async configure(req: pulumi.dynamic.ConfigureRequest) {
            const values: Record<string, string> = {};
            for (const s of SETTINGS) {
                const v = req.config.get(s.key);
                if (v !== undefined) values[s.key] = v;
            }
            provider.aepConfig = values;
        },

        async check(olds: I, news: I) {
            const failures: CheckFailure[] = [];
            const config = { get: (k: string) => provider.aepConfig?.[k] };
            for (const problem of settingsProblems(config, process.env)) {
                failures.push({ property: problem.split(" ")[0], reason: problem });
            }
            const inputs: Record<string, any> = { ...spec.defaults({ ...news }) };
            if (inputs.sandboxName === undefined) {
                // The sandbox of this run's settings: a change of aep:sandboxName shows as a replacement.
                inputs.sandboxName = config.get("aep:sandboxName") ?? process.env.AEP_SANDBOX_NAME ?? "prod";
            }
            if (inputs.sandboxName !== UNKNOWN && !SANDBOX_NAME.test(String(inputs.sandboxName))) {
                failures.push({
                    property: "sandboxName",
                    reason: `sandboxName ${JSON.stringify(inputs.sandboxName)} is not an AEP sandbox name: use lowercase letters, digits and hyphens, starting with a letter (e.g. "prod", "dev-1")`,
                });
            }
            const key = spec.nameKey as string;
            if (inputs[key] === undefined) {
                // Automatic names: chosen once, then kept from the previous inputs.
                const previous = (olds as any)?.[key];
                const autoNamed = (olds as any)?.autoNamed === true;
                if (previous !== undefined && autoNamed) {
                    inputs[key] = previous;
                } else {
                    const base = String(inputs.resourceName ?? spec.kind).slice(0, spec.nameMaxLength - 8);
                    inputs[key] = `${base}-${randomSuffix()}`;
                }
                (inputs as any).autoNamed = true;
            } else {
                delete (inputs as any).autoNamed;
            }
            if (inputs.adopt !== undefined && inputs.adopt !== UNKNOWN && typeof inputs.adopt !== "boolean") {
                failures.push({ property: "adopt", reason: "adopt must be true or false" });
            }
            failures.push(...spec.validate(inputs as I));
            const previous = (olds ?? {}) as Partial<I>;
            if (spec.validateChange) failures.push(...spec.validateChange(previous, inputs as I));
            if (spec.checkWarnings && failures.length === 0) for (const w of spec.checkWarnings(previous, inputs as I)) console.error(`warning: ${w}`);
            return { inputs: clean(inputs) as I, failures };
        },

        async diff(_id: string, olds: O, news: I) {
            const replaces: string[] = [];
            let changes = false;
            const keys = [...spec.compareKeys, "sandboxName"] as string[];
            for (const k of keys) {
                const n = (news as any)[k];
                const o = (olds as any)[k];
                if ((spec.oneWayKeys as string[] | undefined)?.includes(k) && n !== true && !isUnknown(n)) continue;
                if (isUnknown(n) || !sameJson(o, n)) {
                    changes = true;
                    if (spec.replaceKeys.includes(k as any) || k === "sandboxName") replaces.push(k);
                }
            }
            // A replacement that keeps the same unique name would collide with the object it replaces.
            // Automatic names do not: the engine checks a replacement again without old inputs, which
            // picks a new name.
            const key = spec.nameKey as string;
            const sameName =
                !(news as any).autoNamed && !isUnknown((news as any)[key]) && (news as any)[key] === (olds as any)[key];
            if (replaces.length > 0 && spec.replaceWarning) {
                console.error(`warning: ${spec.replaceWarning(olds, replaces)}`);
            }
            if (changes && replaces.length === 0 && spec.changeWarnings) for (const w of spec.changeWarnings(olds, news)) console.error(`warning: ${w}`);
            return {
                changes,
                replaces,
                // Objects in another sandbox never collide.
                deleteBeforeReplace: replaces.length > 0 && sameName && !replaces.includes("sandboxName"),
            };
        },

        async create(inputs: I) {
            const ctx = context(provider, inputs.sandboxName);
            const name = String((inputs as any)[spec.nameKey]);
            if (inputs.adopt || !spec.nameEnforcedByAep) {
                const existing = await spec.find(ctx, inputs);
                if (existing && !inputs.adopt) {
                    throw new Error(
                        `create ${spec.kind} "${name}": AEP already has a ${spec.kind} with this name (${existing}). ` +
                            `Give this resource another ${spec.nameKey}, or set \`adopt: true\` to take the existing ${spec.kind} over.`,
                    );
                }
                if (existing) {
                    ctx.log(`adopting the existing ${spec.kind} "${name}" (${existing})`);
                    const current = await spec.read(ctx, existing, {} as O);
                    if (!current) throw new Error(`${spec.kind} "${name}" (${existing}) disappeared while it was being adopted; run again`);
                    const outs = await spec.update(ctx, existing, { ...current, ...inputsOnly(inputs) }, inputs);
                    return { id: existing, outs: clean(withInputs(outs, inputs)) };
                }
            }
            // A create whose answer was lost is resolved by looking the object up by its unique name; when
            // the look-up finds nothing, AEP did not make it and the create is sent again (at most
            // CREATE_RESENDS times, each only after a look-up that found nothing), with the same inputs and
            // so the same name, automatic or not.
            for (let sent = 1; ; sent++) {
                try {
                    const created = await spec.create(ctx, inputs);
                    return { id: created.id, outs: clean(withInputs(created.outs, inputs)) };
                } catch (err) {
                    if (!(err instanceof OutcomeUnknownError)) {
                        // A create sent again that AEP refuses (e.g. XDM-1521-400, the title is taken) may meet the
                        // object an earlier lost attempt made after all, listed late: look once more before failing.
                        const late = sent > 1 ? await lookUpAfterLostCreate(ctx, inputs, name) : undefined;
                        if (late) return late;
                        throw createError(err, inputs, name);
                    }
                    const found = await lookUpAfterLostCreate(ctx, inputs, name);
                    if (found) return found;
                    const what = [err.status, err.code].filter(Boolean).join(" ") || "no answer";
                    if (sent > CREATE_RESENDS) {
                        throw new Error(
                            `create ${spec.kind} "${name}": AEP's answer was lost (${what}) ${sent} times, and each time no ${spec.kind} with that name existed afterwards, so it was not created; run the update again`,
                        );
                    }
                    ctx.log(`no ${spec.kind} named "${name}" exists after the lost answer (${what}): AEP did not create it; sending the create again (${sent} of ${CREATE_RESENDS})`);
                }
            }
        },

        async read(id: string, props?: O) {
            const olds = (props ?? {}) as O;
            const ctx = context(provider, (olds as any).sandboxName);
            const live = await spec.read(ctx, id, olds);
            if (!live) return {};
            // Fields AEP does not echo on reads (undefined here) keep their last known value.
            return { id, props: clean({ ...olds, ...clean(live) }) };
        },

        async update(id: string, olds: O, news: I) {
            const ctx = context(provider, news.sandboxName);
            const outs = await spec.update(ctx, id, olds, news);
            return { outs: clean(withInputs({ ...olds, ...outs }, news)) };
        },

        async delete(id: string, props: O) {
            const ctx = context(provider, (props as any).sandboxName);
            try {
                await spec.delete(ctx, id, props);
            } catch (err) {
                // No answer (timeouts, dropped connections, 5xx to the end): AEP may have deleted it all the
                // same. If the object is gone, it is deleted; state must not keep claiming it.
                if (!(err instanceof AepError) || (err.status !== undefined && err.status < 500)) throw err;
                const live = await spec.read(ctx, id, props).catch(() => props);
                if (live !== undefined) throw err;
                ctx.log(`the answer to "delete ${spec.kind} ${id}" was lost, and AEP no longer has it: deleted`);
            }
        },
    };
    return provider;
}

/** The outputs carry the inputs too, so that diff can compare them with the next inputs. */
function withInputs<O>(outs: O, inputs: Record<string, any>): O {
    const { adopt: _adopt, ...rest } = inputs;
    return { ...rest, ...outs, adopt: inputs.adopt } as O;
}

function inputsOnly<O>(inputs: Record<string, any>): Partial<O> {
    return { resourceName: inputs.resourceName, sandboxName: inputs.sandboxName, autoNamed: inputs.autoNamed } as any;
}

function isNameClash(err: AepError): boolean {
    return err.code === "XDM-1521-400" || /already exists|not unique/i.test(err.aepMessage ?? "");
}

function context(provider: { aepConfig?: Record<string, string> }, sandboxName?: string): Ctx {
    const values = provider.aepConfig ?? {};
    const settings = resolveSettings({ get: (k: string) => values[k] }, process.env);
    if (sandboxName && sandboxName !== UNKNOWN) settings.sandboxName = sandboxName;
    const log = (message: string) => console.error(`aep: ${message}`);
    // Tuning knobs for slow networks and for tests; AEP documents no timeouts of its own.
    const env = (k: string) => (Number(process.env[k]) > 0 ? Number(process.env[k]) : undefined);
    const client = new AepClient(settings, {
        timeoutMs: env("AEP_HTTP_TIMEOUT_MS"),
        deadlineMs: env("AEP_HTTP_DEADLINE_MS"),
        baseDelayMs: env("AEP_HTTP_RETRY_BASE_MS"),
        onRetry: (info) => log(`${info.operation}: ${info.reason}; retrying in ${Math.round(info.delayMs / 100) / 10}s (attempt ${info.attempt})`),
    });
    return { settings, client, log };
}
