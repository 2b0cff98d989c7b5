/**
 * FieldGroup: a tenant XDM field group in the Schema Registry (`/tenant/fieldgroups`).
 *
 * Its fields sit under the tenant namespace object (`_{tenantId}`), as AEP requires of custom fields.
 * Title is unique across all registry resources of the sandbox. Changes to title, description and
 * fields are written in place with PUT (AEP rewrites the whole resource); a change of sandbox replaces it.
 */
import * as pulumi from "@pulumi/pulumi";
import { hostedProvider } from "./hosted";
import { CheckFailure, CommonInputs, Ctx, UNKNOWN, aepProvider, checkText } from "./lifecycle";
import { EXPERIENCE_EVENT_CLASS } from "./ids";

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
}

/** Inputs of a {@link FieldGroup}. */
export interface FieldGroupArgs {
    /** Unique title within the sandbox's registry. Default: the resource name plus a random suffix. */
    title?: pulumi.Input<string>;
    /** Description shown in the AEP UI. */
    description?: pulumi.Input<string>;
    /** Fields placed under the tenant namespace object `_{tenantId}`. Names must not start with `_`. */
    fields: pulumi.Input<Record<string, pulumi.Input<XdmField>>>;
    /** Classes the field group may extend. Default: XDM ExperienceEvent. */
    intendedToExtend?: pulumi.Input<pulumi.Input<string>[]>;
    /** AEP sandbox; default `aep:sandboxName`. Changing it replaces the field group. */
    sandboxName?: pulumi.Input<string>;
    /** Take over an existing field group with the same title instead of failing. */
    adopt?: pulumi.Input<boolean>;
}

/** A {@link FieldGroup}'s inputs as its provider receives them: {@link FieldGroupArgs} resolved. */
export interface FieldGroupInputs extends CommonInputs {
    /** The field group's title (unique within the sandbox's registry). */
    title?: string;
    /** Description shown in the AEP UI. */
    description?: string;
    /** Fields under the tenant namespace object `_{tenantId}`. */
    fields: Record<string, XdmField>;
    /** Classes the field group may extend. */
    intendedToExtend?: string[];
}

/** A {@link FieldGroup}'s state: its inputs and what AEP answered. */
export interface FieldGroupOutputs extends FieldGroupInputs {
    /** The field group's `$id`. */
    fieldGroupId: string;
    /** The `meta:altId` (dot notation). */
    altId: string;
    /** Registry version, bumped by each change. */
    version: string;
    /** The org's tenant id, the name of the namespace object `_{tenantId}`. */
    tenantId: string;
}

const TYPES = ["string", "number", "integer", "boolean", "object", "array"];
const FORMATS = ["date-time", "date", "email", "uri", "uuid"];
const FIELD_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

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
            failures.push({ property: where, reason: `field name "${name}" is not allowed: use letters, digits, "-" and "_", not starting with "_"` });
        }
        if (def === UNKNOWN) continue;
        if (!def || typeof def !== "object") {
            failures.push({ property: where, reason: `${where} must be a field definition such as { type: "string" }` });
            continue;
        }
        if (!TYPES.includes(def.type)) {
            failures.push({ property: `${where}.type`, reason: `${where}.type ${JSON.stringify(def.type)} is not an XDM type: use one of ${TYPES.join(", ")}` });
            continue;
        }
        if (def.format !== undefined && (def.type !== "string" || !FORMATS.includes(def.format))) {
            failures.push({ property: `${where}.format`, reason: `${where}.format ${JSON.stringify(def.format)} is not allowed: formats (${FORMATS.join(", ")}) apply to strings only` });
        }
        if (def.enum !== undefined && (def.type !== "string" || !Array.isArray(def.enum) || def.enum.some((v: unknown) => typeof v !== "string"))) {
            failures.push({ property: `${where}.enum`, reason: `${where}.enum must be a list of strings on a string field` });
        }
        if (def.type === "object") {
            if (!def.properties || Object.keys(def.properties).length === 0) {
                failures.push({ property: `${where}.properties`, reason: `${where} is an object without properties: add at least one sub-field` });
            } else checkFields(def.properties, `${where}.properties`, failures, depth + 1);
        } else if (def.properties !== undefined) {
            failures.push({ property: `${where}.properties`, reason: `${where} has properties but type "${def.type}": use type "object"` });
        }
        if (def.type === "array") {
            if (!def.items) failures.push({ property: `${where}.items`, reason: `${where} is an array without items: add items, e.g. { type: "string" }` });
            else checkFields({ items: def.items }, where, failures, depth + 1);
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

/** The tenant id (without underscore), from `/stats`, fetched once per process and sandbox. */
export async function tenantId(ctx: Ctx): Promise<string> {
    const cache: Map<string, Promise<string>> = ((globalThis as any).__aepTenantIds ??= new Map());
    const key = `${ctx.settings.platformUrl}|${ctx.settings.orgId}|${ctx.settings.sandboxName}`;
    let pending = cache.get(key);
    if (!pending) {
        pending = ctx.client
            .request({ family: "schemaRegistry", method: "GET", path: "/stats", operation: "read tenant id", headers: { Accept: "application/json" } })
            .then((r) => String(r.data.tenantId));
        pending.catch(() => cache.delete(key));
        cache.set(key, pending);
    }
    return pending;
}

/** Only the keys XDM field definitions carry here; the registry adds its own `meta:*` keys. */
function plainField(def: any): XdmField {
    const out: any = { type: def.type };
    for (const k of ["title", "description", "format", "enum"]) if (def[k] !== undefined) out[k] = def[k];
    if (def.properties) {
        out.properties = {};
        for (const [n, d] of Object.entries(def.properties)) out.properties[n] = plainField(d);
    }
    if (def.items) out.items = plainField(def.items);
    return out;
}

function body(inputs: FieldGroupInputs, tenant: string) {
    const fields: Record<string, XdmField> = {};
    for (const [n, d] of Object.entries(inputs.fields)) fields[n] = plainField(d);
    return {
        title: inputs.title,
        description: inputs.description ?? "",
        type: "object",
        "meta:intendedToExtend": inputs.intendedToExtend,
        definitions: {
            customFields: { properties: { [`_${tenant}`]: { type: "object", properties: fields } } },
        },
        allOf: [{ $ref: "#/definitions/customFields" }],
    };
}

function toOutputs(resource: any): Partial<FieldGroupOutputs> {
    const tenant = String(resource["meta:tenantNamespace"] ?? "").replace(/^_/, "");
    const fields: Record<string, XdmField> = {};
    for (const def of Object.values<any>(resource.definitions ?? {})) {
        const ns = def?.properties?.[`_${tenant}`]?.properties ?? {};
        for (const [n, d] of Object.entries(ns)) fields[n] = plainField(d);
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

export const fieldGroupProvider = aepProvider<FieldGroupInputs, FieldGroupOutputs>({
    kind: "field group",
    nameKey: "title",
    nameMaxLength: 255,
    nameEnforcedByAep: true,
    compareKeys: ["title", "description", "fields", "intendedToExtend"],
    replaceKeys: [],
    defaults(inputs) {
        if (inputs.intendedToExtend === undefined) inputs.intendedToExtend = [EXPERIENCE_EVENT_CLASS];
        return inputs;
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkText(failures, inputs as any, "title", { max: 255 });
        checkText(failures, inputs as any, "description", { max: 4096 });
        if (inputs.fields === undefined) failures.push({ property: "fields", reason: "fields is required: declare at least one XDM field" });
        else if ((inputs.fields as unknown) !== UNKNOWN && Object.keys(inputs.fields).length === 0) failures.push({ property: "fields", reason: "fields is empty: declare at least one XDM field" });
        else checkFields(inputs.fields, "fields", failures);
        return failures;
    },
    async create(ctx, inputs) {
        const tenant = await tenantId(ctx);
        const r = await ctx.client.request({ family: "schemaRegistry", method: "POST", path: "/tenant/fieldgroups", body: body(inputs, tenant), operation: "create field group", object: inputs.title });
        return { id: r.data.$id, outs: toOutputs(r.data) as FieldGroupOutputs };
    },
    async find(ctx, inputs) {
        const list = await ctx.client.listSchemaRegistry<any>("/tenant/fieldgroups", { property: `title==${inputs.title}` }, "find field group");
        return list.find((r) => r.title === inputs.title)?.$id;
    },
    async read(ctx, id) {
        const r = await ctx.client.request({ family: "schemaRegistry", method: "GET", path: path(id), operation: "read field group", object: id, allow404: true });
        return r.status === 404 ? undefined : (toOutputs(r.data) as FieldGroupOutputs);
    },
    async update(ctx, id, olds, news) {
        const tenant = olds.tenantId || (await tenantId(ctx));
        const r = await ctx.client.request({ family: "schemaRegistry", method: "PUT", path: path(id), body: body(news, tenant), operation: "update field group", object: news.title });
        return toOutputs(r.data) as FieldGroupOutputs;
    },
    async delete(ctx, id) {
        await ctx.client.request({ family: "schemaRegistry", method: "DELETE", path: path(id), operation: "delete field group", object: id, allow404: true });
    },
});

/**
 * A tenant XDM field group. Its fields are placed under `_{tenantId}`; reference it from a
 * {@link Schema} by its `id` (the field group's `$id`).
 */
export class FieldGroup extends pulumi.dynamic.Resource {
    /** The field group's `$id` (same as `id`). */
    declare readonly fieldGroupId: pulumi.Output<string>;
    /** The `meta:altId` (dot notation). */
    declare readonly altId: pulumi.Output<string>;
    /** Registry version, e.g. "1.0", bumped by each change. */
    declare readonly version: pulumi.Output<string>;
    /** The tenant id (without the leading underscore). */
    declare readonly tenantId: pulumi.Output<string>;
    /** The field group's title. */
    declare readonly title: pulumi.Output<string>;
    /** The fields under `_{tenantId}`. */
    declare readonly fields: pulumi.Output<Record<string, XdmField>>;
    /** The AEP sandbox that holds it. */
    declare readonly sandboxName: pulumi.Output<string>;

    constructor(name: string, args: FieldGroupArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            hostedProvider("fieldGroup"),
            name,
            { fieldGroupId: undefined, altId: undefined, version: undefined, tenantId: undefined, title: undefined, sandboxName: undefined, ...args, resourceName: name },
            opts,
            "aep",
            "FieldGroup",
        );
    }
}
