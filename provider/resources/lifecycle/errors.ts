/**
 * Failures in the words the person needs: which setting to check (and its variable), where Pulumi took
 * the settings from, and nothing twice.
 */
import { AepError } from "../../client";
import { StoredConfig } from "./context";

const IMS = "get IMS access token";

/** What kind of credential problem an error is, if it is one. */
function credentialProblem(err: AepError): "credentials" | "org" | undefined {
    const code = err.code ?? "";
    if (["403025", "403027", "400003"].includes(code)) return "org";
    if (err.operation === IMS && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429)
        return "credentials";
    if (err.status === 401 || ["401013", "403010", "403000", "403003"].includes(code)) return "credentials";
    return undefined;
}

/**
 * An error, with what to do added when it is a credential or organization problem: the settings to
 * check with their variables, and, for refresh and destroy, that Pulumi used the provider configuration
 * it stored at the last `pulumi up`. Other errors come back unchanged.
 */
export function explain(
    err: unknown,
    phase: "check" | "diff" | "create" | "read" | "update" | "delete",
    config: StoredConfig | undefined,
): unknown {
    if (!(err instanceof AepError)) return err;
    const problem = credentialProblem(err);
    if (!problem) return err;
    const fix =
        problem === "org"
            ? "check aep:orgId (AEP_ORG_ID): the credential is not entitled for that organization, or the org id is mistyped; also check that the credential's product profile grants Experience Platform"
            : "check aep:clientId and aep:clientSecret (AEP_CLIENT_ID, AEP_CLIENT_SECRET), and aep:scopes (AEP_SCOPES) if you set it";
    const fromConfig = (k: string) => config?.[k] !== undefined;
    const keys = problem === "org" ? ["aep:orgId"] : ["aep:clientId", "aep:clientSecret"];
    const stored = keys.filter(fromConfig);
    let where = "";
    if (phase === "read" || phase === "delete") {
        where = stored.length
            ? ` Pulumi ran this ${phase === "read" ? "refresh" : "delete"} with the provider configuration stored in the stack's state by its last \`pulumi up\` ` +
              `(${stored.join(", ")} came from there, and stack config wins over environment variables): after changing the setting, run \`pulumi up\` ` +
              `first, or add --run-program to \`pulumi refresh\` / \`pulumi destroy\` so that they read the current configuration.`
            : " The settings came from environment variables, which Pulumi reads anew on every run.";
    }
    const aep = [err.status, err.code].filter((x) => x !== undefined && x !== "").join(" ");
    const said = [aep, err.aepMessage].filter(Boolean).join(" ");
    const message = `${err.operation}${err.object ? ` "${err.object}"` : ""}: AEP refused the ${problem === "org" ? "organization" : "credentials"} (${said}): ${fix}.${where}`;
    return Object.assign(new Error(message), { aepCode: err.code, status: err.status });
}

/** Texts the dynamic-provider host would print again for an error it also returns to the engine, with how many times. */
const echoes = new Map<string, number>();

/**
 * The SDK's dynamic-provider host prints `${error}: ${error.stack}` to stderr for a failed check, diff,
 * read or delete, and also returns the error to the engine, which shows it. Noted here, that print is
 * dropped by the host's stderr filter (host.ts), so each failure shows once, without a stack trace.
 */
export function noteReturnedError(err: unknown): void {
    if (err instanceof Error) {
        // Errors from one cause (a refused token, say) print the same text: each is counted.
        const text = `${err}: ${err.stack}`;
        echoes.set(text, (echoes.get(text) ?? 0) + 1);
        if (echoes.size > 1000) echoes.clear();
    }
}

/** True (once) for a text the host prints for an error that was noted with {@link noteReturnedError}. */
export function isEchoOfReturnedError(text: unknown): boolean {
    if (typeof text !== "string") return false;
    const left = echoes.get(text);
    if (!left) return false;
    if (left > 1) echoes.set(text, left - 1);
    else echoes.delete(text);
    return true;
}
