/**
 * Creating an AEP object without ever making two: adoption (opt-in), take-over of objects an interrupted
 * run of this stack made, and recovery when AEP's answer to a create is lost.
 *
 * AEP creates are plain POSTs: sending one twice makes two objects, and nothing in Adobe's APIs makes a
 * create idempotent. So a create whose answer was lost (a timeout, a reset, a 500/502/504) is resolved by
 * looking the object up by its unique name, a few times with backoff; only when the look-ups find
 * nothing is it sent again, with the same inputs and so the same name (at most {@link CREATE_RESENDS}
 * times). A resend that AEP refuses because the name is taken (the object an earlier attempt made,
 * listed late) looks once more and takes that object.
 */
import { AepError, OutcomeUnknownError } from "../../client";
import { CallContext, envNumber } from "./context";
import { clean, sameJson } from "./json";
import { AepObjectSpec, CommonInputs, PartiallyCreatedError } from "./spec";

/** How many times a create is sent again after its answer was lost and a look-up found nothing. */
export const CREATE_RESENDS = 2;

/** The waits before each look-up after a lost answer: 0, 2, 4 and 8 times the retry base (default 500 ms). */
export function lookupWaits(base = envNumber("AEP_HTTP_RETRY_BASE_MS") ?? 500): number[] {
    return [0, 2 * base, 4 * base, 8 * base];
}

/** What {@link createObject} needs besides the spec and the call context (tests pass their own). */
export interface CreateOptions {
    /** Waits before each look-up after a lost answer. */
    waits?: number[];
    sleep?(ms: number): Promise<void>;
}

/** The outputs carry the inputs too, so that diff can compare them with the next inputs. */
export function withInputs<O>(outs: O, inputs: Record<string, any>): O {
    const { adopt: _adopt, ...rest } = inputs;
    return { ...rest, ...outs, adopt: inputs.adopt } as O;
}

/** The inputs that are not AEP's (kept when an existing object's live state becomes the old outputs). */
function lifecycleInputs<O>(inputs: Record<string, any>): Partial<O> {
    const out: Record<string, unknown> = {
        resourceName: inputs.resourceName,
        sandboxName: inputs.sandboxName,
        autoNamed: inputs.autoNamed,
    };
    for (const k of Object.keys(inputs)) if (k.startsWith("__")) out[k] = inputs[k];
    return out as Partial<O>;
}

/** True when the name was chosen by this stack: an automatic name, or a component's suffixed name. */
export function ownsName(inputs: CommonInputs): boolean {
    return inputs.autoNamed === true || inputs.__ownName === true;
}

function isNameClash(err: AepError): boolean {
    return err.code === "XDM-1521-400" || /already exists|not unique/i.test(err.aepMessage ?? "");
}

/**
 * The way out, with Pulumi's own command for pending creates, when an interrupted run may have made the
 * object under a name the user wrote. (`pulumi refresh --import-pending-creates <urn> <id>` would be the
 * other: with the Pulumi CLI v3.274 it drops the pending create without importing the object, so it is not
 * offered.)
 */
export function pendingCreateHint(urn: string | undefined): string {
    return (
        `If an interrupted \`pulumi up\` of this stack made it, Pulumi keeps a pending create for ${urn ? `'${urn}'` : "it"}: ` +
        `run \`pulumi refresh --clear-pending-creates --yes\` to drop it, then \`pulumi up\` once with \`adopt: true\` to take the object over.`
    );
}

/**
 * Creates the object (or adopts, or takes over, the one that holds its name). Returns its id and
 * outputs; throws an error in the words the person needs otherwise.
 */
export async function createObject<I extends CommonInputs, O extends Record<string, any>>(
    spec: AepObjectSpec<I, O>,
    ctx: CallContext,
    inputs: I,
    options: CreateOptions = {},
): Promise<{ id: string; outs: O }> {
    const waits = options.waits ?? lookupWaits();
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const name = String((inputs as any)[spec.nameKey]);
    const what = `${spec.noun} "${name}"`;

    /**
     * The existing object, brought to the inputs: always when adopting or taking over (AEP may hold other
     * values, some of which its reads do not echo), and after a lost answer only where what AEP shows
     * differs from the inputs (the lost create may have left a step undone).
     */
    async function takeOver(id: string, always: boolean): Promise<{ id: string; outs: O } | undefined> {
        const current = await spec.read(ctx, id, {} as O);
        if (!current) return undefined;
        // Fields AEP does not echo (undefined in `current`) keep their input values.
        const found = clean(current);
        const stale =
            always || spec.compareKeys.some((k) => (found as any)[k] !== undefined && !sameJson((found as any)[k], (inputs as any)[k]));
        const outs = stale ? await spec.update(ctx, id, { ...found, ...lifecycleInputs<O>(inputs) } as O, inputs) : found;
        return { id, outs: clean(withInputs(outs, inputs)) };
    }

    async function takeOverOwn(id: string): Promise<{ id: string; outs: O }> {
        await ctx.warn(
            `${what} already exists in AEP (${id}) under the name this stack gave it: an earlier run of this stack made it and was ` +
                `interrupted before Pulumi recorded it, so it is taken over (brought to this program's inputs) instead of made twice`,
        );
        const taken = await takeOver(id, true);
        if (!taken)
            throw new Error(`create ${what}: the ${spec.noun} ${id} holding its name disappeared while it was being taken over; run again`);
        return taken;
    }

    /** After a lost answer: the object, if AEP made it (or is still making it), else undefined. */
    async function lookUp(): Promise<{ id: string; outs: O } | undefined> {
        for (const wait of waits) {
            if (wait) await sleep(wait);
            await ctx.progress(`the answer to "create ${spec.noun} ${name}" was lost; looking the ${spec.noun} up by name`);
            const existing = await spec.find(ctx, inputs);
            // A create can be more than one call (a dataflow is disabled after it is made): what the lost answer
            // left undone is done now, as when adopting.
            const found = existing && (await takeOver(existing, false));
            if (found) return found;
        }
        return undefined;
    }

    function refusal(existing: string): Error {
        return new Error(
            `create ${what}: AEP already has a ${spec.noun} with this name (${existing}). Give this resource another ` +
                `${spec.nameLabel ?? spec.nameKey}, or set \`adopt: true\` to take the existing ${spec.noun} over. ${pendingCreateHint(inputs.__urn)}`,
        );
    }

    /** A create's failure other than a lost answer, in the words the person needs. */
    function failure(err: unknown): unknown {
        if (err instanceof PartiallyCreatedError) {
            // An error with an `id` is what the dynamic-provider host reports as "created but not initialised"
            // (ErrorResourceInitFailed): the engine keeps the object in state.
            const message = `create ${what}: AEP created it (${err.id}), then ${err.message}; it is kept in state and the next update finishes it`;
            return Object.assign(new Error(message), {
                id: err.id,
                properties: clean(withInputs(err.outs as O, inputs)),
                reasons: [err.message],
            });
        }
        if (err instanceof AepError && isNameClash(err)) {
            return new Error(
                `${err.message}. An AEP ${spec.noun} named "${name}" already exists: give this resource another ${spec.nameLabel ?? spec.nameKey}, ` +
                    `or set \`adopt: true\` to take the existing ${spec.noun} over. ${pendingCreateHint(inputs.__urn)}`,
            );
        }
        return err;
    }

    if (inputs.adopt || ownsName(inputs) || !spec.nameEnforcedByAep) {
        const existing = await spec.find(ctx, inputs);
        if (existing) {
            if (inputs.adopt) {
                await ctx.info(`adopting the existing ${what} (${existing})`);
                const adopted = await takeOver(existing, true);
                if (!adopted) throw new Error(`${what} (${existing}) disappeared while it was being adopted; run again`);
                return adopted;
            }
            if (ownsName(inputs)) return takeOverOwn(existing);
            throw refusal(existing);
        }
    }
    for (let sent = 1; ; sent++) {
        try {
            const created = await spec.create(ctx, inputs);
            return { id: created.id, outs: clean(withInputs(created.outs, inputs)) };
        } catch (err) {
            if (!(err instanceof OutcomeUnknownError)) {
                // A create sent again that AEP refuses (e.g. XDM-1521-400, the title is taken) may meet the object
                // an earlier lost attempt made after all, listed late: look once more before failing.
                const late = sent > 1 ? await lookUp() : undefined;
                if (late) return late;
                if (err instanceof AepError && isNameClash(err) && ownsName(inputs)) {
                    const existing = await spec.find(ctx, inputs);
                    if (existing) return takeOverOwn(existing);
                }
                throw failure(err);
            }
            const found = await lookUp();
            if (found) return found;
            const why = [err.status, err.code].filter(Boolean).join(" ") || "no answer";
            if (sent > CREATE_RESENDS) {
                throw new Error(
                    `create ${what}: AEP's answer was lost (${why}) ${sent} times, and each time no ${spec.noun} with that name existed afterwards, so it was not created; run the update again`,
                );
            }
            await ctx.info(
                `no ${spec.noun} named "${name}" exists after the lost answer (${why}): AEP did not create it; sending the create again (${sent} of ${CREATE_RESENDS})`,
            );
        }
    }
}
