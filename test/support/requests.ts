/**
 * The emulator's log without the settings check a run makes at its first check (one IMS token request and
 * one Schema Registry `/stats` read, provider/resources/lifecycle/credentials.ts): what remains is what the
 * run itself asked of AEP. `runs` is how many provider processes the log covers (a `pulumi up` that previews
 * first may be two); more checks than that are left in, so that the assertion shows them.
 */
export function beyondSettingsCheck<T extends { kind: string; path: string }>(log: readonly T[], runs = 1): T[] {
    const isToken = (e: T) => e.kind === "token";
    const isStats = (e: T) => e.kind === "read" && e.path.endsWith("/schemaregistry/stats");
    if (log.filter(isToken).length > runs || log.filter(isStats).length > runs) return [...log];
    return log.filter((e) => !isToken(e) && !isStats(e));
}
