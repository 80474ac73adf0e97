import { expect } from 'chai';
import { availableEvents, describeSteps, planEvent, type PlanAccepted } from '../../workflows/engine.js';
import { standardReview } from '../../workflows/standard-review.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import {
  applicant,
  counter,
  drive,
  inReview,
  reviewer,
  sampleService,
  supervisor,
  system,
} from './support/workflow-fixtures.js';

const lastPlan = (plans: PlanAccepted[]): PlanAccepted => plans.at(-1) as PlanAccepted;
const effectTypes = (plan: PlanAccepted): string[] => plan.effects.map((effect) => effect.type);
const topStates = (definition: ServiceDefinition): string[] =>
  Object.keys(definition.workflow.machine.root.states);

describe('Standard review factory', () => {
  describe('without options', () => {
    const service = sampleService();

    it('when no option is set, then accepting goes straight to the final accepted state', () => {
      const { plans } = drive(service, [...inReview, ['ACCEPT', reviewer]]);
      expect(lastPlan(plans).to).to.equal('accepted');
      expect(lastPlan(plans).final).to.equal(true);
      expect(effectTypes(lastPlan(plans))).to.deep.equal(['webhook', 'notify']);
    });

    it('when no option is set, then the optional states do not exist', () => {
      expect(topStates(service)).to.not.include('inspection_scheduled');
      expect(topStates(service)).to.not.include('clearances');
      expect(topStates(service)).to.not.include('awaiting_payment');
      expect(topStates(service)).to.not.include('payout_pending');
    });

    it('when an unknown option is passed, then the factory refuses it', () => {
      expect(() => standardReview({ sitInspection: true } as never)).to.throw(/sitInspection/);
    });

    it('when an unknown clearance body is named, then the factory refuses it', () => {
      expect(() => standardReview({ clearances: ['water-board' as never] })).to.throw();
    });
  });

  describe('siteInspection', () => {
    const service = sampleService({ siteInspection: true });
    const inspection = { date: '2025-04-14', inspector: 'Eng. Fatima Al-Sayed' };

    it('when the inspection has not passed yet, then the reviewer cannot accept and is offered to schedule one', () => {
      const { persisted } = drive(service, inReview);
      const offered = availableEvents(service, persisted, 'reviewer', reviewer.userId).map((e) => e.type);
      expect(offered).to.include('SCHEDULE_INSPECTION');
      expect(offered).to.not.include('ACCEPT');
      const plan = planEvent({ definition: service, persisted, event: { type: 'ACCEPT' }, actor: reviewer });
      expect(plan.ok ? 'accepted' : plan.code).to.equal('not_possible');
    });

    it('when an inspection is scheduled without a date, then the plan is refused with invalid_payload', () => {
      const { persisted } = drive(service, inReview);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'SCHEDULE_INSPECTION', inspector: 'Ali' },
        actor: reviewer,
      });
      expect(plan.ok ? 'accepted' : plan.code).to.equal('invalid_payload');
      const badDate = planEvent({
        definition: service,
        persisted,
        event: { type: 'SCHEDULE_INSPECTION', date: '2025-02-30', inspector: 'Ali' },
        actor: reviewer,
      });
      expect(badDate.ok ? 'accepted' : badDate.code).to.equal('invalid_payload');
    });

    it('when an inspection is scheduled, then the date and inspector are recorded and the applicant is told', () => {
      const { plans } = drive(service, [...inReview, ['SCHEDULE_INSPECTION', reviewer, inspection]]);
      const plan = lastPlan(plans);
      expect(plan.to).to.equal('inspection_scheduled');
      expect(plan.toStatus).to.equal('in_review');
      expect((plan.persisted.context as { inspection: unknown }).inspection).to.deep.equal({
        ...inspection,
        result: 'scheduled',
        comment: null,
      });
      expect(plan.effects).to.deep.include({
        type: 'notify',
        params: { template: 'inspection_scheduled', to: 'applicant' },
      });
      expect(plan.timers).to.deep.equal({ arm: [], cancel: [], cancelAll: false }); // the SLA keeps running
    });

    it('when the inspection fails, then a comment is required and the file goes back to review with the note', () => {
      const { persisted } = drive(service, [...inReview, ['SCHEDULE_INSPECTION', reviewer, inspection]]);
      const noComment = planEvent({
        definition: service,
        persisted,
        event: { type: 'INSPECTION_FAILED' },
        actor: reviewer,
      });
      expect(noComment.ok ? 'accepted' : noComment.code).to.equal('comment_required');
      const { plans } = drive(
        service,
        [['INSPECTION_FAILED', reviewer, { comment: 'Fire exits are blocked.' }]],
        { from: persisted },
      );
      expect(lastPlan(plans).to).to.equal('under_review');
      expect(
        (lastPlan(plans).persisted.context as { inspection: { result: string; comment: string } }).inspection,
      ).to.deep.include({
        result: 'failed',
        comment: 'Fire exits are blocked.',
      });
    });

    it('when the inspection passes, then the reviewer can accept', () => {
      const { plans } = drive(service, [
        ...inReview,
        ['SCHEDULE_INSPECTION', reviewer, inspection],
        ['INSPECTION_PASSED', reviewer],
        ['ACCEPT', reviewer],
      ]);
      expect(lastPlan(plans).to).to.equal('accepted');
    });

    it('when the guide lists the steps, then the site inspection is one of them', () => {
      expect(describeSteps(service).map((step) => step.key)).to.deep.equal([
        'submitted',
        'under_review',
        'inspection_scheduled',
        'accepted',
      ]);
    });
  });

  describe('clearances', () => {
    const service = sampleService({ clearances: ['utilities', 'traffic'] });
    const asked = (): ReturnType<typeof drive> =>
      drive(service, [...inReview, ['REQUEST_CLEARANCES', reviewer]]);

    it('when clearances are requested, then each authority has its own pending region and is notified', () => {
      const { plans } = asked();
      const plan = lastPlan(plans);
      expect(plan.persisted.value).to.deep.equal({
        clearances: { utilities: 'pending', traffic: 'pending' },
      });
      expect(plan.effects).to.deep.equal([
        {
          type: 'notify',
          params: {
            template: 'clearance_requested',
            to: 'clearance_bodies',
            bodies: ['utilities', 'traffic'],
          },
        },
      ]);
    });

    it('when the back office lists actions during clearances, then each authority gets its own approve and decline', () => {
      const { persisted } = asked();
      const offered = availableEvents(service, persisted, 'reviewer', reviewer.userId).map(
        (e) => `${e.type}:${e.params.department ?? ''}`,
      );
      expect(offered).to.include.members([
        'APPROVE_CLEARANCE:utilities',
        'DECLINE_CLEARANCE:utilities',
        'APPROVE_CLEARANCE:traffic',
        'DECLINE_CLEARANCE:traffic',
      ]);
    });

    it('when a clearance names an authority that was not asked, then the plan is refused with invalid_payload', () => {
      const { persisted } = asked();
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'APPROVE_CLEARANCE', department: 'health' },
        actor: reviewer,
      });
      expect(plan.ok ? 'accepted' : plan.code).to.equal('invalid_payload');
    });

    it('when the same authority approves twice, then the second approval is refused with not_possible', () => {
      const { persisted } = drive(service, [['APPROVE_CLEARANCE', reviewer, { department: 'utilities' }]], {
        from: asked().persisted,
      });
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'APPROVE_CLEARANCE', department: 'utilities' },
        actor: reviewer,
      });
      expect(plan.ok ? 'accepted' : plan.code).to.equal('not_possible');
    });

    it('when every authority approves, then the file returns to the reviewer, who can now accept', () => {
      const { plans } = drive(
        service,
        [
          ['APPROVE_CLEARANCE', reviewer, { department: 'utilities' }],
          ['APPROVE_CLEARANCE', supervisor, { department: 'traffic' }],
          ['ACCEPT', reviewer],
        ],
        { from: asked().persisted },
      );
      expect(plans[0]?.to).to.equal('clearances');
      expect(plans[1]?.to).to.equal('under_review');
      expect(lastPlan(plans).to).to.equal('accepted');
    });

    it('when one authority declines, then a comment is required and the file returns to review with the decline recorded', () => {
      const { persisted } = asked();
      const noComment = planEvent({
        definition: service,
        persisted,
        event: { type: 'DECLINE_CLEARANCE', department: 'traffic' },
        actor: reviewer,
      });
      expect(noComment.ok ? 'accepted' : noComment.code).to.equal('comment_required');

      const { plans } = drive(
        service,
        [['DECLINE_CLEARANCE', reviewer, { department: 'traffic', comment: 'Access road too narrow.' }]],
        {
          from: persisted,
        },
      );
      const plan = lastPlan(plans);
      expect(plan.to).to.equal('under_review');
      expect(
        (plan.persisted.context as { clearances: Record<string, unknown> }).clearances.traffic,
      ).to.deep.equal({
        status: 'declined',
        comment: 'Access road too narrow.',
        by: reviewer.userId,
      });
      const offered = availableEvents(service, plan.persisted, 'reviewer', reviewer.userId).map(
        (e) => e.type,
      );
      expect(offered).to.include('REJECT');
      expect(offered).to.include('REQUEST_CLEARANCES');
      expect(offered).to.not.include('ACCEPT');
    });

    it('when the applicant withdraws while clearances are pending, then the application is withdrawn', () => {
      const { plans } = drive(service, [['WITHDRAW', applicant]], { from: asked().persisted });
      expect(lastPlan(plans).toStatus).to.equal('withdrawn');
    });
  });

  describe('fee', () => {
    const service = sampleService({ fee: true });

    it('when the application is approved, then it waits on the applicant to pay and the SLA stops', () => {
      const { plans } = drive(service, [...inReview, ['ACCEPT', reviewer]]);
      const plan = lastPlan(plans);
      expect(plan.to).to.equal('awaiting_payment');
      expect(plan.toStatus).to.equal('waiting_on_applicant');
      expect(plan.final).to.equal(false);
      expect(plan.slaChange).to.equal('stop');
      expect(plan.effects).to.deep.include({
        type: 'notify',
        params: { template: 'fee_due', to: 'applicant' },
      });
    });

    it('when counter staff record the payment with a receipt number, then the application is accepted', () => {
      const { plans } = drive(service, [
        ...inReview,
        ['ACCEPT', reviewer],
        ['FEE_PAID', counter, { receipt: 'RC-2025-00042' }],
      ]);
      expect(lastPlan(plans).to).to.equal('accepted');
      expect((lastPlan(plans).persisted.context as { payment: unknown }).payment).to.deep.equal({
        receipt: 'RC-2025-00042',
      });
    });

    it('when the applicant claims to have paid, then the plan is refused with forbidden (staff record payments)', () => {
      const { persisted } = drive(service, [...inReview, ['ACCEPT', reviewer]]);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'FEE_PAID' },
        actor: applicant,
      });
      expect(plan.ok ? 'accepted' : plan.code).to.equal('forbidden');
    });
  });

  describe('payout', () => {
    const service = sampleService({ payout: true });

    it('when the application is approved, then a payout is requested and a supervisor completes it', () => {
      const { plans } = drive(service, [
        ...inReview,
        ['ACCEPT', reviewer],
        ['PAYOUT_DONE', supervisor, { reference: 'TRF-778' }],
      ]);
      expect(plans.at(-2)?.to).to.equal('payout_pending');
      expect(plans.at(-2)?.effects.map((e) => e.type)).to.include('requestPayout');
      expect(lastPlan(plans).to).to.equal('completed');
      expect(lastPlan(plans).toStatus).to.equal('accepted');
      expect(lastPlan(plans).final).to.equal(true);
    });

    it('when a reviewer tries to record the payout, then the plan is refused with forbidden', () => {
      const { persisted } = drive(service, [...inReview, ['ACCEPT', reviewer]]);
      const plan = planEvent({
        definition: service,
        persisted,
        event: { type: 'PAYOUT_DONE' },
        actor: reviewer,
      });
      expect(plan.ok ? 'accepted' : plan.code).to.equal('forbidden');
    });

    it('when fee and payout are both set, then the fee is collected before the payout', () => {
      const both = sampleService({ fee: true, payout: true });
      const { plans } = drive(both, [
        ...inReview,
        ['ACCEPT', reviewer],
        ['FEE_PAID', counter],
        ['PAYOUT_DONE', supervisor],
      ]);
      expect(plans.slice(-3).map((p) => p.to)).to.deep.equal([
        'awaiting_payment',
        'payout_pending',
        'completed',
      ]);
    });
  });

  describe('certificate and accountNumber', () => {
    it('when a certificate service is finally accepted, then an issueCertificate effect is returned', () => {
      const { plans } = drive(sampleService({ certificate: true }), [...inReview, ['ACCEPT', reviewer]]);
      expect(effectTypes(lastPlan(plans))).to.include('issueCertificate');
    });

    it('when a certificate service with a fee is approved, then the certificate waits for the payment', () => {
      const service = sampleService({ certificate: true, fee: true });
      const { plans } = drive(service, [...inReview, ['ACCEPT', reviewer], ['FEE_PAID', counter]]);
      expect(effectTypes(plans.at(-2) as PlanAccepted)).to.not.include('issueCertificate');
      expect(effectTypes(lastPlan(plans))).to.include('issueCertificate');
    });

    it('when an account service is accepted, then an assignAccountNumber effect is returned', () => {
      const { plans } = drive(sampleService({ accountNumber: true }), [...inReview, ['ACCEPT', reviewer]]);
      expect(effectTypes(lastPlan(plans))).to.include('assignAccountNumber');
      expect(effectTypes(lastPlan(plans))).to.not.include('issueCertificate');
    });
  });

  describe('system events', () => {
    it('when the SLA runs out while clearances are pending, then the escalation is still recorded', () => {
      const service = sampleService({ clearances: ['utilities'] });
      const { plans } = drive(service, [
        ...inReview,
        ['REQUEST_CLEARANCES', reviewer],
        ['SLA_ESCALATE', system],
      ]);
      expect(lastPlan(plans).to).to.equal('clearances');
      expect((lastPlan(plans).persisted.context as { escalated: boolean }).escalated).to.equal(true);
    });
  });
});
