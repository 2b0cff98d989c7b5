// The stack's state: one JSON file, `<stateDir>/<stack>.json`, rewritten atomically (temp file +
// rename) after the steps of a run, so a failed run keeps everything that did succeed. A run writes
// through a StateWriter: asynchronous writes, at most one in flight, the requests made meanwhile merged
// into one follow-up write of the state as it is then, and the last write awaited before the run ends.
//
// Secret values are never written in plaintext. Like the Pulumi CLI's checkpoints, a secret is stored
// as `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "..." }`.
// The CLI encrypts with the stack's secrets provider; this local engine uses AES-256-GCM with a random
// key kept beside the state (`<stateDir>/<stack>.key`, mode 0600): it keeps secrets out of the state
// file, not away from someone who can read the whole folder.

import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { isSecret, PropertyMap, SECRET_SIG, SIG_KEY, secretKeys } from "./values";

export interface ResourceState {
    urn: string;
    type: string;
    /** false for components (and the stack). */
    custom: boolean;
    id?: string;
    parent?: string;
    /** The provider reference (`<provider urn>::<provider id>`) for custom resources. */
    provider?: string;
    /** Checked inputs, wire form (secrets wrapped). */
    inputs: PropertyMap;
    /** Outputs, wire form; dynamic resources carry `__provider` here. */
    outputs: PropertyMap;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Informational: which top-level input/output keys hold secrets (derived on save). */
    secretInputs?: string[];
    secretOutputs?: string[];
    additionalSecretOutputs?: string[];
    deleteBeforeReplace?: boolean;
    protect?: boolean;
    retainOnDelete?: boolean;
    /** An object replaced by a newer one and still to be deleted (create-before-delete). */
    pendingDelete?: boolean;
    /** Create succeeded but the provider reported an initialisation failure. */
    initErrors?: string[];
}

export interface StackState {
    version: 1;
    project: string;
    stack: string;
    updated: string;
    resources: ResourceState[];
}

export function emptyState(project: string, stack: string): StackState {
    return { version: 1, project, stack, updated: new Date().toISOString(), resources: [] };
}

export class StateFile {
    readonly path: string;
    private readonly keyPath: string;
    private key: Buffer | undefined;
    /** plaintext JSON → ciphertext, so an unchanged secret keeps its ciphertext across saves. */
    private readonly ciphertexts = new Map<string, string>();

    constructor(stateDir: string, stack: string) {
        this.path = path.join(stateDir, `${stack}.json`);
        this.keyPath = path.join(stateDir, `${stack}.key`);
    }

    exists(): boolean {
        return fs.existsSync(this.path);
    }

    load(project: string, stack: string): StackState {
        if (!this.exists()) {
            return emptyState(project, stack);
        }
        const raw = JSON.parse(fs.readFileSync(this.path, "utf8")) as StackState;
        raw.resources = raw.resources.map((r) => ({
            ...r,
            inputs: this.decrypt(r.inputs) as PropertyMap,
            outputs: this.decrypt(r.outputs) as PropertyMap,
        }));
        return raw;
    }

    /** The file's text for a state: secrets encrypted, secret keys listed. */
    serialize(state: StackState): string {
        const out: StackState = {
            ...state,
            updated: new Date().toISOString(),
            resources: state.resources.map((r) => {
                const rec: ResourceState = {
                    ...r,
                    inputs: this.encrypt(r.inputs) as PropertyMap,
                    outputs: this.encrypt(r.outputs) as PropertyMap,
                    secretInputs: secretKeys(r.inputs),
                    secretOutputs: secretKeys(r.outputs),
                };
                if (!rec.secretInputs!.length) delete rec.secretInputs;
                if (!rec.secretOutputs!.length) delete rec.secretOutputs;
                return rec;
            }),
        };
        return JSON.stringify(out, null, 2) + "\n";
    }

    /** Writes the state at once (synchronously), atomically. */
    save(state: StackState): void {
        const text = this.serialize(state);
        fs.mkdirSync(path.dirname(this.path), { recursive: true });
        const tmp = this.tempPath();
        try {
            fs.writeFileSync(tmp, text);
            fs.renameSync(tmp, this.path);
        } catch (e) {
            fs.rmSync(tmp, { force: true });
            throw e;
        }
    }

    /**
     * Writes the state atomically without blocking on the disk: the text is made now (so it is the
     * state as it is at the call), written to a temp file, then renamed over the state file.
     */
    write(state: StackState): Promise<void> {
        const text = this.serialize(state);
        const tmp = this.tempPath();
        return (async () => {
            try {
                await fs.promises.mkdir(path.dirname(this.path), { recursive: true });
                await fs.promises.writeFile(tmp, text);
                await fs.promises.rename(tmp, this.path);
            } catch (e) {
                await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
                throw e;
            }
        })();
    }

    private tempPath(): string {
        return `${this.path}.${process.pid}.${++tempCounter}.tmp`;
    }

    private secretKey(create: boolean): Buffer | undefined {
        if (!this.key) {
            if (fs.existsSync(this.keyPath)) {
                this.key = Buffer.from(fs.readFileSync(this.keyPath, "utf8").trim(), "base64");
            } else if (create) {
                this.key = crypto.randomBytes(32);
                fs.mkdirSync(path.dirname(this.keyPath), { recursive: true });
                fs.writeFileSync(this.keyPath, this.key.toString("base64") + "\n", { mode: 0o600 });
            }
        }
        return this.key;
    }

    private encrypt(v: unknown): unknown {
        if (isSecret(v)) {
            const plain = JSON.stringify(v.value ?? null);
            const known = this.ciphertexts.get(plain);
            if (known) {
                return { [SIG_KEY]: SECRET_SIG, ciphertext: known };
            }
            const key = this.secretKey(true)!;
            const iv = crypto.randomBytes(12);
            const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
            const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
            const ciphertext = `v1:${iv.toString("base64")}:${cipher.getAuthTag().toString("base64")}:${body.toString("base64")}`;
            this.ciphertexts.set(plain, ciphertext);
            return { [SIG_KEY]: SECRET_SIG, ciphertext };
        }
        return mapValue(v, (x) => this.encrypt(x));
    }

    private decrypt(v: unknown): unknown {
        if (isSecret(v) || isCiphertext(v)) {
            const c = (v as { ciphertext?: string }).ciphertext;
            if (typeof c !== "string") {
                return v;
            }
            const key = this.secretKey(false);
            if (!key) {
                throw new Error(`cannot decrypt secrets in ${this.path}: the key file ${this.keyPath} is missing`);
            }
            const [, iv, tag, body] = c.split(":");
            const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
            decipher.setAuthTag(Buffer.from(tag, "base64"));
            const plain = Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
            this.ciphertexts.set(plain, c);
            return { [SIG_KEY]: SECRET_SIG, value: JSON.parse(plain) };
        }
        return mapValue(v, (x) => this.decrypt(x));
    }
}

let tempCounter = 0;

/**
 * The state writes of one run. `request()` after a step: if no write is in flight one starts at once
 * (with the state as it is now); otherwise the request is merged into a single follow-up write, made
 * when the one in flight has finished, of the state as it is then. So at most one write is in flight,
 * the file lags the run by at most that write, and a burst of steps costs two writes, not one each.
 * `flush()` waits until every requested write is on disk and throws the first write error, if any.
 */
export class StateWriter {
    private running: Promise<void> | undefined;
    private dirty = false;
    private error: unknown;

    constructor(private readonly file: StateFile, private readonly snapshot: () => StackState) {}

    request(): void {
        this.dirty = true;
        if (!this.running) {
            this.running = this.drain();
        }
    }

    private async drain(): Promise<void> {
        try {
            while (this.dirty) {
                this.dirty = false;
                try {
                    await this.file.write(this.snapshot());
                } catch (e) {
                    this.error ??= e;
                }
            }
        } finally {
            this.running = undefined;
        }
    }

    async flush(): Promise<void> {
        while (this.running) {
            await this.running;
        }
        if (this.error !== undefined) {
            const e = this.error;
            this.error = undefined;
            throw e;
        }
    }
}

function isCiphertext(v: unknown): boolean {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG && "ciphertext" in v;
}

function mapValue(v: unknown, f: (x: unknown) => unknown): unknown {
    if (Array.isArray(v)) {
        return v.map(f);
    }
    if (typeof v === "object" && v !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
            out[k] = f(x);
        }
        return out;
    }
    return v;
}
