/**
 * pulumi-aep-chatlio: Adobe Experience Platform objects as Pulumi resources, and the Chatlio webhook
 * source built from them.
 *
 * The public API: the eight resource classes with their arguments and outputs, the `ChatlioSource`
 * component, and the provider settings type. Everything else is internal.
 */
export {
    CommonArgs,
    ConnectionArgs,
    ConnectionState,
    Dataflow,
    DataflowArgs,
    DataflowOutputs,
    DataflowState,
    Dataset,
    DatasetArgs,
    DatasetOutputs,
    DatasetState,
    FieldGroup,
    FieldGroupArgs,
    FieldGroupOutputs,
    FieldGroupState,
    IdentityDescriptor,
    IdentityDescriptorArgs,
    IdentityDescriptorOutputs,
    IdentityDescriptorState,
    Mapping,
    MappingSet,
    MappingSetArgs,
    MappingSetOutputs,
    MappingSetState,
    Schema,
    SchemaArgs,
    SchemaOutputs,
    SchemaState,
    SourceConnection,
    SourceConnectionArgs,
    SourceConnectionOutputs,
    SourceConnectionState,
    TargetConnection,
    TargetConnectionArgs,
    TargetConnectionOutputs,
    TargetConnectionState,
    XdmField,
} from "./resources";
export { ChatlioIdentity, ChatlioSource, ChatlioSourceArgs } from "./chatlio";
export { AepSettings } from "./config";
