/**
 * Schema: a tenant XDM schema in the Schema Registry (`/tenant/schemas`): one class plus field groups.
 *
 * Title, description and the list of field groups change in place (PUT rewrites the schema); a change
 * of class replaces it, as does a change of sandbox. Titles are unique across the sandbox's registry.
 *
 * `profileEnabled` adds the immutable `union` tag, which enables the schema for Real-Time Customer
 * Profile (a JSON Patch, as Adobe documents it, aep-api.md §2.2.4). AEP never removes an immutable tag,
 * so turning it off is refused at preview. Profile needs a primary identity or an identityMap
 * (XDM-1528-400): XDM ExperienceEvent brings identityMap with its class (§2.2.1); for any other class a
 * primary {@link IdentityDescriptor} must exist first, which a new schema cannot have yet.
 */
import * as pulumi from "@pulumi/pulumi";
import { AepError } from "../client";
import { evolutionWarning } from "./field-group";
import {
    CallContext,
    CheckFailure,
    CommonInputs,
    PartiallyCreatedError,
    UNKNOWN,
    aepProvider,
    checkId,
    checkText,
    isUnknown,
} from "./lifecycle";
import { CommonArgs, OutputProperties, Resolved, dynamicResourceArgs } from "./resource";
import { EXPERIENCE_EVENT_CLASS, FIELD_GROUP_ID, XDM_ID } from "./ids";

/** Inputs of a {@link Schema}. */
export interface SchemaArgs extends CommonArgs {
    /** Unique title within the sandbox's registry. Default: the resource name plus a suffix. */
    title?: pulumi.Input<string>;
    /** AEP requires a description; default "Managed by Pulumi". */
    description?: pulumi.Input<string>;
    /** The XDM class `$id`. Default: XDM ExperienceEvent. Changing it replaces the schema. */
    classId?: pulumi.Input<string>;
    /** Field group `$id`s, e.g. `[fieldGroup.id]`. */
    fieldGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Enable the schema for Real-Time Customer Profile: adds the immutable `union` tag. It can never be
     * turned off again (AEP never removes an immutable tag); only a new schema (a replacement) is without it.
     * Needs a primary identity or identityMap: XDM ExperienceEvent schemas have identityMap from the class.
     */
    profileEnabled?: pulumi.Input<boolean>;
}

/** A {@link Schema}'s inputs as its provider receives them. */
export type SchemaInputs = Resolved<SchemaArgs> & CommonInputs;

/** What AEP answers for a {@link Schema}, besides its inputs. */
export interface SchemaState {
    /** The schema's `$id`. */
    schemaId: string;
    /** The `meta:altId` (dot notation). */
    altId: string;
    /** Registry version, bumped by each change. */
    version: string;
}

/** A {@link Schema}'s state: its inputs and what AEP answered. */
export type SchemaOutputs = SchemaInputs & SchemaState;

function body(inputs: SchemaInputs, profileEnabled?: boolean) {
    return {
        type: "object",
        title: inputs.title,
        description: inputs.description,
        allOf: [{ $ref: inputs.classId }, ...inputs.fieldGroupIds.map((id) => ({ $ref: id }))],
        // A PUT rewrites the schema: a Profile-enabled one keeps saying so (the tag cannot go anyway).
        ...(profileEnabled ? { "meta:immutableTags": ["union"] } : {}),
    };
}

/** Adds the `union` tag with the JSON Patch Adobe documents; XDM-1528-400 explained. */
async function enableProfile(ctx: CallContext, id: string, title: string | undefined): Promise<any> {
    try {
        const r = await ctx.client.request({
            family: "schemaRegistry",
            method: "PATCH",
            path: path(id),
            operation: "enable schema for Profile",
            object: title,
            // It sets the tag list to a fixed value: applied twice, the schema is the same.
            idempotent: true,
            body: [{ op: "add", path: "/meta:immutableTags", value: ["union"] }],
        });
        return r.data;
    } catch (err) {
        if (err instanceof AepError && err.code === "XDM-1528-400") {
            throw new Error(
                `${err.message}\n  AEP refuses to enable schema "${title}" for Profile: it has neither a primary identity nor an identityMap field. ` +
                    `Declare an IdentityDescriptor with primary: true on this schema and apply it with profileEnabled left off, then set profileEnabled: true ` +
                    `(or use a class that brings identityMap, such as XDM ExperienceEvent).`,
            );
        }
        throw err;
    }
}

/**
 * @param known the outputs state holds, when reading an object Pulumi already manages. A schema without
 * the tag reads as `profileEnabled: false` only where that matters (found by name after a lost answer,
 * adopted, or state saying it was enabled); otherwise the output is left out, so that a stack from before
 * this input existed refreshes without a difference.
 */
function toOutputs(resource: any, known?: Partial<SchemaOutputs>): SchemaOutputs {
    const refs: string[] = (resource.allOf ?? []).map((r: any) => r.$ref).filter((r: unknown) => typeof r === "string");
    const classId: string = resource["meta:class"] ?? refs[0];
    return {
        schemaId: resource.$id,
        altId: resource["meta:altId"],
        version: resource.version,
        title: resource.title,
        description: resource.description,
        classId,
        fieldGroupIds: refs.filter((r) => r !== classId),
        profileEnabled:
            Array.isArray(resource["meta:immutableTags"]) && resource["meta:immutableTags"].includes("union")
                ? true
                : known && (known.schemaId === undefined || known.profileEnabled !== undefined)
                  ? false
                  : undefined,
    };
}

const path = (id: string) => `/tenant/schemas/${encodeURIComponent(id)}`;

export const schemaProvider = aepProvider<SchemaInputs, SchemaOutputs, "schema">({
    kind: "schema",
    noun: "schema",
    typeName: "Schema",
    inputKeys: ["title", "description", "classId", "fieldGroupIds", "profileEnabled"],
    nameKey: "title",
    nameMaxLength: 255,
    nameEnforcedByAep: true,
    compareKeys: ["title", "description", "classId", "fieldGroupIds", "profileEnabled"],
    oneWayKeys: ["profileEnabled"],
    replaceKeys: ["classId"],
    defaults(inputs) {
        if (inputs.classId === undefined) inputs.classId = EXPERIENCE_EVENT_CLASS;
        if (inputs.description === undefined) inputs.description = "Managed by Pulumi";
        // false means what leaving it out means: existing stacks see no change.
        if (inputs.profileEnabled === false) delete inputs.profileEnabled;
        return inputs;
    },
    validateChange(olds, news) {
        const now = news.profileEnabled as unknown;
        if (olds.profileEnabled !== true || now === true || now === UNKNOWN) return [];
        return [
            {
                property: "profileEnabled",
                reason:
                    `schema "${olds.title}" is enabled for Profile: AEP marked it with the immutable "union" tag, and AEP never removes an immutable tag, ` +
                    `so profileEnabled cannot be turned off. Keep profileEnabled: true, or replace the schema: declare a new Schema (a new resource name) ` +
                    `without profileEnabled, with a new Dataset on it. A replacement has a new $id; its dataset starts empty (the data ingested so far, and ` +
                    `the Profile data built from it, stay with the old dataset until it is deleted); identity descriptors and the dataflow are made anew, ` +
                    `and a new dataflow has a new webhook URL to paste into Chatlio.`,
            },
        ];
    },
    checkWarnings(olds, news) {
        const isNew = olds.resourceName === undefined;
        if (!isNew || news.profileEnabled !== true || isUnknown(news.classId) || news.classId === EXPERIENCE_EVENT_CLASS) return [];
        return [
            `schema "${news.title}": AEP enables Profile only on a schema with a primary identity or an identityMap, and refuses otherwise (XDM-1528-400). ` +
                `XDM ExperienceEvent brings identityMap with its class; whether ${news.classId} does is not known here, and a new schema has no identity ` +
                `descriptor yet. If the class has no identityMap this create will fail: create the schema and an IdentityDescriptor with primary: true first, ` +
                `then set profileEnabled: true.`,
        ];
    },
    changeWarnings(olds, news) {
        if (!Array.isArray(olds.fieldGroupIds) || !Array.isArray(news.fieldGroupIds) || isUnknown(news.fieldGroupIds)) return [];
        const removed = olds.fieldGroupIds.filter((id) => !news.fieldGroupIds.includes(id));
        if (!removed.length) return [];
        return [
            evolutionWarning(
                `schema "${olds.title}"`,
                removed.map((id) => `removing the field group ${id} removes its fields from the schema`),
                olds.profileEnabled === true,
            ),
        ];
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkText(failures, inputs as any, "title", { max: 255 });
        checkText(failures, inputs as any, "description", { required: true, max: 4096 });
        checkId(failures, inputs as any, "classId", XDM_ID, "XDM class $id (e.g. https://ns.adobe.com/xdm/context/experienceevent)");
        const ids = inputs.fieldGroupIds as unknown;
        if (
            inputs.profileEnabled !== undefined &&
            (inputs.profileEnabled as unknown) !== UNKNOWN &&
            typeof inputs.profileEnabled !== "boolean"
        )
            failures.push({ property: "profileEnabled", reason: "profileEnabled must be true or false" });
        if (ids === undefined)
            failures.push({
                property: "fieldGroupIds",
                reason: "fieldGroupIds is required: pass [fieldGroup.id] (an empty list is allowed)",
            });
        else if (ids !== UNKNOWN) {
            if (!Array.isArray(ids))
                failures.push({ property: "fieldGroupIds", reason: "fieldGroupIds must be a list of field group $ids" });
            else {
                ids.forEach((id, i) =>
                    checkId(failures, { [`fieldGroupIds[${i}]`]: id }, `fieldGroupIds[${i}]`, FIELD_GROUP_ID, "tenant field group $id"),
                );
                if (new Set(ids).size !== ids.length)
                    failures.push({ property: "fieldGroupIds", reason: "fieldGroupIds lists a field group twice: list each once" });
            }
        }
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({
            family: "schemaRegistry",
            method: "POST",
            path: "/tenant/schemas",
            body: body(inputs),
            operation: "create schema",
            object: inputs.title,
        });
        if (!inputs.profileEnabled) return { id: r.data.$id, outs: toOutputs(r.data) };
        try {
            return { id: r.data.$id, outs: toOutputs(await enableProfile(ctx, r.data.$id, inputs.title)) };
        } catch (err) {
            // The schema exists without the tag: kept in state, so that the next update enables Profile.
            throw new PartiallyCreatedError(r.data.$id, { ...toOutputs(r.data), profileEnabled: false }, err);
        }
    },
    async find(ctx, inputs) {
        const list = await ctx.client.listSchemaRegistry<any>("/tenant/schemas", { property: `title==${inputs.title}` }, "find schema");
        return list.find((r) => r.title === inputs.title)?.$id;
    },
    async read(ctx, id, olds) {
        const r = await ctx.client.request({
            family: "schemaRegistry",
            method: "GET",
            path: path(id),
            operation: "read schema",
            object: id,
            allow404: true,
        });
        return r.status === 404 ? undefined : toOutputs(r.data, olds ?? {});
    },
    async update(ctx, id, olds, news) {
        const rewrite = (["title", "description", "classId", "fieldGroupIds"] as const).some(
            (k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
        );
        let data: any;
        if (rewrite) {
            const r = await ctx.client.request({
                family: "schemaRegistry",
                method: "PUT",
                path: path(id),
                body: body(news, olds.profileEnabled === true),
                operation: "update schema",
                object: news.title,
            });
            data = r.data;
        }
        if (news.profileEnabled && olds.profileEnabled !== true) data = await enableProfile(ctx, id, news.title);
        return data ? toOutputs(data) : ({ ...olds, ...news } as SchemaOutputs);
    },
    async delete(ctx, id) {
        await ctx.client.request({
            family: "schemaRegistry",
            method: "DELETE",
            path: path(id),
            operation: "delete schema",
            object: id,
            allow404: true,
        });
    },
});

const OUTPUTS = ["schemaId", "altId", "version", "title", "classId", "fieldGroupIds", "sandboxName"] as const;

/** A tenant XDM schema: one class and its field groups. Reference it from datasets by its `id` (`$id`). */
export interface Schema extends OutputProperties<SchemaOutputs, (typeof OUTPUTS)[number]> {}
export class Schema extends pulumi.dynamic.Resource {
    constructor(name: string, args: SchemaArgs, opts?: pulumi.CustomResourceOptions) {
        super(...dynamicResourceArgs(schemaProvider, name, args, OUTPUTS, opts));
    }
}
