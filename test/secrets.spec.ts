/**
 * Secrets through a full lifecycle (up, update, refresh, a refresh that fails, destroy) run by the local
 * engine: the client secret and the access tokens IMS issued never appear in the state file, the
 * serialized providers, the traffic log or anything printed; the streaming and webhook URLs are secret
 * in state and in stack outputs; errors never carry the Authorization header.
 *
 * The provider host's tokens are never seen by the test, so they are recognised the way the emulator
 * keeps them: by SHA-256. Every 64-character token-shaped string in the scanned text is hashed and
 * looked up among the hashes of every token the emulator issued.
 */
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as util from "util";
import { AepClient, clearTokenCache } from "../provider/client";
import { Emulator, startEmulator } from "aep-emulator";
import { LocalEngine, RunResult } from "../tools/engine";
import { Invariants } from "./support/invariants";
import { SECRET_SIG, SIG_KEY } from "../tools/engine";
import { BEARER, expectOk, tokensIn } from "./support/stack";

const PROJECT = path.join(__dirname, "fixtures", "aep-stack");

describe("Secrets stay secret through a whole lifecycle", function () {
    this.timeout(180_000);
    // A secret of its own, so that finding it anywhere cannot be a coincidence.
    const client = {
        clientId: "secrets-spec-client",
        clientSecret: `s3cr3t-${crypto.randomBytes(18).toString("hex")}`,
        orgId: "0123456789ABCDEF01234567@AdobeOrg",
    };
    /** What IMS echoes in a refused call, as some gateways do: AEP's own text must be redacted too. */
    const ECHOED = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlY2hvIn0.c2lnbmF0dXJlLWVjaG8";
    let emu: Emulator;
    let dir: string;
    let storeFile: string;
    let trafficLog: string;
    const console: string[] = [];
    const states: string[] = [];
    const runs: Record<string, RunResult> = {};
    let engine: () => LocalEngine;
    let invariants: Invariants;
    const reports: string[] = [];
    /** SHA-256 of every access token the emulator issued. */
    const issued = () => new Set(Object.keys(JSON.parse(fs.readFileSync(storeFile, "utf8")).tokens ?? {}));

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-secrets-"));
        storeFile = path.join(dir, "aep-store.json");
        trafficLog = path.join(dir, "traffic.jsonl");
        emu = await startEmulator({ clients: [client], storeFile, trafficLog });
        invariants = new Invariants(emu);
        const config: Record<string, string | { value: string; secret?: boolean }> = {
            "aep:clientId": client.clientId,
            "aep:clientSecret": { value: client.clientSecret, secret: true },
            "aep:orgId": client.orgId,
            "aep:platformUrl": emu.url,
            "aep:imsUrl": emu.url,
        };
        engine = () =>
            new LocalEngine({
                projectDir: PROJECT,
                stack: "secrets",
                stateDir: path.join(dir, "state"),
                config,
                env: { AEP_HTTP_RETRY_BASE_MS: "20" },
                log: (l) => console.push(l),
            });
        const step = async (name: string, op: "up" | "refresh" | "destroy") => {
            const r = await engine()[op]();
            console.push(...r.diagnostics, r.error ?? "");
            states.push(fs.existsSync(engine().statePath) ? fs.readFileSync(engine().statePath, "utf8") : "");
            runs[name] = r;
            const report = invariants.check(engine().statePath);
            reports.push(...[...report.duplicates, ...report.orphans, ...report.lost].map((p) => `after ${name}: ${p}`));
        };
        await step("up", "up");
        config["test:description"] = "second";
        config["test:enabled"] = "false";
        await step("update", "up");
        // A refresh whose reads are refused (401) even with a fresh token, with AEP echoing a credential.
        emu.faults.add({
            method: "GET",
            path: new RegExp("^/data/foundation/flowservice/flows/[^/]+$"),
            status: 401,
            count: 2,
            body: { error_code: "401013", message: `Oauth token is not valid: ${ECHOED}` },
        });
        await step("failed refresh", "refresh");
        emu.faults.clear();
        await step("refresh", "refresh");
        await step("destroy", "destroy");
    });
    after(async () => {
        await emu?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("ran the whole lifecycle, the refused refresh failing and the rest succeeding, with nothing left behind", () => {
        for (const name of ["up", "update", "refresh", "destroy"]) expectOk(runs[name]);
        expect(runs["failed refresh"].ok).to.equal(false);
        expect(reports).to.deep.equal([]);
        expect(invariants.check(engine().statePath).inState).to.equal(0);
    });

    it("recognises an issued access token wherever it appears (the scan's own check)", async () => {
        const minted = await fetch(`${emu.url}/ims/token/v3`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: client.clientId,
                client_secret: client.clientSecret,
                scope: "openid",
            }).toString(),
        }).then((x) => x.json() as Promise<{ access_token: string }>);
        expect(minted.access_token).to.match(/^[A-Za-z0-9_-]{64}$/);
        const hashes = issued();
        expect(tokensIn(`{"x":"Bearer ${minted.access_token}"}`, hashes)).to.deep.equal([`${minted.access_token.slice(0, 8)}…`]);
        // One token per provider host (five runs), each fetched by the host and never shown to the test.
        expect(hashes.size).to.be.at.least(5 + 1);
        expect(tokensIn(fs.readFileSync(storeFile, "utf8"), hashes)).to.deep.equal([]);
    });

    it("keeps the client secret and every token out of the state file and every serialized provider", () => {
        const hashes = issued();
        const providers = states.flatMap((s) =>
            [...s.matchAll(/"__provider":\s*("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string),
        );
        expect(providers.length).to.be.at.least(7 * 3);
        for (const text of [...states, ...providers]) {
            expect(text).to.not.contain(client.clientSecret);
            expect(tokensIn(text, hashes)).to.deep.equal([]);
            expect(text).to.not.match(BEARER);
        }
    });

    it("keeps the client secret and every token out of the traffic log, which shows the Authorization header redacted", () => {
        const traffic = fs.readFileSync(trafficLog, "utf8");
        const lines = traffic
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l));
        expect(lines.length).to.be.greaterThan(40);
        expect(
            lines.filter((l) => l.requestHeaders.authorization).every((l) => l.requestHeaders.authorization === "Bearer [redacted]"),
        ).to.equal(true);
        expect(traffic).to.not.contain(client.clientSecret);
        expect(tokensIn(traffic, issued())).to.deep.equal([]);
        // The log records AEP's answers as sent: the fake credential the refused refresh echoed is AEP's text.
        expect(traffic.split(ECHOED).join("")).to.not.match(BEARER);
    });

    it("keeps the client secret, every token and the streaming URL out of everything printed, diagnostics and errors included", () => {
        const printed = console.join("\n");
        expect(printed).to.contain("aep:"); // the provider's own progress lines are in there
        expect(printed).to.not.contain(client.clientSecret);
        expect(tokensIn(printed, issued())).to.deep.equal([]);
        expect(printed).to.not.match(BEARER);
        expect(printed).to.not.contain("/collection/");
    });

    it("keeps streamingUrl and webhookUrl secret in state and in stack outputs", () => {
        for (const name of ["up", "update"]) {
            expect(runs[name].outputs.streamingUrl.secret, name).to.equal(true);
            expect(runs[name].outputs.webhookUrl.secret, name).to.equal(true);
            expect(String(runs[name].outputs.webhookUrl.value)).to.match(/\/collection\/[0-9a-f]{64}\?x-adobe-flow-id=/);
        }
        for (const text of states.slice(0, 4)) {
            const state = JSON.parse(text);
            const flow = state.resources.find((r: { type: string }) => r.type.endsWith(":Dataflow"));
            const stack = state.resources.find((r: { type: string }) => r.type === "pulumi:pulumi:Stack");
            for (const outputs of [flow.outputs, stack.outputs]) {
                for (const key of ["streamingUrl", "webhookUrl"]) {
                    expect(outputs[key][SIG_KEY], key).to.equal(SECRET_SIG);
                    expect(outputs[key].ciphertext, key).to.be.a("string");
                }
            }
            expect(text).to.not.contain("/collection/");
        }
    });

    it("errors never carry the Authorization header, a token or the secret: through the engine, and from the client itself", async () => {
        const failed = runs["failed refresh"];
        expect(failed.error).to.match(
            /read dataflow "[0-9a-f-]{36}": AEP refused the credentials \(401 401013 Oauth token is not valid: Bearer \[redacted\]\): check aep:clientId/,
        );
        const texts = [failed.error!, ...failed.diagnostics];

        // The client's own errors, inspected whole: a refused call and a dropped connection.
        clearTokenCache();
        const aep = new AepClient(
            { ...client, sandboxName: "prod", scopes: "openid", platformUrl: emu.url, imsUrl: emu.url },
            { baseDelayMs: 1, timeoutMs: 2000 },
        );
        emu.faults.add({
            method: "GET",
            path: "/data/foundation/catalog/dataSets",
            status: 401,
            count: 2,
            body: { message: `Oauth token is not valid: ${ECHOED}` },
        });
        emu.faults.add({ method: "POST", path: "/data/foundation/catalog/dataSets", reset: "before" });
        const refused = await aep.request({ family: "catalog", method: "GET", path: "/dataSets", operation: "list datasets" }).then(
            () => undefined,
            (e: Error) => e,
        );
        const dropped = await aep
            .request({ family: "catalog", method: "POST", path: "/dataSets", body: { name: "x" }, operation: "create dataset" })
            .then(
                () => undefined,
                (e: Error) => e,
            );
        emu.faults.clear();
        for (const e of [refused, dropped]) {
            expect(e).to.be.instanceOf(Error);
            texts.push(e!.message, String(e!.stack), JSON.stringify(e), util.inspect(e, { depth: Infinity, showHidden: true }));
        }
        expect(refused!.message).to.match(/^list datasets: 401 .*Bearer \[redacted\]/);
        expect(dropped!.message).to.match(/^create dataset: ECONNRESET/);

        const hashes = issued();
        for (const text of texts) {
            expect(text).to.not.match(/authorization/i);
            expect(text).to.not.match(BEARER);
            expect(text).to.not.contain(ECHOED.slice(7));
            expect(text).to.not.contain(client.clientSecret);
            expect(tokensIn(text, hashes)).to.deep.equal([]);
        }
    });
});
