/**
 * RFC 6902 JSON Patch (add, remove, replace, move, copy, test) over RFC 6901 JSON Pointers. Schema Registry,
 * Catalog and Flow Service all accept patches; each family decides which ops it allows and how op names
 * are spelled.
 */
import { clone, deepEqual, isObject } from "./util";

export class PatchError extends Error {
    constructor(
        message: string,
        /** "invalid": malformed instruction or missing target; "unsupported": op not allowed; "test": a test op failed. */
        public readonly kind: "invalid" | "unsupported" | "test",
    ) {
        super(message);
    }
}

export interface PatchOptions {
    /** Lowercase op names this API allows; default all six. */
    allowedOps?: string[];
    /** Accept "ADD" as well as "add". */
    caseInsensitiveOps?: boolean;
}

const ALL_OPS = ["add", "remove", "replace", "move", "copy", "test"];

/** Splits a JSON Pointer into unescaped tokens. */
export function parsePointer(pointer: unknown): string[] {
    if (typeof pointer !== "string") throw new PatchError("the path must be a string", "invalid");
    if (pointer === "") return [];
    if (!pointer.startsWith("/")) throw new PatchError(`"${pointer}" is not a JSON Pointer (it must start with "/")`, "invalid");
    return pointer
        .slice(1)
        .split("/")
        .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function arrayIndex(arr: unknown[], token: string, forAdd: boolean, pointer: string): number {
    if (forAdd && token === "-") return arr.length;
    if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`"${token}" in ${pointer} is not an array index`, "invalid");
    const i = Number(token);
    if (i > arr.length || (!forAdd && i === arr.length)) throw new PatchError(`index ${i} in ${pointer} is out of range`, "invalid");
    return i;
}

/** The container holding the pointer's last token, and that token. */
function parentOf(doc: any, tokens: string[], pointer: string): { parent: any; key: string } {
    let cur = doc;
    for (const t of tokens.slice(0, -1)) {
        if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, pointer)];
        else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
        else throw new PatchError(`the path ${pointer} does not exist`, "invalid");
    }
    if (!Array.isArray(cur) && !isObject(cur)) throw new PatchError(`the path ${pointer} does not exist`, "invalid");
    return { parent: cur, key: tokens[tokens.length - 1] };
}

function getAt(doc: any, pointer: string): any {
    const tokens = parsePointer(pointer);
    if (tokens.length === 0) return doc;
    const { parent, key } = parentOf(doc, tokens, pointer);
    if (Array.isArray(parent)) return parent[arrayIndex(parent, key, false, pointer)];
    if (!Object.prototype.hasOwnProperty.call(parent, key)) throw new PatchError(`the path ${pointer} does not exist`, "invalid");
    return parent[key];
}

function addAt(doc: any, pointer: string, value: unknown): any {
    const tokens = parsePointer(pointer);
    if (tokens.length === 0) return value;
    const { parent, key } = parentOf(doc, tokens, pointer);
    if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, pointer), 0, value);
    else parent[key] = value;
    return doc;
}

function removeAt(doc: any, pointer: string): any {
    const tokens = parsePointer(pointer);
    if (tokens.length === 0) throw new PatchError("the whole document cannot be removed", "invalid");
    const { parent, key } = parentOf(doc, tokens, pointer);
    if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, pointer), 1);
    else if (Object.prototype.hasOwnProperty.call(parent, key)) delete parent[key];
    else throw new PatchError(`the path ${pointer} does not exist`, "invalid");
    return doc;
}

function replaceAt(doc: any, pointer: string, value: unknown): any {
    const tokens = parsePointer(pointer);
    if (tokens.length === 0) return value;
    getAt(doc, pointer); // the target must exist
    const { parent, key } = parentOf(doc, tokens, pointer);
    if (Array.isArray(parent)) parent[arrayIndex(parent, key, false, pointer)] = value;
    else parent[key] = value;
    return doc;
}

/** Applies a patch to a copy of `doc` and returns the copy; throws {@link PatchError}. */
export function applyPatch<T>(doc: T, patch: unknown, options: PatchOptions = {}): T {
    if (!Array.isArray(patch)) throw new PatchError("a JSON Patch must be an array of operations", "invalid");
    const allowed = options.allowedOps ?? ALL_OPS;
    let out: any = clone(doc);
    for (const instr of patch) {
        if (!isObject(instr)) throw new PatchError("each patch operation must be an object", "invalid");
        const rawOp = instr.op;
        if (typeof rawOp !== "string") throw new PatchError('a patch operation lacks "op"', "invalid");
        const op = options.caseInsensitiveOps ? rawOp.toLowerCase() : rawOp;
        if (!ALL_OPS.includes(op)) throw new PatchError(`"${rawOp}" is not a JSON Patch operation`, "invalid");
        if (!allowed.includes(op)) throw new PatchError(`the operation "${rawOp}" is not supported here`, "unsupported");
        if (typeof instr.path !== "string") throw new PatchError(`the "${rawOp}" operation lacks "path"`, "invalid");
        const needsValue = op === "add" || op === "replace" || op === "test";
        if (needsValue && !("value" in instr)) throw new PatchError(`the "${rawOp}" operation on ${instr.path} lacks "value"`, "invalid");
        switch (op) {
            case "add":
                out = addAt(out, instr.path, clone(instr.value));
                break;
            case "remove":
                out = removeAt(out, instr.path);
                break;
            case "replace":
                out = replaceAt(out, instr.path, clone(instr.value));
                break;
            case "move": {
                if (typeof instr.from !== "string") throw new PatchError('the "move" operation lacks "from"', "invalid");
                if (instr.path.startsWith(instr.from + "/")) throw new PatchError("a value cannot be moved into itself", "invalid");
                const v = getAt(out, instr.from);
                out = addAt(removeAt(out, instr.from), instr.path, v);
                break;
            }
            case "copy": {
                if (typeof instr.from !== "string") throw new PatchError('the "copy" operation lacks "from"', "invalid");
                out = addAt(out, instr.path, clone(getAt(out, instr.from)));
                break;
            }
            case "test":
                if (!deepEqual(getAt(out, instr.path), instr.value))
                    throw new PatchError(`the value at ${instr.path} differs from the tested value`, "test");
                break;
        }
    }
    return out as T;
}
