/**
 * A small evaluator for Data Prep calculated fields (mappings with sourceType EXPRESSION): literals,
 * dotted source paths, function calls, arithmetic (+ - * / %), comparisons and boolean operators.
 * Arithmetic is not in Adobe's function tables, but Data Prep expressions are JEXL expressions (functions.md
 * lists JEXL's reserved words, `mod` and `div` among them, as field names to wrap in `${}`), and JEXL has
 * these operators: they are served so that, e.g., an epoch-seconds timestamp becomes an XDM date-time with
 * `dformat(timestamp * 1000, "yyyy-MM-dd'T'HH:mm:ss.SSSX")`. Only the functions listed in
 * FUNCTIONS exist; compiling an expression that calls any other function fails, which the mapping-set
 * routes report as a 400 when the set is created.
 */
import { getPath, isObject, uuid } from "./util";

type Node =
    | { kind: "lit"; value: unknown }
    | { kind: "path"; path: string }
    | { kind: "call"; name: string; args: Node[] }
    | { kind: "not"; arg: Node }
    | { kind: "bin"; op: string; left: Node; right: Node };

export class ExpressionError extends Error {}

interface Fn {
    /** Minimum and maximum number of arguments (max -1: any). */
    arity: [number, number];
    call(args: unknown[]): unknown;
}

const str = (v: unknown): string | null =>
    v === undefined || v === null ? null : typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
const onString = (f: (s: string) => unknown): Fn => ({ arity: [1, 1], call: ([v]) => (str(v) === null ? null : f(str(v) as string)) });
const isEmpty = (v: unknown): boolean =>
    v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
const toNumber = (v: unknown, integer: boolean): number | null => {
    if (v === undefined || v === null || v === "") return null;
    const n = Number(v);
    if (!isFinite(n)) return null;
    return integer ? Math.trunc(n) : n;
};

/** The Data Prep functions the emulator implements, by lowercase name. */
const FUNCTIONS: Record<string, Fn> = {
    uuid: { arity: [0, 0], call: () => uuid() },
    guid: { arity: [0, 0], call: () => uuid() },
    now: { arity: [0, 0], call: () => new Date().toISOString() },
    timestamp: { arity: [0, 0], call: () => Date.now() },
    trim: onString((s) => s.trim()),
    ltrim: onString((s) => s.replace(/^\s+/, "")),
    rtrim: onString((s) => s.replace(/\s+$/, "")),
    lower: onString((s) => s.toLowerCase()),
    lcase: onString((s) => s.toLowerCase()),
    upper: onString((s) => s.toUpperCase()),
    ucase: onString((s) => s.toUpperCase()),
    length: onString((s) => s.length),
    concat: { arity: [1, -1], call: (args) => args.map((a) => str(a) ?? "").join("") },
    substr: {
        arity: [2, 3],
        call: ([s, start, len]) => {
            const v = str(s);
            if (v === null) return null;
            const b = Number(start);
            return len === undefined ? v.substring(b) : v.substring(b, b + Number(len));
        },
    },
    left: { arity: [2, 2], call: ([s, n]) => (str(s) === null ? null : (str(s) as string).slice(0, Number(n))) },
    right: { arity: [2, 2], call: ([s, n]) => (str(s) === null ? null : (str(s) as string).slice(-Number(n))) },
    replacestr: {
        arity: [3, 3],
        call: ([s, find, repl]) => (str(s) === null ? null : (str(s) as string).split(str(find) ?? "").join(str(repl) ?? "")),
    },
    equals: { arity: [2, 2], call: ([a, b]) => str(a) === str(b) },
    equalsignorecase: { arity: [2, 2], call: ([a, b]) => (str(a) ?? "").toLowerCase() === (str(b) ?? "").toLowerCase() },
    iif: { arity: [3, 3], call: ([c, a, b]) => (c === true || c === "true" ? a : b) },
    coalesce: { arity: [1, -1], call: (args) => args.find((a) => a !== undefined && a !== null) ?? null },
    is_empty: { arity: [1, 1], call: ([v]) => isEmpty(v) },
    size_of: { arity: [1, 1], call: ([v]) => (Array.isArray(v) ? v.length : isObject(v) ? Object.keys(v).length : v == null ? 0 : 1) },
    to_integer: { arity: [1, 1], call: ([v]) => toNumber(v, true) },
    to_bigint: { arity: [1, 1], call: ([v]) => toNumber(v, true) },
    to_float: { arity: [1, 1], call: ([v]) => toNumber(v, false) },
    to_decimal: { arity: [1, 1], call: ([v]) => toNumber(v, false) },
    // functions.md: dformat(TIMESTAMP, FORMAT), the timestamp "written in milliseconds", e.g.
    // dformat(1571829875000, "yyyy-MM-dd'T'HH:mm:ss.SSSX") is "2019-10-23T11:24:35.000Z". Formatted in UTC.
    dformat: {
        arity: [2, 2],
        call: ([ts, fmt]) => {
            const ms = toNumber(ts, false);
            if (ms === null || str(fmt) === null) return null;
            return formatDate(new Date(ms), str(fmt) as string);
        },
    },
};

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Formats a UTC date with the Java DateTimeFormatter pattern letters Adobe's date examples use (dates.md):
 * y, M (MM, MMM), d, H, h, m, s, S, a, X/x/Z (zone: "Z", "+00", "+0000" or "+00:00" in UTC) and 'quoted'
 * text. Another letter is refused, naming it.
 */
export function formatDate(d: Date, pattern: string): string {
    if (isNaN(d.getTime())) throw new ExpressionError(`dformat: the timestamp is not a valid time`);
    let out = "";
    for (let i = 0; i < pattern.length;) {
        const c = pattern[i];
        if (c === "'") {
            const end = pattern.indexOf("'", i + 1);
            if (end < 0) throw new ExpressionError(`dformat: unterminated quote in "${pattern}"`);
            out += end === i + 1 ? "'" : pattern.slice(i + 1, end);
            i = end + 1;
            continue;
        }
        if (!/[A-Za-z]/.test(c)) {
            out += c;
            i++;
            continue;
        }
        let n = 1;
        while (pattern[i + n] === c) n++;
        i += n;
        const h = d.getUTCHours();
        switch (c) {
            case "y":
                out += n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), n);
                break;
            case "M":
                out += n >= 3 ? MONTHS[d.getUTCMonth()] : pad(d.getUTCMonth() + 1, n);
                break;
            case "d":
                out += pad(d.getUTCDate(), n);
                break;
            case "H":
                out += pad(h, n);
                break;
            case "h":
                out += pad(h % 12 === 0 ? 12 : h % 12, n);
                break;
            case "m":
                out += pad(d.getUTCMinutes(), n);
                break;
            case "s":
                out += pad(d.getUTCSeconds(), n);
                break;
            case "S":
                out += pad(d.getUTCMilliseconds(), 3).slice(0, n).padEnd(n, "0");
                break;
            case "a":
                out += h < 12 ? "AM" : "PM";
                break;
            case "X":
                out += "Z";
                break;
            case "x":
                out += n === 1 ? "+00" : n === 3 || n === 5 ? "+00:00" : "+0000";
                break;
            case "Z":
                out += n === 5 ? "Z" : "+0000";
                break;
            default:
                throw new ExpressionError(`dformat: the pattern letter "${c}" is not supported by the emulator (in "${pattern}")`);
        }
    }
    return out;
}

/** Names of the functions available in expressions. */
export const FUNCTION_NAMES = Object.keys(FUNCTIONS);

type Token = { t: "str" | "num" | "id" | "op" | "eof"; v: string };

function tokenize(src: string): Token[] {
    const out: Token[] = [];
    let i = 0;
    while (i < src.length) {
        const c = src[i];
        if (/\s/.test(c)) {
            i++;
        } else if (c === '"' || c === "'") {
            let j = i + 1;
            let s = "";
            while (j < src.length && src[j] !== c) {
                if (src[j] === "\\" && j + 1 < src.length) j++;
                s += src[j++];
            }
            if (j >= src.length) throw new ExpressionError(`unterminated string in: ${src}`);
            out.push({ t: "str", v: s });
            i = j + 1;
        } else if (
            /[0-9]/.test(c) ||
            (c === "-" && /[0-9]/.test(src[i + 1] ?? "") && (out.length === 0 || out[out.length - 1].t === "op"))
        ) {
            const m = /^-?\d+(\.\d+)?/.exec(src.slice(i)) as RegExpExecArray;
            out.push({ t: "num", v: m[0] });
            i += m[0].length;
        } else if (/[A-Za-z_$]/.test(c)) {
            const m = /^[A-Za-z_$][A-Za-z0-9_$-]*(\.[A-Za-z0-9_$-]+)*/.exec(src.slice(i)) as RegExpExecArray;
            out.push({ t: "id", v: m[0] });
            i += m[0].length;
        } else {
            const two = src.slice(i, i + 2);
            if (["==", "!=", "<=", ">=", "&&", "||"].includes(two)) {
                out.push({ t: "op", v: two });
                i += 2;
            } else if ("(),<>!+-*/%".includes(c)) {
                out.push({ t: "op", v: c });
                i++;
            } else {
                throw new ExpressionError(`unexpected character "${c}" in: ${src}`);
            }
        }
    }
    out.push({ t: "eof", v: "" });
    return out;
}

class Parser {
    private pos = 0;
    constructor(
        private readonly tokens: Token[],
        private readonly src: string,
    ) {}

    parse(): Node {
        const n = this.or();
        if (this.peek().t !== "eof") throw new ExpressionError(`unexpected "${this.peek().v}" in: ${this.src}`);
        return n;
    }
    private peek(): Token {
        return this.tokens[this.pos];
    }
    private next(): Token {
        return this.tokens[this.pos++];
    }
    private isOp(v: string): boolean {
        const t = this.peek();
        return (t.t === "op" && t.v === v) || (t.t === "id" && t.v.toLowerCase() === v);
    }
    private or(): Node {
        let left = this.and();
        while (this.isOp("||") || this.isOp("or")) {
            this.next();
            left = { kind: "bin", op: "||", left, right: this.and() };
        }
        return left;
    }
    private and(): Node {
        let left = this.not();
        while (this.isOp("&&") || this.isOp("and")) {
            this.next();
            left = { kind: "bin", op: "&&", left, right: this.not() };
        }
        return left;
    }
    private not(): Node {
        if (this.isOp("!") || (this.isOp("not") && this.tokens[this.pos + 1]?.v !== "(")) {
            this.next();
            return { kind: "not", arg: this.not() };
        }
        return this.cmp();
    }
    private cmp(): Node {
        const left = this.sum();
        const t = this.peek();
        if (t.t === "op" && ["==", "!=", "<", ">", "<=", ">="].includes(t.v)) {
            this.next();
            return { kind: "bin", op: t.v, left, right: this.sum() };
        }
        return left;
    }
    private sum(): Node {
        let left = this.product();
        while (this.isOp("+") || this.isOp("-")) {
            const op = this.next().v;
            left = { kind: "bin", op, left, right: this.product() };
        }
        return left;
    }
    private product(): Node {
        let left = this.primary();
        while (this.isOp("*") || this.isOp("/") || this.isOp("%") || this.isOp("div") || this.isOp("mod")) {
            const op = { div: "/", mod: "%" }[this.next().v.toLowerCase()] ?? this.tokens[this.pos - 1].v;
            left = { kind: "bin", op, left, right: this.primary() };
        }
        return left;
    }
    private primary(): Node {
        const t = this.next();
        if (t.t === "str") return { kind: "lit", value: t.v };
        if (t.t === "num") return { kind: "lit", value: Number(t.v) };
        if (t.t === "op" && t.v === "(") {
            const n = this.or();
            this.expect(")");
            return n;
        }
        if (t.t === "id") {
            if (this.peek().t === "op" && this.peek().v === "(") {
                this.next();
                const name = t.v.toLowerCase();
                const fn = FUNCTIONS[name];
                if (!fn) throw new ExpressionError(`unknown function "${t.v}" in: ${this.src}`);
                const args: Node[] = [];
                if (!(this.peek().t === "op" && this.peek().v === ")")) {
                    args.push(this.or());
                    while (this.peek().t === "op" && this.peek().v === ",") {
                        this.next();
                        args.push(this.or());
                    }
                }
                this.expect(")");
                const [min, max] = fn.arity;
                if (args.length < min || (max >= 0 && args.length > max))
                    throw new ExpressionError(
                        `function "${t.v}" takes ${min === max ? min : `${min} to ${max < 0 ? "any number of" : max}`} arguments, got ${args.length}`,
                    );
                return { kind: "call", name, args };
            }
            const low = t.v.toLowerCase();
            if (low === "true" || low === "false") return { kind: "lit", value: low === "true" };
            if (low === "null") return { kind: "lit", value: null };
            return { kind: "path", path: t.v };
        }
        throw new ExpressionError(`unexpected "${t.v || "end of expression"}" in: ${this.src}`);
    }
    private expect(v: string): void {
        const t = this.next();
        if (t.t !== "op" || t.v !== v) throw new ExpressionError(`expected "${v}" in: ${this.src}`);
    }
}

/** A compiled expression: evaluate it against a source payload. */
export interface Expression {
    source: string;
    /** The source paths the expression reads. */
    paths: string[];
    evaluate(payload: unknown): unknown;
}

/** Parses an expression; throws {@link ExpressionError} on a syntax error or an unknown function. */
export function compile(source: string): Expression {
    if (typeof source !== "string" || !source.trim()) throw new ExpressionError("the expression is empty");
    const ast = new Parser(tokenize(source), source).parse();
    const paths: string[] = [];
    const walk = (n: Node): void => {
        if (n.kind === "path") paths.push(n.path);
        else if (n.kind === "call") n.args.forEach(walk);
        else if (n.kind === "not") walk(n.arg);
        else if (n.kind === "bin") {
            walk(n.left);
            walk(n.right);
        }
    };
    walk(ast);
    return { source, paths, evaluate: (payload) => evaluate(ast, payload) };
}

function evaluate(n: Node, payload: unknown): unknown {
    switch (n.kind) {
        case "lit":
            return n.value;
        case "path":
            return getPath(payload, n.path);
        case "not":
            return !truthy(evaluate(n.arg, payload));
        case "call":
            return FUNCTIONS[n.name].call(n.args.map((a) => evaluate(a, payload)));
        case "bin": {
            if (n.op === "&&") return truthy(evaluate(n.left, payload)) && truthy(evaluate(n.right, payload));
            if (n.op === "||") return truthy(evaluate(n.left, payload)) || truthy(evaluate(n.right, payload));
            const a = evaluate(n.left, payload) as any;
            const b = evaluate(n.right, payload) as any;
            if (["+", "-", "*", "/", "%"].includes(n.op)) return arithmetic(n.op, a, b);
            switch (n.op) {
                case "==":
                    return a == b; // eslint-disable-line eqeqeq
                case "!=":
                    return a != b; // eslint-disable-line eqeqeq
                case "<":
                    return a < b;
                case ">":
                    return a > b;
                case "<=":
                    return a <= b;
                default:
                    return a >= b;
            }
        }
    }
}

/**
 * JEXL-style arithmetic: numbers, and strings holding numbers, are computed on; `+` joins other strings. A
 * missing operand (the payload lacks the field) yields no value, so the mapped field is left out.
 */
function arithmetic(op: string, a: unknown, b: unknown): unknown {
    if (a === undefined || a === null || b === undefined || b === null) return null;
    const x = toNumber(a, false);
    const y = toNumber(b, false);
    if (x === null || y === null) {
        if (op === "+") return `${str(a)}${str(b)}`;
        throw new ExpressionError(`cannot compute ${JSON.stringify(a)} ${op} ${JSON.stringify(b)}: both must be numbers`);
    }
    switch (op) {
        case "+":
            return x + y;
        case "-":
            return x - y;
        case "*":
            return x * y;
        case "/":
            if (y === 0) throw new ExpressionError("division by zero");
            return x / y;
        default:
            if (y === 0) throw new ExpressionError("division by zero");
            return x % y;
    }
}

function truthy(v: unknown): boolean {
    return v === true || v === "true";
}
