// Lets Pulumi's provider host load this package from its TypeScript sources (as in this repository),
// with each file's JavaScript cached on disk so that later runs skip the TypeScript compiler entirely.
// A published build ships JavaScript and never needs it. Registered by resources/hosted.ts only when
// nothing else (ts-node, say) already handles .ts files.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const Module = require("module");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "pulumi-aep-chatlio-ts");
const OPTIONS = { module: "commonjs", target: "es2020", esModuleInterop: true, removeComments: true, sourceMap: false };

let ts;
function transpile(source, filename) {
    ts = ts || require("typescript");
    const compilerOptions = ts.convertCompilerOptionsFromJson(OPTIONS, ROOT).options;
    return ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
}

function compiled(source, filename) {
    const key = crypto.createHash("sha256").update(`${filename}\0${source}`).digest("hex");
    const file = path.join(CACHE, `${key}.js`);
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        const js = transpile(source, filename);
        try {
            fs.mkdirSync(CACHE, { recursive: true });
            const tmp = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, js);
            fs.renameSync(tmp, file);
        } catch {
            // A read-only install: compile every time.
        }
        return js;
    }
}

exports.register = function register() {
    if (Module._extensions[".ts"]) return;
    Module._extensions[".ts"] = function (module, filename) {
        module._compile(compiled(fs.readFileSync(filename, "utf8"), filename), filename);
    };
};
