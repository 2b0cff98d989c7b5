/**
 * The settings proved at preview: a preview with a wrong client secret, client id or organization fails,
 * naming the setting and its variable, instead of passing until the merge deploys.
 *
 * The proof is the cheapest documented read that needs all of them: Schema Registry `GET /stats`
 * (aep-api.md §2.2), which needs a token (client id and secret, IMS), passes the gateway's checks
 * (`x-api-key`, `x-gw-ims-org-id`) and names a sandbox (`x-sandbox-name`). It is read once per provider
 * host process, that is once per run, for each sandbox the run's resources use (usually one): one token
 * request and one read, the token then serving the run's other calls (token.ts) and the answer serving
 * field groups, which need the tenant id it carries. An unchanged preview sends nothing else.
 */
import { createHash } from "crypto";
import { AepClient, AepError } from "../../client";
import { AepSettings } from "../../config";
import { CallContext, StoredConfig, callContext } from "./context";
import { CheckFailure } from "./validate";

/** What the check found: a failure to report (about the run's settings, so on no property of the resource), or a warning when AEP could not be asked. */
export interface SettingsVerdict {
    failure?: CheckFailure;
    warning?: string;
}

/** Schema Registry `/stats` answers of this process, by platform, credentials, org and sandbox. */
const stats = new Map<string, Promise<{ tenantId: string }>>();
/** The verdicts of this process, by the same key. */
const verdicts = new Map<string, Promise<SettingsVerdict>>();

function keyOf(s: AepSettings): string {
    const secret = createHash("sha256").update(s.clientSecret).digest("hex");
    return [s.platformUrl, s.imsUrl, s.clientId, secret, s.orgId, s.scopes, s.sandboxName].join("\n");
}

/** The Schema Registry's `/stats` of the call's sandbox (its tenant id among them), read once per process. */
export function registryStats(ctx: CallContext): Promise<{ tenantId: string }> {
    const key = keyOf(ctx.settings);
    let pending = stats.get(key);
    if (!pending) {
        pending = ctx.client
            .request({
                family: "schemaRegistry",
                method: "GET",
                path: "/stats",
                operation: "read tenant id",
                headers: { Accept: "application/json" },
            })
            .then((r) => ({ tenantId: String(r.data.tenantId) }));
        pending.catch(() => stats.delete(key));
        stats.set(key, pending);
    }
    return pending;
}

const said = (e: AepError) => [e.status, e.code, e.aepMessage].filter((x) => x !== undefined && x !== "").join(" ");

/** The verdict for a failed read: which setting AEP or IMS refused, in the words the person needs. */
function verdictOf(err: unknown, s: AepSettings): SettingsVerdict {
    if (!(err instanceof AepError))
        return { warning: `could not check the AEP settings at preview: ${String((err as Error)?.message ?? err)}` };
    const status = err.status ?? 0;
    const refusal = status >= 400 && status < 500 && status !== 429;
    if (refusal && err.operation === "get IMS access token") {
        const text = `${err.code ?? ""} ${err.aepMessage ?? ""}`;
        const which = /client_secret/i.test(text)
            ? "aep:clientSecret (AEP_CLIENT_SECRET) was"
            : /client_id/i.test(text)
              ? "aep:clientId (AEP_CLIENT_ID) was"
              : /scope/i.test(text)
                ? "aep:scopes (AEP_SCOPES) was"
                : "aep:clientId or aep:clientSecret (AEP_CLIENT_ID, AEP_CLIENT_SECRET) was";
        return {
            failure: {
                property: "",
                reason:
                    `${which} refused by Adobe IMS: ${said(err)}. Use the values of the OAuth Server-to-Server credential in the ` +
                    "Adobe Developer Console (`pulumi config set --secret aep:clientSecret …`, or the environment variable; stack config wins)",
            },
        };
    }
    const code = err.code ?? "";
    if (["403025", "403027", "400003"].includes(code))
        return {
            failure: {
                property: "",
                reason:
                    `aep:orgId (AEP_ORG_ID) "${s.orgId}" was refused by AEP: ${said(err)}: the credential is not entitled to that ` +
                    "organization, or the org id is mistyped (it is shown beside the credential in the Adobe Developer Console)",
            },
        };
    if (["403000", "403003", "401013", "403010"].includes(code) || status === 401)
        return {
            failure: {
                property: "",
                reason: `aep:clientId (AEP_CLIENT_ID) was refused by AEP's gateway: ${said(err)}: use the credential's client id, which is also its API key`,
            },
        };
    if (refusal && /sandbox/i.test(`${code} ${err.aepMessage ?? ""}`))
        return {
            failure: {
                property: "sandboxName",
                reason:
                    `sandbox "${s.sandboxName}" was refused by AEP: ${said(err)}: check aep:sandboxName (AEP_SANDBOX_NAME), or the ` +
                    "resource's sandboxName, against the organization's sandboxes",
            },
        };
    if (status === 403)
        return {
            failure: {
                property: "",
                reason:
                    `AEP refused the credential a Schema Registry read in sandbox "${s.sandboxName}": ${said(err)}: check aep:orgId ` +
                    "(AEP_ORG_ID) and that the credential's product profile grants Experience Platform in that sandbox",
            },
        };
    return { warning: `could not check the AEP settings at preview: ${err.message}` };
}

/**
 * Proves the settings (config from `configure`, else the environment) for a sandbox, once per process.
 * The first caller gets the verdict; later callers for the same settings get nothing (the run reports
 * one failure, not one per resource), after waiting for the same read.
 */
export async function verifySettings(config: StoredConfig | undefined, sandboxName: string): Promise<SettingsVerdict | undefined> {
    const base = callContext(config, sandboxName, undefined);
    // One attempt: a refusal is an answer; an AEP that cannot be reached now only earns a warning (the
    // run's own calls retry), instead of holding every preview up for the retries.
    const ctx = { ...base, client: new AepClient(base.settings, { maxAttempts: 1, timeoutMs: 15_000 }) };
    const key = keyOf(ctx.settings);
    const known = verdicts.get(key);
    if (known) {
        await known;
        return undefined;
    }
    const verdict = registryStats(ctx).then(
        () => ({}),
        (err) => verdictOf(err, ctx.settings),
    );
    verdicts.set(key, verdict);
    return verdict;
}
