/**
 * The emulator's memory: every AEP object, kept per sandbox so sandboxes never see each other's objects,
 * plus the access tokens IMS handed out. With a store file the whole state is loaded at start, written
 * atomically (temporary file + rename) after every change, and re-read when another emulator process
 * sharing the file has written it since.
 */
import * as fs from "fs";
import * as path from "path";

/** The objects of one sandbox, each collection keyed by the object's id. */
export interface SandboxData {
    /** Keyed by `$id`. */
    fieldGroups: Record<string, any>;
    /** Keyed by `$id`. */
    schemas: Record<string, any>;
    /** Schema Registry descriptors, keyed by `@id`. */
    descriptors: Record<string, any>;
    /** Keyed by the 24-hex dataset id; values are the dataset bodies without the id. */
    datasets: Record<string, any>;
    /** Flow Service base connections (/connections), e.g. the HTTP API's, which hold an inlet. */
    connections: Record<string, any>;
    sourceConnections: Record<string, any>;
    targetConnections: Record<string, any>;
    /** Keyed by mapping set id; the array index is the version number. */
    mappingSets: Record<string, any[]>;
    flows: Record<string, any>;
    /** Records the inlet accepted, keyed by dataset id. */
    records: Record<string, unknown[]>;
    /** Catalog batches that landed in the data lake, keyed by batch id. */
    batches: Record<string, any>;
    /** Batches still in flight to the data lake, keyed by dataset id (see catalog.ts). */
    pendingBatches: Record<string, { id: string; opened: number; recordCount: number; size: number; imsOrg?: string }>;
}

export interface TokenInfo {
    clientId: string;
    orgId: string;
    /** Milliseconds since the epoch. */
    expiresAt: number;
}

interface StoreData {
    format: 1;
    tokens: Record<string, TokenInfo>;
    sandboxes: Record<string, SandboxData>;
    /** How many seeded ids were handed out (EmulatorOptions.seed). */
    idCounter?: number;
}

export function emptySandbox(): SandboxData {
    return {
        fieldGroups: {},
        schemas: {},
        descriptors: {},
        datasets: {},
        connections: {},
        sourceConnections: {},
        targetConnections: {},
        mappingSets: {},
        flows: {},
        records: {},
        batches: {},
        pendingBatches: {},
    };
}

export class Store {
    private data: StoreData;
    private dirty = false;
    /** mtime and size of the file as last read or written, to notice writes by another process. */
    private seen = "";

    /**
     * @param file the store file, or undefined to keep everything in memory
     * @param sandboxNames the sandboxes that exist
     * @param onLoad called after every load from disk (the server fixes up inlet URLs there)
     */
    constructor(
        private readonly file: string | undefined,
        private readonly sandboxNames: string[],
        private readonly onLoad: (store: Store) => void = () => undefined,
    ) {
        this.data = { format: 1, tokens: {}, sandboxes: {} };
        this.load();
    }

    /** The sandbox's objects, or undefined when the sandbox does not exist. */
    sandbox(name: string): SandboxData | undefined {
        if (!this.sandboxNames.includes(name)) return undefined;
        let sb = this.data.sandboxes[name];
        if (!sb) {
            sb = emptySandbox();
            this.data.sandboxes[name] = sb;
        }
        return sb;
    }

    /** Every existing sandbox with its objects. */
    all(): Array<[string, SandboxData]> {
        return this.sandboxNames.map((n) => [n, this.sandbox(n) as SandboxData]);
    }

    /** Issued access tokens, keyed by the SHA-256 of the token. */
    get tokens(): Record<string, TokenInfo> {
        return this.data.tokens;
    }

    /** The next number of the seeded id sequence (kept with the objects, so a restart continues it). */
    nextIdNumber(): number {
        const n = this.data.idCounter ?? 0;
        this.data.idCounter = n + 1;
        this.touch();
        return n;
    }

    /**
     * Empties every sandbox and restarts the id sequence; tokens stay valid (IMS forgets nothing), so
     * clients holding one carry on.
     */
    reset(): void {
        this.data = { format: 1, tokens: this.data.tokens, sandboxes: {}, idCounter: 0 };
        this.touch();
    }

    /** A deep copy of every sandbox's objects, without the tokens. */
    snapshot(): Record<string, SandboxData> {
        const out: Record<string, SandboxData> = {};
        for (const [name, sb] of this.all()) out[name] = JSON.parse(JSON.stringify(sb));
        return out;
    }

    /** Records that something changed; {@link flush} writes it. */
    touch(): void {
        this.dirty = true;
    }

    /** Writes the state to the store file if something changed. */
    flush(): void {
        if (!this.dirty) return;
        this.dirty = false;
        if (!this.file) return;
        const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
        fs.mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
        fs.writeFileSync(tmp, JSON.stringify(this.data));
        fs.renameSync(tmp, this.file);
        this.seen = this.stamp();
    }

    /** Re-reads the store file when another process wrote it since this one last looked. */
    refresh(): void {
        if (!this.file) return;
        const now = this.stamp();
        if (now !== this.seen) this.load();
    }

    private stamp(): string {
        if (!this.file) return "";
        try {
            const st = fs.statSync(this.file);
            return `${st.mtimeMs}:${st.size}`;
        } catch {
            return "";
        }
    }

    private load(): void {
        if (!this.file || !fs.existsSync(this.file)) {
            this.seen = this.stamp();
            return;
        }
        const text = fs.readFileSync(this.file, "utf8");
        this.seen = this.stamp();
        if (!text.trim()) return;
        const parsed = JSON.parse(text) as Partial<StoreData>;
        this.data = {
            format: 1,
            tokens: parsed.tokens ?? {},
            sandboxes: {},
            idCounter: typeof parsed.idCounter === "number" ? parsed.idCounter : 0,
        };
        for (const [name, sb] of Object.entries(parsed.sandboxes ?? {})) {
            this.data.sandboxes[name] = { ...emptySandbox(), ...sb };
        }
        this.onLoad(this);
    }
}
