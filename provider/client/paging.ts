import type { AepClient } from "./client";

type Query = Record<string, string | number | undefined>;
/** A guard against a service that keeps returning a next page forever. */
const MAX_PAGES = 1000;

/** Flow Service: `{items, _links.next.href}`; the next page's parameters (continuationToken) come from that href. */
export async function listFlowService<T>(c: AepClient, path: string, query: Query, operation: string): Promise<T[]> {
  const out: T[] = [];
  let q: Query = { ...query };
  const seen = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data } = await c.request({ family: "flowService", method: "GET", path, query: q, operation });
    out.push(...((data?.items ?? []) as T[]));
    const href = data?._links?.next?.href;
    if (typeof href !== "string" || !href || seen.has(href)) break;
    seen.add(href);
    const next = new URL(href, "http://next.invalid").searchParams;
    if (![...next.keys()].length) break;
    q = { ...q };
    next.forEach((v, k) => (q[k] = v));
  }
  return out;
}

/** Catalog: an object keyed by id, `start` (offset) and `limit` (at most 100) until a short page. */
export async function listCatalog<T>(c: AepClient, path: string, query: Query, operation: string): Promise<Array<T & { id: string }>> {
  const out: Array<T & { id: string }> = [];
  const limit = Math.min(Number(query.limit) || 100, 100);
  let start = Number(query.start) || 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data } = await c.request({ family: "catalog", method: "GET", path, query: { ...query, start, limit }, operation });
    const rows: Array<T & { id: string }> = Array.isArray(data)
      ? data
      : Object.entries(data && typeof data === "object" ? data : {}).map(([id, v]) => ({ ...(v as any), id }));
    out.push(...rows);
    if (rows.length < limit) break;
    start += rows.length;
  }
  return out;
}

/** Schema Registry: `{results, _page.next}`; `orderby` (default title) with `start` = the last sort value. */
export async function listSchemaRegistry<T>(c: AepClient, path: string, query: Query, operation: string, accept?: string): Promise<T[]> {
  const out: T[] = [];
  const q: Query = { orderby: "title", ...query, limit: Math.min(Number(query.limit) || 300, 300) };
  const headers = { Accept: accept ?? "application/vnd.adobe.xed-id+json" };
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data } = await c.request({ family: "schemaRegistry", method: "GET", path, query: q, headers, operation });
    out.push(...((data?.results ?? []) as T[]));
    const next = data?._page?.next;
    if (next === undefined || next === null || next === "" || String(next) === String(q.start)) break;
    q.start = String(next);
  }
  return out;
}

/** Data Prep: `{data, _page{count, limit}}` with `start` (offset) and `limit` until a short page. */
export async function listDataPrep<T>(c: AepClient, path: string, query: Query, operation: string): Promise<T[]> {
  const out: T[] = [];
  const limit = Number(query.limit) || 100;
  let start = Number(query.start) || 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data } = await c.request({ family: "dataPrep", method: "GET", path, query: { ...query, start, limit }, operation });
    const rows = (Array.isArray(data?.data) ? data.data : []) as T[];
    out.push(...rows);
    const total = data?._page?.count;
    if (rows.length < limit || (typeof total === "number" && total > limit && out.length >= total)) break;
    start += rows.length;
  }
  return out;
}
