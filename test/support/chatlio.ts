/**
 * AEP over plain HTTP for the product's tests: the emulator's own test helpers (emulator/test/testing.ts:
 * a small AEP caller, documented-shape bodies, a builder of the whole Chatlio chain), with the product's
 * Chatlio samples (provider/chatlio/samples.ts) as the payloads to post. The emulator's tests use samples
 * of their own, so the emulator never depends on the product.
 */
import { NEW_CONVERSATION, TRANSCRIPT } from "../../provider/chatlio/samples";

export {
    AepCaller,
    BASE,
    XED_FULL,
    XED_ID_LIST,
    XED_LOOKUP,
    buildChatlioChain,
    chatlioFieldGroupBody,
    chatlioMappings,
    chatlioSchemaBody,
} from "../../emulator/test/testing";
export type { CallOptions, CallResult, ChatlioChain } from "../../emulator/test/testing";

/** Chatlio webhook payloads: the product's own samples, one per shape. */
export const CHATLIO_PAYLOADS = { newConversation: NEW_CONVERSATION, transcript: TRANSCRIPT };
