/**
 * The release before the generic webhook component (ChatlioSource alone), as a commit of this repository:
 * specs deploy a Chatlio stack with that commit's provider/ and show that this build previews it with no
 * change.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const RELEASE_BEFORE_SOURCES = "93301865ff1fc5e150688150e79ca21dc7c53d9a";

/** Writes that release's provider/ into `dir` (as `dir/provider`), from the repository at `root`. */
export function extractReleaseProvider(root: string, dir: string): string {
    const archive = execFileSync("git", ["archive", RELEASE_BEFORE_SOURCES, "provider"], { cwd: root, maxBuffer: 64 << 20 });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    const provider = path.join(dir, "provider");
    if (!fs.existsSync(path.join(provider, "index.ts"))) throw new Error(`git archive ${RELEASE_BEFORE_SOURCES} gave no provider/index.ts`);
    return provider;
}
