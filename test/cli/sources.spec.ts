/**
 * Every webhook source through the real Pulumi CLI in a project folder, against the emulator: one stack with
 * the Customer.io, Pendo and LAVA presets and two HTTP API sources (XDM unauthenticated, raw authenticated),
 * each with default arguments (forceDestroy aside). Each preset's documented sample payloads, posted by the
 * package's own event check (`send-test-event --source …`), land in its dataset with their mapped fields;
 * the HTTP API's XDM message lands as sent and its raw one through the mapping; the authenticated inlet
 * refuses a post without a token; an unchanged `up` sends no request but the settings check; destroy leaves only mapping sets.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { CUSTOMERIO_SAMPLES } from "../../provider/sources/customerio";
import { LAVA_SAMPLES } from "../../provider/sources/lava";
import { PENDO_SAMPLES } from "../../provider/sources/pendo";
import { extractReleaseProvider } from "../support/release";
import { NEW_CONVERSATION } from "../../provider/internal";
import { INSTALL_HINT, ROOT, cliInstalled } from "./harness";
import { Project, ProjectHome, emulatorConfig, languageHostInstalled, must } from "./project";
import { beyondSettingsCheck } from "../support/requests";

const FIXTURE = path.join(ROOT, "test", "fixtures", "webhook-sources");
const SEND_TEST_EVENT = [path.join(ROOT, "dist", "cli.js"), "send-test-event"];
/** The emulator's default tenant: custom fields sit under `_acme`. */
const TENANT = "_acme";

/** Epoch seconds as the XDM date-time Data Prep's dformat writes. */
const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString();

describe("Every webhook source in one stack (real CLI, project folder)", function () {
    if (!cliInstalled() || !languageHostInstalled()) {
        console.log(`\n  ${INSTALL_HINT}\n`);
        if (process.env.AEP_REQUIRE_PULUMI_CLI)
            it("needs the Pulumi CLI and its Node.js language host (AEP_REQUIRE_PULUMI_CLI is set)", () => expect.fail(INSTALL_HINT));
        return;
    }
    this.timeout(900_000);
    const home = new ProjectHome();
    let emu: Emulator;
    let p: Project;
    let out: Record<string, any> = {};

    before(async () => {
        emu = await startEmulator({ dataLakeLatencyMs: 0 });
        p = new Project(home, FIXTURE, `sources-${process.pid}`);
        await p.init(emulatorConfig(emu));
    });
    after(async () => {
        await p?.remove();
        await emu?.close();
        home.remove();
    });

    const sendEvents = async (source: string, url: string) =>
        must(
            p.run(process.execPath, [...SEND_TEST_EVENT, "--source", source, "--all", "--url", url]),
            `send-test-event --source ${source}`,
        );

    it("deploys Customer.io, Pendo, LAVA and the HTTP API source (XDM, and raw with authentication) with default arguments", async () => {
        await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
        out = await p.outputs(true);
        for (const key of ["customerio", "pendo", "lava"]) {
            expect(out.sources[key].webhookUrl, key).to.match(
                /^http:\/\/127\.0\.0\.1:\d+\/collection\/[0-9a-f]{64}\?x-adobe-flow-id=[0-9a-f-]{36}$/,
            );
            expect(out.sources[key].datasetId, key).to.match(/^[0-9a-f]{24}$/);
        }
        expect(out.xdmSource.webhookUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/collection\/[0-9a-f]{64}$/);
        expect(out.xdmSource.authenticationRequired).to.equal(false);
        expect(out.rawSource.webhookUrl).to.equal(`${out.rawSource.inletUrl}?x-adobe-flow-id=${out.rawSource.flowId}`);
        expect(out.rawSource.authenticationRequired).to.equal(true);
        expect(out.rawSource.senderInstructions).to.contain("Authorization: Bearer");
        // The URLs are secrets: the plain output hides them.
        const shown = await p.outputs(false);
        expect(JSON.stringify(shown)).to.not.match(/collection\/[0-9a-f]{64}/);
        const kinds = emu.objects().map((o) => o.kind);
        expect(kinds.filter((k) => k === "flow")).to.have.length(5);
        expect(kinds.filter((k) => k === "baseConnection")).to.have.length(2);
        // Customer.io declares its identifiers' email as the primary identity (namespace Email).
        expect(kinds.filter((k) => k === "descriptor")).to.have.length(1);
    });

    it("each Customer.io sample (reporting webhooks) lands with its mapped fields, its epoch-seconds timestamp as an XDM date-time", async () => {
        const r = await sendEvents("customerio", out.sources.customerio.webhookUrl);
        expect(r.stdout)
            .to.contain("AEP accepted every event")
            .and.not.match(/collection\/[0-9a-f]{64}/);
        const records = emu.records(out.sources.customerio.datasetId) as any[];
        expect(records).to.have.length(Object.keys(CUSTOMERIO_SAMPLES).length);
        for (const [name, sample] of Object.entries(CUSTOMERIO_SAMPLES) as [string, any][]) {
            const rec = records.find((x) => x._id === sample.event_id);
            expect(rec, name).to.not.equal(undefined);
            expect(rec.timestamp, name).to.equal(isoOf(sample.timestamp));
            const cio = rec[TENANT].customerio;
            expect(cio.eventId).to.equal(sample.event_id);
            expect(cio.objectType).to.equal(sample.object_type);
            expect(cio.metric).to.equal(sample.metric);
            expect(cio.data.customerId).to.equal(sample.data.customer_id);
            expect(cio.data.identifiers).to.deep.equal({
                id: sample.data.identifiers.id,
                email: sample.data.identifiers.email,
                cioId: sample.data.identifiers.cio_id,
            });
            if (sample.data.href) expect(cio.data.href).to.equal(sample.data.href);
            if (sample.data.subject) expect(cio.data.subject).to.equal(sample.data.subject);
        }
    });

    it("each Pendo sample lands with its mapped fields, uniqueId as the event id and the timestamp as an XDM date-time", async () => {
        await sendEvents("pendo", out.sources.pendo.webhookUrl);
        const records = emu.records(out.sources.pendo.datasetId) as any[];
        expect(records).to.have.length(Object.keys(PENDO_SAMPLES).length);
        for (const sample of Object.values(PENDO_SAMPLES) as any[]) {
            const rec = records.find((x) => x._id === sample.uniqueId);
            expect(rec).to.not.equal(undefined);
            expect(rec.timestamp).to.equal(isoOf(sample.timestamp));
            expect(rec[TENANT].pendo).to.deep.equal({
                uniqueId: sample.uniqueId,
                accountId: sample.accountId,
                visitorId: sample.visitorId,
                properties: { guideProperties: { name: sample.properties.guideProperties.name } },
            });
        }
    });

    it("each LAVA sample (ticket scan, transaction, ledger entry) lands with its type as eventType and its fields in place", async () => {
        await sendEvents("lava", out.sources.lava.webhookUrl);
        const records = emu.records(out.sources.lava.datasetId) as any[];
        expect(records).to.have.length(3);
        const byType = Object.fromEntries(records.map((x) => [x.eventType, x]));
        const scan = LAVA_SAMPLES["ticket scan"] as any;
        expect(byType.ticketScan[TENANT].lava.lavaId).to.equal(scan.lavaId);
        expect(byType.ticketScan[TENANT].lava.ticketScan.seat).to.equal(scan.seat);
        expect(byType.ticketScan.timestamp).to.equal(scan.timestamp);
        expect(byType.transaction[TENANT].lava.transaction.total).to.equal((LAVA_SAMPLES.transaction as any).total);
        expect(byType.ledger[TENANT].lava.ledger.rewardSlug).to.equal((LAVA_SAMPLES["ledger entry"] as any).rewardSlug);
    });

    it("the HTTP API XDM inlet takes an XDM message for the stack's schema and dataset, and stores it as sent", async () => {
        const entity = {
            _id: "http-xdm-1",
            timestamp: "2026-12-01T10:00:00.000Z",
            [TENANT]: { httpApi: { eventName: "signup", userId: "u-1", email: "kim@example.com", value: 3 } },
        };
        const schemaRef = { id: out.xdmSource.schemaId, contentType: "application/vnd.adobe.xed-full+json;version=1" };
        const res = await fetch(out.xdmSource.webhookUrl, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({
                header: { schemaRef, imsOrgId: DEMO_CREDENTIALS.orgId, datasetId: out.xdmSource.datasetId, flowId: out.xdmSource.flowId },
                body: { xdmMeta: { schemaRef }, xdmEntity: entity },
            }),
        });
        expect(res.status, await res.text()).to.equal(200);
        expect(emu.records(out.xdmSource.datasetId)).to.deep.equal([entity]);
    });

    it("the authenticated raw inlet refuses a post without a token (401), and maps one sent with a valid IMS token", async () => {
        const payload = { eventName: "purchase", userId: "u-2", email: "lee@example.com", value: 42 };
        const post = (headers: Record<string, string>) =>
            fetch(out.rawSource.webhookUrl, {
                method: "POST",
                headers: { "Content-Type": "application/json", ...headers },
                body: JSON.stringify(payload),
            });
        const refused = await post({});
        expect(refused.status).to.equal(401);
        expect(emu.records(out.rawSource.datasetId)).to.deep.equal([]);
        // The sender's own token, from IMS with its own credentials (here the emulator's demo client).
        const form = new URLSearchParams({
            grant_type: "client_credentials",
            client_id: DEMO_CREDENTIALS.clientId,
            client_secret: DEMO_CREDENTIALS.clientSecret,
            scope: "openid,AdobeID",
        });
        const token = ((await (await fetch(`${emu.url}/ims/token/v3`, { method: "POST", body: form })).json()) as any).access_token;
        const accepted = await post({ Authorization: `Bearer ${token}` });
        expect(accepted.status, await accepted.text()).to.equal(200);
        const [rec] = emu.records(out.rawSource.datasetId) as any[];
        expect(rec[TENANT].httpApi).to.deep.equal(payload);
        expect(rec._id).to.match(/^[0-9a-f-]{36}$/);
        expect(Date.parse(rec.timestamp)).to.be.greaterThan(0);
    });

    it("an unchanged `pulumi up` sends no request to AEP but the settings check", async () => {
        emu.resetLog();
        const r = await must(p.pulumi(["up", "--yes", "--skip-preview"]), "unchanged up");
        expect(r.stdout).to.not.match(/\d+ (to )?(create|update|replace|delete)/);
        expect(beyondSettingsCheck(emu.log)).to.deep.equal([]);
    });

    it("destroy (forceDestroy set) removes every object, the datasets with their events, and leaves only the mapping sets", async () => {
        await must(p.pulumi(["destroy", "--yes", "--skip-preview"]), "destroy");
        expect(emu.objects().filter((o) => o.kind !== "mappingSet")).to.deep.equal([]);
        expect(emu.objects().filter((o) => o.kind === "mappingSet")).to.have.length(4);
    });
});

describe("examples/webhook-sources: several sources in one stack, picked by config (real CLI, project folder)", function () {
    if (!cliInstalled() || !languageHostInstalled()) return;
    this.timeout(900_000);
    const home = new ProjectHome();
    let emu: Emulator;
    let p: Project;

    before(async () => {
        emu = await startEmulator({ dataLakeLatencyMs: 0 });
        p = new Project(home, path.join(ROOT, "examples", "webhook-sources"), `example-${process.pid}`);
        await p.init({
            "aep:clientId": DEMO_CREDENTIALS.clientId,
            "aep:clientSecret": { value: DEMO_CREDENTIALS.clientSecret, secret: true },
            "aep:orgId": DEMO_CREDENTIALS.orgId,
            "aep:platformUrl": emu.url,
            "aep:imsUrl": emu.url,
            "webhook:sources": "pendo,http-api",
            "webhook:forceDestroy": "true",
        });
    });
    after(async () => {
        await p?.remove();
        await emu?.close();
        home.remove();
    });

    it("declares the sources webhook:sources names, and send-test-event --source pendo --output pendoWebhookUrl finds the stack's URL", async () => {
        await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up");
        const out = await p.outputs(true);
        expect(Object.keys(out).sort()).to.deep.equal(
            [
                "webhookUrl",
                "pendoWebhookUrl",
                "pendoDatasetId",
                "pendoSetupInstructions",
                "httpApiWebhookUrl",
                "httpApiDatasetId",
                "httpApiFlowId",
                "httpApiSchemaId",
                "httpApiSenderInstructions",
            ].sort(),
        );
        expect(out.webhookUrl).to.equal(out.pendoWebhookUrl);
        expect(String(out.pendoSetupInstructions)).to.contain("Settings, then Integrations, then Webhooks");
        const sent = await must(
            p.run(process.execPath, [...SEND_TEST_EVENT, "--source", "pendo", "--output", "pendoWebhookUrl", "--stack", p.stack]),
            "send-test-event",
        );
        expect(sent.stdout)
            .to.contain("guide seen: 200")
            .and.not.match(/collection\/[0-9a-f]{64}/);
        expect(emu.records(String(out.pendoDatasetId))).to.have.length(1);
        await must(p.pulumi(["destroy", "--yes", "--skip-preview"]), "destroy");
        expect(emu.objects().filter((o) => o.kind !== "mappingSet")).to.deep.equal([]);
    });
});

describe("A Chatlio stack deployed by the release before the webhook sources, under this build (real CLI, project folder)", function () {
    if (!cliInstalled() || !languageHostInstalled()) return;
    this.timeout(900_000);
    const home = new ProjectHome();
    let emu: Emulator;
    let p: Project;
    let dir = "";

    before(async () => {
        emu = await startEmulator({ dataLakeLatencyMs: 0 });
        // That release's provider/ beside the README's one-source program importing it, inside the repository
        // (its node_modules resolve).
        fs.mkdirSync(path.join(ROOT, "tmp"), { recursive: true });
        dir = fs.mkdtempSync(path.join(ROOT, "tmp", "cli-release-"));
        extractReleaseProvider(ROOT, dir);
        const program = path.join(dir, "program");
        fs.mkdirSync(program);
        const fixture = path.join(ROOT, "test", "fixtures", "chatlio-stack");
        fs.copyFileSync(path.join(fixture, "Pulumi.yaml"), path.join(program, "Pulumi.yaml"));
        const source = fs.readFileSync(path.join(fixture, "index.ts"), "utf8");
        expect(source).to.contain(`from "../../../provider"`);
        fs.writeFileSync(path.join(program, "index.ts"), source.replace(`from "../../../provider"`, `from "../provider"`));
        p = new Project(home, program, `release-${process.pid}`);
        await p.init(emulatorConfig(emu));
    });
    after(async () => {
        await p?.remove();
        await emu?.close();
        home.remove();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("previews with no change (--expect-no-changes), updates nothing, keeps every URN and type token, and its webhook URL still takes events", async () => {
        await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up with the release");
        const urns = async () => (await p.export()).deployment.resources!.map((r) => `${r.type} ${r.urn}`).sort();
        const before = await urns();
        expect(before.filter((u) => u.startsWith("aep:chatlio:ChatlioSource "))).to.have.length(1);
        const url = String((await p.outputs(true)).webhookUrl);
        // The same program, now importing this build.
        const index = path.join(p.dir, "index.ts");
        fs.writeFileSync(index, fs.readFileSync(index, "utf8").replace(`from "../provider"`, `from "../../../provider"`));
        emu.resetLog();
        const preview = await must(p.pulumi(["preview", "--diff", "--expect-no-changes"]), "preview --expect-no-changes");
        expect(preview.stdout).to.match(/\b10 unchanged\b/);
        expect(emu.log.filter((e) => e.kind === "write")).to.deep.equal([]);
        const up = await must(p.pulumi(["up", "--yes", "--skip-preview"]), "up with this build");
        expect(up.stdout).to.match(/\b10 unchanged\b/);
        // The same resources, by URN and type token (steps run in parallel, so the order in state may differ).
        expect(await urns()).to.deep.equal(before);
        expect(String((await p.outputs(true)).webhookUrl)).to.equal(url);
        const res = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(NEW_CONVERSATION),
        });
        expect(res.status, await res.text()).to.equal(200);
    });
});
