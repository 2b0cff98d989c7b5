// Preloaded (node --require) into every process the local engine spawns: the engine keeps a pipe on
// the child's stdin, so when the engine goes away (even killed with SIGKILL) the pipe closes and the
// child exits instead of lingering. unref() keeps the pipe from holding the event loop open (the SDK's
// program runner relies on the loop emptying to finish).
"use strict";
if (process.stdin && !process.stdin.isTTY) {
    process.stdin.on("end", () => process.exit(1));
    process.stdin.on("error", () => process.exit(1));
    process.stdin.resume();
    if (typeof process.stdin.unref === "function") {
        process.stdin.unref();
    }
}
