/**
 * The registry of resource kinds: each AEP object kind's public class and types, and its provider.
 * Adding a kind touches its own file and this one: the provider host's map (host.ts), the forwarder's
 * kind names (hosted.ts) and the type tokens (`pulumi-nodejs:dynamic/aep:<typeName>`) derive from here.
 */
import { baseConnectionProvider } from "./base-connection";
import { dataflowProvider } from "./dataflow";
import { datasetProvider } from "./dataset";
import { fieldGroupProvider } from "./field-group";
import { identityDescriptorProvider } from "./identity-descriptor";
import { mappingSetProvider } from "./mapping-set";
import { schemaProvider } from "./schema";
import { sourceConnectionProvider } from "./source-connection";
import { targetConnectionProvider } from "./target-connection";

export { FieldGroup, FieldGroupArgs, FieldGroupOutputs, FieldGroupState, XdmField } from "./field-group";
export { Schema, SchemaArgs, SchemaOutputs, SchemaState } from "./schema";
export { IdentityDescriptor, IdentityDescriptorArgs, IdentityDescriptorOutputs, IdentityDescriptorState } from "./identity-descriptor";
export { Dataset, DatasetArgs, DatasetOutputs, DatasetState } from "./dataset";
export { BaseConnection, BaseConnectionArgs, BaseConnectionOutputs, BaseConnectionState } from "./base-connection";
export { SourceConnection, SourceConnectionArgs, SourceConnectionOutputs, SourceConnectionState } from "./source-connection";
export { TargetConnection, TargetConnectionArgs, TargetConnectionOutputs, TargetConnectionState } from "./target-connection";
export { MappingSet, MappingSetArgs, MappingSetOutputs, MappingSetState, Mapping } from "./mapping-set";
export { Dataflow, DataflowArgs, DataflowOutputs, DataflowState } from "./dataflow";
export { CommonArgs } from "./resource";
export { ConnectionArgs, ConnectionState } from "./flow-service";

/**
 * Every kind's provider, in dependency order.
 * @internal
 */
export const REGISTRY = [
    fieldGroupProvider,
    schemaProvider,
    identityDescriptorProvider,
    datasetProvider,
    baseConnectionProvider,
    sourceConnectionProvider,
    targetConnectionProvider,
    mappingSetProvider,
    dataflowProvider,
] as const;

/**
 * A kind's key: what a forwarder in state names, and what the provider host selects the provider by.
 * @internal
 */
export type KindKey = (typeof REGISTRY)[number]["kind"];
