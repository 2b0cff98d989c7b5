/**
 * Schema: a tenant XDM schema in the Schema Registry (`/tenant/schemas`): one class plus field groups.
 *
 * Title, description and the list of field groups change in place (PUT rewrites the schema); a change
 * of class replaces it, as does a change of sandbox. Titles are unique across the sandbox's registry.
 */
import * as pulumi from "@pulumi/pulumi";
import { hostedProvider } from "./hosted";
import { CheckFailure, CommonInputs, UNKNOWN, aepProvider, checkId, checkText } from "./lifecycle";
import { EXPERIENCE_EVENT_CLASS, FIELD_GROUP_ID, XDM_ID } from "./ids";

/** Inputs of a {@link Schema}. */
export interface SchemaArgs {
    /** Unique title within the sandbox's registry. Default: the resource name plus a random suffix. */
    title?: pulumi.Input<string>;
    /** AEP requires a description; default "Managed by Pulumi". */
    description?: pulumi.Input<string>;
    /** The XDM class `$id`. Default: XDM ExperienceEvent. Changing it replaces the schema. */
    classId?: pulumi.Input<string>;
    /** Field group `$id`s, e.g. `[fieldGroup.id]`. */
    fieldGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    /** AEP sandbox; default `aep:sandboxName`. Changing it replaces the schema. */
    sandboxName?: pulumi.Input<string>;
    /** Take over an existing schema with the same title instead of failing. */
    adopt?: pulumi.Input<boolean>;
}

/** A {@link Schema}'s inputs as its provider receives them: {@link SchemaArgs} resolved. */
export interface SchemaInputs extends CommonInputs {
    /** The schema's title (unique within the sandbox's registry). */
    title?: string;
    /** Description shown in the AEP UI. */
    description?: string;
    /** The XDM class `$id`. */
    classId?: string;
    /** Field group `$id`s. */
    fieldGroupIds: string[];
}

/** A {@link Schema}'s state: its inputs and what AEP answered. */
export interface SchemaOutputs extends SchemaInputs {
    /** The schema's `$id`. */
    schemaId: string;
    /** The `meta:altId` (dot notation). */
    altId: string;
    /** Registry version, bumped by each change. */
    version: string;
}

function body(inputs: SchemaInputs) {
    return {
        type: "object",
        title: inputs.title,
        description: inputs.description,
        allOf: [{ $ref: inputs.classId }, ...inputs.fieldGroupIds.map((id) => ({ $ref: id }))],
    };
}

function toOutputs(resource: any): SchemaOutputs {
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
    };
}

const path = (id: string) => `/tenant/schemas/${encodeURIComponent(id)}`;

export const schemaProvider = aepProvider<SchemaInputs, SchemaOutputs>({
    kind: "schema",
    nameKey: "title",
    nameMaxLength: 255,
    nameEnforcedByAep: true,
    compareKeys: ["title", "description", "classId", "fieldGroupIds"],
    replaceKeys: ["classId"],
    defaults(inputs) {
        if (inputs.classId === undefined) inputs.classId = EXPERIENCE_EVENT_CLASS;
        if (inputs.description === undefined) inputs.description = "Managed by Pulumi";
        return inputs;
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkText(failures, inputs as any, "title", { max: 255 });
        checkText(failures, inputs as any, "description", { required: true, max: 4096 });
        checkId(failures, inputs as any, "classId", XDM_ID, "XDM class $id (e.g. https://ns.adobe.com/xdm/context/experienceevent)");
        const ids = inputs.fieldGroupIds as unknown;
        if (ids === undefined) failures.push({ property: "fieldGroupIds", reason: "fieldGroupIds is required: pass [fieldGroup.id] (an empty list is allowed)" });
        else if (ids !== UNKNOWN) {
            if (!Array.isArray(ids)) failures.push({ property: "fieldGroupIds", reason: "fieldGroupIds must be a list of field group $ids" });
            else {
                ids.forEach((id, i) => checkId(failures, { [`fieldGroupIds[${i}]`]: id }, `fieldGroupIds[${i}]`, FIELD_GROUP_ID, "tenant field group $id"));
                if (new Set(ids).size !== ids.length) failures.push({ property: "fieldGroupIds", reason: "fieldGroupIds lists a field group twice: list each once" });
            }
        }
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({ family: "schemaRegistry", method: "POST", path: "/tenant/schemas", body: body(inputs), operation: "create schema", object: inputs.title });
        return { id: r.data.$id, outs: toOutputs(r.data) };
    },
    async find(ctx, inputs) {
        const list = await ctx.client.listSchemaRegistry<any>("/tenant/schemas", { property: `title==${inputs.title}` }, "find schema");
        return list.find((r) => r.title === inputs.title)?.$id;
    },
    async read(ctx, id) {
        const r = await ctx.client.request({ family: "schemaRegistry", method: "GET", path: path(id), operation: "read schema", object: id, allow404: true });
        return r.status === 404 ? undefined : toOutputs(r.data);
    },
    async update(ctx, id, _olds, news) {
        const r = await ctx.client.request({ family: "schemaRegistry", method: "PUT", path: path(id), body: body(news), operation: "update schema", object: news.title });
        return toOutputs(r.data);
    },
    async delete(ctx, id) {
        await ctx.client.request({ family: "schemaRegistry", method: "DELETE", path: path(id), operation: "delete schema", object: id, allow404: true });
    },
});

/** A tenant XDM schema: one class and its field groups. Reference it from datasets by its `id` (`$id`). */
export class Schema extends pulumi.dynamic.Resource {
    /** The schema's `$id` (same as `id`). */
    declare readonly schemaId: pulumi.Output<string>;
    /** The `meta:altId` (dot notation). */
    declare readonly altId: pulumi.Output<string>;
    /** Registry version, e.g. "1.0", bumped by each change. */
    declare readonly version: pulumi.Output<string>;
    /** The schema's title. */
    declare readonly title: pulumi.Output<string>;
    /** The XDM class `$id`. */
    declare readonly classId: pulumi.Output<string>;
    /** The field group `$id`s it includes. */
    declare readonly fieldGroupIds: pulumi.Output<string[]>;
    /** The AEP sandbox that holds it. */
    declare readonly sandboxName: pulumi.Output<string>;

    constructor(name: string, args: SchemaArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            hostedProvider("schema"),
            name,
            { schemaId: undefined, altId: undefined, version: undefined, title: undefined, classId: undefined, sandboxName: undefined, ...args, resourceName: name },
            opts,
            "aep",
            "Schema",
        );
    }
}
