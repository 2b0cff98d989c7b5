/**
 * The emulated Schema Registry's Profile side (aep-api.md §2.2.2, §2.2.4, §2.2.5, §2.3): identity
 * descriptors with their Accept headers, the immutable `union` tag, XDM-1528-400, and schema evolution
 * once a dataset has ingested records or is Profile-enabled.
 */
import { expect } from "chai";
import { Emulator, startEmulator } from "../src";
import { AepCaller, BASE, XED_FULL, XED_LOOKUP, buildChatlioChain, chatlioFieldGroupBody } from "./testing";
import { CHATLIO_PAYLOADS } from "./samples";
import { destructiveChanges, profileProblem } from "../src/xdm";

const SR = BASE.schemaRegistry;
const enc = encodeURIComponent;
const XDM = "application/vnd.adobe.xdm+json";

describe("emulated Profile: descriptors, the union tag and schema evolution", () => {
    let em: Emulator;
    let api: AepCaller;
    let n = 0;

    const identity = (schemaId: string, extra: Record<string, unknown> = {}) => ({
        "@type": "xdm:descriptorIdentity",
        "xdm:sourceSchema": schemaId,
        "xdm:sourceVersion": 1,
        "xdm:sourceProperty": "/_acme/chatlio/email",
        "xdm:namespace": "Email",
        "xdm:property": "xdm:code",
        "xdm:isPrimary": true,
        ...extra,
    });
    const enableProfile = (schemaId: string) =>
        api.call("PATCH", `${SR}/tenant/schemas/${enc(schemaId)}`, {
            body: [{ op: "add", path: "/meta:immutableTags", value: ["union"] }],
        });
    const chain = () => buildChatlioChain(api, { suffix: ` p${++n}` });

    before(async () => {
        em = await startEmulator();
        api = new AepCaller(em.url);
    });
    after(() => em.close());

    it("creates, reads, lists, rewrites and deletes an identity descriptor with the documented Accept headers", async () => {
        const { schemaId } = await chain();
        const created = await api.call("POST", `${SR}/tenant/descriptors`, { body: identity(schemaId) });
        expect(created.status, JSON.stringify(created.body)).to.equal(201);
        const id = created.body["@id"];
        expect(id).to.match(/^[0-9a-f]{40}$/);
        expect(created.body).to.include({ version: "1", "meta:containerId": "tenant", "xdm:namespace": "Email", "xdm:isPrimary": true });

        const got = await api.call("GET", `${SR}/tenant/descriptors/${id}`, { headers: { Accept: XDM } });
        expect(got.status).to.equal(200);
        expect(got.body["xdm:sourceProperty"]).to.equal("/_acme/chatlio/email");
        // A schema's Accept on a descriptor: XDM-1009-400.
        const wrong = await api.call("GET", `${SR}/tenant/descriptors/${id}`, { headers: { Accept: XED_LOOKUP } });
        expect(wrong.status).to.equal(400);
        expect(wrong.body.type).to.match(/XDM-1009-400$/);

        const byType = await api.call("GET", `${SR}/tenant/descriptors?property=${enc(`xdm:sourceSchema==${schemaId}`)}`, {
            headers: { Accept: "application/vnd.adobe.xdm-id+json" },
        });
        expect(byType.body).to.deep.equal({ "xdm:descriptorIdentity": [id] });
        const full = await api.call("GET", `${SR}/tenant/descriptors`, { headers: { Accept: XDM } });
        expect(full.body["xdm:descriptorIdentity"].map((d: any) => d["@id"])).to.include(id);
        const paged = await api.call("GET", `${SR}/tenant/descriptors`, { headers: { Accept: "application/vnd.adobe.xdm-v2+json" } });
        expect(paged.body.results.map((d: any) => d["@id"])).to.include(id);
        expect(paged.body._page).to.include({ next: null });
        const versioned = await api.call("GET", `${SR}/tenant/descriptors`, { headers: { Accept: "application/vnd.adobe.xed-id+json" } });
        expect(versioned.body.type).to.match(/XDM-1008-400$/);

        const put = await api.call("PUT", `${SR}/tenant/descriptors/${id}`, { body: identity(schemaId, { "xdm:isPrimary": false }) });
        expect(put.status).to.equal(200);
        expect(put.body).to.include({ "@id": id, "xdm:isPrimary": false });

        expect((await api.call("DELETE", `${SR}/tenant/descriptors/${id}`)).status).to.equal(204);
        expect((await api.call("DELETE", `${SR}/tenant/descriptors/${id}`)).status).to.equal(404);
        expect((await api.call("GET", `${SR}/tenant/descriptors/${id}`, { headers: { Accept: XDM } })).status).to.equal(404);
    });

    it("refuses a descriptor on a field the schema lacks, or with the properties segments in its path", async () => {
        const { schemaId } = await chain();
        const missing = await api.call("POST", `${SR}/tenant/descriptors`, {
            body: identity(schemaId, { "xdm:sourceProperty": "/_acme/chatlio/phone" }),
        });
        expect(missing.status).to.equal(400);
        expect(missing.body.detail).to.contain("/_acme/chatlio/phone");
        const segments = await api.call("POST", `${SR}/tenant/descriptors`, {
            body: identity(schemaId, { "xdm:sourceProperty": "/properties/_acme/properties/chatlio/properties/email" }),
        });
        expect(segments.status).to.equal(400);
        const noNamespace = await api.call("POST", `${SR}/tenant/descriptors`, { body: identity(schemaId, { "xdm:namespace": "" }) });
        expect(noNamespace.status).to.equal(400);
    });

    it("enables Profile on an ExperienceEvent schema (identityMap comes with the class) and never removes the tag", async () => {
        const { schemaId } = await chain();
        const on = await enableProfile(schemaId);
        expect(on.status, JSON.stringify(on.body)).to.equal(200);
        expect(on.body["meta:immutableTags"]).to.deep.equal(["union"]);
        const off = await api.call("PATCH", `${SR}/tenant/schemas/${enc(schemaId)}`, {
            body: [{ op: "remove", path: "/meta:immutableTags" }],
        });
        expect(off.status).to.equal(400);
        expect(off.body.detail).to.match(/"union".*never removed/);
        const emptied = await api.call("PATCH", `${SR}/tenant/schemas/${enc(schemaId)}`, {
            body: [{ op: "replace", path: "/meta:immutableTags", value: [] }],
        });
        expect(emptied.status).to.equal(400);
        // A PUT that leaves the key out keeps the tag.
        const current = await api.call("GET", `${SR}/tenant/schemas/${enc(schemaId)}`, { headers: { Accept: XED_LOOKUP } });
        const { "meta:immutableTags": _tags, ...rest } = current.body;
        const put = await api.call("PUT", `${SR}/tenant/schemas/${enc(schemaId)}`, { body: { ...rest, description: "rewritten" } });
        expect(put.status).to.equal(200);
        expect(put.body["meta:immutableTags"]).to.deep.equal(["union"]);
    });

    it("refuses Profile (XDM-1528-400) to a schema with neither a primary identity nor identityMap", () => {
        // The emulator knows one class, ExperienceEvent, which brings identityMap: the rule is shown on a
        // schema whose merged fields lack it, with and without a primary identity descriptor.
        const schema = { $id: "https://ns.adobe.com/acme/schemas/abc", allOf: [] };
        expect(profileProblem(schema, {}, {})).to.match(/no primary identity and no identityMap/);
        const primary = { d1: { "@type": "xdm:descriptorIdentity", "xdm:sourceSchema": schema.$id, "xdm:isPrimary": true } };
        expect(profileProblem(schema, {}, primary)).to.equal(undefined);
        const notPrimary = { d1: { ...primary.d1, "xdm:isPrimary": false } };
        expect(profileProblem(schema, {}, notPrimary)).to.match(/no primary identity/);
    });

    it("names each destructive change: removed, type changed, made required, enum narrowed; additions are none", () => {
        const before = {
            a: { type: "string" },
            b: { type: "string" },
            o: { type: "object", properties: { x: { type: "string", enum: ["p", "q"] } } },
        };
        const after = {
            a: { type: "integer" },
            o: { type: "object", required: ["x"], properties: { x: { type: "string", enum: ["p"] }, y: { type: "string" } } },
            c: { type: "string" },
        };
        expect(destructiveChanges(before, after).map((c) => `${c.kind} ${c.path}`)).to.deep.equal([
            "type a",
            "removed b",
            "required o.x",
            "enum o.x",
        ]);
        expect(destructiveChanges(before, { ...before, c: { type: "string" } })).to.deep.equal([]);
    });

    it("allows any change before data lands, then refuses destructive ones once the dataset holds records", async () => {
        const c = await chain();
        const fgPath = `${SR}/tenant/fieldgroups/${enc(c.fieldGroupId)}`;
        const body = (change: (chatlio: any) => void) => {
            const b: any = chatlioFieldGroupBody("acme", `Chatlio Event Details p${n}`);
            const chatlio = b.definitions.chatlio.properties._acme.properties.chatlio;
            chatlio.properties.messageCount = { type: "number" }; // the change made before data landed
            change(chatlio);
            return b;
        };
        // No data yet: a type change passes.
        const early = await api.call("PUT", fgPath, { body: body(() => undefined) });
        expect(early.status, JSON.stringify(early.body)).to.equal(200);
        const post = await fetch(`${c.inletUrl}?x-adobe-flow-id=${c.flowId}`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(CHATLIO_PAYLOADS.newConversation),
        });
        expect(post.status).to.equal(200);
        expect(em.records(c.datasetId)).to.have.length(1);

        const removed = await api.call("PUT", fgPath, { body: body((ch) => delete ch.properties.slackChannelId) });
        expect(removed.status).to.equal(400);
        expect(removed.body.type).to.match(/XDM-1004-400$/);
        expect(removed.body.detail)
            .to.contain(`dataset ${c.datasetId} has ingested 1 record(s)`)
            .and.contain(`field "_acme.chatlio.slackChannelId" is removed`);
        const required = await api.call("PUT", fgPath, { body: body((ch) => (ch.required = ["email"])) });
        expect(required.status).to.equal(400);
        expect(required.body.detail).to.contain(`"_acme.chatlio.email" is made required`);
        // Additive: a new optional field passes.
        const added = await api.call("PUT", fgPath, { body: body((ch) => (ch.properties.rating = { type: "integer" })) });
        expect(added.status, JSON.stringify(added.body)).to.equal(200);
        // Removing the field group from the schema removes its fields: refused too.
        const schema = await api.call("GET", `${SR}/tenant/schemas/${enc(c.schemaId)}`, { headers: { Accept: XED_LOOKUP } });
        const dropped = await api.call("PUT", `${SR}/tenant/schemas/${enc(c.schemaId)}`, {
            body: { ...schema.body, allOf: schema.body.allOf.slice(0, 1) },
        });
        expect(dropped.status).to.equal(400);
        expect(dropped.body.detail).to.contain("_acme");
    });

    it("refuses destructive changes once the dataset is Profile-enabled, even without data", async () => {
        const c = await chain();
        const tag = await api.call("PATCH", `${BASE.catalog}/dataSets/${c.datasetId}`, {
            body: { tags: { unifiedProfile: ["enabled:true"], unifiedIdentity: ["enabled:true"] } },
        });
        expect(tag.status).to.equal(200);
        const b: any = chatlioFieldGroupBody("acme", `Chatlio Event Details p${n}`);
        b.definitions.chatlio.properties._acme.properties.chatlio.properties.messageCount = { type: "string" };
        const res = await api.call("PUT", `${SR}/tenant/fieldgroups/${enc(c.fieldGroupId)}`, { body: b });
        expect(res.status).to.equal(400);
        expect(res.body.detail).to.contain(`dataset ${c.datasetId} is enabled for Profile`).and.contain("messageCount");
        const ds = await api.call("GET", `${BASE.catalog}/dataSets/${c.datasetId}`);
        expect(ds.body[c.datasetId].tags).to.deep.include({ unifiedProfile: ["enabled:true"] });
        expect(ds.body[c.datasetId].schemaRef).to.deep.equal({ id: c.schemaId, contentType: XED_FULL });
    });

    it("deletes a schema's descriptors with it", async () => {
        const fg = await api.call("POST", `${SR}/tenant/fieldgroups`, { body: chatlioFieldGroupBody("acme", `Lonely fields ${++n}`) });
        const schema = await api.call("POST", `${SR}/tenant/schemas`, {
            body: {
                type: "object",
                title: `Lonely ${n}`,
                description: "x",
                allOf: [{ $ref: "https://ns.adobe.com/xdm/context/experienceevent" }, { $ref: fg.body.$id }],
            },
        });
        const d = await api.call("POST", `${SR}/tenant/descriptors`, { body: identity(schema.body.$id) });
        expect(em.objects().some((o) => o.kind === "descriptor" && o.id === d.body["@id"])).to.equal(true);
        expect((await api.call("DELETE", `${SR}/tenant/schemas/${enc(schema.body.$id)}`)).status).to.equal(204);
        expect(em.objects().some((o) => o.id === d.body["@id"])).to.equal(false);
    });
});
