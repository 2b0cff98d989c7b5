/**
 * pulumi-aep-chatlio: Adobe Experience Platform objects as Pulumi resources, and the Chatlio webhook
 * source built from them.
 *
 * The public API: the eight resource classes with their arguments and outputs, the `ChatlioSource`
 * component, and the provider settings type. Everything else is internal.
 */
// The registry of resource kinds (resources/index.ts) exports each kind's class and types; its internal
// parts are marked internal and left out of the published declarations.
export * from "./resources";
export { ChatlioIdentity, ChatlioSource, ChatlioSourceArgs } from "./chatlio";
export { AepSettings } from "./config";
