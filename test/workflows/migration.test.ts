import { expect } from 'chai';
import { migrateSnapshot, planEvent, statusOf } from '../../workflows/engine.js';
import { drive, inReview, reviewer, sampleService, type Step } from './support/workflow-fixtures.js';

describe('Moving an application onto a newer workflow version', () => {
  const v1 = sampleService({ siteInspection: true });
  const v2 = sampleService(
    {},
    { version: 2, migrateFrom: { version: 1, states: { inspection_scheduled: 'under_review' } } },
  );
  const scheduled: Step[] = [
    ...inReview,
    ['SCHEDULE_INSPECTION', reviewer, { date: '2025-06-01', inspector: 'Eng. Ali Hasan' }],
  ];

  it('when a state was removed in the new version, then the snapshot moves to the state the migration names', () => {
    const { persisted } = drive(v1, scheduled);
    const moved = migrateSnapshot(v2, persisted, 1);
    expect(moved.value).to.equal('under_review');
    expect((moved.context as { reviewerId: number }).reviewerId).to.equal(reviewer.userId);
    expect(statusOf(v2, moved)).to.equal('in_review');
  });

  it('when the migrated application is acted on, then the new version’s rules apply', () => {
    const { persisted } = drive(v1, scheduled);
    const plan = planEvent({
      definition: v2,
      persisted: migrateSnapshot(v2, persisted, 1),
      event: { type: 'ACCEPT' },
      actor: reviewer,
    });
    expect(plan.ok && plan.to).to.equal('accepted'); // v2 has no inspection, so no inspection guard
  });

  it('when a state exists in both versions, then it keeps its name', () => {
    const { persisted } = drive(v1, inReview);
    expect(migrateSnapshot(v2, persisted, 1).value).to.equal('under_review');
  });

  it('when the snapshot is already on the version, then it comes back unchanged', () => {
    const { persisted } = drive(v2, inReview);
    expect(migrateSnapshot(v2, persisted, 2)).to.equal(persisted);
  });

  it('when no migration from that version is declared, then moving is refused', () => {
    const { persisted } = drive(v1, inReview);
    expect(() => migrateSnapshot(sampleService({}, { version: 3 }), persisted, 1)).to.throw(
      /no migration from version 1/,
    );
  });
});
