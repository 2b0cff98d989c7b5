/**
 * Profile and schema evolution at preview, called directly on the providers as the provider host calls
 * them: turning Profile off is refused with the reason and the way out, XDM-1528-400 is foreseen where
 * the inputs show it, each destructive field change is named in a warning, additive ones are silent, and
 * none of it sends a request to AEP. (The engine-level run is in chatlio-profile.spec.ts.)
 */
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import * as aep from "../provider/internal";
import { LooseProvider } from "./support/stack";

const fieldGroups = aep.fieldGroupProvider as unknown as LooseProvider;
const schemas = aep.schemaProvider as unknown as LooseProvider;
const datasets = aep.datasetProvider as unknown as LooseProvider;
const descriptors = aep.identityDescriptorProvider as unknown as LooseProvider;

const SCHEMA = "https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef";
const FIELD_GROUP = "https://ns.adobe.com/acme/mixins/0123456789abcdef0123456789abcdef";
const FIELD_GROUP_2 = "https://ns.adobe.com/acme/mixins/fedcba9876543210fedcba9876543210";
const PROFILE_CLASS = "https://ns.adobe.com/xdm/context/profile";

describe("Profile and breaking changes at preview, offline but for the settings check", () => {
    let server: http.Server;
    let requests = 0;
    let warnings: string[] = [];
    const realError = console.error;

    const configure = (p: LooseProvider) =>
        p.configure({
            config: {
                get: (k: string) =>
                    (
                        ({
                            "aep:clientId": "c",
                            "aep:clientSecret": "test.secret.not.real",
                            "aep:orgId": "0123456789ABCDEF01234567@AdobeOrg",
                            "aep:platformUrl": url(),
                            "aep:imsUrl": url(),
                        }) as Record<string, string>
                    )[k],
            },
        });
    const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    /** check as for an existing object, then diff against its outputs: what a preview of an update runs. */
    async function preview(
        p: LooseProvider,
        oldInputs: Record<string, unknown>,
        newInputs: Record<string, unknown>,
        outs: Record<string, unknown> = {},
    ) {
        const first = await p.check({}, oldInputs);
        const olds = { ...first.inputs, ...outs };
        const checked = await p.check(first.inputs, newInputs);
        const diff = checked.failures.length ? undefined : await p.diff("id-1", olds, checked.inputs);
        return { failures: checked.failures as Array<{ property: string; reason: string }>, diff, inputs: checked.inputs };
    }

    before(async () => {
        server = http.createServer((req, res) => {
            // The settings check every run makes once (a token, the Schema Registry's /stats) finds a working
            // AEP; any other request is counted and fails.
            if (req.url === "/ims/token/v3" || req.url?.endsWith("/schemaregistry/stats")) {
                res.setHeader("Content-Type", "application/json");
                return void res.end(
                    JSON.stringify(req.url === "/ims/token/v3" ? { access_token: "t", expires_in: 3600 } : { tenantId: "acme" }),
                );
            }
            requests++;
            res.statusCode = 500;
            res.end();
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
        for (const p of [fieldGroups, schemas, datasets, descriptors]) await configure(p);
    });
    beforeEach(() => {
        warnings = [];
        console.error = (...args: unknown[]) => void warnings.push(args.join(" "));
    });
    afterEach(() => {
        console.error = realError;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it("refuses to turn Profile off on a schema, saying why and what a replacement costs", async () => {
        const on = { resourceName: "s", title: "Chatlio events", fieldGroupIds: [FIELD_GROUP], profileEnabled: true };
        for (const off of [
            { ...on, profileEnabled: false },
            { ...on, profileEnabled: undefined },
        ]) {
            const r = await preview(schemas, on, off);
            const f = r.failures.find((x) => x.property === "profileEnabled");
            expect(f, JSON.stringify(r.failures)).to.not.equal(undefined);
            expect(f!.reason).to.match(/immutable "union" tag, and AEP never removes an immutable tag/);
            expect(f!.reason).to.match(/replace the schema: declare a new Schema .* its dataset starts empty .* new webhook URL/);
        }
        // Turning it on is an update in place.
        const enable = await preview(schemas, { ...on, profileEnabled: undefined }, on);
        expect(enable.failures).to.deep.equal([]);
        expect(enable.diff).to.include({ changes: true });
        expect(enable.diff.replaces).to.deep.equal([]);
    });

    it("treats profileEnabled: false as leaving it out, so existing stacks see no change", async () => {
        const before = { resourceName: "s", title: "Chatlio events", fieldGroupIds: [FIELD_GROUP] };
        const r = await preview(schemas, before, { ...before, profileEnabled: false });
        expect(r.diff).to.include({ changes: false });
        const d = await preview(
            datasets,
            { resourceName: "d", schemaId: SCHEMA },
            { resourceName: "d", schemaId: SCHEMA, profileEnabled: false },
        );
        expect(d.diff).to.include({ changes: false });
    });

    it("shows no change for a schema AEP holds Profile-enabled (adopted, or enabled in the AEP UI) while the program leaves profileEnabled out", async () => {
        const before = { resourceName: "s", title: "Chatlio events", fieldGroupIds: [FIELD_GROUP] };
        const r = await preview(schemas, before, before, { profileEnabled: true });
        expect(r.failures).to.deep.equal([]);
        expect(r.diff).to.include({ changes: false });
    });

    it("warns that AEP will refuse Profile (XDM-1528-400) on a new schema of a class not known to bring identityMap", async () => {
        const r = await schemas.check({}, { resourceName: "p", fieldGroupIds: [], classId: PROFILE_CLASS, profileEnabled: true });
        expect(r.failures).to.deep.equal([]);
        expect(warnings.join("\n")).to.match(
            /warning: schema "p-[a-z0-9]+": AEP enables Profile only on a schema with a primary identity or an identityMap, and refuses otherwise \(XDM-1528-400\)/,
        );
        expect(warnings.join("\n")).to.match(/IdentityDescriptor with primary: true first, then set profileEnabled: true/);
        warnings = [];
        // ExperienceEvent brings identityMap with its class: nothing to say.
        await schemas.check({}, { resourceName: "e", fieldGroupIds: [], profileEnabled: true });
        expect(warnings).to.deep.equal([]);
    });

    it("names each destructive field change of a field group in a warning; additive changes are silent", async () => {
        const fields = {
            chatlio: {
                type: "object",
                properties: {
                    message: { type: "string" },
                    rating: { type: "integer" },
                    mood: { type: "string", enum: ["happy", "sad", "angry"] },
                    visitor: { type: "object", properties: { email: { type: "string" }, UUID: { type: "string" } } },
                },
            },
        };
        const old = { resourceName: "fg", title: "Chatlio fields", fields };
        const outs = { tenantId: "acme", fieldGroupId: FIELD_GROUP };
        const changed = JSON.parse(JSON.stringify(fields));
        delete changed.chatlio.properties.message; // removed
        changed.chatlio.properties.rating = { type: "string" }; // type changed
        changed.chatlio.properties.mood.enum = ["happy", "sad"]; // narrowed
        changed.chatlio.properties.visitor.properties.email.required = true; // made required
        const r = await preview(fieldGroups, old, { ...old, fields: changed }, outs);
        expect(r.diff).to.include({ changes: true });
        expect(r.diff.replaces).to.deep.equal([]);
        const text = warnings.join("\n");
        expect(text).to.contain('warning: field group "Chatlio fields": ');
        expect(text).to.contain('field "_acme.chatlio.message" is removed');
        expect(text).to.contain('field "_acme.chatlio.rating" changes type from integer to string');
        expect(text).to.contain('field "_acme.chatlio.mood" narrows its enum: ["angry"] no longer allowed');
        expect(text).to.contain('field "_acme.chatlio.visitor.email" is made required');
        expect(text).to.match(/AEP refuses them once a dataset of the schema has ingested data or is enabled for Profile/);
        expect(text).to.match(/Instead, add a new field .* or make a new field group or schema and dataset by replacement/);

        // Preview: values not known yet are skipped, the known ones still compared.
        warnings = [];
        const partly = JSON.parse(JSON.stringify(changed));
        partly.chatlio.properties.plan = aep.UNKNOWN;
        partly.chatlio.properties.visitor.properties.UUID = aep.UNKNOWN;
        await preview(fieldGroups, old, { ...old, fields: partly }, outs);
        expect(warnings.join("\n")).to.contain('field "_acme.chatlio.rating" changes type').and.not.contain("UUID");

        warnings = [];
        const added = JSON.parse(JSON.stringify(fields));
        added.chatlio.properties.plan = { type: "string" };
        added.chatlio.properties.mood.enum.push("bored");
        added.chatlio.properties.message.title = "Message";
        const quiet = await preview(fieldGroups, old, { ...old, fields: added }, outs);
        expect(quiet.diff).to.include({ changes: true });
        expect(warnings).to.deep.equal([]);
    });

    it("warns when a schema drops a field group (its fields go with it)", async () => {
        const old = { resourceName: "s", title: "Chatlio events", fieldGroupIds: [FIELD_GROUP, FIELD_GROUP_2], profileEnabled: true };
        const r = await preview(schemas, old, { ...old, fieldGroupIds: [FIELD_GROUP] });
        expect(r.diff).to.include({ changes: true });
        expect(warnings.join("\n")).to.contain(
            `warning: schema "Chatlio events": removing the field group ${FIELD_GROUP_2} removes its fields from the schema`,
        );
        expect(warnings.join("\n")).to.contain("(this schema is enabled for Profile)");
        warnings = [];
        await preview(schemas, { ...old, fieldGroupIds: [FIELD_GROUP] }, old);
        expect(warnings).to.deep.equal([]);
    });

    it("sets the dataset's reserved Profile tags, and refuses tags that contradict profileEnabled", async () => {
        const r = await datasets.check({}, { resourceName: "d", schemaId: SCHEMA, profileEnabled: true, tags: { team: ["chat"] } });
        expect(r.failures).to.deep.equal([]);
        expect(r.inputs.tags).to.deep.equal({ team: ["chat"], unifiedProfile: ["enabled:true"], unifiedIdentity: ["enabled:true"] });
        const bad = await datasets.check(
            {},
            { resourceName: "d", schemaId: SCHEMA, profileEnabled: true, tags: { unifiedProfile: ["enabled:false"] } },
        );
        expect(bad.failures.map((f: { property: string }) => f.property)).to.deep.equal(["tags.unifiedProfile"]);
        expect(bad.failures[0].reason).to.match(
            /contradicts profileEnabled: true, which sets it to \["enabled:true"\]: leave tags.unifiedProfile out/,
        );
    });

    it("checks an identity descriptor offline; schema, field and namespace replace it, primary changes in place", async () => {
        const ok = {
            resourceName: "id",
            schemaId: SCHEMA,
            sourceProperty: "/_acme/chatlio/visitor/email",
            namespace: "Email",
            primary: true,
        };
        expect((await descriptors.check({}, ok)).failures).to.deep.equal([]);
        const failures = async (inputs: object) =>
            (await descriptors.check({}, { ...ok, ...inputs })).failures.map((f: { reason: string }) => f.reason).join("\n");
        expect(await failures({ sourceProperty: "_acme.chatlio.visitor.email" })).to.match(
            /not a field path: write it as a JSON Pointer, e.g. \/_acme\/chatlio\/visitor\/email/,
        );
        expect(await failures({ sourceProperty: "/properties/_acme/properties/email" })).to.match(/has a "properties" segment/);
        expect(await failures({ sourceProperty: undefined })).to.match(/sourceProperty is required/);
        expect(await failures({ namespace: "" })).to.match(/namespace is required: an identity namespace code such as "Email"/);
        expect(await failures({ schemaId: "Chatlio events" })).to.match(/not a tenant schema \$id/);
        for (const [change, replaces] of [
            [{ namespace: "Phone" }, ["namespace"]],
            [{ sourceProperty: "/_acme/chatlio/visitor/UUID" }, ["sourceProperty"]],
            [{ schemaId: SCHEMA.replace("0123", "9999") }, ["schemaId"]],
            [{ primary: false }, []],
        ] as const) {
            const r = await preview(descriptors, ok, { ...ok, ...change }, { descriptorId: "d".repeat(40) });
            expect(r.diff, JSON.stringify(change)).to.include({ changes: true });
            expect(r.diff.replaces, JSON.stringify(change)).to.deep.equal(replaces);
        }
    });

    // Each test alone, too (under --grep the last test would not see the others).
    afterEach(() => expect(requests, "requests to AEP").to.equal(0));

    it("sent no request to AEP for any of it", () => {
        expect(requests).to.equal(0);
    });
});
