import { expect } from "chai";
import { DEFAULT_SCOPES, SETTINGS, SettingsError, resolveSettings, settingsProblems } from "../provider/config";

const SECRET = "p8e-SuperSecretValue-1234567890";
const ENV = { AEP_CLIENT_ID: "envclient", AEP_CLIENT_SECRET: SECRET, AEP_ORG_ID: "0123456789ABCDEF01234567@AdobeOrg" };
const cfg = (values: Record<string, string | undefined>) => ({ get: (k: string) => values[k] });

describe("provider settings (aep:* stack config and AEP_* variables)", () => {
    it("reads every setting from the environment and fills in the documented defaults", () => {
        expect(resolveSettings(undefined, ENV)).to.deep.equal({
            clientId: "envclient",
            clientSecret: SECRET,
            orgId: "0123456789ABCDEF01234567@AdobeOrg",
            sandboxName: "prod",
            scopes: DEFAULT_SCOPES,
            platformUrl: "https://platform.adobe.io",
            imsUrl: "https://ims-na1.adobelogin.com",
        });
        expect(DEFAULT_SCOPES).to.equal("openid,session,AdobeID,read_organizations,additional_info.projectedProductContext");
    });

    it("lets stack config win over the environment when both are set", () => {
        const s = resolveSettings(
            cfg({ "aep:clientId": "cfgclient", "aep:sandboxName": "dev", "aep:platformUrl": "https://platform-stage.adobe.io/" }),
            { ...ENV, AEP_SANDBOX_NAME: "other", AEP_PLATFORM_URL: "https://ignored.example" },
        );
        expect(s.clientId).to.equal("cfgclient");
        expect(s.sandboxName).to.equal("dev");
        expect(s.platformUrl).to.equal("https://platform-stage.adobe.io");
        expect(s.clientSecret).to.equal(SECRET);
    });

    it("treats empty or blank values as unset and falls back to the environment", () => {
        expect(resolveSettings(cfg({ "aep:clientId": "  " }), ENV).clientId).to.equal("envclient");
        expect(resolveSettings(undefined, { ...ENV, AEP_SANDBOX_NAME: "" }).sandboxName).to.equal("prod");
    });

    it("lists every setting with its config key and variable", () => {
        expect(SETTINGS.map((s) => [s.key, s.env])).to.deep.equal([
            ["aep:clientId", "AEP_CLIENT_ID"],
            ["aep:clientSecret", "AEP_CLIENT_SECRET"],
            ["aep:orgId", "AEP_ORG_ID"],
            ["aep:sandboxName", "AEP_SANDBOX_NAME"],
            ["aep:scopes", "AEP_SCOPES"],
            ["aep:platformUrl", "AEP_PLATFORM_URL"],
            ["aep:imsUrl", "AEP_IMS_URL"],
        ]);
        expect(SETTINGS.find((s) => s.key === "aep:clientSecret")!.secret).to.equal(true);
        expect(SETTINGS.filter((s) => s.fallback).map((s) => s.key)).to.deep.equal([
            "aep:sandboxName",
            "aep:scopes",
            "aep:platformUrl",
            "aep:imsUrl",
        ]);
    });

    it("normalises scopes and trims trailing slashes from URLs", () => {
        const s = resolveSettings(undefined, {
            ...ENV,
            AEP_SCOPES: " openid , AdobeID,",
            AEP_IMS_URL: "https://ims-na1.adobelogin.com///",
        });
        expect(s.scopes).to.equal("openid,AdobeID");
        expect(s.imsUrl).to.equal("https://ims-na1.adobelogin.com");
    });

    const loopback = ["http://127.0.0.1:8080", "http://127.1.2.3:9", "http://localhost:4010/", "http://[::1]:4010"];
    for (const url of loopback) {
        it(`accepts the loopback emulator URL ${url}`, () => {
            const s = resolveSettings(cfg({ "aep:platformUrl": url, "aep:imsUrl": url }), ENV);
            expect(s.platformUrl).to.equal(url.replace(/\/+$/, ""));
            expect(s.imsUrl).to.equal(url.replace(/\/+$/, ""));
        });
    }

    const invalid: Array<[string, Record<string, string>, string, string, RegExp]> = [
        [
            "a missing client id",
            { AEP_CLIENT_ID: "" },
            "aep:clientId",
            "AEP_CLIENT_ID",
            /is not set: run `pulumi config set aep:clientId .*` or set AEP_CLIENT_ID/,
        ],
        [
            "a missing secret",
            { AEP_CLIENT_SECRET: "" },
            "aep:clientSecret",
            "AEP_CLIENT_SECRET",
            /is not set: run `pulumi config set --secret aep:clientSecret/,
        ],
        ["a missing org id", { AEP_ORG_ID: "" }, "aep:orgId", "AEP_ORG_ID", /is not set/],
        ["an org id without @AdobeOrg", { AEP_ORG_ID: "0123456789ABCDEF01234567" }, "aep:orgId", "AEP_ORG_ID", /must end with @AdobeOrg/],
        ["an org id with odd characters", { AEP_ORG_ID: "01-23@AdobeOrg" }, "aep:orgId", "AEP_ORG_ID", /letters and digits/],
        [
            "an uppercase sandbox",
            { AEP_SANDBOX_NAME: "Dev" },
            "aep:sandboxName",
            "AEP_SANDBOX_NAME",
            /lowercase letters, digits and hyphens/,
        ],
        ["a sandbox starting with a digit", { AEP_SANDBOX_NAME: "1dev" }, "aep:sandboxName", "AEP_SANDBOX_NAME", /starting with a letter/],
        ["a sandbox with an underscore", { AEP_SANDBOX_NAME: "my_dev" }, "aep:sandboxName", "AEP_SANDBOX_NAME", /sandbox name/],
        [
            "a sandbox longer than 256 characters",
            { AEP_SANDBOX_NAME: "a".repeat(257) },
            "aep:sandboxName",
            "AEP_SANDBOX_NAME",
            /at most 256/,
        ],
        ["scopes with spaces inside a scope", { AEP_SCOPES: "open id" }, "aep:scopes", "AEP_SCOPES", /comma-separated/],
        ["a client id with spaces", { AEP_CLIENT_ID: "my client" }, "aep:clientId", "AEP_CLIENT_ID", /without spaces/],
        [
            "a non-loopback http platform URL",
            { AEP_PLATFORM_URL: "http://platform.adobe.io" },
            "aep:platformUrl",
            "AEP_PLATFORM_URL",
            /must use https/,
        ],
        ["a non-loopback http IMS URL", { AEP_IMS_URL: "http://10.0.0.5:8080" }, "aep:imsUrl", "AEP_IMS_URL", /must use https/],
        [
            "a host that only starts like loopback",
            { AEP_IMS_URL: "http://127.0.0.1.evil.example" },
            "aep:imsUrl",
            "AEP_IMS_URL",
            /must use https/,
        ],
        ["a URL that does not parse", { AEP_PLATFORM_URL: "platform.adobe.io" }, "aep:platformUrl", "AEP_PLATFORM_URL", /not a valid URL/],
        [
            "a URL with credentials",
            { AEP_PLATFORM_URL: "https://u:p@platform.adobe.io" },
            "aep:platformUrl",
            "AEP_PLATFORM_URL",
            /user:password/,
        ],
        ["a URL with a query", { AEP_PLATFORM_URL: "https://platform.adobe.io/?x=1" }, "aep:platformUrl", "AEP_PLATFORM_URL", /query/],
        ["an ftp URL", { AEP_IMS_URL: "ftp://ims.example" }, "aep:imsUrl", "AEP_IMS_URL", /https/],
    ];
    for (const [what, env, key, variable, pattern] of invalid) {
        it(`refuses ${what}, naming ${key} and ${variable}`, () => {
            const problems = settingsProblems(undefined, { ...ENV, ...env });
            expect(problems).to.have.length(1);
            expect(problems[0]).to.include(key).and.include(variable).and.match(pattern);
            expect(() => resolveSettings(undefined, { ...ENV, ...env })).to.throw(SettingsError, key);
        });
    }

    it("reports every problem at once, and says where a bad value came from", () => {
        const problems = settingsProblems(cfg({ "aep:sandboxName": "Prod" }), { AEP_ORG_ID: "nope" });
        expect(problems).to.have.length(4);
        expect(problems.join("\n")).to.include("aep:clientId").and.include("aep:clientSecret").and.include("(from AEP_ORG_ID)");
        try {
            resolveSettings(cfg({ "aep:sandboxName": "Prod" }), { AEP_ORG_ID: "nope" });
            expect.fail("should throw");
        } catch (e) {
            expect(e).to.be.instanceOf(SettingsError);
            expect((e as SettingsError).problems).to.deep.equal(problems);
        }
    });

    it("never shows the secret's value in a message", () => {
        const badSecret = "has space " + SECRET;
        const problems = settingsProblems(cfg({ "aep:clientSecret": badSecret }), { ...ENV, AEP_ORG_ID: "x" });
        expect(problems.join("\n")).to.include("aep:clientSecret").and.not.include(SECRET);
        expect(() => resolveSettings(cfg({ "aep:clientSecret": badSecret }), ENV))
            .to.throw(SettingsError)
            .with.property("message")
            .that.does.not.include(SECRET);
    });

    it("returns no problems for a complete, valid configuration", () => {
        expect(settingsProblems(cfg({}), ENV)).to.deep.equal([]);
    });
});
