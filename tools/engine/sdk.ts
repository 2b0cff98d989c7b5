// The Pulumi SDK pieces the local engine speaks to, loaded through the *project's* own resolution of
// `@pulumi/pulumi` (the way the Pulumi CLI's nodejs language host and its `pulumi-resource-pulumi-nodejs`
// plugin script find them), so the engine, the program and the dynamic-provider host agree on one
// copy of the gRPC stubs, `@grpc/grpc-js` and `google-protobuf`.

import * as path from "path";

export interface Sdk {
    /** The folder of the `@pulumi/pulumi` package the project resolves. */
    dir: string;
    version: string;
    /** `cmd/run`: the program launcher the language host runs. */
    runScript: string;
    /** `cmd/dynamic-provider/index.js`: the SDK's own dynamic-provider plugin. */
    dynamicProviderScript: string;
    grpc: typeof import("@grpc/grpc-js");
    resproto: typeof import("@pulumi/pulumi/proto/resource_pb");
    resrpc: typeof import("@pulumi/pulumi/proto/resource_grpc_pb");
    engproto: typeof import("@pulumi/pulumi/proto/engine_pb");
    engrpc: typeof import("@pulumi/pulumi/proto/engine_grpc_pb");
    provproto: typeof import("@pulumi/pulumi/proto/provider_pb");
    provrpc: typeof import("@pulumi/pulumi/proto/provider_grpc_pb");
    statusproto: typeof import("@pulumi/pulumi/proto/status_pb");
    structproto: typeof import("google-protobuf/google/protobuf/struct_pb");
    emptyproto: typeof import("google-protobuf/google/protobuf/empty_pb");
}

const cache = new Map<string, Sdk>();

/** Loads the SDK that `projectDir` resolves (cached per SDK folder). */
export function loadSdk(projectDir: string): Sdk {
    let pkg: string;
    try {
        pkg = require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir] });
    } catch {
        throw new Error(`@pulumi/pulumi is not installed for the project in ${projectDir} (run npm install)`);
    }
    const dir = path.dirname(pkg);
    const cached = cache.get(dir);
    if (cached) {
        return cached;
    }
    const fromSdk = (m: string) => require(require.resolve(m, { paths: [dir] }));
    const sdk: Sdk = {
        dir,
        version: require(pkg).version,
        runScript: path.join(dir, "cmd", "run"),
        dynamicProviderScript: path.join(dir, "cmd", "dynamic-provider", "index.js"),
        grpc: fromSdk("@grpc/grpc-js"),
        resproto: require(path.join(dir, "proto", "resource_pb.js")),
        resrpc: require(path.join(dir, "proto", "resource_grpc_pb.js")),
        engproto: require(path.join(dir, "proto", "engine_pb.js")),
        engrpc: require(path.join(dir, "proto", "engine_grpc_pb.js")),
        provproto: require(path.join(dir, "proto", "provider_pb.js")),
        provrpc: require(path.join(dir, "proto", "provider_grpc_pb.js")),
        statusproto: require(path.join(dir, "proto", "status_pb.js")),
        structproto: fromSdk("google-protobuf/google/protobuf/struct_pb"),
        emptyproto: fromSdk("google-protobuf/google/protobuf/empty_pb"),
    };
    cache.set(dir, sdk);
    return sdk;
}
