// What the engine tells from a resource's type and URN alone: the stack, providers (the default ones are
// hidden in the display), dynamic resources, the name in a URN. Shared by the step modules.

import { ResourceState } from "./state";

export const STACK_TYPE = "pulumi:pulumi:Stack";
export const PROVIDER_PREFIX = "pulumi:providers:";

export function isDynamicType(type: string): boolean {
    return type.startsWith("pulumi-nodejs:dynamic");
}

/** The resource's name: the last part of its URN. */
export function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The resource's type: the part of its URN before the name, without its parents' types (`parent$type`). */
export function typeOf(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** A default provider: recorded in state, hidden in the display. */
export function isHiddenProvider(r: ResourceState): boolean {
    return r.type.startsWith(PROVIDER_PREFIX) && /::default(_[0-9_a-z]+)?$/.test(r.urn);
}

/** "type (name)", as messages name a resource. */
export function displayName(r: { type: string; urn: string }): string {
    return `${r.type} (${nameOf(r.urn)})`;
}
