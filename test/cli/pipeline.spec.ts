/**
 * The GitHub workflows of examples/pr-preview as a team runs them, through the real Pulumi CLI against the AEP
 * emulator: a test git repository (the example at its root, the workflows in .github/workflows/) with a base
 * commit and a head commit that renames the stacks' AEP objects (one field of the program: the display name),
 * then each job's `run:` steps, read from the workflow files, with GitHub's context stood in for:
 * - `${{ … }}` expressions replaced by the values GitHub would give (secrets: the emulator's demo credentials);
 * - the `uses:` steps done by the test: checkouts are clones of the test repository at the job's commit, the
 *   artifact is copied from the job that uploads it to the job that downloads it, the CLI and Node are this
 *   machine's; `npm ci` is replaced by one install of the packed packages, linked into each checkout;
 * - GitHub's API is a small local server holding the pull request's comments (GITHUB_API_URL).
 * The comments are compared with golden texts (test/cli/golden/, folded as the preview goldens are).
 */
import { execFileSync } from "child_process";
import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { DEMO_CREDENTIALS, Emulator, startEmulator } from "aep-emulator";
import { INSTALL_HINT, ROOT, cliInstalled } from "./harness";
import { Project, ProjectHome, foldPreview, languageHostInstalled } from "./project";

const yaml: { load(text: string): any } = require("js-yaml");

const EXAMPLE = path.join(ROOT, "examples", "pr-preview");
const GOLDEN = path.join(__dirname, "golden");
const REPOSITORY = "acme/chatlio-aep";
const PR = "7";

/** Set AEP_UPDATE_GOLDEN=1 to write the golden comments anew (then review the diff before committing). */
function golden(name: string, text: string): void {
    const file = path.join(GOLDEN, `${name}.txt`);
    if (process.env.AEP_UPDATE_GOLDEN) fs.writeFileSync(file, text + "\n");
    expect(text, `golden comment ${name} (AEP_UPDATE_GOLDEN=1 rewrites it)`).to.equal(fs.readFileSync(file, "utf8").trimEnd());
}

/** A comment with what changes from run to run folded: the stacks' random suffixes, ids, durations. */
function foldComment(text: string, stack: string, suffixes: string[]): string {
    let t = text;
    for (const s of suffixes) t = t.split(s).join("<suffix>");
    return foldPreview(t, { stack });
}

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

function git(args: string[], cwd: string): string {
    return execFileSync("git", args, {
        cwd,
        encoding: "utf8",
        env: {
            ...process.env,
            GIT_AUTHOR_NAME: "t",
            GIT_AUTHOR_EMAIL: "t@example.com",
            GIT_COMMITTER_NAME: "t",
            GIT_COMMITTER_EMAIL: "t@example.com",
        },
    }).trim();
}

/** Packs a package folder into `dest` and returns the tarball's path. */
function pack(dir: string, dest: string): string {
    const out = execFileSync("npm", ["pack", "--json", "--silent", "--ignore-scripts", "--pack-destination", dest], {
        cwd: dir,
        encoding: "utf8",
    });
    return path.join(dest, JSON.parse(out)[0].filename);
}

/** GitHub's issue-comment API for one repository, in memory: what post-comment.mjs calls. */
class FakeGitHub {
    readonly comments: Array<{ id: number; body: string; user: { login: string; type: string } }> = [];
    readonly calls: string[] = [];
    headSha = "";
    private server = http.createServer((req, res) => this.handle(req, res));
    url = "";

    async start(): Promise<void> {
        await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
        this.url = `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    }
    close(): Promise<void> {
        return new Promise((r) => this.server.close(() => r()));
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        let raw = "";
        req.on("data", (d) => (raw += d));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", this.url);
            this.calls.push(`${req.method} ${url.pathname}`);
            const send = (status: number, body: unknown) => {
                res.writeHead(status, { "content-type": "application/json" });
                res.end(JSON.stringify(body));
            };
            if (req.headers.authorization !== "Bearer test-token") return send(401, { message: "Bad credentials" });
            const base = `/repos/${REPOSITORY}`;
            if (req.method === "GET" && url.pathname === `${base}/pulls/${PR}`)
                return send(200, { number: Number(PR), head: { sha: this.headSha } });
            if (url.pathname === `${base}/issues/${PR}/comments`) {
                if (req.method === "GET") return send(200, url.searchParams.get("page") === "1" ? this.comments : []);
                if (req.method === "POST") {
                    const c = {
                        id: 1000 + this.comments.length,
                        body: JSON.parse(raw).body,
                        user: { login: "github-actions[bot]", type: "Bot" },
                    };
                    this.comments.push(c);
                    return send(201, c);
                }
            }
            const edit = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(url.pathname);
            const found = edit && this.comments.find((c) => c.id === Number(edit[1]));
            if (req.method === "PATCH" && found) {
                found.body = JSON.parse(raw).body;
                return send(200, found);
            }
            send(404, { message: "Not Found" });
        });
    }
}

interface JobRun {
    /** The values of GitHub's `${{ … }}` expressions the job uses. */
    context: Record<string, string>;
    /** The job's working folder (GitHub's workspace: the checkout, or the folder holding the checkouts). */
    cwd: string;
    /** The variables GitHub sets on a runner (GITHUB_API_URL, GITHUB_REPOSITORY, …) and the emulator's URLs. */
    env?: NodeJS.ProcessEnv;
}

/** A workflow file's job: its `if:`, and its `run:` steps with the workflow's, the job's and each step's `env:`. */
class WorkflowJob {
    readonly workflow: any;
    readonly job: any;
    constructor(
        readonly file: string,
        readonly name: string,
    ) {
        this.workflow = yaml.load(fs.readFileSync(path.join(EXAMPLE, file), "utf8"));
        this.job = this.workflow.jobs[name];
        if (!this.job) throw new Error(`${file} has no job ${name}`);
    }

    get condition(): string {
        return String(this.job.if ?? "");
    }

    /** Runs the job's `run:` steps in order (not `npm ci`: the test links one install into each checkout); stops at the first failure. */
    async run(home: ProjectHome, r: JobRun): Promise<{ code: number; output: string }> {
        const expand = (text: string) =>
            String(text).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_m, expr: string) => {
                if (!(expr in r.context)) throw new Error(`${this.file} ${this.name}: no stand-in for \${{ ${expr} }}`);
                return r.context[expr];
            });
        const envOf = (block: Record<string, string> | undefined) =>
            Object.fromEntries(Object.entries(block ?? {}).map(([k, v]) => [k, expand(String(v))]));
        const jobEnv = { ...envOf(this.workflow.env), ...envOf(this.job.env), ...r.env };
        let output = "";
        let code = 0;
        for (const step of this.job.steps as any[]) {
            if (step.run === undefined || /^npm ci\b/.test(step.run)) continue;
            // After a failure, only the steps that ask to run anyway (`if: ${{ !cancelled() }}`, `always()`).
            if (code && !/!cancelled\(\)|always\(\)/.test(String(step.if ?? ""))) continue;
            const p = new Project(home, r.cwd, "unused", { ...jobEnv, ...envOf(step.env) });
            const res = await p.run("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step.run)]);
            output += `$ ${step.run}\n${res.stdout}${res.stderr}`;
            if (res.code !== 0 && !code) code = res.code;
        }
        return { code, output };
    }
}

describe("The pull-request workflows of examples/pr-preview, run on a test repository through the real Pulumi CLI", function () {
    if (!cliInstalled() || !languageHostInstalled()) {
        console.log(`\n  ${INSTALL_HINT}\n`);
        if (process.env.AEP_REQUIRE_PULUMI_CLI)
            it("needs the Pulumi CLI and its Node.js language host (AEP_REQUIRE_PULUMI_CLI is set)", () => expect.fail(INSTALL_HINT));
        return;
    }
    this.timeout(900_000);

    const home = new ProjectHome();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "aep-pipeline-"));
    const repo = path.join(work, "repo");
    const github = new FakeGitHub();
    let deps: string;
    let baseSha: string;
    let headSha: string;
    const emulators: Emulator[] = [];

    /** A checkout of the test repository at a commit, with the packed packages linked in (as `npm ci` would install them). */
    function checkout(name: string, sha: string): string {
        const dir = path.join(work, name);
        git(["clone", "-q", repo, dir], work);
        git(["checkout", "-q", sha], dir);
        fs.symlinkSync(deps, path.join(dir, "node_modules"));
        return dir;
    }

    /** What GitHub gives every job: its API, the repository, the pull request, the commits. */
    const context = (extra: Record<string, string> = {}): Record<string, string> => ({
        "secrets.PULUMI_ACCESS_TOKEN": "",
        "secrets.AEP_CLIENT_ID": DEMO_CREDENTIALS.clientId,
        "secrets.AEP_CLIENT_SECRET": DEMO_CREDENTIALS.clientSecret,
        "secrets.AEP_ORG_ID": DEMO_CREDENTIALS.orgId,
        "github.token": "test-token",
        "github.event.pull_request.number": PR,
        "github.event.pull_request.base.sha": baseSha,
        "github.event.pull_request.head.sha": headSha,
        ...extra,
    });
    const runner = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: REPOSITORY,
        GITHUB_STEP_SUMMARY: path.join(work, "step-summary.md"),
        ...extra,
    });
    /** The stacks' random suffixes, from the emulator's objects (folded in the goldens). */
    const suffixes = (emu: Emulator) => [
        ...new Set(
            emu
                .objects()
                .map((o) => /\b([a-z0-9]{6})$/.exec(o.name)?.[1])
                .filter((s): s is string => !!s),
        ),
    ];

    before(async function () {
        this.timeout(600_000);
        await github.start();
        // The packages as a user's `npm ci` installs them: the packed tarballs (never a registry copy).
        const tarballs = path.join(work, "packed");
        fs.mkdirSync(tarballs);
        const pkg = pack(ROOT, tarballs);
        const emulatorPkg = pack(path.join(ROOT, "emulator"), tarballs);
        deps = path.join(work, "deps");
        fs.mkdirSync(deps);
        const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "package.json"), "utf8"));
        example.dependencies["pulumi-aep-chatlio"] = `file:${pkg}`;
        example.devDependencies["aep-emulator"] = `file:${emulatorPkg}`;
        fs.writeFileSync(path.join(deps, "package.json"), JSON.stringify(example, null, 2));
        execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: deps, stdio: "ignore" });
        deps = path.join(deps, "node_modules");

        // The repository: the example at its root, the workflows where GitHub reads them.
        fs.mkdirSync(path.join(repo, ".github", "workflows"), { recursive: true });
        for (const f of ["Pulumi.yaml", "package.json", "index.ts", "tsconfig.json", "README.md"])
            fs.copyFileSync(path.join(EXAMPLE, f), path.join(repo, f));
        fs.cpSync(path.join(EXAMPLE, "ci"), path.join(repo, "ci"), { recursive: true });
        for (const f of fs.readdirSync(EXAMPLE).filter((f) => f.endsWith(".yml")))
            fs.copyFileSync(path.join(EXAMPLE, f), path.join(repo, ".github", "workflows", f));
        fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules/\n");
        git(["init", "-q", "-b", "main"], repo);
        git(["add", "-A"], repo);
        git(["commit", "-qm", "base"], repo);
        baseSha = git(["rev-parse", "HEAD"], repo);
        // The pull request: one field of the program, the display name every AEP object's name starts with.
        const index = path.join(repo, "index.ts");
        const program = fs.readFileSync(index, "utf8");
        expect(program).to.contain("`Chatlio ${pulumi.getStack()}`");
        fs.writeFileSync(index, program.replace("`Chatlio ${pulumi.getStack()}`", "`Support chat ${pulumi.getStack()}`"));
        git(["commit", "-qam", "Rename the Chatlio objects"], repo);
        headSha = git(["rev-parse", "HEAD"], repo);
        github.headSha = headSha;
    });
    after(async () => {
        for (const e of emulators) await e.close();
        await github.close();
        home.remove();
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("chatlio.yml previews only pull requests from the repository itself, and fork-comment.yml posts only for forks' runs", () => {
        expect(new WorkflowJob("chatlio.yml", "preview").condition).to.contain(
            "github.event.pull_request.head.repo.full_name == github.repository",
        );
        expect(new WorkflowJob("fork-preview.yml", "emulator").condition).to.contain(
            "github.event.pull_request.head.repo.full_name != github.repository",
        );
        expect(new WorkflowJob("fork-comment.yml", "comment").condition).to.contain("head_repository.full_name != github.repository");
        const fork = yaml.load(fs.readFileSync(path.join(EXAMPLE, "fork-preview.yml"), "utf8"));
        expect(fork.permissions).to.deep.equal({ contents: "read" });
        expect(JSON.stringify(fork)).to.not.contain("secrets.");
        const poster = yaml.load(fs.readFileSync(path.join(EXAMPLE, "fork-comment.yml"), "utf8"));
        expect(Object.keys(poster.on)).to.deep.equal(["workflow_run"]);
        // The poster checks out its own branch only (no ref: the default branch), and runs no npm install.
        const steps = poster.jobs.comment.steps as any[];
        expect(steps.filter((s) => s.uses?.startsWith("actions/checkout")).map((s) => s.with?.ref)).to.deep.equal([undefined]);
        expect(steps.filter((s) => s.run).map((s) => s.run)).to.deep.equal(["node ci/post-comment.mjs comment/comment-dev.md"]);
    });

    it("a pull request from the repository gets one comment per stack, the summary of the rename first and the full diff folded below, edited in place on the next push (golden)", async () => {
        const emu = await startEmulator();
        emulators.push(emu);
        const aep = { AEP_PLATFORM_URL: emu.url, AEP_IMS_URL: emu.url };
        const state = fs.mkdtempSync(path.join(work, "state-"));
        const env = runner({ ...aep, PULUMI_BACKEND_URL: `file://${state}` });
        // main, deployed by the merge that made it (deploy-dev).
        const main = checkout("same-base", baseSha);
        const deployed = await new WorkflowJob("chatlio.yml", "deploy-dev").run(home, { cwd: main, context: context(), env });
        expect(deployed.code, deployed.output).to.equal(0);
        expect(deployed.output).to.match(/\+ 10 created/);

        // The pull request's head, previewed for dev (the matrix's first stack), then a second push.
        const head = checkout("same-head", headSha);
        const writes = emu.log.filter((e) => e.kind === "write").length;
        const preview = new WorkflowJob("chatlio.yml", "preview");
        for (const push of [1, 2]) {
            const r = await preview.run(home, { cwd: head, context: context({ "matrix.stack": "dev" }), env });
            expect(r.code, `push ${push}: ${r.output}`).to.equal(0);
        }
        expect(emu.log.filter((e) => e.kind === "write").length, "a preview writes nothing").to.equal(writes);
        expect(github.calls.filter((c) => !c.startsWith("GET"))).to.deep.equal([
            `POST /repos/${REPOSITORY}/issues/${PR}/comments`,
            `PATCH /repos/${REPOSITORY}/issues/comments/1000`,
        ]);
        expect(github.comments).to.have.length(1);
        const body = github.comments[0].body;
        expect(body).to.not.contain(DEMO_CREDENTIALS.clientSecret);

        // A push whose preview fails still edits the same comment, which says so and shows why.
        const failed = await preview.run(home, {
            cwd: head,
            context: context({ "matrix.stack": "dev" }),
            env: { ...env, AEP_SANDBOX_NAME: "Not A Sandbox" },
        });
        expect(failed.code).to.not.equal(0);
        expect(github.comments).to.have.length(1);
        expect(github.comments[0].body)
            .to.contain("**The preview failed**")
            .and.contain("aep:sandboxName")
            .and.contain("<!-- pulumi-comment-id: aep-chatlio-pr-preview/dev -->");
        // The summary reads on one screen: the heading, the counts and one row per renamed object, before the folded diff.
        const summary = body.slice(0, body.indexOf("<details>"));
        expect(summary.trim().split("\n").length).to.be.at.most(15);
        expect(summary).to.match(
            /update \*\*Dataset\*\* `chatlio-dataset` \| `name` \| <code>"Chatlio dev events dataset \w+"<\/code> \| <code>"Support chat dev events dataset \w+"<\/code>/,
        );
        const folded = foldComment(body, "dev", suffixes(emu));
        golden("pr-comment-same-repository", folded);
        // The README shows the same comment, down to its folded diff.
        const readme = /## What the pull-request comment shows\n[\s\S]*?```markdown\n([\s\S]*?)\n```\n/.exec(
            fs.readFileSync(path.join(EXAMPLE, "README.md"), "utf8"),
        );
        expect(readme?.[1]).to.equal(folded.slice(0, folded.indexOf("</summary>") + "</summary>".length));
        // No credential reached the state or a stack's config file.
        const files = (dir: string): string[] =>
            fs
                .readdirSync(dir, { withFileTypes: true })
                .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
        for (const f of [...files(state), ...[main, head].map((d) => path.join(d, "Pulumi.dev.yaml")).filter((f) => fs.existsSync(f))])
            expect(fs.readFileSync(f, "utf8"), f).to.not.contain(DEMO_CREDENTIALS.clientSecret);
    });

    it("a pull request from a fork gets its comment too: the base deployed to the emulator, the head previewed against it (a rename reads as a rename), posted by the workflow_run job without running the fork's code (golden)", async () => {
        github.comments.length = 0;
        github.calls.length = 0;
        // The unprivileged job: both commits checked out side by side in its workspace, no secret, no write token.
        const workspace = fs.mkdtempSync(path.join(work, "fork-"));
        fs.renameSync(checkout("fork-base", baseSha), path.join(workspace, "base"));
        fs.renameSync(checkout("fork-head", headSha), path.join(workspace, "head"));
        const port = await freePort();
        const job = new WorkflowJob("fork-preview.yml", "emulator");
        const r = await job.run(home, {
            cwd: workspace,
            context: context({ "github.workspace": workspace }),
            env: { AEP_EMULATOR_PORT: String(port) },
        });
        expect(r.code, r.output).to.equal(0);
        expect(r.output).to.not.match(/to create/);
        const out = path.join(workspace, "out");
        expect(fs.readdirSync(out).sort()).to.deep.equal(["comment-dev.md", "pr-number"]);

        // The poster: its own checkout of the default branch, the artifact downloaded into it.
        const poster = checkout("fork-poster", baseSha);
        fs.cpSync(out, path.join(poster, "comment"), { recursive: true });
        const posted = await new WorkflowJob("fork-comment.yml", "comment").run(home, {
            cwd: poster,
            context: context({ "github.event.workflow_run.id": "42", "github.event.workflow_run.head_sha": headSha }),
            env: runner(),
        });
        expect(posted.code, posted.output).to.equal(0);
        expect(github.calls.filter((c) => !c.startsWith("GET"))).to.deep.equal([`POST /repos/${REPOSITORY}/issues/${PR}/comments`]);
        const body = github.comments[0].body;
        expect(body).to.contain("**5 to update**, 5 unchanged").and.contain("previewed against the AEP emulator");
        const suffix = /Support chat dev events dataset (\w+)/.exec(body)?.[1];
        expect(suffix).to.match(/^\w{6}$/);
        golden("pr-comment-fork", foldComment(body, "dev", [suffix!]));

        // An artifact naming another pull request (the pull request's head is not the previewed commit) is refused.
        fs.writeFileSync(path.join(poster, "comment", "pr-number"), "8");
        github.headSha = "0".repeat(40);
        const refused = await new WorkflowJob("fork-comment.yml", "comment").run(home, {
            cwd: poster,
            context: context({ "github.event.workflow_run.id": "42", "github.event.workflow_run.head_sha": headSha }),
            env: runner(),
        });
        github.headSha = headSha;
        expect(refused.code).to.not.equal(0);
        expect(github.comments).to.have.length(1);
    });

    it("promotion: a merge deploys dev (clearing first what a cancelled deploy left), prod's preview (run by hand) shows exactly the change dev received, and its deploy applies it to the prod sandbox", async () => {
        const emu = await startEmulator();
        emulators.push(emu);
        const state = fs.mkdtempSync(path.join(work, "state-"));
        const env = runner({ AEP_PLATFORM_URL: emu.url, AEP_IMS_URL: emu.url, PULUMI_BACKEND_URL: `file://${state}` });
        const dispatch = context({ "github.ref": "refs/heads/main" });
        // Both stacks at the base version: dev by the merge, prod by hand. dev's first deploy is cancelled
        // (its process group killed) while AEP creates the dataflow; after `pulumi cancel` (a file backend
        // keeps the dead run's lock), the next deploy clears the pending create it left, then deploys.
        const base = checkout("promote-base", baseSha);
        const devStack = new Project(home, base, "dev", {
            ...env,
            AEP_SANDBOX_NAME: "dev",
            AEP_CLIENT_ID: DEMO_CREDENTIALS.clientId,
            AEP_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
            AEP_ORG_ID: DEMO_CREDENTIALS.orgId,
        });
        await devStack.pulumi(["stack", "select", "--create"]);
        let killed = false;
        emu.faults.add({
            method: "POST",
            path: /\/flowservice\/flows$/,
            count: 1,
            delayMs: 1500,
            onMatch: () => {
                killed = true;
                devStack.kill();
            },
        });
        await devStack.pulumi(["up", "--yes"]);
        emu.faults.clear();
        expect(killed, "the deploy was killed while AEP created the dataflow").to.equal(true);
        await new Promise((resolve) => setTimeout(resolve, 2000));
        devStack.home.removeEmptySidecars();
        await devStack.pulumi(["cancel", "--yes"]);
        expect((await devStack.export()).deployment.pending_operations ?? []).to.have.length.above(0);
        const recovered = await new WorkflowJob("chatlio.yml", "deploy-dev").run(home, { cwd: base, context: dispatch, env });
        expect(recovered.code, recovered.output).to.equal(0);
        expect(recovered.output)
            .to.match(/Clearing \d+ pending operation/)
            .and.not.match(/pending operations? from previous deployment/);
        expect((await devStack.export()).deployment.pending_operations ?? []).to.deep.equal([]);
        for (const job of ["preview-prod", "deploy-prod"]) {
            const r = await new WorkflowJob("chatlio.yml", job).run(home, { cwd: base, context: dispatch, env });
            expect(r.code, `${job}: ${r.output}`).to.equal(0);
        }
        const names = (sandbox: string) =>
            emu
                .objects(sandbox)
                .filter((o) => o.kind !== "mappingSet")
                .map((o) => o.name)
                .sort();
        expect(names("dev")).to.have.length(6);
        expect(names("prod")).to.have.length(6);

        // The merge: dev deployed (its change recorded on the run's page), prod untouched.
        const merged = checkout("promote-head", headSha);
        const prodBefore = names("prod");
        const dev = await new WorkflowJob("chatlio.yml", "deploy-dev").run(home, { cwd: merged, context: dispatch, env });
        expect(dev.code, dev.output).to.equal(0);
        expect(dev.output).to.not.contain("pending operation");
        expect(names("dev").filter((n) => n.startsWith("Support chat dev"))).to.have.length(5);
        expect(names("prod")).to.deep.equal(prodBefore);

        // Prod, by hand: the preview first (nothing written), then the deploy.
        const preview = await new WorkflowJob("chatlio.yml", "preview-prod").run(home, { cwd: merged, context: dispatch, env });
        expect(preview.code, preview.output).to.equal(0);
        expect(names("prod")).to.deep.equal(prodBefore);
        const rows = (file: string, stack: string) => {
            let text = fs.readFileSync(path.join(merged, file), "utf8");
            for (const s of suffixes(emu)) text = text.split(s).join("<suffix>");
            return text
                .split("\n")
                .filter((l) => l.startsWith("| `"))
                .map((l) => l.split(` ${stack} `).join(" <stack> "));
        };
        const devChange = rows("change-dev.md", "dev");
        expect(devChange).to.have.length(5);
        expect(rows("comment-prod.md", "prod")).to.deep.equal(devChange);
        const prod = await new WorkflowJob("chatlio.yml", "deploy-prod").run(home, { cwd: merged, context: dispatch, env });
        expect(prod.code, prod.output).to.equal(0);
        expect(prod.output).to.match(/~ 5 updated/);
        expect(names("prod").filter((n) => n.startsWith("Support chat prod"))).to.have.length(5);
        expect(rows("change-prod.md", "prod")).to.deep.equal(devChange);
    });
});
