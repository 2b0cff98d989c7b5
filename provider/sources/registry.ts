/**
 * The registry of webhook sources: each Streaming SDK preset's data and its component class. Adding a
 * source touches its own file (fields, mappings, samples, class) and this one (two lines): the public API
 * (provider/index.ts), `send-test-event --source` and the example program derive from here.
 */
import { CHATLIO } from "../chatlio/chatlio-source";
import { CUSTOMERIO } from "./customerio";
import { LAVA } from "./lava";
import { PENDO } from "./pendo";
import { WebhookPreset } from "./webhook-source";

export { ChatlioSource, ChatlioSourceArgs, ChatlioIdentity } from "../chatlio/chatlio-source";
export { CustomerIoSource } from "./customerio";
export { PendoSource } from "./pendo";
export { LavaSource } from "./lava";

/**
 * Every webhook source preset, by `key`.
 * @internal
 */
export const WEBHOOK_PRESETS: readonly WebhookPreset[] = [CHATLIO, CUSTOMERIO, PENDO, LAVA];
