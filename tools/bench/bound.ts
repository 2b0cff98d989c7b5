/**
 * The lower bound the dependency chain sets on a run's wall time: the longest chain of requests that
 * must happen one after another, times the injected latency.
 *
 * Method (also in docs/BENCHMARK.md):
 * 1. Each request in the emulator's log is attributed to a node by its path: the IMS token, the tenant
 *    lookup (`/stats`), or one of the seven AEP object kinds (`/tenant/fieldgroups` → FieldGroup, …).
 * 2. A kind's weight is the number of requests one object of that kind made in this run: its requests
 *    divided by the run's steps on objects of that kind (creates, updates, deletes or reads), rounded up.
 *    One provider operation sends its requests one after another (e.g. a dataflow create: look the
 *    name up, POST, GET for the inlet URL = 3), so they are all on the chain.
 * 3. Edges are the ChatlioSource's data dependencies: field group → schema → dataset → target
 *    connection → dataflow; schema → mapping set → dataflow; field group → mapping set (tenant);
 *    source connection → dataflow. Deletes run them backwards (dependents first). Reads (refresh)
 *    depend on nothing but the token.
 * 4. The token comes before every request of the run and the tenant lookup before the field group (the
 *    first registry write); each counts 1 when the run made it.
 * 5. bound = (longest weighted path) × latency. Independent objects (the N components of one program,
 *    or the source connection beside the schema) add nothing: they could run at the same time.
 */
import type { LogEntry } from "aep-emulator";

export const KINDS = ["FieldGroup", "Schema", "Dataset", "SourceConnection", "TargetConnection", "MappingSet", "Dataflow"] as const;
export type Kind = (typeof KINDS)[number];
export type Node = "token" | "tenant" | Kind;

/** Which node a request belongs to, by its path; undefined for anything else (counted as unattributed). */
export function attribute(path: string): Node | undefined {
    if (path === "/ims/token/v3") return "token";
    const rules: Array<[RegExp, Node]> = [
        [/^\/data\/foundation\/schemaregistry\/stats$/, "tenant"],
        [/^\/data\/foundation\/schemaregistry\/tenant\/(fieldgroups|mixins)(\/|$)/, "FieldGroup"],
        [/^\/data\/foundation\/schemaregistry\/tenant\/schemas(\/|$)/, "Schema"],
        [/^\/data\/foundation\/catalog\/dataSets(\/|$)/, "Dataset"],
        [/^\/data\/foundation\/flowservice\/sourceConnections(\/|$)/, "SourceConnection"],
        [/^\/data\/foundation\/flowservice\/targetConnections(\/|$)/, "TargetConnection"],
        [/^\/data\/foundation\/conversion\/mappingSets(\/|$)/, "MappingSet"],
        [/^\/data\/foundation\/flowservice\/flows(\/|$)/, "Dataflow"],
    ];
    return rules.find(([re]) => re.test(path))?.[1];
}

/** Data dependencies of the ChatlioSource: [before, after] for creates and updates. */
export const EDGES: ReadonlyArray<readonly [Kind, Kind]> = [
    ["FieldGroup", "Schema"],
    ["FieldGroup", "MappingSet"],
    ["Schema", "Dataset"],
    ["Schema", "TargetConnection"],
    ["Schema", "MappingSet"],
    ["Dataset", "TargetConnection"],
    ["TargetConnection", "Dataflow"],
    ["MappingSet", "Dataflow"],
    ["SourceConnection", "Dataflow"],
];

export type Direction = "forward" | "backward" | "none";

export interface ChainLink {
    node: Node;
    /** Sequential requests this node puts on the chain. */
    requests: number;
}

export interface Bound {
    /** The longest chain, in order. */
    chain: ChainLink[];
    /** Sequential requests on it. */
    requests: number;
    /** requests × latency. */
    ms: number;
    /** Requests per node in the log, and the per-object weight used. */
    perNode: Partial<Record<Node, { requests: number; objects: number; weight: number }>>;
    /** Requests no rule attributes (none expected). */
    unattributed: number;
}

/**
 * The bound for one run.
 * @param log the run's requests
 * @param objects steps per kind in the run (how many objects of that kind the requests served)
 * @param direction forward (up, update), backward (destroy), none (refresh)
 */
export function chainBound(
    log: Pick<LogEntry, "path">[],
    objects: Partial<Record<Kind, number>>,
    direction: Direction,
    latencyMs: number,
): Bound {
    const count: Partial<Record<Node, number>> = {};
    let unattributed = 0;
    for (const e of log) {
        const n = attribute(e.path);
        if (n) count[n] = (count[n] ?? 0) + 1;
        else unattributed++;
    }
    const perNode: Bound["perNode"] = {};
    const weight = (n: Node): number => {
        const requests = count[n] ?? 0;
        if (!requests) return 0;
        // token and tenant: once per run (one cached answer is shared by every object)
        const objs = n === "token" || n === "tenant" ? 1 : Math.max(1, objects[n as Kind] ?? 0);
        const w = n === "token" || n === "tenant" ? 1 : Math.ceil(requests / objs);
        perNode[n] = { requests, objects: objs, weight: w };
        return w;
    };
    const w = Object.fromEntries([...KINDS, "token", "tenant"].map((n) => [n, weight(n as Node)])) as Record<Node, number>;

    // Longest path over the DAG of the kinds plus the tenant lookup, which precedes the field group's
    // first registry write. The order below is topological for both directions.
    type Inner = Exclude<Node, "token">;
    const nodes: Inner[] = ["tenant", ...KINDS];
    const preds = new Map<Inner, Inner[]>(nodes.map((k) => [k, []]));
    if (direction === "forward") {
        preds.get("FieldGroup")!.push("tenant");
        for (const [a, b] of EDGES) preds.get(b)!.push(a);
    }
    if (direction === "backward") for (const [a, b] of EDGES) preds.get(a)!.push(b);
    const order: Inner[] = direction === "backward" ? ["tenant", ...[...KINDS].reverse()] : nodes;
    const best = new Map<Inner, { total: number; path: Inner[] }>();
    let top: { total: number; path: Inner[] } = { total: 0, path: [] };
    for (const k of order) {
        let prev: { total: number; path: Inner[] } = { total: 0, path: [] };
        for (const p of preds.get(k)!) {
            const b = best.get(p)!;
            if (b.total > prev.total) prev = b;
        }
        const here = { total: prev.total + w[k], path: [...prev.path, k] };
        best.set(k, here);
        if (here.total > top.total) top = here;
    }
    const chain: ChainLink[] = [];
    if (w.token) chain.push({ node: "token", requests: w.token });
    for (const k of top.path) if (w[k]) chain.push({ node: k, requests: w[k] });
    const requests = chain.reduce((s, l) => s + l.requests, 0);
    return { chain, requests, ms: requests * latencyMs, perNode, unattributed };
}

/** "token 1 → tenant 1 → FieldGroup 1 → … = 11" */
export function describeChain(b: Bound): string {
    if (!b.chain.length) return "no requests";
    return `${b.chain.map((l) => `${l.node} ${l.requests}`).join(" → ")} = ${b.requests}`;
}
