/**
 * pulumi-aep-chatlio: Adobe Experience Platform objects as Pulumi resources, and the Chatlio webhook
 * source built from them.
 */
export * from "./resources";
export { AepSettings, SETTINGS, DEFAULT_SCOPES } from "./config";
export * from "./chatlio";
