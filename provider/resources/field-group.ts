/**
 * FieldGroup: a tenant XDM field group in the Schema Registry (`/tenant/fieldgroups`).
 *
 * Its fields sit under the tenant namespace object (`_{tenantId}`), as AEP requires of custom fields.
 * Title is unique across all registry resources of the sandbox. Changes to title, description and
 * fields are written in place with PUT (AEP rewrites the whole resource); a change of sandbox replaces it.
 *
 * Once a schema using the field group has a dataset that holds data or is enabled for Profile, AEP takes
 * only non-destructive changes (aep-api.md §2.2.4). Preview cannot tell offline whether that is so, so it
 * warns about every destructive change (a field removed, a type changed, a field made required, an enum
 * narrowed) to an existing field group, naming the field; additions pass without a word.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    CallContext,
    CheckFailure,
    CommonInputs,
    UNKNOWN,
    aepProvider,
    checkNestedKeys,
    checkText,
    isUnknown,
    registryStats,
} from "./lifecycle";
import { EXPERIENCE_EVENT_CLASS } from "./ids";
import { CommonArgs, OutputProperties, Resolved, dynamicResourceArgs } from "./resource";

/** One XDM field, in the JSON Schema subset that XDM uses. */
export interface XdmField {
    /** XDM/JSON Schema type. */
    type: "string" | "number" | "integer" | "boolean" | "object" | "array";
    /** Display name in the AEP UI. */
    title?: string;
    /** Description shown in the AEP UI. */
    description?: string;
    /** For strings: `date-time`, `date`, `email`, `uri` or `uuid`. */
    format?: "date-time" | "date" | "email" | "uri" | "uuid";
    /** For strings: the allowed values. */
    enum?: string[];
    /** For objects: the sub-fields. */
    properties?: Record<string, XdmField>;
    /** For arrays: the item type. */
    items?: XdmField;
    /**
     * Records must carry this field (written as the parent object's `required` list in XDM). Making an
     * existing field required is a destructive change: AEP refuses it once data has landed.
     */
    required?: boolean;
}

/** Inputs of a {@link FieldGroup}. */
export interface FieldGroupArgs extends CommonArgs {
    /** Unique title within the sandbox's registry. Default: the resource name plus a suffix. */
    title?: pulumi.Input<string>;
    /** Description shown in the AEP UI. */
    description?: pulumi.Input<string>;
    /** Fields placed under the tenant namespace object `_{tenantId}`. Names must not start with `_`. */
    fields: pulumi.Input<Record<string, pulumi.Input<XdmField>>>;
    /** Classes the field group may extend. Default: XDM ExperienceEvent. */
    intendedToExtend?: pulumi.Input<pulumi.Input<string>[]>;
}

/** A {@link FieldGroup}'s inputs as its provider receives them. */
export type FieldGroupInputs = Resolved<FieldGroupArgs> & CommonInputs;

/** What AEP answers for a {@link FieldGroup}, besides its inputs. */
export interface FieldGroupState {
    /** The field group's `$id` (same as `id`). */
    fieldGroupId: string;
    /** The `meta:altId` (dot notation). */
    altId: string;
    /** Registry version, e.g. "1.0", bumped by each change. */
    version: string;
    /** The organization's tenant id (without the leading underscore): the name of the namespace object `_{tenantId}`. */
    tenantId: string;
}

/** A {@link FieldGroup}'s state: its inputs and what AEP answered. */
export type FieldGroupOutputs = FieldGroupInputs & FieldGroupState;

const TYPES = ["string", "number", "integer", "boolean", "object", "array"];
const FORMATS = ["date-time", "date", "email", "uri", "uuid"];
const FIELD_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** The keys of an {@link XdmField}: anything else (a typo such as `requird`) would be dropped on the way to AEP. */
export const XDM_FIELD_KEYS = ["type", "title", "description", "format", "enum", "properties", "items", "required"] as const;

/** Validates XDM field definitions; each failure names the field's path. */
export function checkFields(fields: unknown, path: string, failures: CheckFailure[], depth = 0): void {
    if (fields === UNKNOWN) return;
    if (!fields || typeof fields !== "object" || Array.isArray(fields)) {
        failures.push({ property: path, reason: `${path} must be an object of field definitions, e.g. { message: { type: "string" } }` });
        return;
    }
    if (depth > 8) {
        failures.push({ property: path, reason: `${path} nests deeper than 8 levels: flatten the structure` });
        return;
    }
    for (const [name, def] of Object.entries(fields as Record<string, any>)) {
        const where = `${path}.${name}`;
        if (!FIELD_NAME.test(name)) {
            failures.push({
                property: where,
                reason: `field name "${name}" is not allowed: use letters, digits, "-" and "_", not starting with "_"`,
            });
        }
        if (def === UNKNOWN) continue;
        if (!def || typeof def !== "object") {
            failures.push({ property: where, reason: `${where} must be a field definition such as { type: "string" }` });
            continue;
        }
        checkNestedKeys(failures, def, XDM_FIELD_KEYS, where, "an XDM field");
        if (!TYPES.includes(def.type)) {
            failures.push({
                property: `${where}.type`,
                reason: `${where}.type ${JSON.stringify(def.type)} is not an XDM type: use one of ${TYPES.join(", ")}`,
            });
            continue;
        }
        if (def.format !== undefined && (def.type !== "string" || !FORMATS.includes(def.format))) {
            failures.push({
                property: `${where}.format`,
                reason: `${where}.format ${JSON.stringify(def.format)} is not allowed: formats (${FORMATS.join(", ")}) apply to strings only`,
            });
        }
        if (
            def.enum !== undefined &&
            (def.type !== "string" || !Array.isArray(def.enum) || def.enum.some((v: unknown) => typeof v !== "string"))
        ) {
            failures.push({ property: `${where}.enum`, reason: `${where}.enum must be a list of strings on a string field` });
        }
        if (def.type === "object") {
            if (!def.properties || Object.keys(def.properties).length === 0) {
                failures.push({
                    property: `${where}.properties`,
                    reason: `${where} is an object without properties: add at least one sub-field`,
                });
            } else checkFields(def.properties, `${where}.properties`, failures, depth + 1);
        } else if (def.properties !== undefined) {
            failures.push({ property: `${where}.properties`, reason: `${where} has properties but type "${def.type}": use type "object"` });
        }
        if (def.type === "array") {
            if (!def.items)
                failures.push({
                    property: `${where}.items`,
                    reason: `${where} is an array without items: add items, e.g. { type: "string" }`,
                });
            else checkFields({ items: def.items }, where, failures, depth + 1);
        }
        if (def.required !== undefined && typeof def.required !== "boolean") {
            failures.push({ property: `${where}.required`, reason: `${where}.required must be true or false` });
        }
        for (const key of ["title", "description"]) {
            if (def[key] !== undefined && typeof def[key] !== "string") {
                failures.push({ property: `${where}.${key}`, reason: `${where}.${key} must be a string` });
            }
        }
    }
}

/** Every leaf path the fields define, in dot notation (arrays name the array itself). */
export function fieldPaths(fields: Record<string, XdmField>, prefix: string): string[] {
    const out: string[] = [];
    for (const [name, def] of Object.entries(fields)) {
        const p = `${prefix}.${name}`;
        if (def.type === "object" && def.properties) out.push(...fieldPaths(def.properties, p));
        else out.push(p);
    }
    return out;
}

/** The tenant id (without underscore), from `/stats`, read once per process and sandbox (shared with the settings check). */
export async function tenantId(ctx: CallContext): Promise<string> {
    return (await registryStats(ctx)).tenantId;
}

/** The XDM form of the fields: only the keys XDM field definitions carry here, `required` as lists. */
function xdmFields(fields: Record<string, XdmField>): { properties: Record<string, any>; required?: string[] } {
    const properties: Record<string, any> = {};
    const required: string[] = [];
    for (const [n, def] of Object.entries(fields)) {
        const out: any = { type: def.type };
        for (const k of ["title", "description", "format", "enum"] as const) if (def[k] !== undefined) out[k] = def[k];
        if (def.properties) Object.assign(out, xdmFields(def.properties));
        if (def.items) out.items = xdmFields({ item: def.items }).properties.item;
        if (def.required) required.push(n);
        properties[n] = out;
    }
    return required.length ? { properties, required } : { properties };
}

/** The fields as this resource's inputs write them, from the registry's form (`meta:*` keys dropped). */
function plainFields(properties: Record<string, any>, required: unknown): Record<string, XdmField> {
    const out: Record<string, XdmField> = {};
    for (const [n, def] of Object.entries<any>(properties ?? {})) {
        const f: any = { type: def.type };
        for (const k of ["title", "description", "format", "enum"]) if (def[k] !== undefined) f[k] = def[k];
        if (def.properties) f.properties = plainFields(def.properties, def.required);
        if (def.items) f.items = plainFields({ item: def.items }, undefined).item;
        if (Array.isArray(required) && required.includes(n)) f.required = true;
        out[n] = f;
    }
    return out;
}

/** `required: false` is the same as leaving it out: dropped, so that diffs compare like with like. */
function withoutFalseRequired(fields: Record<string, XdmField>): Record<string, XdmField> {
    if (!fields || typeof fields !== "object" || isUnknown(fields)) return fields;
    const out: Record<string, XdmField> = {};
    for (const [n, def] of Object.entries(fields)) {
        if (!def || typeof def !== "object" || isUnknown(def)) {
            out[n] = def;
            continue;
        }
        const { required, ...rest } = def;
        const f: XdmField = required === false ? rest : { ...def };
        if (f.properties) f.properties = withoutFalseRequired(f.properties);
        if (f.items) f.items = withoutFalseRequired({ item: f.items }).item;
        out[n] = f;
    }
    return out;
}

/** One destructive change between two versions of a field tree (see {@link destructiveFieldChanges}). */
export interface FieldChange {
    /** Dotted path, e.g. `_acme.chatlio.visitor.email` (`[]` marks array items). */
    path: string;
    /** What changed: the field was removed, its type or format changed, it was made required, its enum narrowed. */
    kind: "removed" | "type" | "required" | "enum";
    /** The change in words, naming the field. */
    message: string;
}

const typeName = (f: XdmField) => `${f.type}${f.format ? `/${f.format}` : ""}`;

/**
 * The changes AEP counts as destructive once a schema is in use (aep-api.md §2.2.4): a field removed,
 * its type or format changed, a field made required, an enum narrowed (a value dropped, or a list where
 * any value was allowed). Additions are not. Offline; unknown values (preview) are skipped. The emulator
 * applies the same four rules (the aep-emulator package, src/xdm.ts).
 */
export function destructiveFieldChanges(before: Record<string, XdmField>, after: Record<string, XdmField>, prefix: string): FieldChange[] {
    const out: FieldChange[] = [];
    // Preview: a value not known yet is not a change to report (unknown parts are skipped, known ones compared).
    if (!before || !after || (after as unknown) === UNKNOWN || typeof before !== "object" || typeof after !== "object") return out;
    for (const [name, now] of Object.entries(after)) {
        const old = before[name];
        if (now && typeof now === "object" && now.required === true && !(old && old.required === true))
            out.push({ path: `${prefix}.${name}`, kind: "required", message: `field "${prefix}.${name}" is made required` });
    }
    for (const [name, old] of Object.entries(before)) {
        const now = after[name];
        if (!old || typeof old !== "object" || (now as unknown) === UNKNOWN) continue;
        if (!now || typeof now !== "object") {
            out.push({ path: `${prefix}.${name}`, kind: "removed", message: `field "${prefix}.${name}" is removed` });
            continue;
        }
        out.push(...fieldChange(old, now, `${prefix}.${name}`));
    }
    return out;
}

function fieldChange(old: XdmField, now: XdmField, path: string): FieldChange[] {
    if ((now as unknown) === UNKNOWN || (now.type as string) === UNKNOWN || (now.format as string) === UNKNOWN) return [];
    if (typeName(old) !== typeName(now))
        return [{ path, kind: "type", message: `field "${path}" changes type from ${typeName(old)} to ${typeName(now)}` }];
    const out: FieldChange[] = [];
    if (Array.isArray(now.enum) && !isUnknown(now.enum)) {
        if (!Array.isArray(old.enum))
            out.push({
                path,
                kind: "enum",
                message: `field "${path}" gets an enum (${JSON.stringify(now.enum)}) where any value was allowed`,
            });
        else {
            const dropped = old.enum.filter((v) => !now.enum!.includes(v));
            if (dropped.length)
                out.push({ path, kind: "enum", message: `field "${path}" narrows its enum: ${JSON.stringify(dropped)} no longer allowed` });
        }
    }
    if (old.properties && now.properties) out.push(...destructiveFieldChanges(old.properties, now.properties, path));
    if (old.items && now.items) out.push(...fieldChange(old.items, now.items, `${path}[]`));
    return out;
}

/** The preview warning for destructive changes: what AEP refuses, when, and what to do instead. */
export function evolutionWarning(what: string, changes: string[], profileEnabled = false): string {
    return (
        `${what}: ${changes.join("; ")}. These are destructive changes: AEP refuses them once a dataset of the schema has ingested data ` +
        `or is enabled for Profile${profileEnabled ? " (this schema is enabled for Profile)" : ""}, and only non-destructive (additive) changes pass; ` +
        `the preview cannot tell whether that is so here, and if it is, this update will fail. Instead, add a new field (and map to it), ` +
        `or make a new field group or schema and dataset by replacement (e.g. under a new resource name): a new dataset starts empty, ` +
        `and a new dataflow needs its new webhook URL pasted into Chatlio.`
    );
}

function body(inputs: FieldGroupInputs, tenant: string) {
    return {
        title: inputs.title,
        description: inputs.description ?? "",
        type: "object",
        "meta:intendedToExtend": inputs.intendedToExtend,
        definitions: {
            customFields: { properties: { [`_${tenant}`]: { type: "object", ...xdmFields(inputs.fields) } } },
        },
        allOf: [{ $ref: "#/definitions/customFields" }],
    };
}

function toOutputs(resource: any): Partial<FieldGroupOutputs> {
    const tenant = String(resource["meta:tenantNamespace"] ?? "").replace(/^_/, "");
    const fields: Record<string, XdmField> = {};
    for (const def of Object.values<any>(resource.definitions ?? {})) {
        const ns = def?.properties?.[`_${tenant}`];
        Object.assign(fields, plainFields(ns?.properties ?? {}, ns?.required));
    }
    return {
        fieldGroupId: resource.$id,
        altId: resource["meta:altId"],
        version: resource.version,
        tenantId: tenant,
        title: resource.title,
        description: resource.description || undefined,
        fields,
        intendedToExtend: resource["meta:intendedToExtend"],
    };
}

const path = (id: string) => `/tenant/fieldgroups/${encodeURIComponent(id)}`;

export const fieldGroupProvider = aepProvider<FieldGroupInputs, FieldGroupOutputs, "fieldGroup">({
    kind: "fieldGroup",
    noun: "field group",
    typeName: "FieldGroup",
    inputKeys: ["title", "description", "fields", "intendedToExtend"],
    nameKey: "title",
    nameMaxLength: 255,
    nameEnforcedByAep: true,
    compareKeys: ["title", "description", "fields", "intendedToExtend"],
    replaceKeys: [],
    defaults(inputs) {
        if (inputs.intendedToExtend === undefined) inputs.intendedToExtend = [EXPERIENCE_EVENT_CLASS];
        if (inputs.fields !== undefined) inputs.fields = withoutFalseRequired(inputs.fields);
        return inputs;
    },
    changeWarnings(olds, news) {
        const changes = destructiveFieldChanges(olds.fields, news.fields, `_${olds.tenantId}`);
        return changes.length
            ? [
                  evolutionWarning(
                      `field group "${olds.title}"`,
                      changes.map((c) => c.message),
                  ),
              ]
            : [];
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkText(failures, inputs as any, "title", { max: 255 });
        checkText(failures, inputs as any, "description", { max: 4096 });
        if (inputs.fields === undefined)
            failures.push({ property: "fields", reason: "fields is required: declare at least one XDM field" });
        else if ((inputs.fields as unknown) !== UNKNOWN && Object.keys(inputs.fields).length === 0)
            failures.push({ property: "fields", reason: "fields is empty: declare at least one XDM field" });
        else checkFields(inputs.fields, "fields", failures);
        return failures;
    },
    async create(ctx, inputs) {
        const tenant = await tenantId(ctx);
        const r = await ctx.client.request({
            family: "schemaRegistry",
            method: "POST",
            path: "/tenant/fieldgroups",
            body: body(inputs, tenant),
            operation: "create field group",
            object: inputs.title,
        });
        return { id: r.data.$id, outs: toOutputs(r.data) as FieldGroupOutputs };
    },
    async find(ctx, inputs) {
        const list = await ctx.client.listSchemaRegistry<any>(
            "/tenant/fieldgroups",
            { property: `title==${inputs.title}` },
            "find field group",
        );
        return list.find((r) => r.title === inputs.title)?.$id;
    },
    async read(ctx, id) {
        const r = await ctx.client.request({
            family: "schemaRegistry",
            method: "GET",
            path: path(id),
            operation: "read field group",
            object: id,
            allow404: true,
        });
        return r.status === 404 ? undefined : (toOutputs(r.data) as FieldGroupOutputs);
    },
    async update(ctx, id, olds, news) {
        const tenant = olds.tenantId || (await tenantId(ctx));
        const r = await ctx.client.request({
            family: "schemaRegistry",
            method: "PUT",
            path: path(id),
            body: body(news, tenant),
            operation: "update field group",
            object: news.title,
        });
        return toOutputs(r.data) as FieldGroupOutputs;
    },
    async delete(ctx, id) {
        await ctx.client.request({
            family: "schemaRegistry",
            method: "DELETE",
            path: path(id),
            operation: "delete field group",
            object: id,
            allow404: true,
        });
    },
});

/** The tenant in a Schema Registry `$id` (`https://ns.adobe.com/{TENANT_ID}/mixins/…`, as Adobe's spec writes them). */
export function tenantOfId(id: string): string | undefined {
    return /^https:\/\/ns\.adobe\.com\/([A-Za-z0-9_-]+)\/(?:mixins|schemas|fieldgroups)\//.exec(id)?.[1];
}

const OUTPUTS = ["fieldGroupId", "altId", "version", "tenantId", "title", "fields", "sandboxName"] as const;

/**
 * A tenant XDM field group. Its fields are placed under `_{tenantId}`; reference it from a
 * {@link Schema} by its `id` (the field group's `$id`).
 */
export interface FieldGroup extends OutputProperties<FieldGroupOutputs, (typeof OUTPUTS)[number]> {}
export class FieldGroup extends pulumi.dynamic.Resource {
    constructor(name: string, args: FieldGroupArgs, opts?: pulumi.CustomResourceOptions) {
        super(...dynamicResourceArgs(fieldGroupProvider, name, args, OUTPUTS, opts));
        // During a preview, an update's outputs are its new inputs (the provider host does no previews), so
        // the tenant id would be unknown and everything built from it (mapping destinations, identity
        // paths) would show as changed. The field group's $id, kept through in-place updates, names the
        // tenant: a preview takes it from there. A deployment uses what AEP answered.
        const answered = this.tenantId;
        const tenant = this.id.apply((id) => (pulumi.runtime.isDryRun() ? (tenantOfId(id) ?? answered) : answered));
        (this as unknown as { tenantId: pulumi.Output<string> }).tenantId = tenant as unknown as pulumi.Output<string>;
    }
}
