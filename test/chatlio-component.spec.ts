/**
 * ChatlioSource under Pulumi's mocks: which children it registers, their names, inputs and parents.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { CHATLIO_FIELDS, ChatlioSource, DEFAULT_MAPPINGS, chatlioMappings, fieldPaths } from "../provider/internal";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
    urn: string;
}

function mockRun(program: () => unknown): Promise<Registered[]> {
    const seen: Registered[] = [];
    pulumi.runtime.setMocks(
        {
            newResource(args) {
                seen.push({ type: args.type, name: args.name, inputs: args.inputs, urn: "" });
                const state: Record<string, unknown> = { ...args.inputs };
                if (args.type.startsWith("random:")) state.result = "k3x9q2";
                if (args.type.endsWith(":FieldGroup")) state.tenantId = "acme";
                if (args.type.endsWith(":MappingSet")) state.mappingVersion = 0;
                if (args.type.endsWith(":Dataflow")) {
                    state.streamingUrl = "https://dcs.example/collection/abc";
                    state.webhookUrl = "https://dcs.example/collection/abc?x-adobe-flow-id=flow-id";
                }
                return { id: `${args.name}-id`, state };
            },
            call: () => ({}),
        },
        "project",
        "stack",
        false,
    );
    program();
    return new Promise((resolve) => setTimeout(() => resolve(seen), 500));
}

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply((v) => r(v)));

describe("ChatlioSource", () => {
    let children: Registered[];
    let component: ChatlioSource;

    before(async () => {
        children = await mockRun(() => {
            component = new ChatlioSource("chat", { displayName: "Support chat" });
        });
    });

    it("registers the seven AEP resources and one random suffix under one component", () => {
        expect(children.map((c) => c.type).sort()).to.deep.equal([
            "aep:chatlio:ChatlioSource",
            "pulumi-nodejs:dynamic/aep:Dataflow",
            "pulumi-nodejs:dynamic/aep:Dataset",
            "pulumi-nodejs:dynamic/aep:FieldGroup",
            "pulumi-nodejs:dynamic/aep:MappingSet",
            "pulumi-nodejs:dynamic/aep:Schema",
            "pulumi-nodejs:dynamic/aep:SourceConnection",
            "pulumi-nodejs:dynamic/aep:TargetConnection",
            "random:index/randomString:RandomString",
        ]);
        expect(children.map((c) => c.name).sort()).to.deep.equal([
            "chat",
            "chat-dataflow",
            "chat-dataset",
            "chat-fields",
            "chat-mapping",
            "chat-schema",
            "chat-source",
            "chat-suffix",
            "chat-target",
        ]);
    });

    it("makes every child a child of the component", async () => {
        const urn = await value(component.urn);
        for (const child of [
            component.fieldGroup,
            component.schema,
            component.dataset,
            component.sourceConnection,
            component.targetConnection,
            component.mappingSet,
            component.dataflow,
        ]) {
            const parent = await new Promise<string>((r) => (child as any).__parentResource.urn.apply(r));
            expect(parent).to.equal(urn);
        }
    });

    it("gives all seven AEP names the same random suffix", () => {
        const names = children.filter((c) => c.type.startsWith("pulumi-nodejs")).map((c) => c.inputs.title ?? c.inputs.name);
        expect(names).to.have.length(7);
        for (const n of names) expect(n).to.match(/^Support chat .* k3x9q2$/);
        expect(new Set(names).size).to.equal(7);
        const suffix = children.find((c) => c.type.startsWith("random:"))!;
        expect(suffix.inputs).to.include({ length: 6, special: false, upper: false });
    });

    it("wires each resource to the ids of the ones it depends on", () => {
        const byType = (t: string) => children.find((c) => c.type.endsWith(`:${t}`))!.inputs;
        expect(byType("Schema").fieldGroupIds).to.deep.equal(["chat-fields-id"]);
        expect(byType("Dataset").schemaId).to.equal("chat-schema-id");
        expect(byType("TargetConnection")).to.include({ datasetId: "chat-dataset-id", schemaId: "chat-schema-id" });
        expect(byType("MappingSet").schemaId).to.equal("chat-schema-id");
        expect(byType("Dataflow")).to.include({
            sourceConnectionId: "chat-source-id",
            targetConnectionId: "chat-target-id",
            mappingSetId: "chat-mapping-id",
            mappingVersion: 0,
            enabled: true,
        });
    });

    it("declares every documented Chatlio field and maps each one, with _id and timestamp computed", () => {
        const mapping = children.find((c) => c.type.endsWith(":MappingSet"))!.inputs;
        const destinations = mapping.mappings.map((m: any) => m.destination);
        const paths = fieldPaths(CHATLIO_FIELDS, "_acme");
        for (const p of paths) expect(destinations, p).to.include(p);
        expect(mapping.mappings).to.deep.include({ sourceType: "EXPRESSION", source: "uuid()", destination: "_id" });
        expect(mapping.mappings).to.deep.include({ sourceType: "EXPRESSION", source: "now()", destination: "timestamp" });
        expect(mapping.mappings).to.deep.include({ source: "visitor.UUID", destination: "_acme.chatlio.visitor.UUID" });
        expect(mapping.schemaFieldPaths).to.include.members(["_id", "timestamp", ...paths]);
        const fg = children.find((c) => c.type.endsWith(":FieldGroup"))!.inputs;
        expect(Object.keys(fg.fields.chatlio.properties)).to.include.members([
            "visitor",
            "message",
            "offline",
            "transcript",
            "conversationUUID",
        ]);
    });

    it("exports the URLs as secrets and setup instructions without them", async () => {
        expect(await value(component.webhookUrl)).to.contain("x-adobe-flow-id=");
        expect(await pulumi.isSecret(component.webhookUrl)).to.equal(true);
        expect(await pulumi.isSecret(component.streamingUrl)).to.equal(true);
        const text = await value(component.setupInstructions);
        expect(text).to.contain("Webhooks and post-chat actions");
        expect(text).to.not.contain("collection/");
    });

    it("lets users add fields and override a default mapping by destination", () => {
        const { mappings } = chatlioMappings({ plan: { type: "string" } }, [
            { source: "visitor.handle", destination: "_tenant.chatlio.visitor.name" },
            { source: "plan", destination: "_tenant.chatlio.plan" },
        ]);
        expect(mappings).to.have.length(DEFAULT_MAPPINGS.length + 1);
        expect(mappings).to.deep.include({ source: "visitor.handle", destination: "_tenant.chatlio.visitor.name" });
        expect(mappings.filter((m) => m.destination === "_tenant.chatlio.visitor.name")).to.have.length(1);
    });

    it("fails at preview, naming the destination, when a mapping targets a field the schema lacks", () => {
        expect(() => chatlioMappings({}, [{ source: "rating", destination: "_tenant.chatlio.rating" }])).to.throw(
            /mapping to "_tenant.chatlio.rating": no such field in the Chatlio schema/,
        );
        expect(() => new ChatlioSource("bad", { mappings: [{ source: "x", destination: "_tenant.nowhere" }] })).to.throw(/_tenant.nowhere/);
        expect(() => new ChatlioSource("bad2", { extraFields: { visitor: { type: "string" } } })).to.throw(
            /extraFields.visitor already exists/,
        );
    });

    it("registers exactly the resources and inputs it did before the Profile options, when they are left out", async () => {
        // Recorded from the component before `identity` and `profile` existed. Keys starting with `__` are
        // Pulumi-internal (the provider forwarder; the URN and the own-name mark added since): diffs ignore them
        // and the CLI never shows them, so an existing stack sees no change.
        const before = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "chatlio-default-inputs.json"), "utf8"));
        const registered = await mockRun(() => new ChatlioSource("chat"));
        const now = registered
            .map(({ type, name, inputs }) => {
                const rest = Object.fromEntries(Object.entries(inputs).filter(([k]) => !k.startsWith("__")));
                return JSON.parse(JSON.stringify({ type, name, inputs: rest }));
            })
            .sort((a, b) => a.name.localeCompare(b.name));
        expect(now).to.deep.equal(before);
        for (const r of registered.filter((c) => c.type.startsWith("pulumi-nodejs:"))) {
            expect(
                Object.keys(r.inputs)
                    .filter((k) => k.startsWith("__"))
                    .sort(),
                r.name,
            ).to.deep.equal(["__ownName", "__provider", "__urn"]);
            expect(r.inputs.__urn, r.name).to.equal(`urn:pulumi:stack::project::aep:chatlio:ChatlioSource$${r.type}::${r.name}`);
        }
    });

    it("with identity and profile: an identity descriptor on the visitor's email, and Profile on schema and dataset", async () => {
        const seen = await mockRun(
            () => new ChatlioSource("pro", { identity: { field: "visitor.email", namespace: "Email", primary: true }, profile: true }),
        );
        const of = (t: string) => seen.find((c) => c.type.endsWith(`:${t}`))!;
        expect(of("IdentityDescriptor").name).to.equal("pro-identity");
        expect(of("IdentityDescriptor").inputs).to.include({
            schemaId: "pro-schema-id",
            sourceProperty: "/_acme/chatlio/visitor/email",
            namespace: "Email",
            primary: true,
        });
        expect(of("Schema").inputs.profileEnabled).to.equal(true);
        expect(of("Dataset").inputs.profileEnabled).to.equal(true);
        expect(seen.filter((c) => c.type.startsWith("pulumi-nodejs"))).to.have.length(8);
    });

    it("refuses an identity that is not a Chatlio string field, naming the fix", () => {
        expect(() => new ChatlioSource("i1", { identity: { field: "visitor.phone", namespace: "Phone" } })).to.throw(
            /identity.field "visitor.phone" is not a Chatlio field: use a path below the Chatlio object such as "visitor.email"/,
        );
        expect(() => new ChatlioSource("i2", { identity: { field: "visitor", namespace: "Email" } })).to.throw(
            /is of type object: an identity must be a string field/,
        );
        expect(() => new ChatlioSource("i3", { identity: { field: "visitor.email", namespace: "" } })).to.throw(
            /identity.namespace is required/,
        );
        // A field added with extraFields may be the identity.
        expect(
            () => new ChatlioSource("i4", { extraFields: { crmId: { type: "string" } }, identity: { field: "crmId", namespace: "CRMID" } }),
        ).to.not.throw();
    });
});
