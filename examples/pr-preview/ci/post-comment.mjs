// Posts one stack's preview comment on the pull request, or edits it in place when it is already there
// (pulumi/actions' edit-pr-comment convention: the comment is found by its `pulumi-comment-id` marker).
// Usage: node ci/post-comment.mjs COMMENT_FILE
// Environment: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL (set by GitHub Actions), and the pull
// request's number in PR_NUMBER or in the file PR_NUMBER_FILE. With EXPECT_HEAD_SHA (the fork workflow's
// poster), the pull request's head must be that commit, and only the poster's own comments are edited:
// the number and the body come from an artifact an unprivileged job made.
import { readFileSync } from "node:fs";

const env = process.env;
const api = env.GITHUB_API_URL ?? "https://api.github.com";
const repo = env.GITHUB_REPOSITORY;
const pr = (env.PR_NUMBER ?? (env.PR_NUMBER_FILE ? readFileSync(env.PR_NUMBER_FILE, "utf8") : "")).trim();
if (!repo || !env.GITHUB_TOKEN) throw new Error("GITHUB_REPOSITORY and GITHUB_TOKEN must be set");
if (!/^[1-9]\d{0,9}$/.test(pr)) throw new Error(`not a pull request number: ${JSON.stringify(pr.slice(0, 20))}`);
const body = readFileSync(process.argv[2], "utf8").slice(0, 65_000);
const marker = /^<!-- pulumi-comment-id: [\w./-]+ -->$/m.exec(body)?.[0];
if (!marker) throw new Error(`${process.argv[2]} has no pulumi-comment-id marker: not a preview comment`);

async function call(method, path, data) {
    const res = await fetch(`${api}${path}`, {
        method,
        headers: {
            accept: "application/vnd.github+json",
            authorization: `Bearer ${env.GITHUB_TOKEN}`,
            "x-github-api-version": "2022-11-28",
            ...(data ? { "content-type": "application/json" } : {}),
        },
        body: data ? JSON.stringify(data) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
}

if (env.EXPECT_HEAD_SHA) {
    const pull = await call("GET", `/repos/${repo}/pulls/${pr}`);
    if (pull.head?.sha !== env.EXPECT_HEAD_SHA)
        throw new Error(`pull request #${pr} is at ${pull.head?.sha}, not at the previewed commit ${env.EXPECT_HEAD_SHA}`);
}
let found;
for (let page = 1; !found; page++) {
    const comments = await call("GET", `/repos/${repo}/issues/${pr}/comments?per_page=100&page=${page}`);
    found = comments.find((c) => c.body?.includes(marker) && (!env.EXPECT_HEAD_SHA || c.user?.type === "Bot"));
    if (comments.length < 100) break;
}
if (found) await call("PATCH", `/repos/${repo}/issues/comments/${found.id}`, { body });
else await call("POST", `/repos/${repo}/issues/${pr}/comments`, { body });
console.log(`${found ? "edited" : "posted"} the comment ${marker} on #${pr}`);
