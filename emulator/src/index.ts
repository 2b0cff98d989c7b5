/**
 * The local AEP emulator: IMS, Schema Registry, Catalog, Flow Service, Data Prep, sandbox management
 * and the DCS streaming inlet on one loopback HTTP server, faithful to Adobe's published Platform API
 * (shared/reference/aep-api.md). Used by the tests, the demo (`npm start`) and users (the
 * `aep-emulator` command, `npm run emulator` in the repository).
 *
 * ```ts
 * const emulator = await startEmulator();
 * // point a client at emulator.url with DEMO_CREDENTIALS …
 * await emulator.close();
 * ```
 */
import { getObject as readObject, deleteObject as removeObject, editObject as changeObject, listObjects, recordsOf } from "./objects";
import { holdFlowState } from "./flow-service";
import { DEMO_CREDENTIALS, EmulatorServer } from "./server";
import { Emulator, EmulatorClient, EmulatorOptions } from "./types";

export { DEMO_CREDENTIALS, routeTable } from "./server";
export type { FamilyRoutes } from "./server";
export type { RouteInfo } from "./http";
export * from "./types";
export { CHATLIO_CONNECTION_SPEC_ID, DATA_LAKE_CONNECTION_SPEC_ID, STREAMING_FLOW_SPEC_ID, STREAMING_PROVIDER_ID } from "./specs";
export { EXPERIENCE_EVENT } from "./xdm";

/** Starts an emulator; resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const server = new EmulatorServer(options);
    const url = await server.listen();
    const store = () => server.core.store;
    const emulator: Emulator = {
        url,
        close: () => server.close(),
        faults: {
            add: (rule) => server.faults.add(rule),
            clear: () => server.faults.clear(),
            get injected() {
                return server.faults.injected;
            },
            set injected(n: number) {
                server.faults.injected = n;
            },
        },
        log: server.log,
        resetLog: () => {
            server.log.length = 0;
        },
        objects: (sandbox) => {
            store().refresh();
            return listObjects(store(), sandbox);
        },
        editObject: (kind, id, changes) => {
            store().refresh();
            changeObject(store(), kind, id, changes);
        },
        deleteObject: (kind, id) => {
            store().refresh();
            removeObject(store(), kind, id);
        },
        records: (datasetId) => {
            store().refresh();
            return recordsOf(store(), datasetId);
        },
        getObject: (kind, id) => {
            store().refresh();
            return readObject(store(), kind, id);
        },
        holdFlowState: (id, state, forMs, refusals) => {
            store().refresh();
            if (!store().all().some(([, sb]) => sb.flows[id])) throw new Error(`holdFlowState: no flow ${id}`);
            holdFlowState(server.core, id, state, forMs, refusals);
        },
        env: (client: EmulatorClient = (options.clients ?? [DEMO_CREDENTIALS])[0], sandbox = (options.sandboxes ?? ["prod", "dev"])[0]) => ({
            AEP_PLATFORM_URL: url,
            AEP_IMS_URL: url,
            AEP_CLIENT_ID: client.clientId,
            AEP_CLIENT_SECRET: client.clientSecret,
            AEP_ORG_ID: client.orgId,
            AEP_SANDBOX_NAME: sandbox,
        }),
    };
    return emulator;
}
