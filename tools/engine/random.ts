// LOCAL-ONLY stand-in for the `random` provider plugin (which would need a download the Pulumi CLI does
// and this engine cannot). It covers `random:index/randomString:RandomString` and
// `random:index/randomId:RandomId` with the real provider's observable behaviour: every input forces a
// replacement (create-before-delete), values are generated once and then kept in state, so they are
// stable across runs until an input (e.g. `keepers`) changes. RandomString's `result` is not secret
// (the SDK marks only RandomPassword's outputs secret), matching @pulumi/random 4.x.

import * as crypto from "crypto";
import { PropertyMap, UNKNOWN, stripSecrets } from "./values";

export const RANDOM_STRING = "random:index/randomString:RandomString";
export const RANDOM_ID = "random:index/randomId:RandomId";

export function isLocalRandomType(type: string): boolean {
    return type === RANDOM_STRING || type === RANDOM_ID;
}

export interface Failure {
    property: string;
    reason: string;
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NUMERIC = "0123456789";
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

function known(v: unknown): boolean {
    return v !== UNKNOWN;
}

export function checkRandom(type: string, news: PropertyMap): Failure[] {
    const v = stripSecrets(news);
    const failures: Failure[] = [];
    const int = (key: string, min: number, required: boolean) => {
        const x = v[key];
        if (x === undefined || x === null) {
            if (required) failures.push({ property: key, reason: `Missing required argument "${key}"` });
            return;
        }
        if (!known(x)) return;
        if (typeof x !== "number" || !Number.isInteger(x) || x < min) {
            failures.push({ property: key, reason: `${key} must be an integer >= ${min}` });
        }
    };
    if (type === RANDOM_STRING) {
        int("length", 1, true);
        for (const k of ["minUpper", "minLower", "minNumeric", "minSpecial"]) int(k, 0, false);
        const mins = ["minUpper", "minLower", "minNumeric", "minSpecial"].reduce(
            (s, k) => s + (typeof v[k] === "number" ? (v[k] as number) : 0),
            0,
        );
        if (typeof v.length === "number" && mins > v.length) {
            failures.push({ property: "length", reason: `length (${v.length}) must be >= the sum of the min* values (${mins})` });
        }
    } else if (type === RANDOM_ID) {
        int("byteLength", 1, true);
    }
    return failures;
}

function pick(chars: string): string {
    return chars[crypto.randomInt(chars.length)];
}

function flag(v: unknown, dflt: boolean): boolean {
    return typeof v === "boolean" ? v : dflt;
}

/** The outputs of a new object; in a preview the generated values are unknown. */
export function createRandom(type: string, inputs: PropertyMap, preview: boolean): { id: string; outputs: PropertyMap } {
    const v = stripSecrets(inputs);
    if (type === RANDOM_STRING) {
        const numeric = flag(v.numeric, flag(v.number, true));
        const outs: PropertyMap = {
            ...inputs,
            length: v.length,
            lower: flag(v.lower, true),
            upper: flag(v.upper, true),
            special: flag(v.special, true),
            numeric,
            number: numeric,
            minLower: v.minLower ?? 0,
            minUpper: v.minUpper ?? 0,
            minNumeric: v.minNumeric ?? 0,
            minSpecial: v.minSpecial ?? 0,
        };
        if (preview) {
            return { id: "", outputs: { ...outs, result: UNKNOWN } };
        }
        const special = typeof v.overrideSpecial === "string" ? v.overrideSpecial : SPECIAL;
        const classes: Array<[boolean, string, number]> = [
            [outs.upper as boolean, UPPER, outs.minUpper as number],
            [outs.lower as boolean, LOWER, outs.minLower as number],
            [numeric, NUMERIC, outs.minNumeric as number],
            [outs.special as boolean, special, outs.minSpecial as number],
        ];
        const chars: string[] = [];
        let all = "";
        for (const [on, set, min] of classes) {
            if (!on || !set) continue;
            all += set;
            for (let i = 0; i < min; i++) chars.push(pick(set));
        }
        if (!all) {
            throw new Error("RandomString: at least one of upper, lower, numeric and special must be enabled");
        }
        while (chars.length < (v.length as number)) chars.push(pick(all));
        for (let i = chars.length - 1; i > 0; i--) {
            const j = crypto.randomInt(i + 1);
            [chars[i], chars[j]] = [chars[j], chars[i]];
        }
        const result = chars.join("");
        return { id: result, outputs: { ...outs, result } };
    }
    if (type === RANDOM_ID) {
        const prefix = typeof v.prefix === "string" ? v.prefix : "";
        if (preview) {
            return { id: "", outputs: { ...inputs, b64Std: UNKNOWN, b64Url: UNKNOWN, hex: UNKNOWN, dec: UNKNOWN } };
        }
        const bytes = crypto.randomBytes(v.byteLength as number);
        const id = bytes.toString("base64url");
        return {
            id,
            outputs: {
                ...inputs,
                b64Std: prefix + bytes.toString("base64"),
                b64Url: prefix + id,
                hex: prefix + bytes.toString("hex"),
                dec: prefix + BigInt("0x" + (bytes.toString("hex") || "0")).toString(),
            },
        };
    }
    throw new Error(`${type} is not implemented locally`);
}
