import { expect } from 'chai';
import { availableEvents, planEvent } from '../../workflows/engine.js';
import { restoreSnapshot } from '../../workflows/machine-introspection.js';
import { persistedSnapshotOf, type ApplicationRow } from '../../db/repositories/applications.js';
import type { PersistedSnapshot } from '../../workflows/types.js';
import { drive, inReview, reviewer, sampleService, submitted } from './support/workflow-fixtures.js';

const service = sampleService();
const other = sampleService({ certificate: true });

describe('Restoring a stored workflow snapshot once per request', () => {
  it('when the same stored object is restored twice on one machine, then the same snapshot comes back; another object or machine is restored anew', () => {
    const { persisted } = drive(service, inReview);
    const machine = service.workflow.machine;
    const first = restoreSnapshot(machine, persisted);
    expect(restoreSnapshot(machine, persisted)).to.equal(first);
    const copy = JSON.parse(JSON.stringify(persisted)) as PersistedSnapshot;
    const fromCopy = restoreSnapshot(machine, copy);
    expect(fromCopy).to.not.equal(first);
    expect(fromCopy.value).to.deep.equal(first.value);
    expect(restoreSnapshot(other.workflow.machine, persisted)).to.not.equal(first);
  });

  it('when a restored snapshot is planned on, then it is left as it was: the next plan from it gives the same answer', () => {
    const { persisted } = drive(service, inReview);
    const before = availableEvents(service, persisted, 'reviewer', reviewer.userId);
    const plan = planEvent({
      definition: service,
      persisted,
      event: { type: 'REJECT', comment: 'Not signed.' },
      actor: reviewer,
    });
    expect(plan.ok).to.equal(true);
    expect(availableEvents(service, persisted, 'reviewer', reviewer.userId)).to.deep.equal(before);
    const again = planEvent({
      definition: service,
      persisted,
      event: { type: 'REJECT', comment: 'Not signed.' },
      actor: reviewer,
    });
    expect(again).to.deep.equal(plan);
  });

  it('when a row’s snapshot is read twice, then it is parsed once; when its text is replaced, then the new text is parsed', () => {
    const early = drive(service, submitted).persisted;
    const late = drive(service, inReview).persisted;
    const row = { id: 1, snapshot: JSON.stringify(early) } as ApplicationRow;
    const parsed = persistedSnapshotOf(row);
    expect(persistedSnapshotOf(row)).to.equal(parsed);
    expect(parsed).to.deep.equal(early);
    row.snapshot = JSON.stringify(late);
    expect(persistedSnapshotOf(row)).to.deep.equal(late);
    expect(persistedSnapshotOf({ ...row })).to.not.equal(persistedSnapshotOf(row));
  });
});
