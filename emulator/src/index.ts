/**
 * The local AEP emulator: IMS, Schema Registry, Catalog, Flow Service, Data Prep, sandbox management
 * and the DCS streaming inlet on one loopback HTTP server, faithful to Adobe's published Platform API
 * (the team's AEP API notes, aep-api.md, and Adobe's OpenAPI specs). For tests and demos: the `aep-emulator`
 * command, or in-process:
 *
 * ```ts
 * const emu = await startEmulator({ seed: "ci" });   // a free port; same seed, same ids
 * emu.urls;            // { platform, ims, inlet }
 * emu.env();           // AEP_PLATFORM_URL, AEP_IMS_URL, AEP_CLIENT_ID, … for this emulator
 * emu.faults.add({ method: "POST", path: "/data/foundation/flowservice/flows", status: 504, commit: true });
 * await emu.stop();
 * ```
 */
import { settleBatches } from "./catalog";
import {
    getObject as readObject,
    deleteObject as removeObject,
    editObject as changeObject,
    listObjects,
    objectKind,
    recordsOf,
} from "./objects";
import { holdFlowState } from "./flow-service";
import { DEMO_CREDENTIALS, EmulatorServer } from "./server";
import { Emulator, EmulatorClient, EmulatorOptions } from "./types";
import { withIds } from "./util";

export { DEMO_CREDENTIALS, routeTable } from "./server";
export type { FamilyRoutes } from "./server";
export type { RouteInfo } from "./http";
export * from "./types";
export {
    CHATLIO_CONNECTION_SPEC_ID,
    CUSTOMERIO_CONNECTION_SPEC_ID,
    DATA_LAKE_CONNECTION_SPEC_ID,
    HTTP_API_CONNECTION_SPEC_ID,
    HTTP_API_MAPPING_FLOW_SPEC_ID,
    HTTP_API_XDM_FLOW_SPEC_ID,
    LAVA_CONNECTION_SPEC_ID,
    PENDO_CONNECTION_SPEC_ID,
    STREAMING_AUTH_SPEC_NAME,
    STREAMING_FLOW_SPEC_ID,
    STREAMING_PROVIDER_ID,
} from "./specs";
export { EXPERIENCE_EVENT } from "./xdm";

/** Starts an emulator; resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const server = new EmulatorServer(options);
    const url = await server.listen();
    const store = () => server.core.store;
    const ids = <T>(f: () => T): T => withIds(server.core.ids, f);
    const credentials = (options.clients ?? [DEMO_CREDENTIALS])[0];
    const emulator: Emulator = {
        url,
        urls: { platform: url, ims: url, inlet: `${url}/collection` },
        credentials,
        close: () => server.close(),
        stop: () => server.close(),
        reset: () => server.reset(),
        state: (sandbox) => server.state(sandbox),
        flushDataLake: () => server.flushDataLake(),
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
            ids(() => changeObject(store(), kind, id, changes));
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
            // A dataset shows the batches that landed meanwhile, as a GET would.
            let isDataset = false;
            try {
                isDataset = objectKind(kind) === "dataset";
            } catch {
                // an unknown kind: readObject answers undefined
            }
            if (isDataset) {
                for (const [, sb] of store().all()) settleBatches(server.core, sb);
                store().flush();
            }
            return readObject(store(), kind, id);
        },
        holdFlowState: (id, state, forMs, refusals) => {
            store().refresh();
            if (
                !store()
                    .all()
                    .some(([, sb]) => sb.flows[id])
            )
                throw new Error(`holdFlowState: no flow ${id}`);
            holdFlowState(server.core, id, state, forMs, refusals);
        },
        env: (client: EmulatorClient = credentials, sandbox = (options.sandboxes ?? ["prod", "dev"])[0]) => ({
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
