/**
 * What a stack's state file costs: its size, and the serialized dynamic provider (`__provider`) each
 * AEP resource carries. Pulumi keeps that string in the resource's inputs and again in its outputs.
 */
import * as fs from "fs";

export interface StateSize {
    /** Bytes of the state file (0 when there is none). */
    stateBytes: number;
    /** Dynamic resources in it. */
    dynamicResources: number;
    /** Resources of each AEP kind ("FieldGroup", …). */
    kinds: Record<string, number>;
    /** One serialized provider (the `__provider` string), bytes: mean and max over dynamic resources. */
    providerMeanBytes?: number;
    providerMaxBytes?: number;
    /** Every `__provider` copy one resource carries (inputs and outputs), bytes: mean and max. */
    providerPerResourceMeanBytes?: number;
    providerPerResourceMaxBytes?: number;
}

const DYNAMIC = /^pulumi-nodejs:dynamic(\/aep)?:(.*)$/;

function providerBytes(v: unknown): number | undefined {
    if (v === undefined || v === null) return undefined;
    return Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v), "utf8");
}

export function stateSize(file: string): StateSize {
    if (!fs.existsSync(file)) return { stateBytes: 0, dynamicResources: 0, kinds: {} };
    const text = fs.readFileSync(file, "utf8");
    const state = JSON.parse(text) as {
        resources?: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; pendingDelete?: boolean }>;
    };
    const single: number[] = [];
    const perResource: number[] = [];
    const kinds: Record<string, number> = {};
    for (const r of state.resources ?? []) {
        const m = DYNAMIC.exec(r.type);
        if (!m) continue;
        kinds[m[2]] = (kinds[m[2]] ?? 0) + 1;
        const copies = [providerBytes(r.inputs?.__provider), providerBytes(r.outputs?.__provider)].filter(
            (n): n is number => n !== undefined,
        );
        if (!copies.length) continue;
        single.push(Math.max(...copies));
        perResource.push(copies.reduce((a, b) => a + b, 0));
    }
    const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : undefined);
    const max = (xs: number[]) => (xs.length ? Math.max(...xs) : undefined);
    return {
        stateBytes: Buffer.byteLength(text, "utf8"),
        dynamicResources: Object.values(kinds).reduce((a, b) => a + b, 0),
        kinds,
        providerMeanBytes: mean(single),
        providerMaxBytes: max(single),
        providerPerResourceMeanBytes: mean(perResource),
        providerPerResourceMaxBytes: max(perResource),
    };
}
