/** How one AEP object kind is declared to the lifecycle: its inputs, its rules, and its API calls. */
import { CallContext } from "./context";
import { CheckFailure } from "./validate";

/** Inputs every AEP resource takes besides its own, as its provider receives them. */
export interface CommonInputs {
    /** The Pulumi resource name, base of automatic names. Set by the resource class. */
    resourceName?: string;
    /** The AEP sandbox; defaults to the `aep:sandboxName` setting. Changing it replaces the object. */
    sandboxName?: string;
    /** Take over an existing object with the same unique name instead of failing. */
    adopt?: boolean;
    /** True when the name was chosen by the provider (no name given). */
    autoNamed?: boolean;
    /** The resource's URN, sent by the resource class; hidden from diffs (`__` keys are Pulumi-internal). */
    __urn?: string;
    /**
     * Set by components whose names carry a suffix only this stack uses (ChatlioSource): an object of this
     * kind already holding the name was made by an interrupted run of this stack, and is taken over.
     */
    __ownName?: boolean;
}

/** The input keys a user may set on every resource besides its own (checked against misspellings, listed in errors). */
export const COMMON_INPUT_KEYS = ["sandboxName", "adopt"] as const;

/** Input keys the resource classes and the provider set themselves: accepted, never offered in errors. */
export const INTERNAL_INPUT_KEYS = ["resourceName", "autoNamed"] as const;

/** How one AEP object is declared, checked, compared and driven through its API. */
export interface AepObjectSpec<I extends CommonInputs, O, K extends string = string> {
    /** The kind's key in the registry (resources/index.ts), e.g. "dataset": what the provider host selects it by. */
    kind: K;
    /** In AEP's words, for messages: "dataset", "schema", ... */
    noun: string;
    /** The Pulumi type name, e.g. "Dataset" (the type token is `pulumi-nodejs:dynamic/aep:Dataset`). */
    typeName: string;
    /** Every input the resource takes besides the common ones (anything else is refused as misspelt). */
    inputKeys: Array<keyof I & string>;
    /** The input that AEP requires to be unique (or that users search by): "name" or "title". */
    nameKey: keyof I & string;
    /** How messages call the name input, when not by its key (e.g. "displayName" for a component's names). */
    nameLabel?: string;
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
     * Inputs that only this provider reads (they change nothing in AEP, e.g. a deletion guard): a change of
     * them alone is an update that sends no request.
     */
    localKeys?: Array<keyof I & string>;
    /**
     * Flags a program can only turn on (AEP never turns them off): an input left out, or false, is no
     * change, whatever AEP holds (e.g. Profile enabled in the AEP UI, or on an adopted object).
     */
    oneWayKeys?: Array<keyof I & string>;
    /** Inputs AEP cannot change in place: a change replaces the object. */
    replaceKeys: Array<keyof I & string>;
    create(ctx: CallContext, inputs: I): Promise<{ id: string; outs: O }>;
    /** Finds an existing object by its unique name; used after a lost create answer, for `adopt` and for take-overs. */
    find(ctx: CallContext, inputs: I): Promise<string | undefined>;
    /** The live object in the shape of the outputs, or undefined when it no longer exists. */
    read(ctx: CallContext, id: string, olds: O): Promise<O | undefined>;
    update(ctx: CallContext, id: string, olds: O, news: I): Promise<O>;
    delete(ctx: CallContext, id: string, olds: O): Promise<void>;
    /** A warning to show (in preview too) when a change replaces the object. */
    replaceWarning?(olds: O, replaces: string[]): string;
    /**
     * Called before the object is replaced or deleted, in preview too (reads only): throws to refuse (e.g. a
     * dataset that holds data), or returns warnings to show.
     */
    beforeRemoval?(ctx: CallContext, id: string, olds: O, why: "replace" | "delete", news?: I): Promise<string[]>;
    /**
     * Offline checks of a change against the previous inputs (empty for a new object), e.g. a setting AEP
     * can never undo. Unknown values must be skipped.
     */
    validateChange?(olds: Partial<I>, news: I): CheckFailure[];
    /**
     * Warnings to show at check (in preview too), e.g. what AEP may refuse; `olds` is empty for a new object
     * and for a replacement (`run.replacing`: the engine checks a replacement's inputs again without them).
     */
    checkWarnings?(olds: Partial<I>, news: I, run: { replacing: boolean }): string[];
    /** Added to the warning a refresh gives when the object was deleted outside Pulumi (what its re-creation costs). */
    recreateNote?: string;
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
