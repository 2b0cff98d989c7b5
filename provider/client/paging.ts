import type { AepClient, AepRequest } from "./client";

type Query = Record<string, string | number | undefined>;

/**
 * Every item of a list, following each family's paging (aep-api.md §4.4):
 * - flowService: `{items, _links.next.href}`; the next page's parameters (continuationToken) come from the href.
 * - catalog: an object keyed by id (→ `[{id, ...}]`); `start` offset and `limit` ≤ 100 until a short page.
 * - schemaRegistry: `{results, _page.next}`; `orderby` (default title), `start` = `_page.next`, `limit` ≤ 300.
 * - dataPrep: `{data, _page.count}`; `start` offset and `limit` (default 50, as in the docs) until a short page.
 * Stops after 1000 pages or when a next page repeats.
 */
export async function listAll(
    c: AepClient,
    family: AepRequest["family"],
    path: string,
    query: Query,
    operation: string,
    accept?: string,
): Promise<any[]> {
    const out: any[] = [];
    const offset = family === "catalog" || family === "dataPrep";
    const limit =
        family === "catalog"
            ? Math.min(Number(query.limit) || 100, 100)
            : family === "schemaRegistry"
              ? Math.min(Number(query.limit) || 300, 300)
              : Number(query.limit) || 50;
    let q: Query = { ...(family === "schemaRegistry" ? { orderby: "title" } : {}), ...query };
    if (family !== "flowService") q.limit = limit;
    if (offset) q.start = Number(query.start) || 0;
    const headers = family === "schemaRegistry" ? { Accept: accept ?? "application/vnd.adobe.xed-id+json" } : undefined;
    const seen = new Set<string>();
    for (let page = 0; page < 1000; page++) {
        const { data } = await c.request({ family, method: "GET", path, query: q, headers, operation });
        const raw =
            family === "flowService"
                ? data?.items
                : family === "schemaRegistry"
                  ? data?.results
                  : family === "dataPrep"
                    ? data?.data
                    : Array.isArray(data)
                      ? data
                      : Object.entries(data && typeof data === "object" ? data : {}).map(([id, v]) => ({ ...(v as object), id }));
        const rows: any[] = Array.isArray(raw) ? raw : [];
        out.push(...rows);
        let next: Query;
        if (offset) {
            const total = data?._page?.count;
            if (rows.length < limit || (typeof total === "number" && total > limit && out.length >= total)) break;
            next = { start: Number(q.start) + rows.length };
        } else if (family === "schemaRegistry") {
            if (data?._page?.next == null || data._page.next === "") break;
            next = { start: String(data._page.next) };
        } else {
            const href = data?._links?.next?.href;
            if (typeof href !== "string" || !href.includes("?")) break;
            next = Object.fromEntries(new URL(href, "http://next.invalid").searchParams);
        }
        const key = JSON.stringify(next);
        if (seen.has(key)) break;
        seen.add(key);
        q = { ...q, ...next };
    }
    return out;
}
