/**
 * pulumi-aep-chatlio: Adobe Experience Platform objects as Pulumi resources, and the webhook sources built
 * from them.
 *
 * The public API: the resource classes with their arguments and outputs, the `WebhookSource` component and
 * its presets (`ChatlioSource`, `CustomerIoSource`, `PendoSource`, `LavaSource`), `HttpApiSource`, and the
 * provider settings type. Everything else is internal.
 */
// The registry of resource kinds (resources/index.ts) exports each kind's class and types; its internal
// parts are marked internal and left out of the published declarations.
export * from "./resources";
export * from "./sources";
export { AepSettings } from "./config";
