/**
 * AEP over plain HTTP for the product's tests: the emulator's own test helpers (emulator/test/testing.ts:
 * a small AEP caller, documented-shape bodies, a builder of the whole Chatlio chain), with the product's
 * Chatlio samples (provider/chatlio/samples.ts) as the payloads to post. The emulator's tests use samples
 * of their own, so the emulator never depends on the product.
 */
import { NEW_CONVERSATION, TRANSCRIPT } from "../../provider/chatlio/samples";
import { ChatlioChain, chatlioChainNames } from "../../emulator/test/testing";

export {
    AepCaller,
    BASE,
    XED_FULL,
    XED_ID_LIST,
    XED_LOOKUP,
    buildChatlioChain,
    chatlioChainNames,
    chatlioFieldGroupBody,
    chatlioMappings,
    chatlioSchemaBody,
} from "../../emulator/test/testing";
export type { CallOptions, CallResult, ChatlioChain } from "../../emulator/test/testing";

/** Chatlio webhook payloads: the product's own samples, one per shape. */
export const CHATLIO_PAYLOADS = { newConversation: NEW_CONVERSATION, transcript: TRANSCRIPT };

/** The suffix the adopt tests give a chain made by hand, so its names cannot be the stack's own. */
export const HANDMADE_SUFFIX = " (made by hand)";

/**
 * A chain made by hand through AEP's API (buildChatlioChain) as the aep-stack fixture declares it for
 * adoption (`test:names`): the builder's names by the fixture's resource names, plus the name the tests
 * give the mapping set (the tutorial's has none).
 */
export function handmadeNames(
    suffix = HANDMADE_SUFFIX,
): Record<"fg" | "schema" | "dataset" | "source" | "target" | "mapping" | "flow", string> {
    const n = chatlioChainNames(suffix);
    return {
        fg: n.fieldGroup,
        schema: n.schema,
        dataset: n.dataset,
        source: n.source,
        target: n.target,
        mapping: `Chatlio mapping${suffix}`,
        flow: n.flow,
    };
}

/** A chain's ids by the aep-stack fixture's stack outputs: what a stack that adopted it must export. */
export function chainOutputs(chain: ChatlioChain): Record<string, string> {
    return {
        fieldGroupId: chain.fieldGroupId,
        schemaId: chain.schemaId,
        datasetId: chain.datasetId,
        sourceConnectionId: chain.sourceConnectionId,
        targetConnectionId: chain.targetConnectionId,
        mappingSetId: chain.mappingSetId,
        dataflowId: chain.flowId,
    };
}
