// `npm start -- config ...` and `npm start -- stack output ...` (tools/engine/cli.ts), on a scratch
// project: no program runs here, the state is written the way the engine writes it.

import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../tools/engine/cli";
import { StateFile } from "../tools/engine/state";
import { makeSecret } from "../tools/engine/values";

describe("local engine command line (npm start)", () => {
    let dir: string;
    let printed: string[];
    const originals = { log: console.log, error: console.error };

    async function cli(...argv: string[]): Promise<{ code: number; text: string }> {
        printed = [];
        console.log = (...a: unknown[]) => printed.push(a.join(" "));
        console.error = (...a: unknown[]) => printed.push(a.join(" "));
        try {
            const code = await main([...argv, "--cwd", dir]);
            return { code, text: printed.join("\n") };
        } finally {
            console.log = originals.log;
            console.error = originals.error;
        }
    }

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-cli-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: clitest\nruntime: nodejs\nconfig:\n  clitest:region: eu\n");
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), 'config:\n  clitest:size: "3"\n');
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("stores config set values per stack, namespaced, and never prints a secret one", async () => {
        expect((await cli("config", "set", "apiToken", "tok-very-secret", "--secret")).code).to.equal(0);
        expect((await cli("config", "set", "aep:sandboxName", "dev")).code).to.equal(0);
        const stored = JSON.parse(fs.readFileSync(path.join(dir, ".pulumi-local", "dev.config.json"), "utf8"));
        expect(stored).to.deep.equal({
            "clitest:apiToken": { value: "tok-very-secret", secret: true },
            "aep:sandboxName": { value: "dev" },
        });
        const list = await cli("config");
        expect(list.text).to.match(/clitest:apiToken\s+\[secret\]/);
        expect(list.text).to.match(/clitest:region\s+eu/);
        expect(list.text).to.match(/clitest:size\s+3/);
        expect(list.text).not.to.contain("tok-very-secret");
        expect((await cli("config", "get", "apiToken")).text).to.equal("[secret]");
        expect((await cli("config", "get", "aep:sandboxName")).text).to.equal("dev");
        expect((await cli("config", "set", "x", "1", "--stack", "prod")).code).to.equal(0);
        expect(fs.existsSync(path.join(dir, ".pulumi-local", "prod.config.json"))).to.equal(true);
    });

    it("prints stack outputs with secrets hidden unless --show-secrets", async () => {
        const state = new StateFile(path.join(dir, ".pulumi-local"), "dev");
        state.save({
            version: 1,
            project: "clitest",
            stack: "dev",
            updated: "",
            resources: [
                {
                    urn: "urn:pulumi:dev::clitest::pulumi:pulumi:Stack::clitest-dev",
                    type: "pulumi:pulumi:Stack",
                    custom: false,
                    inputs: {},
                    outputs: { url: "https://example.test/x", token: makeSecret("tok-123"), count: 2 },
                    dependencies: [],
                    propertyDependencies: {},
                },
            ],
        });
        expect(fs.readFileSync(state.path, "utf8")).not.to.contain("tok-123");

        const all = await cli("stack", "output");
        expect(all.code).to.equal(0);
        expect(all.text).to.match(/url\s+https:\/\/example\.test\/x/);
        expect(all.text).to.match(/token\s+\[secret\]/);
        expect(all.text).not.to.contain("tok-123");
        expect((await cli("stack", "output", "--show-secrets")).text).to.match(/token\s+"?tok-123/);
        expect((await cli("stack", "output", "token")).text).to.equal("[secret]");
        expect((await cli("stack", "output", "token", "--show-secrets")).text).to.equal("tok-123");
        expect(JSON.parse((await cli("stack", "output", "--json")).text)).to.deep.equal({
            url: "https://example.test/x",
            token: "[secret]",
            count: 2,
        });
        expect((await cli("stack", "output", "nope")).code).to.equal(1);
    });

    it("refuses unknown commands with the usage and exit code 2", async () => {
        const r = await cli("deploy");
        expect(r.code).to.equal(2);
        expect(r.text).to.contain('unknown command "deploy"');
        expect(r.text).to.contain("usage: npm start");
    });

    it("says when a stack has no state yet", async () => {
        const r = await cli("stack", "output", "--stack", "qa");
        expect(r.code).to.equal(1);
        expect(r.text).to.contain('stack "qa" has no state yet');
    });
});
