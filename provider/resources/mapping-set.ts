/**
 * MappingSet: a Data Prep mapping set (`/mappingSets`) from the raw webhook JSON to XDM fields.
 *
 * Changes are written with PUT, which makes a new version of the mapping set; a {@link Dataflow} that
 * takes `mappingVersion` from this resource follows it to the new version. A new output schema
 * replaces the mapping set.
 *
 * Adobe documents no way to delete a mapping set: `pulumi destroy` leaves it in AEP (it is inert
 * without a dataflow) and says so.
 */
import * as pulumi from "@pulumi/pulumi";
import { CheckFailure, CommonInputs, UNKNOWN, aepProvider, checkId, checkNestedKeys, checkText } from "./lifecycle";
import { CommonArgs, OutputProperties, Resolved, dynamicResourceArgs } from "./resource";
import { SCHEMA_ID, XED_FULL_V1 } from "./ids";

/** One mapping from a source attribute (or an expression) to an XDM destination path. */
export interface Mapping {
    /**
     * ATTRIBUTE (default): `source` is a dot path into the webhook payload, e.g. `visitor.email`.
     * EXPRESSION: `source` is a Data Prep expression, e.g. `uuid()` or `now()`.
     * STATIC: `source` is a constant.
     */
    sourceType?: "ATTRIBUTE" | "EXPRESSION" | "STATIC";
    /** What to read: a payload path, an expression or a constant, as `sourceType` says. */
    source: string;
    /** The XDM path in dot notation, e.g. `_acme.chatlio.message`. */
    destination: string;
}

/** Inputs of a {@link MappingSet}. */
export interface MappingSetArgs extends CommonArgs {
    /** Mapping set name. Default: the resource name plus a suffix. */
    name?: pulumi.Input<string>;
    /** The output schema `$id`, e.g. `schema.id`. Changing it replaces the mapping set. */
    schemaId: pulumi.Input<string>;
    /** The mappings from the webhook payload to the schema's fields. */
    mappings: pulumi.Input<pulumi.Input<Mapping>[]>;
    /**
     * Optional: every XDM path the schema defines (dot notation). When given, a mapping to any other
     * destination fails at preview, without a call to AEP. {@link ChatlioSource} fills it in.
     */
    schemaFieldPaths?: pulumi.Input<pulumi.Input<string>[]>;
}

/** A {@link MappingSet}'s inputs as its provider receives them. */
export type MappingSetInputs = Resolved<MappingSetArgs> & CommonInputs;

/** What AEP answers for a {@link MappingSet}, besides its inputs. */
export interface MappingSetState {
    /** The mapping set id. */
    mappingSetId: string;
    /** Data Prep version: 0 on create, +1 on each update. */
    mappingVersion: number;
}

/** A {@link MappingSet}'s state: its inputs and what AEP answered. */
export type MappingSetOutputs = MappingSetInputs & MappingSetState;

const SOURCE_TYPES = ["ATTRIBUTE", "EXPRESSION", "STATIC"];
const DESTINATION = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

/** Mapping `destination` against the schema's paths: the path itself, or anything below it (arrays, objects). */
export function destinationKnown(destination: string, paths: string[]): boolean {
    return paths.some((p) => p === destination || p.startsWith(`${destination}.`) || destination.startsWith(`${p}.`));
}

/** The keys of a {@link Mapping}: anything else (a typo such as `destinaton`) is refused. */
export const MAPPING_KEYS = ["sourceType", "source", "destination"] as const;

/**
 * The problems of mappings given beside defaults (a component's `mappings`, which may be empty): keys,
 * source types, sources and destinations, each naming `mappings[i].key`. No schema check.
 */
export function mappingProblems(mappings: unknown): string[] {
    if (mappings === undefined || (Array.isArray(mappings) && mappings.length === 0)) return [];
    const failures: CheckFailure[] = [];
    checkMappings(mappings, undefined, failures);
    return failures.map((f) => f.reason);
}

export function checkMappings(mappings: unknown, fieldPaths: unknown, failures: CheckFailure[]): void {
    if (mappings === UNKNOWN) return;
    if (!Array.isArray(mappings) || mappings.length === 0) {
        failures.push({ property: "mappings", reason: "mappings must list at least one { source, destination } mapping" });
        return;
    }
    const known = Array.isArray(fieldPaths) && !fieldPaths.some((p) => p === UNKNOWN) ? (fieldPaths as string[]) : undefined;
    const seen = new Set<string>();
    mappings.forEach((m: any, i: number) => {
        const where = `mappings[${i}]`;
        if (m === UNKNOWN) return;
        if (!m || typeof m !== "object") {
            failures.push({ property: where, reason: `${where} must be { source, destination }` });
            return;
        }
        checkNestedKeys(failures, m, MAPPING_KEYS, where, "a mapping");
        const type = m.sourceType ?? "ATTRIBUTE";
        if (type !== UNKNOWN && !SOURCE_TYPES.includes(type)) {
            failures.push({
                property: `${where}.sourceType`,
                reason: `${where}.sourceType ${JSON.stringify(type)} is not one of ${SOURCE_TYPES.join(", ")}`,
            });
        }
        if (m.source !== UNKNOWN && (typeof m.source !== "string" || !m.source.trim())) {
            failures.push({
                property: `${where}.source`,
                reason: `${where}.source must be a non-empty string (a payload path such as "visitor.email", or an expression)`,
            });
        }
        if (type === "EXPRESSION" && typeof m.source === "string") {
            let depth = 0;
            for (const ch of m.source) {
                depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
                if (depth < 0) break;
            }
            if (depth !== 0)
                failures.push({ property: `${where}.source`, reason: `${where}.source "${m.source}" has unbalanced parentheses` });
        }
        const d = m.destination;
        if (d === UNKNOWN) return;
        if (d === undefined) {
            failures.push({
                property: `${where}.destination`,
                reason: `${where}.destination is required: the XDM path in dot notation the source goes to, e.g. "_acme.chatlio.message"`,
            });
            return;
        }
        if (typeof d !== "string" || !DESTINATION.test(d)) {
            failures.push({
                property: `${where}.destination`,
                reason: `${where}.destination ${JSON.stringify(d)} is not an XDM path in dot notation, e.g. "_acme.chatlio.message"`,
            });
            return;
        }
        if (seen.has(d))
            failures.push({
                property: `${where}.destination`,
                reason: `${where}.destination "${d}" is mapped twice: keep one mapping per destination`,
            });
        seen.add(d);
        if (known && !destinationKnown(d, known)) {
            failures.push({
                property: `${where}.destination`,
                reason: `${where}.destination "${d}" is not a field of the schema: add the field to the field group, or map to one of ${known.slice(0, 8).join(", ")}${known.length > 8 ? ", …" : ""}`,
            });
        }
    });
}

function body(inputs: MappingSetInputs) {
    return {
        name: inputs.name,
        outputSchema: { schemaRef: { id: inputs.schemaId, contentType: XED_FULL_V1 } },
        mappings: inputs.mappings.map((m) => ({ sourceType: m.sourceType ?? "ATTRIBUTE", source: m.source, destination: m.destination })),
    };
}

/** Data Prep answers with server-side spellings (`text/x.schema-path`, and the tutorial's field names). */
function plainMapping(m: any): Mapping {
    const raw = String(m.sourceType ?? "ATTRIBUTE").toUpperCase();
    const sourceType = raw === "EXPRESSION" || raw.includes("EXPRESSION") ? "EXPRESSION" : raw === "STATIC" ? "STATIC" : "ATTRIBUTE";
    const out: Mapping = { source: m.source ?? m.sourceAttribute, destination: m.destination ?? m.destinationXdmPath };
    if (sourceType !== "ATTRIBUTE") out.sourceType = sourceType;
    return out;
}

function toOutputs(ms: any): Partial<MappingSetOutputs> {
    return {
        mappingSetId: ms.id,
        mappingVersion: Number(ms.version),
        name: ms.name,
        schemaId: ms.outputSchema?.schemaRef?.id ?? ms.schemaRef?.id,
        mappings: (ms.mappings ?? []).map(plainMapping),
    };
}

function normalized(inputs: MappingSetInputs): MappingSetInputs {
    if (!Array.isArray(inputs.mappings)) return inputs;
    return {
        ...inputs,
        mappings: inputs.mappings.map((m) =>
            m && typeof m === "object" && m.sourceType === "ATTRIBUTE" ? { source: m.source, destination: m.destination } : m,
        ),
    };
}

export const mappingSetProvider = aepProvider<MappingSetInputs, MappingSetOutputs, "mappingSet">({
    kind: "mappingSet",
    noun: "mapping set",
    typeName: "MappingSet",
    inputKeys: ["name", "schemaId", "mappings", "schemaFieldPaths"],
    nameKey: "name",
    nameMaxLength: 255,
    compareKeys: ["name", "schemaId", "mappings"],
    replaceKeys: ["schemaId"],
    defaults: normalized,
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkText(failures, inputs as any, "name", { max: 255 });
        checkId(failures, inputs as any, "schemaId", SCHEMA_ID, "tenant schema $id");
        checkMappings(inputs.mappings, inputs.schemaFieldPaths, failures);
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({
            family: "dataPrep",
            method: "POST",
            path: "/mappingSets",
            body: body(inputs),
            operation: "create mapping set",
            object: inputs.name,
        });
        return {
            id: r.data.id,
            outs: { ...inputs, mappingSetId: r.data.id, mappingVersion: Number(r.data.version ?? 0) } as MappingSetOutputs,
        };
    },
    async find(ctx, inputs) {
        const all = await ctx.client.listDataPrep<any>("/mappingSets", { name: inputs.name }, "find mapping set");
        return all.find((m) => m.name === inputs.name)?.id;
    },
    async read(ctx, id, olds) {
        const r = await ctx.client.request({
            family: "dataPrep",
            method: "GET",
            path: `/mappingSets/${id}`,
            operation: "read mapping set",
            object: id,
            allow404: true,
        });
        return r.status === 404 ? undefined : ({ ...toOutputs(r.data), schemaFieldPaths: olds.schemaFieldPaths } as MappingSetOutputs);
    },
    async update(ctx, id, _olds, news) {
        const r = await ctx.client.request({
            family: "dataPrep",
            method: "PUT",
            path: `/mappingSets/${id}`,
            body: body(news),
            operation: "update mapping set",
            object: news.name,
        });
        return { ...news, mappingSetId: id, mappingVersion: Number(r.data.version) } as MappingSetOutputs;
    },
    async delete(ctx, id, olds) {
        await ctx.warn(
            `mapping set "${olds.name}" (${id}) is left in AEP: Adobe documents no way to delete a mapping set; it is unused once its dataflow is gone`,
        );
    },
});

const OUTPUTS = ["mappingSetId", "mappingVersion", "name", "mappings", "sandboxName"] as const;

/**
 * A Data Prep mapping set. Updates create a new version (`mappingVersion`). Destroying it leaves the
 * mapping set in AEP, because Adobe documents no delete for mapping sets.
 */
export interface MappingSet extends OutputProperties<MappingSetOutputs, (typeof OUTPUTS)[number]> {}
export class MappingSet extends pulumi.dynamic.Resource {
    constructor(name: string, args: MappingSetArgs, opts?: pulumi.CustomResourceOptions) {
        super(...dynamicResourceArgs(mappingSetProvider, name, args, OUTPUTS, opts));
    }
}
