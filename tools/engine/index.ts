// The local engine: runs a Pulumi TypeScript program through the SDK's own runtime and dynamic-provider
// host, without the Pulumi CLI. See docs/CONTRACTS.md ("tools/engine") for the stable API.

export { LocalEngine } from "./engine";
export type { ConfigValue, EngineOptions, OutputValue, ResourceDiagnostic, RunResult, Severity, StepRecord } from "./types";
export { renderValue, displayType } from "./display";
export { LocalConfigStore, loadProject, loadStackConfigFile } from "./project";
export { SECRET_SIG, SIG_KEY, UNKNOWN } from "./values";
// For the bench, which times and patches these in its own process (tools/bench: hops.ts, run.ts, what-if.ts).
export { Deployment } from "./deployment";
export { deleteOrder } from "./deletes";
export { DynamicHost } from "./host";
export { StateFile } from "./state";
