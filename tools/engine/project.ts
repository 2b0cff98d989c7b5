// Pulumi.yaml, Pulumi.<stack>.yaml and the local config store (`.pulumi-local/<stack>.config.json`).

import * as fs from "fs";
import * as path from "path";
import { ConfigValue } from "./types";

export interface Project {
    name: string;
    dir: string;
    /** The program entry as the language host passes it: `main` from Pulumi.yaml, or ".". */
    main: string;
    typescript: boolean;
    /** Project-level `config:` defaults, namespaced. */
    configDefaults: Record<string, ConfigValue>;
}

type Yaml = { load(text: string): unknown };

function yaml(): Yaml {
    // js-yaml comes with @pulumi/pulumi (and mocha); the repo does not depend on it directly.
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    return require(require.resolve("js-yaml", { paths: [sdk] }));
}

function readYaml(file: string): Record<string, unknown> {
    const doc = yaml().load(fs.readFileSync(file, "utf8"));
    return (doc && typeof doc === "object" ? doc : {}) as Record<string, unknown>;
}

export function namespaced(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function configString(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

export function loadProject(projectDir: string): Project {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
    if (!file) {
        throw new Error(`no Pulumi.yaml in ${projectDir}`);
    }
    const doc = readYaml(file);
    const name = doc.name;
    if (typeof name !== "string" || !name) {
        throw new Error(`${file}: "name" is required`);
    }
    const runtime = doc.runtime;
    const runtimeName = typeof runtime === "string" ? runtime : (runtime as { name?: string } | undefined)?.name;
    if (runtimeName !== "nodejs") {
        throw new Error(`${file}: runtime "${runtimeName}" is not supported by the local engine (nodejs only)`);
    }
    const options = (typeof runtime === "object" && runtime ? (runtime as { options?: Record<string, unknown> }).options : undefined) ?? {};
    const typescript = options.typescript === undefined ? true : options.typescript !== false;
    const configDefaults: Record<string, ConfigValue> = {};
    const cfg = (doc.config ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(cfg)) {
        let value: unknown = v;
        if (v && typeof v === "object" && !Array.isArray(v)) {
            const o = v as Record<string, unknown>;
            value = "value" in o ? o.value : "default" in o ? o.default : undefined;
        }
        if (value !== undefined) {
            configDefaults[namespaced(k, name)] = { value: configString(value) };
        }
    }
    return {
        name,
        dir: projectDir,
        main: typeof doc.main === "string" && doc.main ? doc.main : ".",
        typescript: typescript || fs.existsSync(path.join(projectDir, "tsconfig.json")),
        configDefaults,
    };
}

/**
 * Plain values of `Pulumi.<stack>.yaml`. Encrypted (`secure:`) values cannot be read without the
 * Pulumi CLI's secrets provider; they are skipped and reported in `skipped`.
 */
export function loadStackConfigFile(project: Project, stack: string): { config: Record<string, ConfigValue>; skipped: string[] } {
    const config: Record<string, ConfigValue> = {};
    const skipped: string[] = [];
    const file = path.join(project.dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        return { config, skipped };
    }
    const cfg = (readYaml(file).config ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(cfg)) {
        const key = namespaced(k, project.name);
        if (v && typeof v === "object" && !Array.isArray(v) && "secure" in (v as object)) {
            skipped.push(key);
            continue;
        }
        config[key] = { value: configString(v) };
    }
    return { config, skipped };
}

/** The local config store written by `npm start -- config set`. */
export class LocalConfigStore {
    constructor(readonly file: string) {}

    read(): Record<string, ConfigValue> {
        if (!fs.existsSync(this.file)) return {};
        return JSON.parse(fs.readFileSync(this.file, "utf8")) as Record<string, ConfigValue>;
    }

    set(key: string, value: string, secret: boolean): void {
        const all = this.read();
        all[key] = secret ? { value, secret: true } : { value };
        fs.mkdirSync(path.dirname(this.file), { recursive: true });
        const tmp = `${this.file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(all, null, 2) + "\n", { mode: 0o600 });
        fs.renameSync(tmp, this.file);
    }

    remove(key: string): boolean {
        const all = this.read();
        if (!(key in all)) return false;
        delete all[key];
        fs.writeFileSync(this.file, JSON.stringify(all, null, 2) + "\n", { mode: 0o600 });
        return true;
    }
}

export function normaliseConfig(config: Record<string, string | ConfigValue> | undefined, project: string): Record<string, ConfigValue> {
    const out: Record<string, ConfigValue> = {};
    for (const [k, v] of Object.entries(config ?? {})) {
        out[namespaced(k, project)] = typeof v === "string" ? { value: v } : { value: v.value, secret: !!v.secret };
    }
    return out;
}
