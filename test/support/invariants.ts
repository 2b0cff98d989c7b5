/**
 * The invariants a run must keep whatever fails: AEP (the emulator's store) against the stack's state
 * file. Used after every run by the fault, adoption and secret specs and by the soak (tools/soak.ts).
 *
 * - duplicates: two AEP objects of one kind with one name in one sandbox (a create repeated blindly);
 * - orphans: an AEP object the state does not hold (created by a run that then lost track of it).
 *   Mapping sets cannot be deleted in AEP, so one that state held once and let go of (destroy, replace)
 *   is not an orphan; one that state never held is;
 * - lost: a state entry whose object is not in AEP (state claims an object that does not exist).
 */
import * as fs from "fs";
import { Emulator, EmulatorObject } from "aep-emulator";

export interface InvariantReport {
    duplicates: string[];
    orphans: string[];
    lost: string[];
    /** Dynamic resources in state (pending deletes included) and AEP objects (mapping sets included). */
    inState: number;
    inAep: number;
}

/** The ids of every dynamic resource the state file holds (replaced originals awaiting delete too). */
export function stateIds(statePath: string): Array<{ id: string; type: string; urn: string }> {
    if (!fs.existsSync(statePath)) return [];
    const state = JSON.parse(fs.readFileSync(statePath, "utf8")) as {
        resources: Array<{ id?: string; type: string; urn: string; custom?: boolean }>;
    };
    return state.resources
        .filter((r) => r.custom && r.type.startsWith("pulumi-nodejs:dynamic") && r.id)
        .map((r) => ({ id: r.id!, type: r.type, urn: r.urn }));
}

/**
 * Checks AEP against state; remembers every id state ever held (for mapping sets). One instance per
 * emulator: give it every stack's state file that deploys into that emulator.
 */
export class Invariants {
    private readonly everInState = new Set<string>();
    private readonly outside = new Set<string>();

    constructor(private readonly emu: Emulator) {}

    /** Objects made on purpose outside any stack: not orphans until a stack has taken them over. */
    madeOutside(ids: string[]): void {
        ids.forEach((id) => this.outside.add(id));
    }

    /**
     * `goneOutside`: ids of objects deleted outside Pulumi on purpose (drift), which state may still
     * hold until a refresh or delete meets their 404; they do not count as lost.
     */
    check(statePaths: string | string[], goneOutside: ReadonlySet<string> = new Set()): InvariantReport {
        const held = [statePaths].flat().flatMap(stateIds);
        const inState = new Set(held.map((r) => r.id));
        inState.forEach((id) => {
            this.everInState.add(id);
            this.outside.delete(id);
        });
        const objects = this.emu.objects();
        const show = (o: EmulatorObject) => `${o.kind} "${o.name}" (${o.id}, sandbox ${o.sandbox})`;

        const byName = new Map<string, EmulatorObject[]>();
        for (const o of objects) {
            const key = `${o.sandbox}/${o.kind}/${o.name}`;
            byName.set(key, [...(byName.get(key) ?? []), o]);
        }
        const duplicates = [...byName.values()]
            .filter((list) => list.length > 1)
            .map((list) => `${list.length} × ${show(list[0])}: ${list.map((o) => o.id).join(", ")}`);
        const orphans = objects
            .filter((o) => !inState.has(o.id) && !this.outside.has(o.id) && !(o.kind === "mappingSet" && this.everInState.has(o.id)))
            .map(show);
        const inAep = new Set(objects.map((o) => o.id));
        const lost = held.filter((r) => !inAep.has(r.id) && !goneOutside.has(r.id)).map((r) => `${r.urn.split("::").pop()} (${r.id})`);
        return { duplicates, orphans, lost, inState: held.length, inAep: objects.length };
    }
}
