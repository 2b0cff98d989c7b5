/**
 * The lifecycle every AEP resource shares, one concern per file: JSON helpers (json.ts), input checks
 * (validate.ts), automatic names (naming.ts), the call context (context.ts), diagnostics for the engine
 * (diagnostics.ts), explained errors (errors.ts), the spec an object kind supplies (spec.ts), creating
 * without duplicates (create.ts), the settings proved once per run (credentials.ts), drift named field by
 * field (drift.ts), what this run's provider process saw (run.ts) and the provider built from a spec
 * (provider.ts).
 */
export { UNKNOWN, clean, isUnknown, sameJson } from "./json";
export { CheckFailure, checkId, checkKnownKeys, checkNestedKeys, checkText, nearestKey } from "./validate";
export { automaticName } from "./naming";
export { CallContext, StoredConfig, callContext } from "./context";
export { report } from "./diagnostics";
export { isEchoOfReturnedError } from "./errors";
export { AepObjectSpec, COMMON_INPUT_KEYS, CommonInputs, INTERNAL_INPUT_KEYS, PartiallyCreatedError } from "./spec";
export { CREATE_RESENDS, CreateOptions, createObject, ownsName, pendingCreateHint, withInputs } from "./create";
export { AepProvider, aepProvider } from "./provider";
export { SettingsVerdict, registryStats, verifySettings } from "./credentials";
export { createdThisRun } from "./run";
