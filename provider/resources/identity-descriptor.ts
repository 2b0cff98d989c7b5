/**
 * IdentityDescriptor: a Schema Registry `xdm:descriptorIdentity` (`/tenant/descriptors`, aep-api.md
 * §2.2.5): marks one field of a schema as an identity of a namespace (e.g. `Email`), and optionally as
 * the schema's primary identity, which Real-Time Customer Profile uses to join records to people.
 *
 * The primary flag changes in place (PUT rewrites the descriptor); a change of schema, field, namespace
 * or sandbox replaces it. It refers to its schema by `schemaId`, so Pulumi creates it after the schema
 * and deletes it before the schema. Descriptors have no name: a second identity descriptor on the same
 * field of the same schema is refused (or taken over with `adopt: true`).
 */
import * as pulumi from "@pulumi/pulumi";
import { CheckFailure, CommonInputs, CallContext, UNKNOWN, aepProvider, checkId, checkNestedKeys } from "./lifecycle";
import { CommonArgs, OutputProperties, Resolved, dynamicResourceArgs } from "./resource";
import { SCHEMA_ID } from "./ids";

/** Inputs of an {@link IdentityDescriptor}. */
export interface IdentityDescriptorArgs extends CommonArgs {
    /** The schema `$id`, e.g. `schema.id`. Changing it replaces the descriptor. */
    schemaId: pulumi.Input<string>;
    /**
     * The field, as a JSON Pointer without the `properties` segments (`xdm:sourceProperty`), e.g.
     * `/_acme/chatlio/visitor/email` (`pulumi.interpolate\`/_${fieldGroup.tenantId}/chatlio/visitor/email\``).
     * Changing it replaces the descriptor.
     */
    sourceProperty: pulumi.Input<string>;
    /**
     * The identity namespace: its code, e.g. `Email`, `Phone`, `ECID`, or its numeric id. Changing it
     * replaces the descriptor.
     */
    namespace: pulumi.Input<string>;
    /** Whether this field is the schema's primary identity. Default false. */
    primary?: pulumi.Input<boolean>;
}

/** An {@link IdentityDescriptor}'s inputs as its provider receives them. */
export type IdentityDescriptorInputs = Resolved<IdentityDescriptorArgs> & CommonInputs;

/** What AEP answers for an {@link IdentityDescriptor}, besides its inputs. */
export interface IdentityDescriptorState {
    /** The descriptor's `@id`. */
    descriptorId: string;
}

/** An {@link IdentityDescriptor}'s state: its inputs and what AEP answered. */
export type IdentityDescriptorOutputs = IdentityDescriptorInputs & IdentityDescriptorState;

/** The keys of an identity given as `{ field, namespace, primary }` (ChatlioSource's `identity`). */
export const IDENTITY_KEYS = ["field", "namespace", "primary"] as const;

/** Keys an identity `{ field, namespace, primary }` does not take (a typo such as `namspace`), each naming `path.key`. */
export function identityKeyProblems(identity: unknown, path = "identity"): string[] {
    const failures: CheckFailure[] = [];
    checkNestedKeys(failures, identity, IDENTITY_KEYS, path, "an identity");
    return failures.map((f) => f.reason);
}

const TYPE = "xdm:descriptorIdentity";
/** Descriptor lookups and lists take `xdm` Accept values, not the schemas' `xed` ones (aep-api.md §2.2.2). */
const ACCEPT = "application/vnd.adobe.xdm+json";
const POINTER_SEGMENT = /^_?[A-Za-z0-9][A-Za-z0-9_-]*$/;

function body(inputs: IdentityDescriptorInputs) {
    const numeric = /^\d+$/.test(inputs.namespace);
    return {
        "@type": TYPE,
        "xdm:sourceSchema": inputs.schemaId,
        // The schema's major version: only 1 exists (aep-api.md §2.2.2). The spec types it as a string,
        // Adobe's examples send the number; the examples are followed.
        "xdm:sourceVersion": 1,
        "xdm:sourceProperty": inputs.sourceProperty,
        "xdm:namespace": inputs.namespace,
        // xdm:code for a namespace given by code, xdm:id for one given by numeric id (§2.2.5).
        "xdm:property": numeric ? "xdm:id" : "xdm:code",
        "xdm:isPrimary": inputs.primary === true,
    };
}

function toOutputs(d: any): IdentityDescriptorOutputs {
    return {
        descriptorId: d["@id"],
        schemaId: d["xdm:sourceSchema"],
        sourceProperty: d["xdm:sourceProperty"],
        namespace: d["xdm:namespace"] === undefined ? d["xdm:namespace"] : String(d["xdm:namespace"]),
        primary: d["xdm:isPrimary"] === true,
    };
}

const path = (id: string) => `/tenant/descriptors/${encodeURIComponent(id)}`;

export const identityDescriptorProvider = aepProvider<IdentityDescriptorInputs, IdentityDescriptorOutputs, "identityDescriptor">({
    kind: "identityDescriptor",
    noun: "identity descriptor",
    typeName: "IdentityDescriptor",
    inputKeys: ["schemaId", "sourceProperty", "namespace", "primary"],
    // Descriptors have no name; the field they describe is what makes one unique, and is always given.
    nameKey: "sourceProperty",
    nameMaxLength: 1024,
    compareKeys: ["schemaId", "sourceProperty", "namespace", "primary"],
    replaceKeys: ["schemaId", "sourceProperty", "namespace"],
    defaults(inputs) {
        if (inputs.primary === undefined) inputs.primary = false;
        return inputs;
    },
    validate(inputs) {
        const failures: CheckFailure[] = [];
        checkId(failures, inputs as any, "schemaId", SCHEMA_ID, "tenant schema $id");
        const p = inputs.sourceProperty as unknown;
        if ((inputs as any).autoNamed) {
            failures.push({
                property: "sourceProperty",
                reason: "sourceProperty is required: the field as a JSON Pointer, e.g. /_acme/chatlio/visitor/email",
            });
        } else if (p !== UNKNOWN) {
            const segments = typeof p === "string" ? p.split("/").slice(1) : [];
            if (typeof p !== "string" || !p.startsWith("/") || segments.length === 0 || segments.some((s) => !POINTER_SEGMENT.test(s)))
                failures.push({
                    property: "sourceProperty",
                    reason: `sourceProperty ${JSON.stringify(p)} is not a field path: write it as a JSON Pointer, e.g. /_acme/chatlio/visitor/email`,
                });
            else if (segments.includes("properties"))
                failures.push({
                    property: "sourceProperty",
                    reason: `sourceProperty ${JSON.stringify(p)} has a "properties" segment: AEP wants the path without them, e.g. /_acme/chatlio/visitor/email`,
                });
        }
        const ns = inputs.namespace as unknown;
        if (ns === undefined || (ns !== UNKNOWN && (typeof ns !== "string" || !ns.trim())))
            failures.push({
                property: "namespace",
                reason: `namespace is required: an identity namespace code such as "Email", "Phone" or "ECID", or its numeric id`,
            });
        if (inputs.primary !== undefined && (inputs.primary as unknown) !== UNKNOWN && typeof inputs.primary !== "boolean")
            failures.push({ property: "primary", reason: "primary must be true or false" });
        return failures;
    },
    async create(ctx, inputs) {
        const r = await ctx.client.request({
            family: "schemaRegistry",
            method: "POST",
            path: "/tenant/descriptors",
            body: body(inputs),
            operation: "create identity descriptor",
            object: inputs.sourceProperty,
        });
        return { id: r.data["@id"], outs: toOutputs(r.data) };
    },
    async find(ctx: CallContext, inputs) {
        const r = await ctx.client.request({
            family: "schemaRegistry",
            method: "GET",
            path: "/tenant/descriptors",
            operation: "find identity descriptor",
            object: inputs.sourceProperty,
            query: { property: `xdm:sourceSchema==${inputs.schemaId}` },
            headers: { Accept: ACCEPT },
        });
        // Without the -v2 Accept, descriptors come grouped by @type (spec listDescriptorsResponse).
        const found: any[] = Array.isArray(r.data?.[TYPE]) ? r.data[TYPE] : [];
        return found.find((d) => d["xdm:sourceSchema"] === inputs.schemaId && d["xdm:sourceProperty"] === inputs.sourceProperty)?.["@id"];
    },
    async read(ctx, id) {
        const r = await ctx.client.request({
            family: "schemaRegistry",
            method: "GET",
            path: path(id),
            operation: "read identity descriptor",
            object: id,
            allow404: true,
            headers: { Accept: ACCEPT },
        });
        return r.status === 404 ? undefined : toOutputs(r.data);
    },
    async update(ctx, id, _olds, news) {
        const r = await ctx.client.request({
            family: "schemaRegistry",
            method: "PUT",
            path: path(id),
            body: body(news),
            operation: "update identity descriptor",
            object: news.sourceProperty,
        });
        return toOutputs(r.data);
    },
    async delete(ctx, id) {
        // A repeat delete answers 404 (aep-api.md §4.8): deleted either way.
        await ctx.client.request({
            family: "schemaRegistry",
            method: "DELETE",
            path: path(id),
            operation: "delete identity descriptor",
            object: id,
            allow404: true,
        });
    },
});

const OUTPUTS = ["descriptorId", "schemaId", "sourceProperty", "namespace", "primary", "sandboxName"] as const;

/**
 * An identity on a schema field: e.g. the Chatlio visitor's email as an `Email` identity, primary.
 * Enabling a schema for Profile needs a primary identity unless its class brings identityMap.
 */
export interface IdentityDescriptor extends OutputProperties<IdentityDescriptorOutputs, (typeof OUTPUTS)[number]> {}
export class IdentityDescriptor extends pulumi.dynamic.Resource {
    constructor(name: string, args: IdentityDescriptorArgs, opts?: pulumi.CustomResourceOptions) {
        super(...dynamicResourceArgs(identityDescriptorProvider, name, args, OUTPUTS, opts));
    }
}
