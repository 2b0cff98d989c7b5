/**
 * The emulator's public types. The shapes listed in docs/CONTRACTS.md ("aep-emulator") are fixed:
 * other parts of the project code against them. Additions are marked as such.
 */

/** A client the emulated IMS knows: its id, secret and the organisation its tokens belong to. */
export interface EmulatorClient {
    clientId: string;
    clientSecret: string;
    orgId: string;
}

export interface EmulatorOptions {
    /** TCP port; default 0 (the system picks a free one). */
    port?: number;
    /** Interface to listen on; default 127.0.0.1. */
    host?: string;
    /** JSON file holding every object: loaded at start, rewritten atomically after every change. */
    storeFile?: string;
    /** File that receives one JSON line per exchange; default `process.env.AEP_TRAFFIC_LOG`. */
    trafficLog?: string;
    /** Clients the emulated IMS accepts; default `[DEMO_CREDENTIALS]`. */
    clients?: EmulatorClient[];
    /** The organisation's tenant id (field namespace `_{tenantId}`); default "acme". */
    tenantId?: string;
    /** Sandbox names; default ["prod", "dev"]. The first production-like name ("prod") is the default sandbox. */
    sandboxes?: string[];
    /** Milliseconds added to every request (benchmarks, or a slower-than-loopback AEP). */
    latencyMs?: number;
    /**
     * Addition: a seed for the ids the emulator generates (schema and field group `$id`s, dataset, batch,
     * connection, flow, mapping set, descriptor and inlet ids, etags): the same seed and the same requests
     * give the same ids, for deterministic runs. Tokens and request ids stay random; times are real. With a
     * store file the sequence continues across restarts; reset() starts it again.
     */
    seed?: string | number;
    /**
     * Addition: how long records the inlet stored take to land in the data lake, where Catalog shows them
     * as a batch and the dataset shows its last batch (GET /batches, lastBatchId, lastSuccessfulBatch).
     * Adobe gives the data lake's expected latency for streaming ingestion as under 60 minutes; that is the
     * default. Records stored in a dataset while its batch is open join it. 0: every inlet request that
     * stores records makes its batch at once. Emulator.flushDataLake() lands open batches on demand.
     */
    dataLakeLatencyMs?: number;
    /** Lifetime of an access token; default 86399 seconds, as in Adobe's IMS example. */
    tokenTtlSeconds?: number;
    /**
     * Addition: after a dataflow is created, enabled, disabled or patched it shows a transitional state
     * (enabling, disabling, updating) for this many milliseconds, during which Flow Service refuses
     * updates (1416/1420/1421-400) and actions (1422-400), and the inlet refuses data while enabling.
     * Adobe documents such states but not their duration (aep-api.md §4.7). Default 0: changes settle at once.
     */
    flowSettleMs?: number;
}

/** The request a fault rule matched, as `onMatch` sees it. */
export interface MatchedRequest {
    method: string;
    /** The path without the query, e.g. "/data/foundation/flowservice/flows". */
    path: string;
}

/**
 * A fault to inject. A rule matches when its method (if any) equals the request's and its path matches:
 * a string matches as a prefix of the path without the query, a RegExp is tested against it. The first
 * rule that matches applies, and counts one use.
 * - `status` (with optional `body` and `retryAfter`): answer that instead of performing the operation.
 * - `commit: true` with `status` (addition): perform and store the operation first, then answer the status,
 *   as a gateway that times out (504) after AEP committed.
 * - `delayMs`: answer late. Without `status`, the operation is performed first and the answer is held back.
 *   With `onMatch`, the request is held *before* the operation instead (see there).
 * - `reset: "before"`: drop the connection before doing anything.
 * - `reset: "after-commit"`: perform and store the operation, then drop the connection without answering.
 * - `count`: how many requests the rule applies to (default 1; `Infinity` for always).
 * - `onMatch` (addition; in-process only, it cannot travel over the control API): called as soon as a
 *   matching request arrives, before anything is done, and awaited when it returns a promise. Then the
 *   request is held for `delayMs` before the emulator acts; then the operation is performed and stored
 *   and answered as the other fields say (`status` with `commit`, `reset: "after-commit"`, or normally).
 *   The operation happens even when the client is gone meanwhile: a test can kill the client (a Pulumi
 *   process) from `onMatch` or during the hold, and AEP still makes the object, as it would once the
 *   request reached it. Without `commit`, a `status` is answered after the hold, without acting.
 */
export interface FaultRule {
    method?: string;
    path: string | RegExp;
    status?: number;
    body?: unknown;
    retryAfter?: string;
    delayMs?: number;
    reset?: "before" | "after-commit";
    commit?: boolean;
    count?: number;
    onMatch?: (req: MatchedRequest) => void | Promise<void>;
}

export type ObjectKind =
    "fieldGroup" | "schema" | "descriptor" | "dataset" | "baseConnection" | "sourceConnection" | "targetConnection" | "mappingSet" | "flow";

export interface LogEntry {
    method: string;
    path: string;
    query: string;
    status: number;
    family: string;
    kind: "token" | "read" | "write";
}

export interface EmulatorObject {
    kind: ObjectKind;
    id: string;
    name: string;
    sandbox: string;
}

/** Where a client reaches the emulator: one server, three roles. */
export interface EmulatorUrls {
    /** The Platform gateway (the provider's AEP_PLATFORM_URL): `${platform}/data/foundation/…`. */
    platform: string;
    /** IMS (the provider's AEP_IMS_URL): tokens from `${ims}/ims/token/v3`. */
    ims: string;
    /**
     * The DCS streaming inlet base: each inlet is `${inlet}/{inletId}`, a webhook dataflow's own
     * (`options.inletUrl`) or an HTTP API base connection's (`auth.params.inletUrl`).
     */
    inlet: string;
}

/** Everything the emulator holds, as GET /__emulator/state and Emulator.state() show it. */
export interface EmulatorState {
    url: string;
    tenantId: string;
    /**
     * Per sandbox: fieldGroups, schemas, descriptors, datasets, connections (base connections),
     * sourceConnections, targetConnections,
     * mappingSets (every version), flows, records (by dataset id), batches (landed) and pendingBatches
     * (in flight to the data lake, by dataset id), each keyed by id.
     */
    sandboxes: Record<string, Record<string, unknown>>;
}

export interface Emulator {
    /** Platform, IMS and the DCS inlet are all served here, e.g. "http://127.0.0.1:41234". */
    url: string;
    /** Addition: the same server by role. */
    urls: EmulatorUrls;
    /** Addition: the first client IMS knows (DEMO_CREDENTIALS unless `clients` was given). */
    credentials: EmulatorClient;
    close(): Promise<void>;
    /** Addition: the same as close(). */
    stop(): Promise<void>;
    /**
     * Addition: back to a fresh emulator: every sandbox emptied, fault rules and the request log cleared,
     * the seeded id sequence restarted. Issued tokens stay valid.
     */
    reset(): void;
    /** Addition: a copy of everything held, per sandbox (or of one sandbox). */
    state(sandbox?: string): EmulatorState;
    /**
     * Addition: lands every batch still in flight to the data lake now, as if `dataLakeLatencyMs` had
     * passed: Catalog shows them and their datasets' lastBatch fields.
     */
    flushDataLake(): void;
    faults: { add(rule: FaultRule): void; clear(): void; injected: number };
    /** Every request seen since start or the last resetLog() (control routes excluded). */
    log: LogEntry[];
    resetLog(): void;
    /** Every AEP object held, for orphan and duplicate checks. */
    objects(sandbox?: string): EmulatorObject[];
    /** Change an object as a person would in the AEP UI (drift). Shallow-merges `changes`. */
    editObject(kind: string, id: string, changes: Record<string, unknown>): void;
    /** Delete an object as a person would in the AEP UI, whatever still refers to it. */
    deleteObject(kind: string, id: string): void;
    /** Records that the inlet stored in a dataset. */
    records(datasetId: string): unknown[];
    /** Addition: the full stored object (as a GET would return it), or undefined. */
    getObject(kind: string, id: string): Record<string, unknown> | undefined;
    /**
     * Addition (test hook): shows the flow `id` in a transitional state ("updating", "enabling", "disabling"
     * or "delete-finalizing") for `forMs` milliseconds, or until it has refused `refusals` calls (whichever
     * comes first), as AEP does while it works on a flow (aep-api.md §4.7). Meanwhile Flow Service refuses
     * its updates, actions and delete (1416, 1420, 1421, 1457, 1458).
     */
    holdFlowState(id: string, state: "updating" | "enabling" | "disabling" | "delete-finalizing", forMs: number, refusals?: number): void;
    /**
     * Addition: the environment the provider (and the other AEP_* clients) reads to talk to this emulator:
     * AEP_PLATFORM_URL, AEP_IMS_URL, AEP_CLIENT_ID, AEP_CLIENT_SECRET, AEP_ORG_ID, AEP_SANDBOX_NAME, for
     * `client` (default `credentials`) and `sandbox` (default the first sandbox).
     */
    env(client?: EmulatorClient, sandbox?: string): Record<string, string>;
}
