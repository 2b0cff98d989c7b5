/** What the specs that run stacks through the local engine against the emulator share. */
import { expect } from "chai";
import { DEMO_CREDENTIALS, Emulator } from "./emulator";
import { RunResult } from "./engine";

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
