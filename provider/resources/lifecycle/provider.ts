/**
 * Builds the Pulumi provider of one AEP object kind from its {@link AepObjectSpec}. The lifecycle:
 * - check: offline but for one proof of the settings per run (credentials.ts). Settings problems, inputs the
 *   resource does not take, defaults, the sandbox from the settings, automatic names (see naming.ts),
 *   validation, warnings about what AEP may refuse;
 * - diff: owned fields only; replacement where AEP cannot change a field; delete before replace when the
 *   replacement would hold the same unique name; what a replacement or an in-place change puts at risk;
 *   drift found by a refresh, field by field (drift.ts). The diff a refresh makes (run.ts) warns of no write;
 * - create: see create.ts (adoption, take-over after an interrupted run, lost answers);
 * - read: the live object (keeping the deployed values of drifted fields), or no id when it is gone;
 * - update and delete: the object's own verbs; a delete of a missing object succeeds.
 *
 * Warnings and progress go to the Pulumi engine under the resource (diagnostics.ts). Errors carry what
 * to do; those of check, diff, read and delete are not printed a second time by the provider host.
 */
import * as pulumi from "@pulumi/pulumi";
import { AepError } from "../../client";
import { SETTINGS, settingsProblems } from "../../config";
import { CallContext, StoredConfig, callContext, messenger } from "./context";
import { createObject, withInputs } from "./create";
import { explain, noteReturnedError } from "./errors";
import { UNKNOWN, clean, isUnknown, sameJson } from "./json";
import { automaticName, noteReplacement, takeReplacement } from "./naming";
import { verifySettings } from "./credentials";
import { DECLARED, declaredAfterRead, driftLines } from "./drift";
import { isRefreshDiff, isReplaced, noteChecked, noteCreated, noteRead, noteReplaced } from "./run";
import { AepObjectSpec, COMMON_INPUT_KEYS, CommonInputs, INTERNAL_INPUT_KEYS } from "./spec";
import { CheckFailure, checkKnownKeys } from "./validate";

const SANDBOX_NAME = /^[a-z][a-z0-9-]{0,255}$/;

/** The provider object of one kind; `aepConfig` is the stack config `configure` received (host process only). */
export type AepProvider<I, O, K extends string = string> = pulumi.dynamic.ResourceProvider<I, O> & {
    /** The kind's registry key, e.g. "dataset". */
    readonly kind: K;
    /** The Pulumi type name, e.g. "Dataset". */
    readonly typeName: string;
    aepConfig?: StoredConfig;
};

export function aepProvider<I extends CommonInputs, O extends Record<string, any>, K extends string>(
    spec: AepObjectSpec<I, O, K>,
): AepProvider<I, O, K> {
    const local = (spec.localKeys ?? []) as string[];

    /** The owned inputs that differ between the stored outputs and the new inputs, and which of them force a replacement. */
    function changes(olds: O, news: I): { changed: string[]; replaces: string[] } {
        const changed: string[] = [];
        const replaces: string[] = [];
        for (const k of [...spec.compareKeys, ...local, "sandboxName"] as string[]) {
            const n = (news as any)[k];
            const o = (olds as any)[k];
            if ((spec.oneWayKeys as string[] | undefined)?.includes(k) && n !== true && !isUnknown(n)) continue;
            if (isUnknown(n) || !sameJson(o, n)) {
                changed.push(k);
                if ((spec.replaceKeys as string[]).includes(k) || k === "sandboxName") replaces.push(k);
            }
        }
        return { changed, replaces };
    }

    /** Runs a provider method; a failure comes back explained and is not printed again by the host. */
    async function guarded<T>(phase: Parameters<typeof explain>[1], quiet: boolean, run: () => Promise<T>): Promise<T> {
        try {
            return await run();
        } catch (err) {
            const e = explain(err, phase, provider.aepConfig);
            if (quiet) noteReturnedError(e);
            throw e;
        }
    }

    const context = (sandboxName: string | undefined, urn: string | undefined): CallContext =>
        callContext(provider.aepConfig, sandboxName, urn);

    // Settings live on the provider object inside the provider host only: `configure` runs there, so the
    // values reach neither the program nor the resources' state.
    const provider: AepProvider<I, O, K> = {
        kind: spec.kind,
        typeName: spec.typeName,
        async configure(req: pulumi.dynamic.ConfigureRequest) {
            const values: StoredConfig = {};
            for (const s of SETTINGS) {
                const v = req.config.get(s.key);
                if (v !== undefined) values[s.key] = v;
            }
            provider.aepConfig = values;
        },

        async check(olds: I, news: I) {
            return guarded("check", true, async () => {
                const previous = (olds ?? {}) as Partial<I> & Record<string, any>;
                const urn: string | undefined = (news as any).__urn ?? previous.__urn;
                noteChecked(urn);
                const failures: CheckFailure[] = [];
                const config = { get: (k: string) => provider.aepConfig?.[k] };
                const settingsFine = settingsProblems(config, process.env).length === 0;
                for (const problem of settingsProblems(config, process.env))
                    failures.push({ property: problem.split(" ")[0], reason: problem });
                checkKnownKeys(
                    failures,
                    news as Record<string, unknown>,
                    [...spec.inputKeys, ...COMMON_INPUT_KEYS],
                    spec.typeName,
                    INTERNAL_INPUT_KEYS,
                );
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
                    // An automatic name is kept once it is in state; a new one (or a replacement's) is derived from the URN.
                    if (previous[key] !== undefined && previous.autoNamed === true) inputs[key] = previous[key];
                    else
                        inputs[key] = automaticName(
                            String(inputs.resourceName ?? spec.typeName),
                            spec.nameMaxLength,
                            urn,
                            urn ? takeReplacement(urn) : undefined,
                        );
                    inputs.autoNamed = true;
                } else {
                    delete inputs.autoNamed;
                }
                if (inputs.adopt !== undefined && inputs.adopt !== UNKNOWN && typeof inputs.adopt !== "boolean") {
                    failures.push({ property: "adopt", reason: "adopt must be true or false" });
                }
                failures.push(...spec.validate(inputs as I));
                if (spec.validateChange) failures.push(...spec.validateChange(previous, inputs as I));
                const say = messenger(urn);
                if (
                    settingsFine &&
                    failures.length === 0 &&
                    inputs.sandboxName !== UNKNOWN &&
                    SANDBOX_NAME.test(String(inputs.sandboxName))
                ) {
                    // The settings proved once per run (one token request, one read): a wrong secret, client id or
                    // org fails the preview here instead of the deploy after the merge (credentials.ts).
                    const verdict = await verifySettings(provider.aepConfig, String(inputs.sandboxName));
                    if (verdict?.failure) failures.push(verdict.failure);
                    if (verdict?.warning) await say.warn(verdict.warning);
                }
                if (spec.checkWarnings && failures.length === 0) {
                    for (const w of spec.checkWarnings(previous, inputs as I, { replacing: isReplaced(urn) })) await say.warn(w);
                }
                return { inputs: clean(inputs) as I, failures };
            });
        },

        async diff(id: string, olds: O, news: I) {
            return guarded("diff", true, async () => {
                const urn: string | undefined = (news as any).__urn ?? (olds as any).__urn;
                const { changed, replaces } = changes(olds, news);
                const say = messenger(urn);
                const name = (olds as any)[spec.nameKey as string];
                const refreshing = isRefreshDiff(urn);
                const drift = driftLines(olds, news, changed, refreshing ? "the stack's last deployment" : "the program");
                if (refreshing) {
                    // The diff the CLI makes during a refresh (refreshed outputs against the inputs in state, no
                    // check before it): it writes nothing, so it warns of no write and refuses nothing; the drift
                    // it found is said once, as a note.
                    if (drift.length)
                        await say.info(
                            `${spec.noun} ${JSON.stringify(name)} was changed outside Pulumi; the next \`pulumi up\` sets the program's values again:\n  ${drift.join("\n  ")}`,
                        );
                    return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
                }
                if (drift.length)
                    await say.warn(
                        `${spec.noun} ${JSON.stringify(name)} was changed outside Pulumi (drift); this update sets the program's values again:\n  ${drift.join("\n  ")}`,
                    );
                if (replaces.length > 0) noteReplaced(urn);
                const key = spec.nameKey as string;
                const autoNamed = (news as any).autoNamed === true;
                // An automatic name changes with a replacement (the engine checks the replacement anew, see
                // naming.ts), except when the replacement is forced (`pulumi up --replace`), which keeps it.
                if (replaces.length > 0 && autoNamed && urn && (olds as any)[key] !== undefined)
                    noteReplacement(urn, String((olds as any)[key]));
                const keepsName = autoNamed
                    ? replaces.length === 0
                    : !isUnknown((news as any)[key]) && (news as any)[key] === (olds as any)[key];
                if (replaces.length > 0) {
                    if (spec.beforeRemoval)
                        for (const w of await spec.beforeRemoval(context((olds as any).sandboxName, urn), id, olds, "replace", news))
                            await say.warn(w);
                    if (spec.replaceWarning) await say.warn(spec.replaceWarning(olds, replaces));
                } else if (changed.length > 0 && spec.changeWarnings) {
                    for (const w of spec.changeWarnings(olds, news)) await say.warn(w);
                }
                return {
                    changes: changed.length > 0,
                    replaces,
                    // Objects in another sandbox never collide; a replacement under the same name must wait for the old one to go.
                    deleteBeforeReplace: keepsName && !replaces.includes("sandboxName"),
                };
            });
        },

        async create(inputs: I) {
            return guarded("create", false, async () => {
                const made = await createObject(spec, context(inputs.sandboxName, inputs.__urn), inputs);
                noteCreated(made.id);
                return made;
            });
        },

        async read(id: string, props?: O) {
            return guarded("read", true, async () => {
                const olds = (props ?? {}) as O;
                const ctx = context((olds as any).sandboxName, (olds as any).__urn);
                noteRead((olds as any).__urn);
                const live = await spec.read(ctx, id, olds);
                if (!live) {
                    const name = (olds as any)[spec.nameKey as string];
                    await ctx.warn(
                        `${spec.noun} ${name === undefined ? id : `${JSON.stringify(name)} (${id})`} no longer exists in AEP (deleted outside Pulumi): ` +
                            `it leaves the stack's state, and the next \`pulumi up\` creates it again${spec.recreateNote ? `; ${spec.recreateNote}` : ""}`,
                    );
                    return {};
                }
                // Fields AEP does not echo on reads (undefined here) keep their last known value; the deployed
                // values of the fields AEP now holds differently are kept hidden, for diff to name the drift (drift.ts).
                const { [DECLARED]: _before, ...rest } = olds as Record<string, any>;
                const declared = declaredAfterRead(olds, clean(live) as Record<string, any>, spec.compareKeys as string[]);
                return { id, props: clean({ ...rest, ...clean(live), ...(declared ? { [DECLARED]: declared } : {}) }) };
            });
        },

        async update(id: string, olds: O, news: I) {
            return guarded("update", false, async () => {
                const { changed } = changes(olds, news);
                // Inputs only this provider reads (a deletion guard): nothing to send to AEP.
                if (changed.length > 0 && changed.every((k) => local.includes(k))) {
                    const kept: Record<string, unknown> = { ...olds };
                    for (const k of local) kept[k] = (news as any)[k];
                    return { outs: clean(withInputs(kept as O, news)) };
                }
                // The update sets the program's values: no drift is left to name.
                const { [DECLARED]: _drift, ...current } = olds as Record<string, any>;
                const outs = await spec.update(context(news.sandboxName, news.__urn), id, current as O, news);
                return { outs: clean(withInputs({ ...current, ...outs }, news)) };
            });
        },

        async delete(id: string, props: O) {
            return guarded("delete", true, async () => {
                const ctx = context((props as any).sandboxName, (props as any).__urn);
                if (spec.beforeRemoval) for (const w of await spec.beforeRemoval(ctx, id, props, "delete")) await ctx.warn(w);
                try {
                    await spec.delete(ctx, id, props);
                } catch (err) {
                    // No answer (timeouts, dropped connections, 5xx to the end): AEP may have deleted it all the
                    // same. If the object is gone, it is deleted; state must not keep claiming it.
                    if (!(err instanceof AepError) || (err.status !== undefined && err.status < 500)) throw err;
                    const live = await spec.read(ctx, id, props).catch(() => props);
                    if (live !== undefined) throw err;
                    await ctx.info(`the answer to "delete ${spec.noun} ${id}" was lost, and AEP no longer has it: deleted`);
                }
            });
        },
    };
    return provider;
}
