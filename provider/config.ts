/**
 * Provider settings: `aep:*` stack configuration with `AEP_*` environment variable fallbacks.
 *
 * Stack config wins when both are set; empty values count as unset. Every problem names both the config key
 * and the variable, and says how to fix it. The client secret's value never appears in any message.
 *
 * It runs in the program (validation at preview) and in Pulumi's provider host (each call's client); nothing
 * of it is serialized into state (resources serialize only a small forwarder, see resources/hosted.ts).
 */

/** The settings the AEP client needs, already validated and normalised (no trailing slashes). */
export interface AepSettings {
    /** Client ID of the OAuth Server-to-Server credential (also sent as `x-api-key`). */
    clientId: string;
    /** Client secret of that credential. Never logged. */
    clientSecret: string;
    /** IMS organization id, ending with `@AdobeOrg`. */
    orgId: string;
    /** Sandbox name, lowercase (default `prod`). */
    sandboxName: string;
    /** Comma-separated OAuth scopes (default {@link DEFAULT_SCOPES}). */
    scopes: string;
    /** Platform API root (default `https://platform.adobe.io`). */
    platformUrl: string;
    /** Adobe IMS root (default `https://ims-na1.adobelogin.com`). */
    imsUrl: string;
}

/** Where stack configuration comes from; keys are namespaced, e.g. `aep:clientId` (a Pulumi `Config` fits). */
export interface ConfigSource {
    get(key: string): string | undefined;
}

/**
 * OAuth Server-to-Server scopes used when none are configured. AEP documents no scope list
 * (aep-api.md §1.1): use the scopes shown on your credential in the Developer Console if these are refused.
 */
export const DEFAULT_SCOPES = "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext";

/**
 * Every setting: its stack config key, its environment variable, and its default (`fallback`, not `default`:
 * the SDK's closure serializer mistakes `{default: …}` objects for import-star wrappers).
 */
export const SETTINGS: ReadonlyArray<{ key: string; env: string; secret?: boolean; fallback?: string }> = [
    { key: "aep:clientId", env: "AEP_CLIENT_ID" },
    { key: "aep:clientSecret", env: "AEP_CLIENT_SECRET", secret: true },
    { key: "aep:orgId", env: "AEP_ORG_ID" },
    { key: "aep:sandboxName", env: "AEP_SANDBOX_NAME", fallback: "prod" },
    { key: "aep:scopes", env: "AEP_SCOPES", fallback: DEFAULT_SCOPES },
    { key: "aep:platformUrl", env: "AEP_PLATFORM_URL", fallback: "https://platform.adobe.io" },
    { key: "aep:imsUrl", env: "AEP_IMS_URL", fallback: "https://ims-na1.adobelogin.com" },
];

/** Thrown by {@link resolveSettings}; `problems` lists each problem on its own. */
export class SettingsError extends Error {
    problems: string[];
    constructor(problems: string[]) {
        super(`AEP provider settings are incomplete or invalid:\n  - ${problems.join("\n  - ")}`);
        this.name = "SettingsError";
        this.problems = problems;
    }
}

/** Reads and checks every setting; returns the values and the problems found. */
function readSettings(config: ConfigSource | undefined, env: NodeJS.ProcessEnv) {
    const clean = (v: string | undefined) => v?.trim() || undefined;
    const values: Record<string, string> = {};
    const problems: string[] = [];
    for (const s of SETTINGS) {
        const name = s.key.slice(4);
        const fix = `run \`pulumi config set${s.secret ? " --secret" : ""} ${s.key} <${name}>\` or set ${s.env}`;
        const fromConfig = clean(config?.get(s.key));
        const fromEnv = clean(env[s.env]);
        const raw = fromConfig ?? fromEnv ?? s.fallback;
        if (raw === undefined) {
            problems.push(`${s.key} is not set: ${fix}`);
            continue;
        }
        // Name where the value came from; quote it unless it is the secret.
        const shown = s.secret ? "" : ` ${JSON.stringify(raw.slice(0, 100))}`;
        const origin = fromConfig !== undefined ? "" : fromEnv !== undefined ? ` (from ${s.env})` : " (default)";
        const [value, why] = check(name, raw);
        if (why) problems.push(`${s.key}${shown}${origin} ${why}: ${fix}`);
        else values[name] = value;
    }
    return { values, problems };
}

/** Normalises one value; the second element is the problem, if any. */
function check(name: string, v: string): [string, string?] {
    switch (name) {
        case "clientId":
        case "clientSecret":
            return /^[\x21-\x7e]+$/.test(v) ? [v] : [v, "must be printable ASCII without spaces"];
        case "orgId":
            if (!/@AdobeOrg$/.test(v)) return [v, "must end with @AdobeOrg (e.g. 0123456789ABCDEF01234567@AdobeOrg)"];
            return /^[A-Za-z0-9]+@AdobeOrg$/.test(v) ? [v] : [v, "must be letters and digits followed by @AdobeOrg"];
        case "sandboxName":
            // AEP sandbox names: lowercase letters, digits and hyphens, starting with a letter, at most 256 characters.
            return /^[a-z][a-z0-9-]{0,255}$/.test(v)
                ? [v]
                : [v, "must be a sandbox name: lowercase letters, digits and hyphens, starting with a letter, at most 256 characters"];
        case "scopes": {
            const list = v
                .split(",")
                .map((x) => x.trim())
                .filter(Boolean);
            return list.length && list.every((x) => /^[\x21-\x7e]+$/.test(x))
                ? [list.join(",")]
                : [v, "must be a comma-separated list of scopes without spaces"];
        }
        default: {
            // https, or http on a loopback host (the local emulator); no credentials, query or fragment.
            let u: URL;
            try {
                u = new URL(v);
            } catch {
                return [v, "is not a valid URL"];
            }
            const loopback = /^(localhost|\[::1\]|127(\.\d{1,3}){3})$/i.test(u.hostname);
            if (u.username || u.password) return [v, "must not contain user:password@"];
            if (u.search || u.hash) return [v, "must not contain a query or fragment"];
            if (u.protocol === "http:" && !loopback)
                return [v, "must use https:// (http:// is accepted only for a loopback host such as 127.0.0.1)"];
            if (u.protocol !== "https:" && u.protocol !== "http:") return [v, "must be an https:// URL"];
            return [`${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, "")];
        }
    }
}

/** Every problem with the settings (empty when fine); each names the config key and the variable. */
export function settingsProblems(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
    return readSettings(config, env).problems;
}

/** The settings, or a {@link SettingsError} listing every problem. Config wins over env. */
export function resolveSettings(config?: ConfigSource, env: NodeJS.ProcessEnv = process.env): AepSettings {
    const { values, problems } = readSettings(config, env);
    if (problems.length) throw new SettingsError(problems);
    return values as unknown as AepSettings;
}
