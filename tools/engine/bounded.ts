// Bounded parallelism for the deletes of a wave and the reads of a refresh.

/** How many deletes (one wave) or refresh reads are in flight at once. */
export const PARALLEL = 16;

/**
 * Runs `f` over `items`, at most `limit` at once, in order of `items`. After the first failure no
 * further item starts; the ones in flight finish. Resolves with the errors (none when all succeeded).
 */
export async function bounded<T>(items: T[], limit: number, f: (item: T) => Promise<void>): Promise<unknown[]> {
    const errors: unknown[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
        while (!errors.length && next < items.length) {
            const item = items[next++];
            try {
                await f(item);
            } catch (e) {
                errors.push(e);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return errors;
}
