// ESLint for the whole repository (npm run lint): the TypeScript rules typescript-eslint recommends, with
// the few this codebase deliberately departs from switched off, each with its reason. Formatting is
// Prettier's (npm run lint runs `prettier --check` too), so no stylistic rule is enabled here.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
    { ignores: ["**/node_modules/**", "**/dist/**", ".tools/**", "tmp/**", "emulator/dist/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: {
            ecmaVersion: 2022,
            sourceType: "module",
            globals: {
                require: "readonly",
                module: "writable",
                exports: "writable",
                process: "readonly",
                console: "readonly",
                __dirname: "readonly",
                Buffer: "readonly",
                setTimeout: "readonly",
                clearTimeout: "readonly",
                setInterval: "readonly",
                clearInterval: "readonly",
                URL: "readonly",
                URLSearchParams: "readonly",
                fetch: "readonly",
                globalThis: "readonly",
                NodeJS: "readonly",
            },
        },
        rules: {
            // AEP's payloads and Pulumi's property maps are untyped JSON at the edges; `any` is confined there.
            "@typescript-eslint/no-explicit-any": "off",
            // The provider host's forwarder and the CLI wrappers load modules at run time by design.
            "@typescript-eslint/no-require-imports": "off",
            // Unused arguments keep the shape of the interfaces they implement; prefix with _ elsewhere.
            "@typescript-eslint/no-unused-vars": ["error", { args: "none", varsIgnorePattern: "^_", caughtErrors: "none" }],
            // Interface merging gives each resource class its output properties (resource.ts).
            "@typescript-eslint/no-unsafe-declaration-merging": "off",
            // An interface that only extends (Resource's outputs merged into each resource class) is the point.
            "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
            // Strict equality everywhere; the emulator's expression language compares loosely where Data Prep does, marked in place.
            eqeqeq: ["error", "always", { null: "ignore" }],
            // Empty catch blocks mean "best effort" and say so in a comment.
            "no-empty": ["error", { allowEmptyCatch: true }],
        },
    },
    {
        // chai's property assertions (`.to.be.true`, `.that.is.not.empty`) are expressions by design.
        files: ["test/**/*.ts", "emulator/test/**/*.ts"],
        rules: { "@typescript-eslint/no-unused-expressions": "off" },
    },
    {
        files: ["**/*.js"],
        languageOptions: { sourceType: "commonjs" },
    },
);
