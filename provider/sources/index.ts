/**
 * The webhook sources: the generic Streaming SDK component, its presets (through the registry) and the
 * HTTP API source.
 */
export * from "./registry";
export { WebhookSource, WebhookSourceArgs, WebhookPreset, SourceIdentity } from "./webhook-source";
export { HttpApiSource, HttpApiSourceArgs } from "./http-api-source";
