import { expect } from 'chai';
import { createCalendar } from '../../workflows/calendar.js';
import {
  availableEvents,
  describeState,
  describeStates,
  describeSteps,
  initialSnapshot,
  planEvent,
  statusOf,
  type Plan,
  queryOnOwnDecision,
  stateAddsToStatus,
  timelineLabeller,
  type PlanAccepted,
} from '../../workflows/engine.js';
import type { PersistedSnapshot } from '../../workflows/types.js';
import {
  admin,
  applicant,
  counter,
  drive,
  inReview,
  otherSupervisor,
  queried,
  rejected,
  reviewer,
  sampleService,
  submitted,
  supervisor,
  system,
  type Step,
} from './support/workflow-fixtures.js';

const service = sampleService();
const rejectedBySupervisor: Step[] = [
  ...inReview,
  ['REJECT', supervisor, { comment: 'Incomplete.' }],
  ['RAISE_QUERY', applicant, { comment: 'It is complete.' }],
];

function refusal(plan: Plan): string {
  return plan.ok ? `accepted (${plan.to})` : plan.code;
}

function accepted(plan: Plan): PlanAccepted {
  if (!plan.ok) throw new Error(`expected the plan to be accepted, got ${plan.code}: ${plan.message}`);
  return plan;
}

describe('Workflow engine: planning an event', () => {
  describe('refusals', () => {
    it('when an event type the workflow does not know is sent, then the plan is refused with unknown_event', () => {
      const plan = planEvent({
        definition: service,
        persisted: null,
        event: { type: 'APPROVE_EVERYTHING' },
        actor: applicant,
      });
      expect(refusal(plan)).to.equal('unknown_event');
    });

    it('when someone sends an internal XState event, then the plan is refused with unknown_event', () => {
      const { persisted } = drive(service, inReview);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'xstate.init' },
        actor: system,
      });
      expect(refusal(plan)).to.equal('unknown_event');
    });

    it('when a reviewer accepts a draft, then the plan is refused with not_possible', () => {
      const plan = planEvent({
        definition: service,
        persisted: null,
        event: { type: 'ACCEPT' },
        actor: reviewer,
      });
      expect(refusal(plan)).to.equal('not_possible');
    });

    it('when a reviewer submits an applicant’s draft, then the plan is refused with forbidden', () => {
      const plan = planEvent({
        definition: service,
        persisted: null,
        event: { type: 'SUBMIT' },
        actor: reviewer,
      });
      expect(refusal(plan)).to.equal('forbidden');
    });

    it('when an applicant tries to accept their own application, then the plan is refused with forbidden', () => {
      const { persisted } = drive(service, inReview);
      const plan = planEvent({ definition: service, persisted, event: { type: 'ACCEPT' }, actor: applicant });
      expect(refusal(plan)).to.equal('forbidden');
    });

    it('when an admin tries to reject, then the plan is refused with forbidden (admins manage, they do not decide)', () => {
      const { persisted } = drive(service, inReview);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'REJECT', comment: 'No.' },
        actor: admin,
      });
      expect(refusal(plan)).to.equal('forbidden');
    });

    it('when a reviewer rejects without a comment, then the plan is refused with comment_required', () => {
      const { persisted } = drive(service, inReview);
      const plan = planEvent({ definition: service, persisted, event: { type: 'REJECT' }, actor: reviewer });
      expect(refusal(plan)).to.equal('comment_required');
    });

    it('when a reviewer rejects with an empty comment, then the plan is refused with comment_required', () => {
      const { persisted } = drive(service, inReview);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'REJECT', comment: '' },
        actor: reviewer,
      });
      expect(refusal(plan)).to.equal('comment_required');
    });

    it('when a reviewer requests information with a whitespace-only comment, then the plan is refused with comment_required', () => {
      const { persisted } = drive(service, inReview);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'REQUEST_INFO', comment: ' \n\t ' },
        actor: reviewer,
      });
      expect(refusal(plan)).to.equal('comment_required');
    });

    it('when a comment is not text, then the plan is refused with invalid_payload', () => {
      const { persisted } = drive(service, inReview);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'REJECT', comment: { text: 'x' } },
        actor: reviewer,
      });
      expect(refusal(plan)).to.equal('invalid_payload');
    });

    it('when the supervisor who rejected also tries to uphold the rejection, then the plan is refused with same_person', () => {
      const { persisted } = drive(service, rejectedBySupervisor);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'UPHOLD', comment: 'Still incomplete.' },
        actor: supervisor,
      });
      expect(refusal(plan)).to.equal('same_person');
    });

    it('when the supervisor who rejected tries to reopen, then the plan is refused with same_person, and another supervisor may', () => {
      const { persisted } = drive(service, rejectedBySupervisor);
      expect(
        refusal(planEvent({ definition: service, persisted, event: { type: 'REOPEN' }, actor: supervisor })),
      ).to.equal('same_person');
      expect(
        refusal(
          planEvent({ definition: service, persisted, event: { type: 'REOPEN' }, actor: otherSupervisor }),
        ),
      ).to.equal('accepted (under_review)');
    });

    it('when a reviewer tries to uphold a rejection, then the plan is refused with forbidden (supervisors only)', () => {
      const { persisted } = drive(service, queried);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'UPHOLD', comment: 'Agreed.' },
        actor: reviewer,
      });
      expect(refusal(plan)).to.equal('forbidden');
    });

    it('when an application is already final, then any further event is refused with not_possible', () => {
      const { persisted } = drive(service, [...inReview, ['ACCEPT', reviewer]]);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'WITHDRAW' },
        actor: applicant,
      });
      expect(refusal(plan)).to.equal('not_possible');
    });

    it('when the applicant raises a query after the window closed but before the poller ran, then it is refused with not_possible', () => {
      const calendar = createCalendar({ holidays: [] });
      const rejectedAt = new Date('2025-03-02T09:00:00+03:00'); // a Sunday
      const { persisted } = drive(service, rejected, { now: rejectedAt, calendar });
      const closesAt = (persisted.context as { clock: { deadlines: Record<string, string> } }).clock.deadlines
        .queryWindow;
      expect(closesAt).to.equal(new Date('2025-03-20T09:00:00+03:00').toISOString()); // 14 working days later

      const late = planEvent({
        definition: service,
        persisted,
        event: { type: 'RAISE_QUERY', comment: 'Please reconsider.' },
        actor: applicant,
        now: new Date('2025-03-20T09:00:01+03:00'),
        calendar,
      });
      expect(refusal(late)).to.equal('not_possible');
      const inTime = planEvent({
        definition: service,
        persisted,
        event: { type: 'RAISE_QUERY', comment: 'Please reconsider.' },
        actor: applicant,
        now: new Date('2025-03-19T23:00:00+03:00'),
        calendar,
      });
      expect(refusal(inTime)).to.equal('accepted (query_raised)');
    });
  });

  describe('accepted plans', () => {
    it('when an applicant submits a new application, then the plan moves draft → submitted and returns the submission effects unexecuted', () => {
      const plan = accepted(
        planEvent({ definition: service, persisted: null, event: { type: 'SUBMIT' }, actor: applicant }),
      );
      expect(plan.from).to.equal('draft');
      expect(plan.to).to.equal('submitted');
      expect(plan.fromStatus).to.equal('draft');
      expect(plan.toStatus).to.equal('submitted');
      expect(plan.final).to.equal(false);
      expect(plan.effects).to.deep.equal([
        { type: 'notify', params: { template: 'submitted', to: 'applicant' } },
        { type: 'notify', params: { template: 'new_application', to: 'department' } },
        { type: 'webhook', params: { event: 'application.submitted' } },
      ]);
      expect(plan.sla).to.equal('running');
      expect(plan.slaChange).to.equal('start');
      expect(plan.timers).to.deep.equal({
        arm: [{ key: 'sla', event: 'SLA_ESCALATE', days: 5, dueAt: null }],
        cancel: [],
        cancelAll: false,
      });
    });

    it('when counter staff submit for a walk-in applicant, then the plan is accepted', () => {
      const plan = planEvent({
        definition: service,
        persisted: null,
        event: { type: 'SUBMIT' },
        actor: counter,
      });
      expect(refusal(plan)).to.equal('accepted (submitted)');
    });

    it('when a plan is accepted, then its snapshot is plain JSON that survives a round trip', () => {
      const { plans } = drive(service, inReview);
      const last = plans.at(-1) as PlanAccepted;
      expect(JSON.parse(JSON.stringify(last.persisted))).to.deep.equal(last.persisted);
      expect(last.persisted.value).to.equal('under_review');
    });

    it('when a client sends extra keys such as a forged actor, then the machine receives only the declared payload and the real actor', () => {
      const { persisted } = drive(service, inReview);
      const plan = accepted(
        planEvent({
          definition: service,
          persisted,
          event: {
            type: 'REJECT',
            comment: '  Not signed.  ',
            actor: { role: 'supervisor', userId: 99 },
            isAdmin: true,
          },
          actor: reviewer,
        }),
      );
      expect(plan.event).to.deep.equal({ type: 'REJECT', comment: 'Not signed.', actor: reviewer });
      expect(plan.comment).to.equal('Not signed.');
      expect((plan.persisted.context as { rejectedBy: number }).rejectedBy).to.equal(reviewer.userId);
    });

    it('when a supervisor does what a reviewer does, then it is allowed', () => {
      const { persisted } = drive(service, submitted);
      expect(
        refusal(
          planEvent({ definition: service, persisted, event: { type: 'START_REVIEW' }, actor: supervisor }),
        ),
      ).to.equal('accepted (under_review)');
    });

    it('when the SLA runs out, then SLA_ESCALATE keeps the state, sets the escalated flag and emits an escalation', () => {
      const { persisted } = drive(service, inReview);
      const plan = accepted(
        planEvent({ definition: service, persisted, event: { type: 'SLA_ESCALATE' }, actor: system }),
      );
      expect(plan.from).to.equal('under_review');
      expect(plan.to).to.equal('under_review');
      expect((plan.persisted.context as { escalated: boolean }).escalated).to.equal(true);
      expect(plan.effects.map((e) => e.type)).to.deep.equal(['escalate', 'notify']);
      expect(plan.timers).to.deep.equal({ arm: [], cancel: [], cancelAll: false });
    });

    it('when a reviewer requests information, then the SLA pauses with the time left kept, and resumes with only that time', () => {
      const calendar = createCalendar();
      const submittedAt = new Date('2025-03-02T08:00:00+03:00'); // Sunday: SLA of 5 working days ends Sunday 9 March 08:00
      const { persisted: reviewing } = drive(service, inReview, { now: submittedAt, calendar });
      expect(describeState(service, reviewing).deadlines.sla).to.equal(
        new Date('2025-03-09T08:00:00+03:00').toISOString(),
      );

      const pausedAt = new Date('2025-03-04T08:00:00+03:00'); // Tuesday, 2 working days used
      const { persisted: waiting, plans } = drive(
        service,
        [['REQUEST_INFO', reviewer, { comment: 'Please sign the plan.' }]],
        {
          now: pausedAt,
          calendar,
          from: reviewing,
        },
      );
      expect(plans[0]?.sla).to.equal('paused');
      expect(plans[0]?.slaChange).to.equal('pause');
      expect(plans[0]?.timers.cancel).to.deep.equal(['sla']);
      expect(statusOf(service, waiting)).to.equal('waiting_on_applicant');

      const resumedAt = new Date('2025-03-11T10:00:00+03:00'); // a week later, Tuesday
      const { plans: resumed } = drive(service, [['RESUBMIT', applicant]], {
        now: resumedAt,
        calendar,
        from: waiting,
      });
      const [timer] = resumed[0]?.timers.arm ?? [];
      expect(resumed[0]?.slaChange).to.equal('resume');
      expect(timer?.days).to.equal(3);
      expect(timer?.dueAt).to.equal(new Date('2025-03-16T10:00:00+03:00').toISOString()); // Tue + 3 working days, skipping Fri/Sat
    });

    it('when the application is accepted, then the plan is final and cancels every deadline', () => {
      const { plans } = drive(service, [...inReview, ['ACCEPT', reviewer]]);
      const plan = plans.at(-1) as PlanAccepted;
      expect(plan.final).to.equal(true);
      expect(plan.toStatus).to.equal('accepted');
      expect(plan.timers.cancelAll).to.equal(true);
      expect(plan.slaChange).to.equal('stop');
      expect(plan.effects).to.deep.include({
        type: 'webhook',
        params: { event: 'application.decided', decision: 'accepted' },
      });
    });

    it('when the application is rejected, then the query-window deadline is armed', () => {
      const { plans } = drive(service, rejected);
      const plan = plans.at(-1) as PlanAccepted;
      expect(plan.toStatus).to.equal('rejected');
      expect(plan.timers.arm).to.deep.equal([
        { key: 'queryWindow', event: 'QUERY_WINDOW_CLOSE', days: 14, dueAt: null },
      ]);
      expect(plan.timers.cancel).to.deep.equal(['sla']);
    });

    it('when the query window closes, then the rejection becomes final', () => {
      const { plans } = drive(service, [...rejected, ['QUERY_WINDOW_CLOSE', system]]);
      expect(plans.at(-1)?.to).to.equal('rejection_final');
      expect(plans.at(-1)?.final).to.equal(true);
    });

    it('when another supervisor upholds a queried rejection with a comment, then the rejection is upheld', () => {
      const { plans } = drive(service, [
        ...queried,
        ['UPHOLD', supervisor, { comment: 'The plan is unsigned.' }],
      ]);
      expect(plans.at(-1)?.to).to.equal('rejection_upheld');
      expect(plans.at(-1)?.toStatus).to.equal('rejected');
    });

    it('when the applicant withdraws during review, then the application is withdrawn', () => {
      const { plans } = drive(service, [...inReview, ['WITHDRAW', applicant]]);
      expect(plans.at(-1)?.toStatus).to.equal('withdrawn');
    });

    it('when the applicant discards a draft, then the application ends as discarded', () => {
      const { plans } = drive(service, [['DISCARD', applicant]]);
      expect(plans.at(-1)?.to).to.equal('discarded');
      expect(plans.at(-1)?.final).to.equal(true);
    });
  });
});

describe('Workflow engine: reading an application', () => {
  it('when the back office asks what a reviewer may do in review, then it lists accept, reject and request information with their comment rules', () => {
    const { persisted } = drive(service, inReview);
    const events = availableEvents(service, persisted, 'reviewer', reviewer.userId);
    expect(events.map((e) => [e.type, e.requiresComment])).to.deep.equal([
      ['ACCEPT', false],
      ['REJECT', true],
      ['REQUEST_INFO', true],
    ]);
    expect(events[0]?.label).to.deep.equal({ ar: 'الموافقة على الطلب', en: 'Approve' });
  });

  it('when the back office asks what a reviewer may do in review, then approve and reject are marked as decisions and only approve issues a certificate where the service has one', () => {
    const { persisted } = drive(service, inReview);
    const plain = availableEvents(service, persisted, 'reviewer', reviewer.userId);
    expect(plain.map((e) => [e.type, e.decides, e.issuesCertificate])).to.deep.equal([
      ['ACCEPT', true, false],
      ['REJECT', true, false],
      ['REQUEST_INFO', false, false],
    ]);
    const withCertificate = sampleService({ certificate: true });
    const fromCertificate = drive(withCertificate, inReview).persisted;
    expect(
      availableEvents(withCertificate, fromCertificate, 'reviewer', reviewer.userId).map((e) => [
        e.type,
        e.issuesCertificate,
      ]),
    ).to.deep.equal([
      ['ACCEPT', true],
      ['REJECT', false],
      ['REQUEST_INFO', false],
    ]);
  });

  it('when a supervisor looks at a queried rejection, then upholding it is a decision and reopening it is not', () => {
    const { persisted } = drive(service, queried);
    expect(
      availableEvents(service, persisted, 'supervisor', otherSupervisor.userId).map((e) => [
        e.type,
        e.decides,
      ]),
    ).to.deep.equal([
      ['UPHOLD', true],
      ['REOPEN', false],
    ]);
  });

  it('when the back office asks about one event only, then it gets the actions of that event, the same as in the full list', () => {
    const { persisted } = drive(service, inReview);
    const all = availableEvents(service, persisted, 'reviewer', reviewer.userId);
    for (const type of ['ACCEPT', 'REJECT', 'REQUEST_INFO']) {
      expect(availableEvents(service, persisted, 'reviewer', reviewer.userId, { type })).to.deep.equal(
        all.filter((e) => e.type === type),
      );
    }
    expect(
      availableEvents(service, persisted, 'reviewer', reviewer.userId, { type: 'SUBMIT' }),
    ).to.deep.equal([]);
    expect(
      availableEvents(service, persisted, 'applicant', applicant.userId, { type: 'ACCEPT' }),
    ).to.deep.equal([]);
  });

  it('when the applicant asks what they may do on a new application, then it lists submit and discard', () => {
    expect(availableEvents(service, null, 'applicant', applicant.userId).map((e) => e.type)).to.deep.equal([
      'SUBMIT',
      'DISCARD',
    ]);
  });

  it('when the supervisor who rejected looks at the query, then uphold and reopen are not offered to them', () => {
    const { persisted } = drive(service, rejectedBySupervisor);
    expect(availableEvents(service, persisted, 'supervisor', supervisor.userId)).to.deep.equal([]);
    expect(
      availableEvents(service, persisted, 'supervisor', otherSupervisor.userId).map((e) => e.type),
    ).to.deep.equal(['UPHOLD', 'REOPEN']);
  });

  it('when the query window has closed, then the applicant is no longer offered to raise a query', () => {
    const calendar = createCalendar();
    const { persisted } = drive(service, rejected, { now: new Date('2025-03-02T09:00:00+03:00'), calendar });
    const before = availableEvents(service, persisted, 'applicant', applicant.userId, {
      now: new Date('2025-03-10T09:00:00+03:00'),
    });
    const after = availableEvents(service, persisted, 'applicant', applicant.userId, {
      now: new Date('2025-03-21T09:00:00+03:00'),
    });
    expect(before.map((e) => e.type)).to.deep.equal(['RAISE_QUERY']);
    expect(after).to.deep.equal([]);
  });

  it('when an application is final, then nobody is offered anything', () => {
    const { persisted } = drive(service, [...inReview, ['ACCEPT', reviewer]]);
    for (const role of ['applicant', 'reviewer', 'supervisor', 'system'] as const) {
      expect(availableEvents(service, persisted, role, 1)).to.deep.equal([]);
    }
  });

  it('when the status of an application is read, then it is the public status of its state', () => {
    expect(statusOf(service, null)).to.equal('draft');
    expect(statusOf(service, drive(service, inReview).persisted)).to.equal('in_review');
    expect(statusOf(service, drive(service, queried).persisted)).to.equal('queried');
  });

  it('when a new application starts, then its initial snapshot is a draft carrying the applicant id', () => {
    const persisted: PersistedSnapshot = initialSnapshot(service, { applicantId: 7 });
    expect(persisted.value).to.equal('draft');
    expect((persisted.context as { applicantId: number }).applicantId).to.equal(7);
  });

  it('when a reviewer is also the applicant, then they may not review their own application', () => {
    const own = initialSnapshot(service, { applicantId: reviewer.userId });
    const { persisted } = drive(service, submitted, { from: own });
    expect(
      refusal(
        planEvent({ definition: service, persisted, event: { type: 'START_REVIEW' }, actor: reviewer }),
      ),
    ).to.equal('same_person');
  });

  it('when the guide lists the steps, then they follow the workflow in order', () => {
    expect(describeSteps(service).map((s) => s.key)).to.deep.equal(['submitted', 'under_review', 'accepted']);
    const withSteps = sampleService(
      {},
      { guide: { ...sampleService().guide, steps: [{ ar: 'قدّم', en: 'Apply' }] } },
    );
    expect(describeSteps(withSteps)).to.deep.equal([{ key: 'step-1', label: { ar: 'قدّم', en: 'Apply' } }]);
  });

  it('when a service pays out after approval, then its guide ends with the transfer, not with a decision already given', () => {
    const steps = describeSteps(sampleService({ payout: true })).map((s) => s.label.en);
    expect(steps.slice(-2)).to.deep.equal([
      'Once approved, the amount is transferred to your bank account',
      'You are told when the transfer is made',
    ]);
  });

  it('when the states are listed for a report filter, then each has its status and whether it is final', () => {
    const states = describeStates(service);
    expect(states.find((s) => s.state === 'info_requested')).to.deep.include({
      status: 'waiting_on_applicant',
      sla: 'paused',
      final: false,
    });
    expect(states.find((s) => s.state === 'rejection_final')).to.deep.include({
      status: 'rejected',
      final: true,
    });
  });
});

describe('Workflow engine: naming what happened', () => {
  const labelOf = timelineLabeller(service);

  it('when a timeline names a standard event, then it reads as done, not as the button that did it', () => {
    expect(labelOf('SUBMIT', null)).to.deep.equal({ ar: 'تم تقديم الطلب', en: 'Application submitted' });
    expect(labelOf('REJECT', null).en).to.equal('Application rejected');
    expect(labelOf('RAISE_QUERY', null).en).to.equal('Query raised against the rejection');
  });

  it('when a clearance was given or declined, then the timeline names the authority its record names', () => {
    expect(labelOf('APPROVE_CLEARANCE', '{"department":"traffic"}')).to.deep.equal({
      ar: 'مُنحت الموافقة: الإدارة العامة للمرور',
      en: 'Clearance given: General Directorate of Traffic',
    });
    expect(labelOf('DECLINE_CLEARANCE', { department: 'utilities' }).en).to.equal(
      'Clearance declined: Electricity and Water Authority',
    );
  });

  it('when a state only says its status again, then it adds nothing beside it; a step of its own does', () => {
    expect(stateAddsToStatus({ state: 'under_review', status: 'in_review' })).to.equal(false);
    expect(stateAddsToStatus({ state: 'query_raised', status: 'queried' })).to.equal(false);
    expect(stateAddsToStatus({ state: 'inspection_scheduled', status: 'in_review' })).to.equal(true);
    expect(stateAddsToStatus({ state: 'rejection_final', status: 'rejected' })).to.equal(true);
  });

  it('when a query is raised, then it waits on the decision of the one who rejected, and of nobody else', () => {
    const { persisted } = drive(service, queried);
    const where = describeState(service, persisted);
    expect(queryOnOwnDecision(where, persisted, reviewer.userId!)).to.equal(true);
    expect(queryOnOwnDecision(where, persisted, supervisor.userId!)).to.equal(false);
    const before = drive(service, rejected).persisted;
    expect(queryOnOwnDecision(describeState(service, before), before, reviewer.userId!)).to.equal(false);
  });

  it('when an event has no done form, then its transition label or its name is used', () => {
    expect(labelOf('NO_SUCH_EVENT', null)).to.deep.equal({ ar: 'NO_SUCH_EVENT', en: 'NO_SUCH_EVENT' });
  });
});
