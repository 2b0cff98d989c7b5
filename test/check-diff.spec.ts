/**
 * check and diff, called directly on each resource's provider: bad input is refused offline with a
 * message naming the field and the fix; diffs own only their fields and replace only where AEP must.
 */
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import * as aep from "../provider/internal";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { LooseProvider } from "./support/stack";

const { UNKNOWN } = aep;
const fieldGroupProvider = aep.fieldGroupProvider as unknown as LooseProvider;
const schemaProvider = aep.schemaProvider as unknown as LooseProvider;
const datasetProvider = aep.datasetProvider as unknown as LooseProvider;
const sourceConnectionProvider = aep.sourceConnectionProvider as unknown as LooseProvider;
const targetConnectionProvider = aep.targetConnectionProvider as unknown as LooseProvider;
const mappingSetProvider = aep.mappingSetProvider as unknown as LooseProvider;
const dataflowProvider = aep.dataflowProvider as unknown as LooseProvider;

const SCHEMA = "https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef";
const FIELD_GROUP = "https://ns.adobe.com/acme/mixins/0123456789abcdef0123456789abcdef";
const DATASET = "0123456789abcdef01234567";
const UUID1 = "11111111-2222-4333-8444-555555555555";
const UUID2 = "66666666-7777-4888-9999-aaaaaaaaaaaa";
const MAPPING = "0123456789abcdef0123456789abcdef";

type Provider = LooseProvider;

/** Stack config as the engine hands it to configure; `overrides` may drop keys with undefined. */
function configure(provider: Provider, url: string, overrides: Record<string, string | undefined> = {}) {
    const values: Record<string, string | undefined> = {
        "aep:clientId": "test-client",
        "aep:clientSecret": "test.secret.not.real",
        "aep:orgId": "0123456789ABCDEF01234567@AdobeOrg",
        "aep:platformUrl": url,
        "aep:imsUrl": url,
        ...overrides,
    };
    return provider.configure!({ config: { get: (k: string) => values[k], require: (k: string) => values[k]! } });
}

const valid = {
    fieldGroup: { resourceName: "fg", fields: { message: { type: "string" } } },
    schema: { resourceName: "s", fieldGroupIds: [FIELD_GROUP] },
    dataset: { resourceName: "d", schemaId: SCHEMA },
    source: { resourceName: "src" },
    target: { resourceName: "t", datasetId: DATASET, schemaId: SCHEMA },
    mapping: {
        resourceName: "m",
        schemaId: SCHEMA,
        mappings: [{ source: "message", destination: "_acme.chatlio.message" }],
        schemaFieldPaths: ["_acme.chatlio.message", "_id"],
    },
    flow: { resourceName: "f", sourceConnectionId: UUID1, targetConnectionId: UUID2, mappingSetId: MAPPING, mappingVersion: 0 },
};

const providers: Record<keyof typeof valid, Provider> = {
    fieldGroup: fieldGroupProvider,
    schema: schemaProvider,
    dataset: datasetProvider,
    source: sourceConnectionProvider,
    target: targetConnectionProvider,
    mapping: mappingSetProvider,
    flow: dataflowProvider,
};

interface BadCase {
    what: string;
    kind: keyof typeof valid;
    inputs: Record<string, unknown>;
    property: string;
    reason: RegExp;
    config?: Record<string, string | undefined>;
    env?: Record<string, string | undefined>;
}

const bad: BadCase[] = [
    { what: "an empty dataset name", kind: "dataset", inputs: { name: "" }, property: "name", reason: /must not be empty/ },
    {
        what: "a dataset name of 300 characters",
        kind: "dataset",
        inputs: { name: "x".repeat(300) },
        property: "name",
        reason: /at most 255: shorten it/,
    },
    {
        what: "a field group title that is blank",
        kind: "fieldGroup",
        inputs: { title: "   " },
        property: "title",
        reason: /must not be empty/,
    },
    {
        what: "a sandbox name in capitals",
        kind: "dataset",
        inputs: { sandboxName: "Prod" },
        property: "sandboxName",
        reason: /lowercase letters, digits and hyphens/,
    },
    {
        what: "a sandbox name with a space",
        kind: "schema",
        inputs: { sandboxName: "my sandbox" },
        property: "sandboxName",
        reason: /not an AEP sandbox name/,
    },
    {
        what: "a field group without fields",
        kind: "fieldGroup",
        inputs: { fields: undefined },
        property: "fields",
        reason: /fields is required/,
    },
    {
        what: "a field group with no field",
        kind: "fieldGroup",
        inputs: { fields: {} },
        property: "fields",
        reason: /at least one XDM field/,
    },
    {
        what: "an XDM field of an unknown type",
        kind: "fieldGroup",
        inputs: { fields: { age: { type: "int" } } },
        property: "fields.age.type",
        reason: /not an XDM type: use one of string/,
    },
    {
        what: "a field name starting with an underscore",
        kind: "fieldGroup",
        inputs: { fields: { _secret: { type: "string" } } },
        property: "fields._secret",
        reason: /not starting with "_"/,
    },
    {
        what: "a field name with a dot",
        kind: "fieldGroup",
        inputs: { fields: { "a.b": { type: "string" } } },
        property: "fields.a.b",
        reason: /letters, digits/,
    },
    {
        what: "an object field without properties",
        kind: "fieldGroup",
        inputs: { fields: { visitor: { type: "object" } } },
        property: "fields.visitor.properties",
        reason: /add at least one sub-field/,
    },
    {
        what: "an array field without items",
        kind: "fieldGroup",
        inputs: { fields: { tags: { type: "array" } } },
        property: "fields.tags.items",
        reason: /add items/,
    },
    {
        what: "a date-time format on a number",
        kind: "fieldGroup",
        inputs: { fields: { at: { type: "number", format: "date-time" } } },
        property: "fields.at.format",
        reason: /apply to strings only/,
    },
    {
        what: "an enum of numbers",
        kind: "fieldGroup",
        inputs: { fields: { level: { type: "string", enum: [1, 2] } } },
        property: "fields.level.enum",
        reason: /list of strings/,
    },
    {
        what: "properties on a string field",
        kind: "fieldGroup",
        inputs: { fields: { name: { type: "string", properties: { a: { type: "string" } } } } },
        property: "fields.name.properties",
        reason: /use type "object"/,
    },
    {
        what: "a dataset id where a schema $id belongs",
        kind: "dataset",
        inputs: { schemaId: DATASET },
        property: "schemaId",
        reason: /not a tenant schema \$id: pass the `id` output/,
    },
    {
        what: "a schema $id where a field group belongs",
        kind: "schema",
        inputs: { fieldGroupIds: [SCHEMA] },
        property: "fieldGroupIds[0]",
        reason: /not a tenant field group \$id/,
    },
    {
        what: "the same field group twice",
        kind: "schema",
        inputs: { fieldGroupIds: [FIELD_GROUP, FIELD_GROUP] },
        property: "fieldGroupIds",
        reason: /twice/,
    },
    {
        what: "a class that is not an XDM $id",
        kind: "schema",
        inputs: { classId: "ExperienceEvent" },
        property: "classId",
        reason: /not a XDM class \$id/,
    },
    {
        what: "a schema $id where a dataset id belongs",
        kind: "target",
        inputs: { datasetId: SCHEMA },
        property: "datasetId",
        reason: /not a dataset id/,
    },
    {
        what: "a missing dataset id",
        kind: "target",
        inputs: { datasetId: undefined },
        property: "datasetId",
        reason: /datasetId is required/,
    },
    {
        what: "a non-UUID connection spec",
        kind: "source",
        inputs: { connectionSpecId: "chatlio" },
        property: "connectionSpecId",
        reason: /not a connection spec id/,
    },
    { what: "an XML data format for Chatlio", kind: "source", inputs: { dataFormat: "xml" }, property: "dataFormat", reason: /use "json"/ },
    {
        what: "a dataset id where a source connection id belongs",
        kind: "flow",
        inputs: { sourceConnectionId: DATASET },
        property: "sourceConnectionId",
        reason: /not a source connection id/,
    },
    {
        what: "a UUID where a mapping set id belongs",
        kind: "flow",
        inputs: { mappingSetId: UUID1 },
        property: "mappingSetId",
        reason: /not a mapping set id/,
    },
    {
        what: "a negative mapping version",
        kind: "flow",
        inputs: { mappingVersion: -1 },
        property: "mappingVersion",
        reason: /whole number/,
    },
    {
        what: "a mapping version given as text",
        kind: "flow",
        inputs: { mappingVersion: "1" },
        property: "mappingVersion",
        reason: /whole number/,
    },
    { what: "enabled given as text", kind: "flow", inputs: { enabled: "yes" }, property: "enabled", reason: /true or false/ },
    { what: "no mappings", kind: "mapping", inputs: { mappings: [] }, property: "mappings", reason: /at least one/ },
    {
        what: "a mapping to a field the schema lacks",
        kind: "mapping",
        inputs: { mappings: [{ source: "message", destination: "_acme.chatlio.msg" }] },
        property: "mappings[0].destination",
        reason: /not a field of the schema: add the field/,
    },
    {
        what: "a mapping destination with slashes",
        kind: "mapping",
        inputs: { mappings: [{ source: "message", destination: "/_acme/message" }] },
        property: "mappings[0].destination",
        reason: /dot notation/,
    },
    {
        what: "an unknown source type",
        kind: "mapping",
        inputs: { mappings: [{ sourceType: "FORMULA", source: "x", destination: "_id" }] },
        property: "mappings[0].sourceType",
        reason: /not one of ATTRIBUTE, EXPRESSION, STATIC/,
    },
    {
        what: "an expression with unbalanced parentheses",
        kind: "mapping",
        inputs: { mappings: [{ sourceType: "EXPRESSION", source: "uuid(", destination: "_id" }] },
        property: "mappings[0].source",
        reason: /unbalanced/,
    },
    {
        what: "two mappings to one destination",
        kind: "mapping",
        inputs: {
            mappings: [
                { source: "a", destination: "_id" },
                { source: "b", destination: "_id" },
            ],
        },
        property: "mappings[1].destination",
        reason: /mapped twice/,
    },
    {
        what: "an empty mapping source",
        kind: "mapping",
        inputs: { mappings: [{ source: "", destination: "_id" }] },
        property: "mappings[0].source",
        reason: /non-empty/,
    },
    {
        what: "a missing client id",
        kind: "dataset",
        inputs: {},
        config: { "aep:clientId": undefined },
        property: "aep:clientId",
        reason: /AEP_CLIENT_ID/,
    },
    {
        what: "a missing client secret",
        kind: "dataset",
        inputs: {},
        config: { "aep:clientSecret": undefined },
        property: "aep:clientSecret",
        reason: /AEP_CLIENT_SECRET/,
    },
    {
        what: "an org id without @AdobeOrg",
        kind: "dataset",
        inputs: {},
        config: { "aep:orgId": "0123456789ABCDEF" },
        property: "aep:orgId",
        reason: /@AdobeOrg/,
    },
    {
        what: "a plain-http platform URL",
        kind: "dataset",
        inputs: {},
        config: { "aep:platformUrl": "http://platform.example.com" },
        property: "aep:platformUrl",
        reason: /https/,
    },
    {
        what: "a misspelt key inside a field definition (requird)",
        kind: "fieldGroup",
        inputs: { fields: { rating: { type: "string", titel: "Rating", requird: true } } },
        property: "fields.rating.requird",
        reason: /^fields\.rating\.requird: an XDM field has no key "requird": did you mean "required"\? \(its keys are type, title, description, format, enum, properties, items, required\)$/,
    },
    {
        what: "a misspelt key in a nested field's items (titel)",
        kind: "fieldGroup",
        inputs: { fields: { tags: { type: "array", items: { type: "string", titel: "Tag" } } } },
        property: "fields.tags.items.titel",
        reason: /did you mean "title"\?/,
    },
    {
        what: "a misspelt mapping destination key (destinaton)",
        kind: "mapping",
        inputs: { mappings: [{ source: "message", destinaton: "_acme.chatlio.message" }] },
        property: "mappings[0].destinaton",
        reason: /^mappings\[0\]\.destinaton: a mapping has no key "destinaton": did you mean "destination"\?/,
    },
    {
        what: "a mapping without a destination",
        kind: "mapping",
        inputs: { mappings: [{ source: "message" }] },
        property: "mappings[0].destination",
        reason: /destination is required/,
    },
    {
        what: "a misspelt input, listing only the inputs a user can set",
        kind: "dataset",
        inputs: { descripton: "x" },
        property: "descripton",
        reason: /^Dataset has no input "descripton": did you mean "description"\? \(its inputs are name, description, schemaId, tags, profileEnabled, forceDestroy, sandboxName, adopt\)$/,
    },
];

describe("check refuses bad input offline, naming the field and the fix", () => {
    let server: http.Server;
    let url = "";
    const requests: string[] = [];

    before(async () => {
        server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (d) => (body += d));
            req.on("end", () => {
                requests.push(`${req.method} ${req.url} ${body}`);
                res.statusCode = 500;
                res.end();
            });
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it("accepts each resource's minimal valid inputs and fills its defaults", async () => {
        for (const [kind, inputs] of Object.entries(valid)) {
            const p = providers[kind as keyof typeof valid];
            await configure(p, url);
            const r = await p.check!({}, inputs);
            expect(r.failures, kind).to.deep.equal([]);
            expect(r.inputs.sandboxName, kind).to.equal("prod");
        }
        const src = await sourceConnectionProvider.check!({} as any, valid.source as any);
        expect(src.inputs).to.include({
            connectionSpecId: "073127a3-26e3-496c-9d94-9f48fb93fba8",
            providerId: "521eee4d-8cbe-4906-bb48-fb6bd4450033",
            dataFormat: "json",
        });
        const tgt = await targetConnectionProvider.check!({} as any, valid.target as any);
        expect(tgt.inputs.connectionSpecId).to.equal("c604ff05-7f1a-43c0-8e18-33bf874cb11c");
        const flow = await dataflowProvider.check!({} as any, valid.flow as any);
        expect(flow.inputs).to.include({ flowSpecId: "e77fde5a-22a8-11ed-861d-0242ac120002", enabled: true });
    });

    it(`refuses ${bad.length} invalid inputs a user could plausibly write`, async () => {
        expect(bad.length).to.be.at.least(25);
        for (const c of bad) {
            const p = providers[c.kind];
            await configure(p, url, c.config);
            const r = await p.check!({}, { ...valid[c.kind], ...c.inputs });
            const hit = r.failures.find((f: { property: string }) => f.property === c.property);
            expect(hit, `${c.what}: failures were ${JSON.stringify(r.failures)}`).to.not.equal(undefined);
            expect(hit.reason, c.what).to.match(c.reason);
        }
    });

    it("sends nothing while checking but one token request per configuration (the settings check), and passes when AEP answers 500", () => {
        expect(requests.length).to.be.at.least(1);
        for (const r of requests) expect(r).to.match(/^POST \/ims\/token\/v3 /);
        expect(new Set(requests).size, "no configuration is checked twice").to.equal(requests.length);
    });

    it("never echoes the client secret in a failure", async () => {
        await configure(datasetProvider, url, { "aep:platformUrl": "http://platform.example.com" });
        const r = await datasetProvider.check!({}, valid.dataset);
        expect(JSON.stringify(r)).to.not.contain("test.secret.not.real");
    });

    it("tolerates unknown values during preview", async () => {
        await configure(dataflowProvider, url);
        const r = await dataflowProvider.check!({}, { ...valid.flow, sourceConnectionId: UNKNOWN, mappingVersion: UNKNOWN, name: UNKNOWN });
        expect(r.failures).to.deep.equal([]);
        expect(r.inputs.name).to.equal(UNKNOWN);
    });

    it("chooses an automatic name once and keeps it", async () => {
        await configure(datasetProvider, url);
        const first = await datasetProvider.check!({}, valid.dataset);
        expect(first.inputs.name).to.match(/^d-[a-z0-9]{7}$/);
        expect(first.inputs.autoNamed).to.equal(true);
        const second = await datasetProvider.check!(first.inputs, valid.dataset);
        expect(second.inputs.name).to.equal(first.inputs.name);
        const named = await datasetProvider.check!(first.inputs, { ...valid.dataset, name: "Chatlio events" });
        expect(named.inputs.name).to.equal("Chatlio events");
        expect(named.inputs.autoNamed).to.equal(undefined);
    });

    it("takes the sandbox from aep:sandboxName unless the resource names one", async () => {
        await configure(schemaProvider, url, { "aep:sandboxName": "dev" });
        expect((await schemaProvider.check!({}, valid.schema)).inputs.sandboxName).to.equal("dev");
        expect((await schemaProvider.check!({}, { ...valid.schema, sandboxName: "qa-1" })).inputs.sandboxName).to.equal("qa-1");
    });
});

describe("diff owns only its fields and replaces only where AEP cannot change in place", () => {
    // A dataset's replacement reads the dataset first (does it hold data?); the emulator has no such dataset.
    let emu: Emulator;
    let url = "";
    before(async () => {
        emu = await startEmulator();
        url = emu.url;
    });
    after(() => emu.close());
    const demo = {
        "aep:clientId": DEMO_CREDENTIALS.clientId,
        "aep:clientSecret": DEMO_CREDENTIALS.clientSecret,
        "aep:orgId": DEMO_CREDENTIALS.orgId,
    };

    const outputsOf = async (p: Provider, inputs: object) => {
        const r = await p.check!({}, inputs);
        return { ...r.inputs, etag: '"1"', version: "1.0" };
    };

    interface DiffCase {
        what: string;
        kind: keyof typeof valid;
        change: Record<string, unknown>;
        expect: { changes: boolean; replaces: string[]; deleteBeforeReplace?: boolean };
    }
    const cases: DiffCase[] = [
        { what: "no change", kind: "dataset", change: {}, expect: { changes: false, replaces: [] } },
        { what: "a dataset description", kind: "dataset", change: { description: "new" }, expect: { changes: true, replaces: [] } },
        {
            what: "a dataset's schema",
            kind: "dataset",
            change: { schemaId: SCHEMA.replace("0123", "9999") },
            expect: { changes: true, replaces: ["schemaId"] },
        },
        {
            what: "a dataset's sandbox",
            kind: "dataset",
            change: { sandboxName: "dev" },
            expect: { changes: true, replaces: ["sandboxName"] },
        },
        {
            what: "a field group's fields",
            kind: "fieldGroup",
            change: { fields: { message: { type: "string" }, channelId: { type: "string" } } },
            expect: { changes: true, replaces: [] },
        },
        {
            what: "a schema's class",
            kind: "schema",
            change: { classId: "https://ns.adobe.com/xdm/context/profile" },
            expect: { changes: true, replaces: ["classId"] },
        },
        { what: "a schema's field groups", kind: "schema", change: { fieldGroupIds: [] }, expect: { changes: true, replaces: [] } },
        {
            what: "a source connection's spec",
            kind: "source",
            change: { connectionSpecId: UUID2 },
            expect: { changes: true, replaces: ["connectionSpecId"] },
        },
        { what: "a source connection's name", kind: "source", change: { name: "renamed" }, expect: { changes: true, replaces: [] } },
        {
            what: "a target connection's dataset",
            kind: "target",
            change: { datasetId: "ffffffffffffffffffffffff" },
            expect: { changes: true, replaces: ["datasetId"] },
        },
        {
            what: "a mapping",
            kind: "mapping",
            change: { mappings: [{ source: "msg", destination: "_acme.chatlio.message" }] },
            expect: { changes: true, replaces: [] },
        },
        {
            what: "a mapping set's schema",
            kind: "mapping",
            change: { schemaId: SCHEMA.replace("0123", "9999"), schemaFieldPaths: undefined },
            expect: { changes: true, replaces: ["schemaId"] },
        },
        { what: "a dataflow's mapping version", kind: "flow", change: { mappingVersion: 1 }, expect: { changes: true, replaces: [] } },
        { what: "a dataflow being disabled", kind: "flow", change: { enabled: false }, expect: { changes: true, replaces: [] } },
        {
            what: "a dataflow's source connection",
            kind: "flow",
            change: { sourceConnectionId: UUID2 },
            expect: { changes: true, replaces: ["sourceConnectionId"] },
        },
        {
            what: "an unknown target connection in preview",
            kind: "flow",
            change: { targetConnectionId: UNKNOWN },
            expect: { changes: true, replaces: ["targetConnectionId"] },
        },
        {
            what: "an unknown mapping version in preview",
            kind: "flow",
            change: { mappingVersion: UNKNOWN },
            expect: { changes: true, replaces: [] },
        },
        { what: "only the adopt flag", kind: "dataset", change: { adopt: true }, expect: { changes: false, replaces: [] } },
    ];

    for (const c of cases) {
        it(`${c.what}: ${c.expect.replaces.length ? "replace" : c.expect.changes ? "update in place" : "no change"}`, async () => {
            const p = providers[c.kind];
            await configure(p, url, demo);
            const olds = await outputsOf(p, valid[c.kind]);
            const news = (await p.check!(olds, { ...valid[c.kind], ...c.change })).inputs;
            const d = await p.diff!("id-1", olds, news);
            expect(d.changes).to.equal(c.expect.changes);
            expect(d.replaces).to.deep.equal(c.expect.replaces);
        });
    }

    it("deletes before replacing when the replacement would reuse an explicit unique name", async () => {
        await configure(schemaProvider, "http://127.0.0.1:9");
        const olds = await outputsOf(schemaProvider, { ...valid.schema, title: "Chatlio events" });
        const news = (
            await schemaProvider.check!(olds, {
                ...valid.schema,
                title: "Chatlio events",
                classId: "https://ns.adobe.com/xdm/context/profile",
            })
        ).inputs;
        expect((await schemaProvider.diff!("id", olds, news)).deleteBeforeReplace).to.equal(true);
        const renamed = (
            await schemaProvider.check!(olds, {
                ...valid.schema,
                title: "Chatlio events v2",
                classId: "https://ns.adobe.com/xdm/context/profile",
            })
        ).inputs;
        expect((await schemaProvider.diff!("id", olds, renamed)).deleteBeforeReplace).to.equal(false);
    });

    it("creates the replacement first when the name is automatic (a re-check picks a new one)", async () => {
        await configure(datasetProvider, url, demo);
        const olds = await outputsOf(datasetProvider, valid.dataset);
        const news = (await datasetProvider.check!(olds, { ...valid.dataset, schemaId: SCHEMA.replace("0123", "9999") })).inputs;
        const d = await datasetProvider.diff!("id", olds, news);
        expect(d.replaces).to.deep.equal(["schemaId"]);
        expect(d.deleteBeforeReplace).to.equal(false);
        const recheck = (await datasetProvider.check!({}, { ...valid.dataset, schemaId: SCHEMA.replace("0123", "9999") })).inputs;
        expect(recheck.name).to.not.equal(olds.name);
    });
});

describe("drift: a change made in AEP by hand, then a refresh", () => {
    it("keeps the deployed value of a drifted field, and names AEP's value and the program's", async () => {
        const { declaredAfterRead, driftLines } = await import("../provider/resources/lifecycle/drift");
        const inputs = (await datasetProvider.check!({}, { ...valid.dataset, name: "Chatlio events", description: "From Chatlio" })).inputs;
        const outs = { ...inputs, datasetId: DATASET };
        // The refresh: AEP holds another description than the one deployed.
        const live = { ...outs, description: "Edited in the AEP UI" };
        const declared = declaredAfterRead(outs, live, ["name", "description", "schemaId"]);
        expect(declared).to.deep.equal({ description: "From Chatlio" });
        const refreshed = { ...live, __declared: declared };
        expect(driftLines(refreshed, inputs, ["description"])).to.deep.equal([
            'description: "Edited in the AEP UI" in AEP, "From Chatlio" in the program',
        ]);
        expect(driftLines(refreshed, { ...inputs, description: "New text" }, ["description"])).to.deep.equal([
            'description: "Edited in the AEP UI" in AEP, "New text" in the program (the program changed it too)',
        ]);
        // A program change without drift is not drift.
        expect(driftLines(outs, { ...inputs, description: "New text" }, ["description"])).to.deep.equal([]);
        // A second refresh keeps the deployed value; one that finds it in AEP again forgets it.
        expect(declaredAfterRead(refreshed, { ...live, description: "Edited again" }, ["description"])).to.deep.equal(declared);
        expect(declaredAfterRead(refreshed, outs, ["description"])).to.equal(undefined);
    });

    it("names the leaf paths that differ inside a nested value", async () => {
        const { differences } = await import("../provider/resources/lifecycle/drift");
        const before = { rating: { type: "string", title: "Rating" }, tags: { type: "array", items: { type: "string" } } };
        const after = { rating: { type: "string", title: "Score" }, tags: { type: "array", items: { type: "integer" } } };
        expect(differences(after, before, "fields").map((d) => d.path)).to.deep.equal(["fields.rating.title", "fields.tags.items.type"]);
    });
});
