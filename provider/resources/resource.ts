/**
 * What every resource class shares: its common inputs, the inputs type derived from its arguments, the
 * output properties derived from its outputs type (each field documented once, where it is declared),
 * and the arguments it hands to `pulumi.dynamic.Resource`.
 */
import * as pulumi from "@pulumi/pulumi";
import { hostedProvider } from "./hosted";

/** Inputs every AEP resource takes. */
export interface CommonArgs {
    /** AEP sandbox; default the `aep:sandboxName` setting. Changing it replaces the object. */
    sandboxName?: pulumi.Input<string>;
    /** Take over an existing object with the same unique name (or, for identity descriptors, the same field) instead of failing. */
    adopt?: pulumi.Input<boolean>;
}

/** The arguments with every `Input` resolved: what the provider receives. */
export type Resolved<T> = { [K in keyof T]: pulumi.Unwrap<T[K]> };

/** The output properties a resource class exposes, typed and documented from its outputs type. */
export type OutputProperties<O, K extends keyof O> = { readonly [P in K]-?: pulumi.Output<Exclude<O[P], undefined>> };

/** The Pulumi type token of a resource: `pulumi-nodejs:dynamic/aep:<typeName>`. */
/** @internal */
export function typeToken(typeName: string): string {
    return `pulumi-nodejs:dynamic/aep:${typeName}`;
}

/**
 * The arguments of `pulumi.dynamic.Resource` for one of this package's resources (its provider gives the
 * kind's registry key and type name): the forwarder of its kind, the outputs it exposes (seeded, so the SDK creates them), the user's arguments, its Pulumi name,
 * and its URN (`__urn`: diagnostics are shown under it, and automatic names derive from it).
 */
/** @internal */
export function dynamicResourceArgs(
    kind: { kind: string; typeName: string },
    name: string,
    args: object,
    outputs: readonly string[],
    opts: pulumi.CustomResourceOptions | undefined,
): [pulumi.dynamic.ResourceProvider, string, pulumi.Inputs, pulumi.CustomResourceOptions | undefined, string, string] {
    const seeds: Record<string, undefined> = {};
    for (const k of outputs) seeds[k] = undefined;
    // The parent's URN as a plain value: an Output that names the parent would make this resource depend on
    // it, and depending on a component means depending on all its children, this resource among them.
    const parent = opts?.parent;
    const parentUrn = parent ? pulumi.output(new Promise<string>((resolve) => parent.urn.apply((u) => resolve(u)))) : undefined;
    const urn = pulumi.createUrn(name, typeToken(kind.typeName), parentUrn);
    return [hostedProvider(kind.kind), name, { ...seeds, ...args, resourceName: name, __urn: urn }, opts, "aep", kind.typeName];
}
