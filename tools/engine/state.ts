// The stack's state: one JSON file, `<stateDir>/<stack>.json`, rewritten after the steps of a run, so a
// failed run keeps everything that did succeed. Every write is atomic and durable: the text goes to a
// temp file in the same folder, is flushed to disk (fsync), renamed over the state file, and the folder
// is flushed too; so whenever the process dies (SIGKILL included) or the machine stops, the file is the
// previous state or the new one, whole, never a part of one. Temp files a killed run left behind are
// removed by the next load. A run writes through a StateWriter: asynchronous writes, at most one in
// flight, the requests made meanwhile merged into one follow-up write of the state as it is then, and
// the last write awaited before the run ends.
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
        this.removeStaleTemps();
        if (!this.exists()) {
            return emptyState(project, stack);
        }
        let raw: StackState;
        try {
            raw = JSON.parse(fs.readFileSync(this.path, "utf8")) as StackState;
        } catch (e) {
            throw new Error(`cannot read the state file ${this.path}: ${(e as Error).message}`);
        }
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
        writeAtomicSync(this.path, this.serialize(state));
    }

    /**
     * Writes the state atomically without blocking on the disk: the text is made now (so it is the
     * state as it is at the call), then written (writeAtomic).
     */
    write(state: StackState): Promise<void> {
        return writeAtomic(this.path, this.serialize(state));
    }

    /** Removes the temp files of the state and key files that a process no longer running left behind (killed mid-write). */
    private removeStaleTemps(): void {
        const dir = path.dirname(this.path);
        let names: string[];
        try {
            names = fs.readdirSync(dir);
        } catch {
            return; // no folder yet
        }
        for (const prefix of [`${path.basename(this.path)}.`, `${path.basename(this.keyPath)}.`]) {
            for (const name of names) {
                const m = /^(\d+)\.\d+\.tmp$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : "");
                if (m && !isRunning(Number(m[1]))) fs.rmSync(path.join(dir, name), { force: true });
            }
        }
    }

    private secretKey(create: boolean): Buffer | undefined {
        if (!this.key) {
            if (fs.existsSync(this.keyPath)) {
                this.key = Buffer.from(fs.readFileSync(this.keyPath, "utf8").trim(), "base64");
            } else if (create) {
                this.key = crypto.randomBytes(32);
                // Atomic too: a key file cut short would make every secret in the state unreadable.
                writeAtomicSync(this.keyPath, this.key.toString("base64") + "\n", 0o600);
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

/** A temp file beside `file` (same folder, so the rename stays on one file system), unique to this process. */
function tempPath(file: string): string {
    return `${file}.${process.pid}.${++tempCounter}.tmp`;
}

function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Flushes a folder's entries (a rename) to disk; not every platform can (Windows), which is then left as is. */
async function syncFolder(dir: string): Promise<void> {
    let handle: fs.promises.FileHandle | undefined;
    try {
        handle = await fs.promises.open(dir, "r");
        await handle.sync();
    } catch {
        // cannot open or flush a folder here
    } finally {
        await handle?.close().catch(() => undefined);
    }
}

function syncFolderSync(dir: string): void {
    let fd: number | undefined;
    try {
        fd = fs.openSync(dir, "r");
        fs.fsyncSync(fd);
    } catch {
        // cannot open or flush a folder here
    } finally {
        if (fd !== undefined) fs.closeSync(fd);
    }
}

/**
 * Replaces `file` with `text` so that `file` is, at every moment, its old content or the new one, whole:
 * a temp file in the same folder is written and flushed to disk, then renamed over `file`, and the folder
 * is flushed so the rename itself survives a crash.
 */
export async function writeAtomic(file: string, text: string, mode?: number): Promise<void> {
    const dir = path.dirname(file);
    const tmp = tempPath(file);
    try {
        await fs.promises.mkdir(dir, { recursive: true });
        const handle = await fs.promises.open(tmp, "w", mode);
        try {
            await handle.writeFile(text);
            await handle.sync();
        } finally {
            await handle.close();
        }
        await fs.promises.rename(tmp, file);
    } catch (e) {
        await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
        throw e;
    }
    await syncFolder(dir);
}

/** writeAtomic, synchronously. */
export function writeAtomicSync(file: string, text: string, mode?: number): void {
    const dir = path.dirname(file);
    const tmp = tempPath(file);
    try {
        fs.mkdirSync(dir, { recursive: true });
        const fd = fs.openSync(tmp, "w", mode);
        try {
            fs.writeFileSync(fd, text);
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
        fs.renameSync(tmp, file);
    } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw e;
    }
    syncFolderSync(dir);
}

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

    constructor(
        private readonly file: StateFile,
        private readonly snapshot: () => StackState,
    ) {}

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
