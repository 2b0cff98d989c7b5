/**
 * XDM as far as the emulator needs it: the one standard class it knows (XDM ExperienceEvent), the field
 * rules for tenant resources, the merged field tree of a schema, and checking a record against that tree.
 * Field descriptions are the emulator's own words.
 */
import { isObject } from "./util";

export const EXPERIENCE_EVENT = "https://ns.adobe.com/xdm/context/experienceevent";
export const TIME_SERIES = "https://ns.adobe.com/xdm/data/time-series";
export const IDENTITY_MAP = "https://ns.adobe.com/xdm/context/identitymap";

/** A field definition in the JSON Schema dialect XDM uses. */
export type Field = Record<string, any>;
export type Fields = Record<string, Field>;

/** The fields XDM ExperienceEvent brings (aep-api.md §2.2.1, from experienceevent.md). */
const EXPERIENCE_EVENT_FIELDS: Fields = {
    _id: {
        title: "Identifier",
        type: "string",
        description: "Unique identifier of the event; a repeat with the same value is treated as the same event.",
        "meta:xdmType": "string",
    },
    timestamp: {
        title: "Timestamp",
        type: "string",
        format: "date-time",
        description: "When the event happened, as an RFC 3339 date-time.",
        "meta:xdmType": "date-time",
    },
    eventType: {
        title: "Event Type",
        type: "string",
        description: "The kind of event, as a dotted name.",
        "meta:xdmType": "string",
    },
    eventMergeId: {
        title: "Event Merge ID",
        type: "string",
        description: "Ties together events sent separately that describe one occurrence.",
        "meta:xdmType": "string",
    },
    producedBy: {
        title: "Produced By",
        type: "string",
        description: "Who or what produced the event, e.g. self or system.",
        "meta:xdmType": "string",
    },
    identityMap: {
        title: "Identity Map",
        type: "object",
        description: "Identities of the subject, grouped by identity namespace.",
        "meta:xdmType": "map",
        additionalProperties: {
            type: "array",
            items: {
                type: "object",
                properties: {
                    id: { type: "string", "meta:xdmType": "string" },
                    authenticatedState: { type: "string", enum: ["ambiguous", "authenticated", "loggedOut"], "meta:xdmType": "string" },
                    primary: { type: "boolean", "meta:xdmType": "boolean" },
                },
            },
        },
    },
};

export interface XdmClass {
    id: string;
    altId: string;
    title: string;
    description: string;
    /** Behaviour and mixins a schema of this class extends besides the class itself. */
    extends: string[];
    fields: Fields;
    /** Fields a record must carry. */
    required: string[];
}

/** The standard classes the emulator knows. Any other class in a schema's allOf is rejected. */
export const CLASSES: Record<string, XdmClass> = {
    [EXPERIENCE_EVENT]: {
        id: EXPERIENCE_EVENT,
        altId: "_xdm.context.experienceevent",
        title: "XDM ExperienceEvent",
        description: "A time-stamped record of something that happened, such as a chat message or a page view.",
        extends: [TIME_SERIES, IDENTITY_MAP],
        fields: EXPERIENCE_EVENT_FIELDS,
        // streaming-time-series-data.md: _id and timestamp are the only required fields (aep-api.md §2.2.1).
        required: ["_id", "timestamp"],
    },
};

/** The class resource as GET /global/classes/{id} shows it. */
export function classResource(cls: XdmClass): Record<string, unknown> {
    const def = cls.altId.split(".").pop() as string;
    return {
        $id: cls.id,
        "meta:altId": cls.altId,
        "meta:resourceType": "classes",
        version: "1.0",
        title: cls.title,
        type: "object",
        description: cls.description,
        definitions: { [def]: { properties: cls.fields } },
        allOf: [
            { $ref: TIME_SERIES, type: "object", "meta:xdmType": "object" },
            { $ref: `#/definitions/${def}`, type: "object", "meta:xdmType": "object" },
        ],
        "meta:extensible": true,
        "meta:abstract": true,
        "meta:extends": cls.extends,
        "meta:xdmType": "object",
        "meta:status": "stable",
        "meta:containerId": "global",
        $schema: "http://json-schema.org/draft-06/schema#",
        required: cls.required,
    };
}

/** A standard (global) field group the emulator holds. */
export interface StandardFieldGroup {
    id: string;
    altId: string;
    title: string;
    description: string;
    intendedToExtend: string[];
    fields: Fields;
}

export const PROFILE = "https://ns.adobe.com/xdm/context/profile";

/**
 * The standard field groups the emulator's global container holds: those a schema of a known class names
 * in `meta:extends` (aep-api.md §2.2.1: IdentityMap for every ExperienceEvent schema), so that a client
 * reading a schema's field groups finds each one. Adobe's IdentityMap field group extends Profile and
 * ExperienceEvent and brings the `identityMap` field.
 */
export const STANDARD_FIELD_GROUPS: Record<string, StandardFieldGroup> = {
    [IDENTITY_MAP]: {
        id: IDENTITY_MAP,
        altId: "_xdm.context.identitymap",
        title: "IdentityMap",
        description: "Identities of the subject, grouped by identity namespace.",
        intendedToExtend: [PROFILE, EXPERIENCE_EVENT],
        fields: { identityMap: EXPERIENCE_EVENT_FIELDS.identityMap },
    },
};

/** A standard field group as GET /global/fieldgroups/{id} shows it (the same shape as a tenant field group's). */
export function standardFieldGroupResource(fg: StandardFieldGroup): Record<string, unknown> {
    const def = fg.altId.split(".").pop() as string;
    return {
        $id: fg.id,
        "meta:altId": fg.altId,
        "meta:resourceType": "mixins",
        version: "1.0",
        title: fg.title,
        type: "object",
        description: fg.description,
        definitions: { [def]: { properties: fg.fields } },
        allOf: [{ $ref: `#/definitions/${def}`, type: "object", "meta:xdmType": "object" }],
        "meta:intendedToExtend": fg.intendedToExtend,
        "meta:extensible": true,
        "meta:abstract": true,
        "meta:xdmType": "object",
        "meta:status": "stable",
        "meta:containerId": "global",
        $schema: "http://json-schema.org/draft-06/schema#",
    };
}

const JSON_TYPES = ["string", "number", "integer", "boolean", "object", "array"];
/** Field names: letters, digits, "-" and "_", not starting with "_" (aep-api.md §2.2.1). */
const FIELD_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Checks the custom fields of a tenant resource: every top-level field sits under the `_{tenantId}`
 * object, names follow the naming rule, every field has a known type. Returns problems (empty when fine).
 */
export function customFieldProblems(props: unknown, tenantNs: string, where: string): string[] {
    if (props === undefined) return [];
    if (!isObject(props)) return [`${where} must be an object`];
    const out: string[] = [];
    for (const [name, field] of Object.entries(props)) {
        if (name !== tenantNs) {
            out.push(`the field "${name}" at ${where} is outside the tenant namespace: custom fields must sit under "${tenantNs}"`);
            continue;
        }
        out.push(...fieldProblems(field, `${where}.${name}`, true));
    }
    return out;
}

function fieldProblems(field: unknown, where: string, isTenantRoot = false): string[] {
    if (!isObject(field)) return [`${where} must be an object describing a field`];
    const out: string[] = [];
    if (field.$ref !== undefined) return [`${where} refers to "${field.$ref}": data type references are not supported by the emulator`];
    const type = field.type ?? (field.properties ? "object" : undefined);
    if (!JSON_TYPES.includes(type)) out.push(`${where} has no valid "type" (one of ${JSON_TYPES.join(", ")})`);
    if (isTenantRoot && type !== "object") out.push(`${where} (the tenant namespace) must be of type object`);
    if (type === "object" && field.properties !== undefined) {
        if (!isObject(field.properties)) out.push(`${where}.properties must be an object`);
        else
            for (const [name, sub] of Object.entries(field.properties)) {
                if (!FIELD_NAME.test(name))
                    out.push(
                        `the field name "${name}" at ${where} is invalid: use letters, digits, "-" and "_", and do not start with "_"`,
                    );
                out.push(...fieldProblems(sub, `${where}.${name}`));
            }
    }
    if (type === "array") {
        if (field.items === undefined) out.push(`${where} is an array without "items"`);
        else out.push(...fieldProblems(field.items, `${where}[]`));
    }
    return out;
}

/** The `meta:xdmType` values that fit each JSON type. */
const XDM_TYPES: Record<string, string[]> = {
    string: ["string", "date-time", "date"],
    integer: ["integer", "int", "long", "short", "byte"],
    number: ["number", "double"],
    boolean: ["boolean"],
    object: ["object", "map"],
    array: ["array"],
};

/** Adds the `meta:xdmType` the registry shows on every field. */
export function annotateFields(props: Fields): Fields {
    const out: Fields = {};
    for (const [name, f] of Object.entries(props)) out[name] = annotate(f);
    return out;
}

function annotate(field: Field): Field {
    if (!isObject(field)) return field;
    const f: Field = { ...field };
    const type = f.type ?? (f.properties ? "object" : undefined);
    if (typeof type === "string" && !(XDM_TYPES[type] ?? []).includes(f["meta:xdmType"])) {
        // Absent, or stale after the field's type changed: derive it from the type.
        f["meta:xdmType"] = type === "string" && (f.format === "date-time" || f.format === "date") ? f.format : type;
    }
    if (isObject(f.properties)) f.properties = annotateFields(f.properties);
    if (isObject(f.items)) f.items = annotate(f.items);
    return f;
}

/** Deep-merges two property maps (field groups may add fields to the same tenant object). */
export function mergeFields(a: Fields, b: Fields): Fields {
    const out: Fields = { ...a };
    for (const [name, f] of Object.entries(b)) {
        const prev = out[name];
        if (isObject(prev) && isObject(f) && isObject(prev.properties) && isObject(f.properties)) {
            out[name] = { ...prev, ...f, properties: mergeFields(prev.properties, f.properties) };
        } else {
            out[name] = f;
        }
    }
    return out;
}

/** The fields a field group defines: every definition's properties plus any top-level properties. */
export function fieldGroupFields(fg: Record<string, any>): Fields {
    let out: Fields = {};
    if (isObject(fg.definitions)) {
        for (const def of Object.values(fg.definitions))
            if (isObject(def) && isObject(def.properties)) out = mergeFields(out, def.properties);
    }
    if (isObject(fg.properties)) out = mergeFields(out, fg.properties);
    return out;
}

/** The class and field group ids a schema's allOf refers to. */
export function allOfRefs(schema: Record<string, any>): string[] {
    if (!Array.isArray(schema.allOf)) return [];
    return schema.allOf
        .map((item: any) => (isObject(item) ? (item.$ref ?? item["$ref "]) : undefined))
        .filter((r: unknown): r is string => typeof r === "string");
}

/** The merged field tree of a schema: its class's fields plus those of the field groups it includes. */
export function schemaFields(schema: Record<string, any>, fieldGroups: Record<string, any>): { fields: Fields; required: string[] } {
    let fields: Fields = {};
    let required: string[] = [];
    for (const ref of allOfRefs(schema)) {
        const cls = CLASSES[ref];
        if (cls) {
            fields = mergeFields(fields, cls.fields);
            required = [...required, ...cls.required];
        } else if (fieldGroups[ref]) {
            fields = mergeFields(fields, fieldGroupFields(fieldGroups[ref]));
        } else if (STANDARD_FIELD_GROUPS[ref]) {
            fields = mergeFields(fields, STANDARD_FIELD_GROUPS[ref].fields);
        }
    }
    if (isObject(schema.properties)) fields = mergeFields(fields, schema.properties);
    return { fields, required };
}

/** The field at a dotted path (`_acme.chatlio.message`), walking into array items; undefined if absent. */
export function findField(fields: Fields, dotPath: string): Field | undefined {
    let props: Fields | undefined = fields;
    let found: Field | undefined;
    for (const part of dotPath.split(".")) {
        if (!props || !Object.prototype.hasOwnProperty.call(props, part)) return undefined;
        found = props[part];
        let node: Field | undefined = found;
        while (isObject(node) && node.type === "array" && isObject(node.items)) node = node.items;
        props = isObject(node) && isObject(node.properties) ? node.properties : undefined;
    }
    return found;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One problem found in a record: the field's dotted path and what is wrong with it. */
export interface RecordProblem {
    path: string;
    message: string;
}

/** Checks a record against a field tree: required fields, types, formats, enums, no unknown fields. */
export function recordProblems(record: unknown, fields: Fields, required: string[]): RecordProblem[] {
    const out: RecordProblem[] = [];
    if (!isObject(record)) return [{ path: "", message: "the record must be a JSON object" }];
    for (const r of required)
        if (record[r] === undefined || record[r] === null) out.push({ path: r, message: `required field "${r}" is missing` });
    checkObject(record, fields, "", out);
    return out;
}

function checkObject(value: Record<string, any>, props: Fields, prefix: string, out: RecordProblem[]): void {
    for (const [name, v] of Object.entries(value)) {
        const path = prefix ? `${prefix}.${name}` : name;
        const field = props[name];
        if (!field) {
            out.push({ path, message: `field "${path}" is not defined in the schema` });
            continue;
        }
        checkValue(v, field, path, out);
    }
}

function checkValue(v: unknown, field: Field, path: string, out: RecordProblem[]): void {
    if (v === null) return;
    const type = field.type ?? (field.properties ? "object" : undefined);
    switch (type) {
        case "string":
            if (typeof v !== "string") return void out.push({ path, message: `field "${path}" must be a string, got ${describe(v)}` });
            if (field.format === "date-time" && !(DATE_TIME.test(v) && !isNaN(Date.parse(v))))
                out.push({ path, message: `field "${path}" must be an RFC 3339 date-time, got "${v}"` });
            if (field.format === "date" && !DATE.test(v))
                out.push({ path, message: `field "${path}" must be a date (YYYY-MM-DD), got "${v}"` });
            if (typeof field.maxLength === "number" && v.length > field.maxLength)
                out.push({ path, message: `field "${path}" is longer than ${field.maxLength}` });
            if (typeof field.pattern === "string" && !new RegExp(field.pattern).test(v))
                out.push({ path, message: `field "${path}" does not match ${field.pattern}` });
            break;
        case "integer":
            if (typeof v !== "number" || !Number.isInteger(v))
                return void out.push({ path, message: `field "${path}" must be an integer, got ${describe(v)}` });
            break;
        case "number":
            if (typeof v !== "number" || !isFinite(v))
                return void out.push({ path, message: `field "${path}" must be a number, got ${describe(v)}` });
            break;
        case "boolean":
            if (typeof v !== "boolean") return void out.push({ path, message: `field "${path}" must be a boolean, got ${describe(v)}` });
            break;
        case "array":
            if (!Array.isArray(v)) return void out.push({ path, message: `field "${path}" must be an array, got ${describe(v)}` });
            if (isObject(field.items)) v.forEach((item, i) => checkValue(item, field.items, `${path}[${i}]`, out));
            break;
        case "object":
            if (!isObject(v)) return void out.push({ path, message: `field "${path}" must be an object, got ${describe(v)}` });
            // JSON Schema's object-level `required` list, as a field group may declare for its own fields.
            if (Array.isArray(field.required))
                for (const r of field.required)
                    if (v[r] === undefined || v[r] === null)
                        out.push({ path: `${path}.${r}`, message: `required field "${path}.${r}" is missing` });
            if (isObject(field.properties)) checkObject(v, field.properties, path, out);
            else if (isObject(field.additionalProperties))
                for (const [k, item] of Object.entries(v)) checkValue(item, field.additionalProperties, `${path}.${k}`, out);
            break;
        default:
            return;
    }
    if (Array.isArray(field.enum) && !field.enum.includes(v))
        out.push({ path, message: `field "${path}" must be one of ${JSON.stringify(field.enum)}` });
    if (typeof v === "number") {
        if (typeof field.minimum === "number" && v < field.minimum)
            out.push({ path, message: `field "${path}" is below ${field.minimum}` });
        if (typeof field.maximum === "number" && v > field.maximum)
            out.push({ path, message: `field "${path}" is above ${field.maximum}` });
    }
}

function describe(v: unknown): string {
    if (Array.isArray(v)) return "an array";
    if (v === null) return "null";
    return typeof v === "string" ? `the string "${v.length > 40 ? v.slice(0, 40) + "…" : v}"` : `${typeof v} ${JSON.stringify(v)}`;
}

/** Removes titles and descriptions below the top level (the `-notext` Accept variants). */
export function stripText(props: Fields): Fields {
    const out: Fields = {};
    for (const [name, f] of Object.entries(props)) {
        if (!isObject(f)) {
            out[name] = f;
            continue;
        }
        const { title: _t, description: _d, ...rest } = f;
        if (isObject(rest.properties)) rest.properties = stripText(rest.properties);
        if (isObject(rest.items) && isObject(rest.items.properties))
            rest.items = { ...rest.items, properties: stripText(rest.items.properties) };
        out[name] = rest;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------
// Schema evolution (aep-api.md §2.2.4) and Profile enablement (§2.2.4, §2.2.5)

/** One destructive difference between two field trees, named by its dotted path. */
export interface FieldChange {
    path: string;
    kind: "removed" | "type" | "required" | "enum";
    message: string;
}

const typeOfField = (f: Field): string => `${f.type ?? (isObject(f.properties) ? "object" : "?")}${f.format ? `/${f.format}` : ""}`;

/**
 * The destructive changes from `before` to `after`: a field removed, its type (or format) changed, a
 * field made required, or an enum narrowed (a value dropped, or a list of values where any was allowed).
 * Adobe's docs allow "only non-destructive changes" once a schema is in use (§2.2.4) without listing
 * them; these four are the ones that can make stored records invalid. Additions are not destructive.
 * The pulumi-aep-chatlio provider's preview (destructiveFieldChanges in its resources/field-group.ts)
 * applies the same four rules.
 */
export function destructiveChanges(before: Fields, after: Fields, prefix = ""): FieldChange[] {
    const out: FieldChange[] = [];
    for (const [name, old] of Object.entries(before)) {
        const path = prefix ? `${prefix}.${name}` : name;
        const now = after[name];
        if (!isObject(old)) continue;
        if (!isObject(now)) {
            out.push({ path, kind: "removed", message: `field "${path}" is removed` });
            continue;
        }
        out.push(...fieldChanges(old, now, path));
    }
    return out;
}

function fieldChanges(old: Field, now: Field, path: string): FieldChange[] {
    const out: FieldChange[] = [];
    if (typeOfField(old) !== typeOfField(now)) {
        out.push({ path, kind: "type", message: `field "${path}" changes type from ${typeOfField(old)} to ${typeOfField(now)}` });
        return out;
    }
    if (Array.isArray(now.enum)) {
        const dropped = Array.isArray(old.enum) ? old.enum.filter((v: unknown) => !now.enum.includes(v)) : undefined;
        if (!Array.isArray(old.enum))
            out.push({
                path,
                kind: "enum",
                message: `field "${path}" gets an enum (${JSON.stringify(now.enum)}) where any value was allowed`,
            });
        else if (dropped && dropped.length)
            out.push({ path, kind: "enum", message: `field "${path}" narrows its enum: ${JSON.stringify(dropped)} no longer allowed` });
    }
    const wasRequired: string[] = Array.isArray(old.required) ? old.required : [];
    for (const r of Array.isArray(now.required) ? now.required : []) {
        if (!wasRequired.includes(r))
            out.push({ path: `${path}.${r}`, kind: "required", message: `field "${path}.${r}" is made required` });
    }
    if (isObject(old.properties) && isObject(now.properties)) out.push(...destructiveChanges(old.properties, now.properties, path));
    if (isObject(old.items) && isObject(now.items)) out.push(...fieldChanges(old.items, now.items, `${path}[]`));
    return out;
}

/**
 * Why AEP would refuse the `union` tag on this schema (XDM-1528-400: Profile needs a primary identity
 * or an identityMap, §2.2.4), or undefined when it would not. identityMap counts when the schema's
 * merged fields carry it at the top level (XDM ExperienceEvent brings it with the class, §2.2.1); a
 * primary identity is an `xdm:descriptorIdentity` on the schema with `xdm:isPrimary: true` (§2.2.5).
 */
export function profileProblem(
    schema: Record<string, any>,
    fieldGroups: Record<string, any>,
    descriptors: Record<string, any>,
): string | undefined {
    const { fields } = schemaFields(schema, fieldGroups);
    if (isObject(fields.identityMap)) return undefined;
    const primary = Object.values(descriptors).some(
        (d) =>
            isObject(d) && d["@type"] === "xdm:descriptorIdentity" && d["xdm:sourceSchema"] === schema.$id && d["xdm:isPrimary"] === true,
    );
    if (primary) return undefined;
    return `The schema ${schema.$id} has no primary identity and no identityMap field, so it cannot be enabled for Profile: add an identity descriptor with "xdm:isPrimary": true first.`;
}
