/**
 * Entry point for Pulumi's provider host (`pulumi-aep-chatlio/host`): the real provider of each
 * resource kind, loaded by the forwarders that resources serialize into state (see resources/hosted.ts).
 */
import {
    dataflowProvider, datasetProvider, fieldGroupProvider, identityDescriptorProvider, mappingSetProvider, schemaProvider,
    sourceConnectionProvider, targetConnectionProvider,
} from "./resources";
import { ProviderKind } from "./resources/hosted";

export const providers: Record<ProviderKind, unknown> = {
    fieldGroup: fieldGroupProvider,
    schema: schemaProvider,
    identityDescriptor: identityDescriptorProvider,
    dataset: datasetProvider,
    sourceConnection: sourceConnectionProvider,
    targetConnection: targetConnectionProvider,
    mappingSet: mappingSetProvider,
    dataflow: dataflowProvider,
};
