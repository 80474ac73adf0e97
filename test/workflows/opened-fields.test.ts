import { expect } from 'chai';
import { planEvent } from '../../workflows/engine.js';
import { ALL_OPEN, keepClosed, openedFields, openRequirements } from '../../workflows/form/opened.js';
import { drive, inReview, reviewer, sampleService } from './support/workflow-fixtures.js';

const service = sampleService();

describe('Workflow engine: the answers a request for more information opens', () => {
  it('when the reviewer names fields, then the snapshot keeps them, and a later request that names none opens everything', () => {
    const { persisted } = drive(service, [
      ...inReview,
      [
        'REQUEST_INFO',
        reviewer,
        { comment: 'Clearer site plan, please.', fields: ['sitePlanFile', 'reason'] },
      ],
    ]);
    expect((persisted.context as { openFields: unknown }).openFields).to.deep.equal([
      'sitePlanFile',
      'reason',
    ]);
    const again = drive(service, [
      ...inReview,
      ['REQUEST_INFO', reviewer, { comment: 'One thing.', fields: 'reason' }],
      ['RESUBMIT', { role: 'applicant', userId: 1 }],
      ['REQUEST_INFO', reviewer, { comment: 'Anything.' }],
    ]);
    expect((again.persisted.context as { openFields: unknown }).openFields).to.equal(null);
  });

  it('when a request names a key that is no field of the form, then it is refused as an invalid payload', () => {
    const { persisted } = drive(service, inReview);
    const plan = planEvent({
      definition: service,
      persisted,
      event: { type: 'REQUEST_INFO', comment: 'x', fields: ['reason', '__proto__'] },
      actor: reviewer,
    });
    expect(plan.ok ? 'accepted' : plan.code).to.equal('invalid_payload');
  });

  it('when a field is opened, then the fields its answer shows open with it, and its document with a file field', () => {
    const opened = openedFields(service, ['reason']);
    expect(opened === ALL_OPEN ? null : [...opened].sort()).to.deep.equal(['details', 'reason']);
    expect([...openRequirements(service, openedFields(service, ['sitePlanFile']))]).to.deep.equal([
      'sitePlan',
    ]);
    expect(openedFields(service, [])).to.equal(ALL_OPEN);
    expect(openedFields(service, ['noSuchField'])).to.equal(ALL_OPEN);
    expect(openedFields(service, undefined)).to.equal(ALL_OPEN);
  });

  it('when a page is kept with closed fields, then their stored answers stay exactly and only open problems remain', () => {
    const previous = { cpr: '850101234', reason: 'new' };
    const result = keepClosed(
      service,
      openedFields(service, ['reason']),
      {
        answers: { reason: 'other', details: 'A shed' },
        problems: [
          { field: 'cpr', key: 'required' },
          { field: 'details', key: 'tooLong' },
        ],
      },
      previous,
    );
    expect(result.answers).to.deep.equal({ cpr: '850101234', reason: 'other', details: 'A shed' });
    expect(result.problems.map((p) => p.field)).to.deep.equal(['details']);
  });
});
