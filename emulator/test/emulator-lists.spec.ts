/**
 * Every family's lists, paged one item at a time: the first, a middle and the last page each answer
 * in the envelope Adobe documents, and each next link has the documented form (aep-api.md §4.4, §2.7).
 */
import { expect } from "chai";
import { CHATLIO_CONNECTION_SPEC_ID, Emulator, STREAMING_PROVIDER_ID, startEmulator } from "../src";
import { AepCaller, BASE, XED_FULL, XED_ID_LIST, chatlioFieldGroupBody, chatlioMappings, chatlioSchemaBody } from "./testing";

describe("list envelopes on the first, a middle and the last page", () => {
    let em: Emulator;
    let api: AepCaller;
    let schemaId: string;

    before(async () => {
        em = await startEmulator({ sandboxes: ["prod", "dev", "stage"] });
        api = new AepCaller(em.url);
        for (const t of ["Paged A", "Paged B", "Paged C"]) {
            const fg = await api.call("POST", `${BASE.schemaRegistry}/tenant/fieldgroups`, { body: chatlioFieldGroupBody("acme", t) });
            const schema = await api.call("POST", `${BASE.schemaRegistry}/tenant/schemas`, {
                body: chatlioSchemaBody(fg.body.$id, `${t} schema`),
            });
            schemaId = schema.body.$id;
            await api.call("POST", `${BASE.catalog}/dataSets`, {
                body: { name: `${t} dataset`, schemaRef: { id: schemaId, contentType: XED_FULL } },
            });
            await api.call("POST", `${BASE.flowService}/sourceConnections`, {
                body: {
                    name: `${t} source`,
                    providerId: STREAMING_PROVIDER_ID,
                    connectionSpec: { id: CHATLIO_CONNECTION_SPEC_ID, version: "1.0" },
                    data: { format: "json" },
                },
            });
            await api.call("POST", `${BASE.dataPrep}/mappingSets`, {
                body: {
                    name: `${t} mapping`,
                    outputSchema: { schemaRef: { id: schemaId, contentType: XED_FULL } },
                    mappings: chatlioMappings("acme"),
                },
            });
        }
    });
    after(() => em.close());

    /** Path and query of an absolute link on this emulator. */
    const local = (href: string) => {
        const u = new URL(href);
        expect(u.origin).to.equal(em.url);
        return u.pathname + u.search;
    };

    it("Schema Registry: {results, _page: {orderby, next, count}, _links: {next}}; next is the URI of the next page and _page.next its start; both null at the end", async () => {
        const titles: string[] = [];
        const pages: any[] = [];
        let path: string | null = `${BASE.schemaRegistry}/tenant/fieldgroups?orderby=title&limit=1`;
        while (path) {
            const res: any = await api.call("GET", path, { headers: { Accept: XED_ID_LIST } });
            expect(res.status).to.equal(200);
            expect(res.body).to.have.all.keys("results", "_page", "_links");
            expect(res.body._page).to.have.all.keys("orderby", "next", "count");
            expect(res.body._links).to.have.all.keys("next");
            pages.push(res.body);
            titles.push(...res.body.results.map((r: any) => r.title));
            path = res.body._links.next === null ? null : local(res.body._links.next);
        }
        expect(titles).to.deep.equal(["Paged A", "Paged B", "Paged C"]);
        expect(pages.map((p) => p._page)).to.deep.equal([
            { orderby: "title", next: "Paged A", count: 1 },
            { orderby: "title", next: "Paged B", count: 1 },
            { orderby: "title", next: null, count: 1 },
        ]);
        expect(new URL(pages[1]._links.next).searchParams.get("start")).to.equal("Paged B");
        const schemas = await api.call("GET", `${BASE.schemaRegistry}/tenant/schemas?orderby=title&limit=2`, {
            headers: { Accept: XED_ID_LIST },
        });
        expect(schemas.body._links).to.have.all.keys("next", "global_schemas");
        expect(schemas.body._links.global_schemas.href).to.equal(`${em.url}${BASE.schemaRegistry}/global/schemas`);
        const lastSchemas = await api.call("GET", local(schemas.body._links.next), { headers: { Accept: XED_ID_LIST } });
        expect(lastSchemas.body._links).to.deep.equal({ next: null, global_schemas: schemas.body._links.global_schemas });
    });

    it("Catalog: an object keyed by dataset id on every page, and nothing else (Adobe documents no paging metadata); start is the offset", async () => {
        const names: string[] = [];
        for (const start of [0, 1, 2]) {
            const res = await api.call("GET", `${BASE.catalog}/dataSets?limit=1&start=${start}`);
            expect(res.status).to.equal(200);
            const keys = Object.keys(res.body);
            expect(keys).to.have.length(1);
            expect(keys[0]).to.match(/^[0-9a-f]{24}$/);
            expect(res.body[keys[0]]).to.include.keys("name", "schemaRef", "version", "created");
            names.push(res.body[keys[0]].name);
        }
        expect(names).to.deep.equal(["Paged A dataset", "Paged B dataset", "Paged C dataset"]);
        expect((await api.call("GET", `${BASE.catalog}/dataSets?limit=1&start=3`)).body).to.deep.equal({});
    });

    it("Flow Service: {items, _links, count}; _links.next.href is /sourceConnections?continuationToken=…; the last page has _links: {}", async () => {
        const first = await api.call("GET", `${BASE.flowService}/sourceConnections?limit=1`);
        const middle = await api.call("GET", `${BASE.flowService}${first.body._links.next.href}`);
        const last = await api.call("GET", `${BASE.flowService}${middle.body._links.next.href}`);
        for (const page of [first, middle, last]) {
            expect(page.body).to.have.all.keys("items", "_links", "count");
            expect(page.body.count).to.equal(1);
        }
        for (const page of [first, middle])
            expect(page.body._links.next.href).to.match(/^\/sourceConnections\?continuationToken=[A-Za-z0-9_-]+$/);
        expect(last.body._links).to.deep.equal({});
        expect([first, middle, last].map((p) => p.body.items[0].name)).to.deep.equal([
            "Paged A source",
            "Paged B source",
            "Paged C source",
        ]);
    });

    it("Data Prep: {data, _page: {count, limit}, _links}; _links.next.href is the next page's URI while sets follow; the last page has _links: {}", async () => {
        const pages: any[] = [];
        let path: string | undefined = `${BASE.dataPrep}/mappingSets?limit=1&start=0&orderBy=%2BcreatedDate`;
        while (path) {
            const res: any = await api.call("GET", path);
            expect(res.status).to.equal(200);
            expect(res.body).to.have.all.keys("data", "_page", "_links");
            expect(res.body._page).to.deep.equal({ count: 1, limit: 1 });
            pages.push(res.body);
            path = res.body._links.next ? local(res.body._links.next.href) : undefined;
        }
        expect(pages.map((p) => p.data[0].name)).to.deep.equal(["Paged A mapping", "Paged B mapping", "Paged C mapping"]);
        expect(new URL(pages[0]._links.next.href).searchParams.get("orderBy")).to.equal("+createdDate");
        expect(pages[1]._links.next.href).to.equal(`${em.url}${BASE.dataPrep}/mappingSets?orderBy=%2BcreatedDate&limit=1&start=2`);
        expect(pages[2]._links).to.deep.equal({});
    });

    it("sandboxes: {sandboxes, _page: {limit, count}, _links}; next is Adobe's URI template (templated: true) while sandboxes follow, with page and prev links", async () => {
        const at = (o: number) => ({ href: `${em.url}${BASE.sandbox}/sandboxes?offset=${o}&limit=1`, templated: false });
        const template = { href: `${em.url}${BASE.sandbox}/sandboxes/?limit={limit}&offset={offset}`, templated: true };
        const pages = [];
        for (const offset of [0, 1, 2]) {
            const res = await api.call("GET", `${BASE.sandbox}/sandboxes?limit=1&offset=${offset}`);
            expect(res.status).to.equal(200);
            expect(res.body).to.have.all.keys("sandboxes", "_page", "_links");
            expect(res.body._page).to.deep.equal({ limit: 1, count: 1 });
            pages.push(res.body);
        }
        expect(pages.map((p) => p.sandboxes[0].name)).to.deep.equal(["prod", "dev", "stage"]);
        expect(pages[0]._links).to.deep.equal({ next: template, page: at(0) });
        expect(pages[1]._links).to.deep.equal({ next: template, prev: at(0), page: at(1) });
        expect(pages[2]._links).to.deep.equal({ prev: at(1), page: at(2) });
        const all = await api.call("GET", `${BASE.sandbox}/sandboxes`);
        expect(all.body._page).to.deep.equal({ limit: 50, count: 3 });
        expect(all.body._links).to.deep.equal({ page: { href: `${em.url}${BASE.sandbox}/sandboxes?offset=0&limit=50`, templated: false } });
        const available = await api.call("GET", `${BASE.sandbox}/?limit=2&offset=0`);
        expect(available.body._links.next).to.deep.equal({
            href: `${em.url}${BASE.sandbox}/?limit={limit}&offset={offset}`,
            templated: true,
        });
        // "The limit and offset query parameters have to be specified together" (Sandbox API guide).
        expect((await api.call("GET", `${BASE.sandbox}/sandboxes?limit=1`)).status).to.equal(400);
        expect((await api.call("GET", `${BASE.sandbox}/sandboxes?offset=1`)).status).to.equal(400);
        const dev = await api.call("GET", `${BASE.sandbox}/sandboxes?property=${encodeURIComponent("name==dev")}`);
        expect(dev.body.sandboxes.map((s: any) => s.name)).to.deep.equal(["dev"]);
    });
});
