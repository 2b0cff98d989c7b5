/**
 * Bad input through the local engine: a program with invalid inputs and a missing credential fails at
 * preview, each problem naming its field and the fix, and AEP never hears of it. (test/check-diff.spec.ts
 * has the full table, called directly on the providers.)
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { LocalEngine } from "../tools/engine";

describe("Bad input at preview, through the engine", function () {
    this.timeout(60_000);
    let emu: Emulator;
    let stateDir: string;

    before(async () => {
        emu = await startEmulator();
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-bad-input-"));
    });
    after(async () => {
        await emu?.close();
        fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it("fails at preview naming each invalid field and its fix, without a single request to AEP", async () => {
        const engine = new LocalEngine({
            projectDir: path.join(__dirname, "fixtures", "bad-input"),
            stack: "bad",
            stateDir,
            // Pointed at the emulator, so any request would be seen; the client secret is missing.
            config: {
                "aep:clientId": DEMO_CREDENTIALS.clientId,
                "aep:orgId": DEMO_CREDENTIALS.orgId,
                "aep:platformUrl": emu.url,
                "aep:imsUrl": emu.url,
            },
            env: { AEP_CLIENT_SECRET: "" },
            log: () => undefined,
        });
        emu.resetLog();
        const r = await engine.preview();
        expect(r.ok).to.equal(false);
        const errors = r.diagnostics.filter((d) => d.startsWith("error: ")).join("\n");
        const dataset = "error: pulumi-nodejs:dynamic/aep:Dataset resource 'dataset': property";
        for (const [field, fix] of [
            ["name", 'value {""} has a problem: name must not be empty or only spaces: give a value or leave it out'],
            ["description", "has a problem: description is 5000 characters; AEP accepts at most 4096: shorten it"],
            [
                "schemaId",
                'has a problem: schemaId "Chatlio Events" is not a tenant schema $id: pass the `id` output of the resource that owns it',
            ],
            [
                "sandboxName",
                'has a problem: sandboxName "Production" is not an AEP sandbox name: use lowercase letters, digits and hyphens, starting with a letter',
            ],
            [
                "aep:clientSecret",
                "has a problem: aep:clientSecret is not set: run `pulumi config set --secret aep:clientSecret <clientSecret>` or set AEP_CLIENT_SECRET",
            ],
        ]) {
            expect(errors, field).to.match(new RegExp(`^${esc(`${dataset} ${field} `)}.*${esc(fix)}`, "m"));
        }
        // The secret's value is never shown (there is none here, but the message must not invent one).
        expect(errors).to.not.match(/aep:clientSecret value \{"/);
        expect(emu.log).to.deep.equal([]);
        expect(emu.objects()).to.deep.equal([]);
        expect(
            fs.existsSync(engine.statePath)
                ? JSON.parse(fs.readFileSync(engine.statePath, "utf8")).resources.filter((x: { id?: string }) => x.id)
                : [],
        ).to.deep.equal([]);
    });
});

function esc(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
