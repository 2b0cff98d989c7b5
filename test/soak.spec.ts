/**
 * A short seeded soak (tools/soak.ts) in-process: random up, update, refresh and destroy runs of the
 * seven resources under random faults. The long one is `npm run soak -- --seed S --runs N`.
 *
 * Six runs keep it within the suite's time budget; seed 31 makes them an up and a destroy that each meet a
 * fault that never clears (a create dropped before AEP acts, every time; an IMS that never answers in time)
 * and converge once it clears, then an up, a refresh, a destroy and an up that get through their faults
 * (lost answers, 500s, 504s after commit) on their own.
 */
import { expect } from "chai";
import { soak } from "../tools/soak";

const SEED = 31;
const RUNS = 6;

describe("Soak: seeded random runs under random faults", function () {
    this.timeout(300_000);

    it(`${RUNS} runs (seed ${SEED}) inject faults, fail only to converge when run again, and never leave a duplicate, an orphan or a lost object`, async () => {
        const lines: string[] = [];
        const r = await soak({ seed: SEED, runs: RUNS, progress: (line) => lines.push(line) });
        const story = lines.join("\n");
        // A soak that injected nothing would prove nothing.
        expect(r.faultsInjected, story).to.be.at.least(RUNS);
        expect(r.runsFailed, story).to.be.at.least(1);
        expect(r.problems, story).to.deep.equal([]);
        expect({ duplicates: r.duplicates, orphans: r.orphans, objectsLost: r.objectsLost }, story).to.deep.equal({ duplicates: 0, orphans: 0, objectsLost: 0 });
        expect(r.runsConvergedOnRetry, story).to.equal(r.runsFailed);
        // Transient faults are outlasted within the run; only faults that never clear need a rerun.
        expect(r.runsConvergedOnTheirOwn, story).to.be.at.least(3);
        expect(r.runsFailedWithLastingFault, story).to.equal(r.runsFailed);
        expect(r.runsNotConverged, story).to.equal(0);
        expect(r.operations.update + r.operations.up, story).to.be.at.least(3);
        expect({ leftAfterDestroy: r.leftAfterDestroy, leftInState: r.leftInState }, story).to.deep.equal({ leftAfterDestroy: 0, leftInState: 0 });
    });
});
