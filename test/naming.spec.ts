/**
 * Automatic names (no name given): derived from the resource's URN, so a preview shows the name the up
 * creates, a create interrupted and run again uses the same name, and stacks never share one; a
 * replacement gets a name of its own while the old object still exists.
 */
import { expect } from "chai";
import * as aep from "../provider/internal";
import { LooseProvider } from "./support/stack";

const provider = aep.sourceConnectionProvider as unknown as LooseProvider;
const URN = "urn:pulumi:dev::aep-stack::pulumi-nodejs:dynamic/aep:SourceConnection::source";
const OTHER_STACK = URN.replace(":dev::", ":prod::");
const SPEC2 = "66666666-7777-4888-9999-aaaaaaaaaaaa";

async function configure() {
    const values: Record<string, string> = {
        "aep:clientId": "test-client",
        "aep:clientSecret": "test.secret.not.real",
        "aep:orgId": "0123456789ABCDEF01234567@AdobeOrg",
        "aep:platformUrl": "http://127.0.0.1:9",
        "aep:imsUrl": "http://127.0.0.1:9",
    };
    await provider.configure({ config: { get: (k: string) => values[k], require: (k: string) => values[k] } });
}

const news = (urn: string, extra: Record<string, unknown> = {}) => ({ resourceName: "source", __urn: urn, ...extra });

describe("Automatic names", () => {
    before(configure);

    it("are the same in every preview and in the up (derived from the URN, not drawn at random)", async () => {
        const first = (await provider.check({}, news(URN))).inputs;
        const second = (await provider.check({}, news(URN))).inputs;
        expect(first.name).to.match(/^source-[a-z0-9]{7}$/);
        expect(second.name).to.equal(first.name);
        expect(first.autoNamed).to.equal(true);
    });

    it("differ between stacks and between resources", async () => {
        const here = (await provider.check({}, news(URN))).inputs.name;
        const there = (await provider.check({}, news(OTHER_STACK))).inputs.name;
        const sibling = (await provider.check({}, news(URN.replace("::source", "::source2"), { resourceName: "source2" }))).inputs.name;
        expect(there).to.not.equal(here);
        expect(sibling.replace(/^source2-/, "")).to.not.equal(here.replace(/^source-/, ""));
    });

    it("stay what they were once in state, including names chosen at random by earlier versions", async () => {
        const olds = { resourceName: "source", name: "source-j0hsjbc", autoNamed: true };
        expect((await provider.check(olds, news(URN))).inputs.name).to.equal("source-j0hsjbc");
    });

    it("change with a replacement, the same way each time, and never collide with the object being replaced", async () => {
        const created = (await provider.check({}, news(URN))).inputs;
        const olds = { ...created, sourceConnectionId: "id-1", etag: "e" };
        const replaced = async () => {
            const checked = (await provider.check(olds, news(URN, { connectionSpecId: SPEC2 }))).inputs;
            const d = await provider.diff("id-1", olds, checked);
            expect(d.replaces).to.deep.equal(["connectionSpecId"]);
            expect(d.deleteBeforeReplace, "the new name lets the new object be created first").to.equal(false);
            // The engine checks a replacement again without old inputs.
            return (await provider.check({}, news(URN, { connectionSpecId: SPEC2 }))).inputs.name;
        };
        const name = await replaced();
        expect(name)
            .to.match(/^source-[a-z0-9]{7}$/)
            .and.not.equal(created.name);
        expect(await replaced(), "an interrupted replacement run again gets the same name").to.equal(name);
    });

    it("are kept by a forced replacement (pulumi up --replace), which therefore deletes the old object first", async () => {
        const created = (await provider.check({}, news(URN))).inputs;
        const olds = { ...created, sourceConnectionId: "id-1", etag: "e" };
        const d = await provider.diff("id-1", olds, (await provider.check(olds, news(URN))).inputs);
        expect(d.changes).to.equal(false);
        expect(d.deleteBeforeReplace).to.equal(true);
    });

    it("fit AEP's length limit whatever the resource name", async () => {
        const long = "x".repeat(400);
        const name = (await provider.check({}, news(URN, { resourceName: long }))).inputs.name;
        expect(name.length).to.equal(255);
        expect(name).to.match(/-[a-z0-9]{7}$/);
    });
});
