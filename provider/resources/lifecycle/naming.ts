/**
 * Automatic names: the resource's Pulumi name plus a short suffix, for resources declared without a
 * name.
 *
 * The suffix is derived from the resource's URN (stack, project, parents, type and name), not drawn at
 * random, so that:
 * - the name `pulumi preview` shows is the name `pulumi up` creates;
 * - a create interrupted before its answer reached state (a cancelled CI job) is sent again under the
 *   same name, and the object the first attempt made is found and taken over instead of orphaned;
 * - two stacks (or two resources) never share a name.
 *
 * A replacement must not reuse the name while the old object still exists (create before delete). The
 * engine checks a replacement's inputs again without the old inputs, so `diff` notes the old name for
 * the URN, and that check derives the new suffix from the URN and the old name: a replacement of a
 * replacement gets a third name, and a replacement interrupted and run again gets the same one.
 * Names chosen before this scheme (a random suffix) are kept as long as the resource exists.
 */
import { createHash, randomBytes } from "crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const SUFFIX_LENGTH = 7;

function suffixFrom(bytes: Uint8Array): string {
    let out = "";
    for (let i = 0; i < SUFFIX_LENGTH; i++) out += ALPHABET[bytes[i] % ALPHABET.length];
    return out;
}

/**
 * The automatic name of a resource: `base-xxxxxxx`, `base` cut to fit `maxLength`. With `urn`, the
 * suffix is a digest of the URN and of the name being replaced (if any); without one (a provider called
 * outside Pulumi), it is random.
 */
export function automaticName(base: string, maxLength: number, urn: string | undefined, replacing?: string): string {
    const head = base.slice(0, Math.max(1, maxLength - SUFFIX_LENGTH - 1));
    const bytes = urn
        ? createHash("sha256")
              .update(`${urn}\n${replacing ?? ""}`)
              .digest()
        : randomBytes(SUFFIX_LENGTH);
    return `${head}-${suffixFrom(bytes)}`;
}

/** Names `diff` saw replaced, by URN, until the engine checks the replacement (same host process, same run). */
const replacing = new Map<string, string>();

/** Called by `diff` when a resource with an automatic name is to be replaced. */
export function noteReplacement(urn: string, oldName: string): void {
    replacing.set(urn, oldName);
}

/** The name the resource at `urn` is being replaced from, if `diff` noted one; forgets it. */
export function takeReplacement(urn: string): string | undefined {
    const name = replacing.get(urn);
    replacing.delete(urn);
    return name;
}
