/**
 * Creating an AEP object without ever making two, driven with a fake object kind (no HTTP): every way a
 * create can end, including the answers that get lost, and what happens when the name is already held.
 */
import { expect } from "chai";
import { AepError, OutcomeUnknownError } from "../provider/client";
import { AepObjectSpec, CallContext, CommonInputs, createObject } from "../provider/internal";

interface Inputs extends CommonInputs {
    name: string;
    colour?: string;
}
interface Outputs extends Inputs {
    thingId: string;
}

/** What the fake AEP does with each create sent, in order. */
type Outcome =
    | "ok" // made, answered
    | "lost-before" // not made, the answer lost (a connection refused after sending, say)
    | "lost-after" // made, the answer lost
    | "lost-after-listed-late" // made, answer lost, and the list shows it only from the fifth look-up on
    | "name-taken"; // refused: the name is held (as Schema Registry answers XDM-1521-400)

class FakeAep {
    objects = new Map<string, Outputs>();
    creates = 0;
    updates: string[] = [];
    finds = 0;
    hiddenUntilFind = 0;
    private seq = 0;

    constructor(private outcomes: Outcome[]) {}

    spec(opts: { enforced?: boolean } = {}): AepObjectSpec<Inputs, Outputs> {
        return {
            kind: "thing",
            noun: "thing",
            typeName: "Thing",
            inputKeys: ["name", "colour"],
            nameKey: "name",
            nameMaxLength: 100,
            nameEnforcedByAep: opts.enforced,
            defaults: (i) => i,
            validate: () => [],
            compareKeys: ["name", "colour"],
            replaceKeys: [],
            create: async (_ctx, inputs) => {
                const outcome = this.outcomes[this.creates++] ?? "ok";
                if (outcome === "name-taken") {
                    throw new AepError({
                        operation: "create thing",
                        object: inputs.name,
                        status: 400,
                        code: "XDM-1521-400",
                        aepMessage: "Title not unique",
                    });
                }
                if (outcome === "lost-before")
                    throw new OutcomeUnknownError({ operation: "create thing", object: inputs.name, code: "ECONNRESET" });
                const id = `thing-${++this.seq}`;
                this.objects.set(id, { ...inputs, thingId: id });
                if (outcome === "lost-after-listed-late") this.hiddenUntilFind = this.finds + 5;
                if (outcome !== "ok") throw new OutcomeUnknownError({ operation: "create thing", object: inputs.name, status: 504 });
                return { id, outs: { ...inputs, thingId: id } };
            },
            find: async (_ctx, inputs) => {
                this.finds++;
                if (this.finds < this.hiddenUntilFind) return undefined;
                return [...this.objects.values()].find((o) => o.name === inputs.name)?.thingId;
            },
            read: async (_ctx, id) => {
                const o = this.objects.get(id);
                return o ? { ...o } : undefined;
            },
            update: async (_ctx, id, _olds, news) => {
                this.updates.push(id);
                const o = { ...news, thingId: id } as Outputs;
                this.objects.set(id, o);
                return o;
            },
            delete: async (_ctx, id) => {
                this.objects.delete(id);
            },
        };
    }
}

function fakeContext(): CallContext & { said: string[] } {
    const said: string[] = [];
    const say = (label: string) => async (m: string) => void said.push(`${label}: ${m}`);
    return {
        settings: {} as never,
        client: {} as never,
        urn: "urn:pulumi:dev::proj::Thing::t",
        progress: say("progress"),
        info: say("info"),
        warn: say("warning"),
        said,
    };
}

const noWait = { waits: [0, 0, 0, 0], sleep: async () => undefined };

describe("Creating an object without making two (fake kind, every outcome)", () => {
    it("creates once when AEP answers", async () => {
        const aep = new FakeAep(["ok"]);
        const r = await createObject(aep.spec(), fakeContext(), { name: "a" }, noWait);
        expect(r.id).to.equal("thing-1");
        expect(aep.creates).to.equal(1);
        expect(aep.objects.size).to.equal(1);
    });

    it("finds the object after a lost answer (AEP made it) and does not send the create again", async () => {
        const aep = new FakeAep(["lost-after"]);
        const ctx = fakeContext();
        const r = await createObject(aep.spec(), ctx, { name: "a", colour: "red" }, noWait);
        expect(r.id).to.equal("thing-1");
        expect(aep.creates).to.equal(1);
        expect(aep.objects.size).to.equal(1);
        expect(ctx.said.join("\n")).to.contain('the answer to "create thing a" was lost; looking the thing up by name');
    });

    it("sends the create again, under the same name, when the look-ups find nothing (AEP did not make it)", async () => {
        const aep = new FakeAep(["lost-before", "ok"]);
        const ctx = fakeContext();
        const r = await createObject(aep.spec(), ctx, { name: "a" }, noWait);
        expect(aep.creates).to.equal(2);
        expect([...aep.objects.values()].map((o) => o.name)).to.deep.equal(["a"]);
        expect(r.outs.name).to.equal("a");
        expect(ctx.said.join("\n")).to.contain("sending the create again (1 of 2)");
    });

    it("takes the object an earlier lost attempt made when the resend is refused for its taken name (listed late)", async () => {
        const aep = new FakeAep(["lost-after-listed-late", "name-taken"]);
        const r = await createObject(aep.spec({ enforced: true }), fakeContext(), { name: "a" }, noWait);
        expect(r.id).to.equal("thing-1");
        expect(aep.objects.size).to.equal(1);
        expect(aep.creates).to.equal(2);
    });

    it("fails, saying so, when the answer is lost three times and nothing was ever made", async () => {
        const aep = new FakeAep(["lost-before", "lost-before", "lost-before"]);
        const err = await createObject(aep.spec(), fakeContext(), { name: "a" }, noWait).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(err?.message).to.match(
            /create thing "a": AEP's answer was lost \(ECONNRESET\) 3 times, and each time no thing with that name existed afterwards, so it was not created; run the update again/,
        );
        expect(aep.creates).to.equal(3);
        expect(aep.objects.size).to.equal(0);
    });

    it("refuses a name the user wrote when AEP already holds it, naming the object, adopt and Pulumi's pending-create command", async () => {
        const aep = new FakeAep(["ok"]);
        aep.objects.set("made-by-hand", { name: "a", thingId: "made-by-hand" });
        const err = await createObject(aep.spec(), fakeContext(), { name: "a", __urn: "urn:pulumi:dev::proj::Thing::t" }, noWait).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(err?.message).to.contain('create thing "a": AEP already has a thing with this name (made-by-hand)');
        expect(err?.message).to.contain("set `adopt: true`");
        expect(err?.message).to.contain("Pulumi keeps a pending create for 'urn:pulumi:dev::proj::Thing::t'");
        expect(err?.message).to.contain("`pulumi refresh --clear-pending-creates --yes`").and.contain("`adopt: true`");
        expect(aep.creates).to.equal(0);
    });

    it("takes over, and brings to its inputs, an object holding a name this stack chose (an interrupted run made it)", async () => {
        for (const mark of [{ autoNamed: true }, { __ownName: true }]) {
            const aep = new FakeAep(["ok"]);
            aep.objects.set("left-behind", { name: "a-x1y2z3q", colour: "blue", thingId: "left-behind" });
            const ctx = fakeContext();
            const r = await createObject(aep.spec(), ctx, { name: "a-x1y2z3q", colour: "red", ...mark }, noWait);
            expect(r.id).to.equal("left-behind");
            expect(aep.creates).to.equal(0);
            expect(aep.updates).to.deep.equal(["left-behind"]);
            expect(aep.objects.get("left-behind")!.colour).to.equal("red");
            expect(ctx.said.join("\n")).to.match(
                /warning: thing "a-x1y2z3q" already exists in AEP \(left-behind\) under the name this stack gave it: an earlier run of this stack made it and was interrupted/,
            );
        }
    });

    it("takes over a chosen name that AEP enforces (no look-up before the create; the refusal leads to it)", async () => {
        const aep = new FakeAep(["name-taken"]);
        aep.objects.set("left-behind", { name: "a-x1y2z3q", thingId: "left-behind" });
        const r = await createObject(aep.spec({ enforced: true }), fakeContext(), { name: "a-x1y2z3q", __ownName: true }, noWait);
        expect(r.id).to.equal("left-behind");
        expect(aep.objects.size).to.equal(1);
    });

    it("adopts an existing object when asked, bringing it to the inputs", async () => {
        const aep = new FakeAep(["ok"]);
        aep.objects.set("made-by-hand", { name: "a", colour: "blue", thingId: "made-by-hand" });
        const ctx = fakeContext();
        const r = await createObject(aep.spec(), ctx, { name: "a", colour: "red", adopt: true }, noWait);
        expect(r.id).to.equal("made-by-hand");
        expect(aep.objects.get("made-by-hand")!.colour).to.equal("red");
        expect(ctx.said.join("\n")).to.contain('info: adopting the existing thing "a" (made-by-hand)');
    });
});
