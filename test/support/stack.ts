/** What the specs that run stacks through the local engine against the emulator share. */
import { expect } from "chai";
import * as crypto from "crypto";
import { DEMO_CREDENTIALS, Emulator } from "aep-emulator";
import { RunResult } from "../../tools/engine";

export type StackConfig = Record<string, string | { value: string; secret?: boolean }>;

/** Stack config pointing the provider at the emulator with its demo credentials (the secret as a secret). */
export function emulatorConfig(emu: Emulator, client = DEMO_CREDENTIALS): StackConfig {
    return {
        "aep:clientId": client.clientId,
        "aep:clientSecret": { value: client.clientSecret, secret: true },
        "aep:orgId": client.orgId,
        "aep:platformUrl": emu.url,
        "aep:imsUrl": emu.url,
    };
}

/** Fails with the engine's error and diagnostics when the run failed. */
export function expectOk(r: RunResult): void {
    expect(r.ok, `${r.error}\n${r.diagnostics.join("\n")}`).to.equal(true);
}

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

/** Access tokens (IMS hands out 64 base64url characters) found in `text`, shown by their first 8 characters. */
export function tokensIn(text: string, issued: Set<string>): string[] {
    const found = new Set<string>();
    for (const m of text.matchAll(/[A-Za-z0-9_-]{64,}/g)) {
        for (let i = 0; i + 64 <= m[0].length; i++) {
            const w = m[0].slice(i, i + 64);
            if (issued.has(sha256(w))) found.add(`${w.slice(0, 8)}…`);
        }
    }
    return [...found];
}

/** A bearer credential that is not the redaction placeholder. */
export const BEARER = /bearer\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/i;

/** A provider called the way the provider host calls it: loosely typed JSON in, JSON out. */
export interface LooseProvider {
    configure(req: unknown): Promise<void>;
    check(olds: any, news: any): Promise<any>;
    diff(id: string, olds: any, news: any): Promise<any>;
    create(inputs: any): Promise<any>;
}
