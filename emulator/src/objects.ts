/**
 * The test-facing view of the store: list every object, read one, and change or delete objects behind
 * the API's back the way a person in the AEP UI would (drift and orphan checks).
 */
import { dropDataset, editDataset } from "./catalog";
import { editFlowItem } from "./flow-service";
import { editResource } from "./schema-registry";
import { SandboxData, Store } from "./store";
import { EmulatorObject, ObjectKind } from "./types";
import { clone, nowMs } from "./util";

const COLLECTIONS: Record<ObjectKind, keyof SandboxData> = {
    fieldGroup: "fieldGroups",
    schema: "schemas",
    descriptor: "descriptors",
    dataset: "datasets",
    baseConnection: "connections",
    sourceConnection: "sourceConnections",
    targetConnection: "targetConnections",
    mappingSet: "mappingSets",
    flow: "flows",
};

/** Accepts "fieldGroup", "field-group", "FIELDGROUP", "mixin", "dataSet", "mapping" and the like. */
export function objectKind(kind: string): ObjectKind {
    const k = kind
        .toLowerCase()
        .replace(/[^a-z]/g, "")
        .replace(/s$/, "");
    const aliases: Record<string, ObjectKind> = {
        fieldgroup: "fieldGroup",
        mixin: "fieldGroup",
        schema: "schema",
        descriptor: "descriptor",
        dataset: "dataset",
        baseconnection: "baseConnection",
        connection: "baseConnection",
        sourceconnection: "sourceConnection",
        targetconnection: "targetConnection",
        mappingset: "mappingSet",
        mapping: "mappingSet",
        flow: "flow",
        dataflow: "flow",
    };
    const found = aliases[k];
    if (!found) throw new Error(`unknown object kind "${kind}" (use one of ${Object.keys(COLLECTIONS).join(", ")})`);
    return found;
}

function nameOf(kind: ObjectKind, id: string, value: any): string {
    if (kind === "fieldGroup" || kind === "schema") return value.title ?? id;
    if (kind === "descriptor") return `${value["@type"]} ${value["xdm:sourceSchema"]} ${value["xdm:sourceProperty"] ?? ""}`.trim();
    if (kind === "mappingSet") return value[value.length - 1]?.name ?? id;
    return value.name ?? id;
}

export function listObjects(store: Store, sandbox?: string): EmulatorObject[] {
    const out: EmulatorObject[] = [];
    for (const [name, sb] of store.all()) {
        if (sandbox && name !== sandbox) continue;
        for (const kind of Object.keys(COLLECTIONS) as ObjectKind[]) {
            for (const [id, value] of Object.entries(sb[COLLECTIONS[kind]] as Record<string, any>)) {
                out.push({ kind, id, name: nameOf(kind, id, value), sandbox: name });
            }
        }
    }
    return out;
}

function locate(store: Store, kindName: string, id: string): { kind: ObjectKind; sb: SandboxData; coll: Record<string, any> } {
    const kind = objectKind(kindName);
    for (const [, sb] of store.all()) {
        const coll = sb[COLLECTIONS[kind]] as Record<string, any>;
        if (coll[id] !== undefined) return { kind, sb, coll };
    }
    throw new Error(`no ${kind} with id ${id} in any sandbox`);
}

/** The object as its GET shows it (latest version for mapping sets; with `id` for datasets), or undefined. */
export function getObject(store: Store, kindName: string, id: string): Record<string, unknown> | undefined {
    try {
        const { kind, coll } = locate(store, kindName, id);
        if (kind === "mappingSet") return clone(coll[id][coll[id].length - 1]);
        if (kind === "dataset") return { id, ...clone(coll[id]) };
        return clone(coll[id]);
    } catch {
        return undefined;
    }
}

/**
 * Changes an object as the UI would: the changes are merged over the top level, and the object gets a
 * new version (Schema Registry minor version, Catalog version, Flow Service etag). A mapping set gets a
 * new version holding the changes, as editing a mapping in the UI saves a new version.
 */
export function editObject(store: Store, kindName: string, id: string, changes: Record<string, unknown>): void {
    const { kind, coll } = locate(store, kindName, id);
    switch (kind) {
        case "fieldGroup":
        case "schema":
            coll[id] = editResource(coll[id], changes);
            break;
        case "dataset":
            coll[id] = editDataset(coll[id], changes);
            break;
        case "descriptor":
            coll[id] = { ...coll[id], ...clone(changes) };
            break;
        case "mappingSet": {
            const versions: any[] = coll[id];
            const last = versions[versions.length - 1];
            versions.push({
                ...clone(last),
                ...clone(changes),
                id,
                version: versions.length,
                modifiedDate: Math.max(nowMs(), last.modifiedDate + 1),
            });
            break;
        }
        default:
            coll[id] = editFlowItem(coll[id], changes);
    }
    store.touch();
    store.flush();
}

/** Deletes an object whatever still refers to it (a dataset's records go with it). */
export function deleteObject(store: Store, kindName: string, id: string): void {
    const { kind, sb, coll } = locate(store, kindName, id);
    if (kind === "dataset") dropDataset(sb, id);
    else delete coll[id];
    store.touch();
    store.flush();
}

export function recordsOf(store: Store, datasetId: string): unknown[] {
    for (const [, sb] of store.all()) if (sb.records[datasetId]) return clone(sb.records[datasetId]);
    return [];
}
