/**
 * Internal entry for this repository's tests and tools: the providers, their helpers and the Chatlio
 * preset's data. Not part of the package's API (the package's `exports` do not reach it).
 * @internal
 */
export * from "./index";
export { REGISTRY, KindKey } from "./resources";
export { dataflowProvider, webhookUrl } from "./resources/dataflow";
export { datasetProvider } from "./resources/dataset";
export {
    checkFields,
    destructiveFieldChanges,
    evolutionWarning,
    fieldGroupProvider,
    fieldPaths,
    tenantId,
    tenantOfId,
} from "./resources/field-group";
export { identityDescriptorProvider } from "./resources/identity-descriptor";
export { checkMappings, destinationKnown, mappingSetProvider } from "./resources/mapping-set";
export { schemaProvider } from "./resources/schema";
export { sourceConnectionProvider } from "./resources/source-connection";
export { targetConnectionProvider } from "./resources/target-connection";
export * from "./resources/ids";
export { hostedProvider } from "./resources/hosted";
export { typeToken } from "./resources/resource";
export * from "./resources/lifecycle";
export {
    CHATLIO_FIELDS,
    EXPERIENCE_EVENT_FIELDS,
    DEFAULT_MAPPINGS,
    TENANT,
    chatlioMappings,
    chatlioIdentityPath,
    setupInstructions,
} from "./chatlio";
export * from "./chatlio/samples";
export { DEFAULT_SCOPES, SETTINGS, SettingsError, resolveSettings, settingsProblems } from "./config";
