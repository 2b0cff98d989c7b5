/**
 * Sandbox management (/data/foundation/sandbox-management): the sandbox lookup a client may use as a
 * pre-flight check, and the lists (aep-api.md §2.7). The sandboxes are those given in EmulatorOptions.
 */
import { problem } from "./errors";
import { matchesProperty } from "./util";
import { Core, Ctx, Reply, RouteInfo, Router, sandboxId, sandboxType } from "./http";

export const SANDBOX_BASE = "/data/foundation/sandbox-management";

const router = new Router("Sandbox", SANDBOX_BASE);

export function handleSandbox(ctx: Ctx): Reply {
    return router.dispatch(ctx, () => problem(405, `${ctx.method} is not allowed on ${ctx.path}`));
}

/** The family's routes: served, and described by Adobe but not served. */
export function sandboxRoutes(): RouteInfo[] {
    return router.table();
}

/** A fixed creation date, so a sandbox looks the same from one run to the next. */
const CREATED = "2024-01-01T00:00:00.000Z";

function describe(core: Core, name: string, full: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {
        name,
        title: name === "prod" ? "Production" : name.charAt(0).toUpperCase() + name.slice(1),
        state: "active",
        type: sandboxType(name),
        region: "VA7",
        isDefault: name === "prod",
        etag: 1,
        createdDate: CREATED,
        lastModifiedDate: CREATED,
        createdBy: "emulator",
        modifiedBy: "emulator",
    };
    if (full) {
        out.id = sandboxId(name, core);
        out._system = {
            state: "active",
            createdDate: CREATED,
            createdBy: "emulator",
            lastModifiedDate: CREATED,
            lastModifiedBy: "emulator",
        };
    }
    return out;
}

/**
 * The sandbox lists: `{sandboxes, _page: {limit, count}, _links}` (sandbox.yaml ListSandboxes; Page,
 * Page.Links).
 * - Paging: `limit` and `offset`, which "have to be specified together" (an error otherwise); without them
 *   limit 50 and offset 0. These come from Adobe's Sandbox API guide (its appendix on query parameters),
 *   not from the spec, which lists only `property` and `orderBy` here.
 * - `_links` as that guide's example shows it: `next` is the URI template
 *   `…/sandboxes/?limit={limit}&offset={offset}` with `templated: true`, present while more sandboxes
 *   follow; `page` is this page's URI and `prev` the previous page's (present past the first), each with
 *   `templated: false` (the example shows null there, the spec's Link types it boolean: the spec is
 *   followed). The last page has no `next`.
 * - `property=name==x` (also `!=`, and `~` for a regex) filters, `orderBy=asc:name` / `desc:…` sorts.
 */
function list(full: boolean) {
    return (ctx: Ctx): Reply => {
        const q = ctx.query;
        const given = ["limit", "offset"].filter((k) => q.has(k));
        if (given.length === 1) throw problem(400, `"limit" and "offset" have to be specified together; "${given[0]}" came alone.`);
        let limit = 50;
        let offset = 0;
        if (given.length === 2) {
            const l = q.get("limit") as string;
            const o = q.get("offset") as string;
            if (!/^\d+$/.test(l) || Number(l) < 1) throw problem(400, `"limit" must be a positive integer.`);
            if (!/^\d+$/.test(o)) throw problem(400, `"offset" must be a non-negative integer.`);
            limit = Number(l);
            offset = Number(o);
        }
        let rows = ctx.core.sandboxes.map((n) => describe(ctx.core, n, full));
        for (const p of q.getAll("property")) rows = rows.filter((r) => matchesProperty(r, p));
        const orderBy = q.get("orderBy");
        if (orderBy) {
            const m = /^(asc|desc):([^,]+)/.exec(orderBy);
            if (!m) throw problem(400, `"orderBy" must look like asc:name or desc:createdDate.`);
            const [, dir, key] = m;
            rows = [...rows].sort((a: any, b: any) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * (dir === "desc" ? -1 : 1));
        }
        const page = rows.slice(offset, offset + limit);
        const base = `${ctx.core.url}${SANDBOX_BASE}${full ? "/sandboxes" : ""}`;
        const at = (o: number) => ({ href: `${base}?offset=${o}&limit=${limit}`, templated: false });
        const links: Record<string, unknown> = {};
        if (offset + page.length < rows.length) links.next = { href: `${base}/?limit={limit}&offset={offset}`, templated: true };
        if (offset > 0) links.prev = at(Math.max(0, offset - limit));
        links.page = at(offset);
        return { status: 200, body: { sandboxes: page, _page: { limit, count: page.length }, _links: links } };
    };
}

router
    .on("GET", "/", list(false))
    .on("GET", "/sandboxes", list(true))
    .on("GET", "/sandboxes/:name", (ctx, p) => {
        if (!ctx.core.sandboxes.includes(p.name)) throw problem(404, `The sandbox "${p.name}" was not found.`);
        return { status: 200, body: describe(ctx.core, p.name, true) };
    });

// Described in the spec, not served: sandbox types and changes to sandboxes (the emulator's sandboxes are
// the ones it was started with).
const SANDBOX_SPEC = "sandbox.yaml";
router
    .notServed("GET", "/sandboxTypes", SANDBOX_SPEC)
    .notServed("POST", "/sandboxes", SANDBOX_SPEC)
    .notServed("PUT", "/sandboxes/:name", SANDBOX_SPEC)
    .notServed("PATCH", "/sandboxes/:name", SANDBOX_SPEC)
    .notServed("DELETE", "/sandboxes/:name", SANDBOX_SPEC);

/** Sandbox tooling (packages, imports, transfers), the other half of Adobe's sandbox spec: not served. */
export const SANDBOX_TOOLING_BASE = "/data/foundation/exim";

const tooling = new Router("Sandbox tooling", SANDBOX_TOOLING_BASE);
for (const [method, path] of [
    ["GET", "/packages"],
    ["POST", "/packages"],
    ["PUT", "/packages"],
    ["PUT", "/packages/import"],
    ["GET", "/packages/jobs"],
    ["PUT", "/packages/update"],
    ["GET", "/packages/:id"],
    ["DELETE", "/packages/:id"],
    ["GET", "/packages/:id/export"],
    ["GET", "/packages/:id/import"],
    ["POST", "/packages/:id/children"],
    ["GET", "/packages/payload/:id"],
    ["GET", "/packages/preflight/:id/export"],
    ["POST", "/handshake/bulkCreate"],
    ["POST", "/handshake/action"],
    ["GET", "/handshake/list"],
    ["POST", "/transfer"],
    ["GET", "/transfer/:id"],
    ["GET", "/transfer/list"],
    ["POST", "/transfer/pullRequest"],
    ["GET", "/tools/job/:id"],
]) {
    tooling.notServed(method, path, SANDBOX_SPEC);
}

export function handleSandboxTooling(ctx: Ctx): Reply {
    return tooling.dispatch(ctx, () => problem(405, `${ctx.method} is not allowed on ${ctx.path}`));
}

export function sandboxToolingRoutes(): RouteInfo[] {
    return tooling.table();
}
