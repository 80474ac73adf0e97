import { expect } from 'chai';
import { createMachine, type AnyStateMachine } from 'xstate';
import { checkDefinition, checkDefinitions } from '../../workflows/check.js';
import { defineService } from '../../workflows/define-service.js';
import { loadDefinitions } from '../../workflows/load-definitions.js';
import type { ServiceDefinition, ServiceDefinitionInput, WorkflowFactory } from '../../workflows/types.js';
import { sampleInput, sampleService } from './support/workflow-fixtures.js';

const label = (en: string): { ar: string; en: string } => ({ ar: 'نص عربي', en });
const custom =
  (machine: AnyStateMachine): WorkflowFactory =>
  () => ({ kind: 'custom', options: {}, machine });
const state = (status: string, sla = 'stopped'): { meta: Record<string, unknown> } => ({
  meta: { status, label: label(status), sla },
});
const allow = (roles: string[], en = 'Act'): Record<string, unknown> => ({ roles, label: label(en) });

/** A tiny valid custom workflow; each test breaks one thing in it. */
function machineWith(overrides: Record<string, unknown> = {}): AnyStateMachine {
  return createMachine({
    id: 'broken',
    initial: 'draft',
    states: {
      draft: { ...state('draft'), on: { SUBMIT: { target: 'under_review', meta: allow(['applicant']) } } },
      under_review: {
        ...state('in_review', 'running'),
        meta: {
          ...state('in_review', 'running').meta,
          timers: [{ key: 'sla', event: 'SLA_ESCALATE', days: 'sla' }],
        },
        on: {
          ACCEPT: { target: 'accepted', meta: allow(['reviewer']) },
          SLA_ESCALATE: { meta: allow(['system']), actions: [] },
        },
      },
      accepted: { type: 'final', ...state('accepted') },
      ...overrides,
    },
  } as never);
}

function broken(
  machine: AnyStateMachine,
  overrides: Partial<ServiceDefinitionInput> = {},
): ServiceDefinition {
  return defineService(sampleInput({ slug: 'broken', workflow: custom(machine), ...overrides }));
}

const messages = (definition: ServiceDefinition): string[] =>
  checkDefinition(definition).map((p) => p.message);

describe('Definition checker', () => {
  it('when the shipped services are checked, then there is no problem', async () => {
    const definitions = await loadDefinitions();
    expect(definitions.length).to.be.greaterThan(1);
    expect(checkDefinitions(definitions).map((p) => p.message)).to.deep.equal([]);
  });

  it('when the test workflow is intact, then there is no problem (the baseline for the tests below)', () => {
    expect(messages(broken(machineWith()))).to.deep.equal([]);
  });

  describe('the workflow machine', () => {
    it('when a transition has no roles, then the problem names the service, state and event', () => {
      const machine = machineWith({
        under_review: {
          ...state('in_review', 'running'),
          on: { ACCEPT: { target: 'accepted', meta: { label: label('Accept') } } },
        },
      });
      expect(messages(broken(machine))).to.include(
        'broken@1: state "under_review": transition ACCEPT has no roles',
      );
    });

    it('when a transition has an unknown role or no label, then each is reported', () => {
      const machine = machineWith({
        draft: { ...state('draft'), on: { SUBMIT: { target: 'accepted', meta: { roles: ['mayor'] } } } },
      });
      const found = messages(broken(machine));
      expect(found).to.include('broken@1: state "draft": transition SUBMIT has unknown roles: mayor');
      expect(found).to.include('broken@1: state "draft": transition SUBMIT has no label');
    });

    it('when a transition label is only in English, then the missing Arabic is reported', () => {
      const machine = machineWith({
        draft: {
          ...state('draft'),
          on: {
            SUBMIT: {
              target: 'under_review',
              meta: { roles: ['applicant'], label: { ar: 'Submit', en: 'Submit' } },
            },
          },
        },
      });
      expect(messages(broken(machine))).to.include(
        'broken@1: state "draft": transition SUBMIT: label.ar has no Arabic letters',
      );
    });

    it('when a state has no meta or an unknown status, then it is reported', () => {
      const machine = machineWith({
        draft: { on: { SUBMIT: { target: 'under_review', meta: allow(['applicant']) } } },
        accepted: { type: 'final', meta: { status: 'approved', label: label('Approved'), sla: 'stopped' } },
      });
      const found = messages(broken(machine));
      expect(found).to.include('broken@1: state "draft": has no meta (status, label, sla)');
      expect(found).to.include('broken@1: state "accepted": has no valid status (got approved)');
    });

    it('when a state cannot be reached from the initial state, then it is reported', () => {
      const machine = machineWith({ archived: { type: 'final', ...state('withdrawn') } });
      expect(messages(broken(machine))).to.include(
        'broken@1: state "archived": is unreachable from the initial state',
      );
    });

    it('when a state has no way to a final state, then it is reported', () => {
      const machine = machineWith({
        draft: {
          ...state('draft'),
          on: {
            SUBMIT: { target: 'under_review', meta: allow(['applicant']) },
            PARK: { target: 'parked', meta: allow(['applicant']) },
          },
        },
        parked: { ...state('draft'), on: { POKE: { target: 'parked', meta: allow(['applicant']) } } },
      });
      expect(messages(broken(machine))).to.include(
        'broken@1: state "parked": no final state can be reached from it',
      );
    });

    it('when a state uses an `after` timer, then it is refused in favour of a deadline row', () => {
      const machine = machineWith({
        draft: { ...state('draft'), after: { 1000: { target: 'under_review', meta: allow(['system']) } } },
      });
      expect(messages(broken(machine))).to.include(
        'broken@1: state "draft": uses an `after` timer; declare a deadline in meta.timers instead',
      );
    });

    it('when a state arms a timer whose event it does not handle, then it is reported', () => {
      const machine = machineWith({
        under_review: {
          meta: {
            status: 'in_review',
            label: label('Review'),
            sla: 'running',
            timers: [{ key: 'sla', event: 'SLA_ESCALATE', days: 'sla' }],
          },
          on: { ACCEPT: { target: 'accepted', meta: allow(['reviewer']) } },
        },
      });
      expect(messages(broken(machine))).to.include(
        'broken@1: state "under_review": timer "sla" sends SLA_ESCALATE, which this state does not handle',
      );
    });

    it('when the SLA runs in a state without an "sla" timer, then it is reported', () => {
      const machine = machineWith({
        under_review: {
          ...state('in_review', 'running'),
          on: { ACCEPT: { target: 'accepted', meta: allow(['reviewer']) } },
        },
      });
      expect(messages(broken(machine))).to.include(
        'broken@1: state "under_review": the SLA runs here but no "sla" timer escalates it',
      );
    });
  });

  describe('texts', () => {
    it('when the service name has no Arabic, then it is reported', () => {
      const found = messages(sampleService({}, { name: { ar: 'Sample permit', en: 'Sample permit' } }));
      expect(found).to.include('sample-permit@1: definition: name.ar has no Arabic letters');
    });

    it('when the English summary is empty or blank, then it is reported', () => {
      expect(messages(sampleService({}, { summary: { ar: 'ملخص', en: '   ' } }))).to.include(
        'sample-permit@1: definition: summary.en is empty',
      );
    });

    it('when an option label is missing its Arabic, then the field and option are named', () => {
      const input = sampleInput();
      const fields: ServiceDefinitionInput['fields'] = (input.fields ?? []).map((field) =>
        field.key === 'reason' && 'options' in field
          ? { ...field, options: [{ value: 'new', label: { ar: '', en: 'New' } }] }
          : field,
      );
      const found = messages(defineService({ ...input, fields }));
      expect(found).to.include('sample-permit@1: field "reason": option "new" label.ar is empty');
    });

    it('when a scaffold still has TODO placeholders, then each one is reported where it is', () => {
      const input = sampleInput();
      const definition = defineService({
        ...input,
        description: { ar: 'TODO وصف', en: 'TODO: describe the service' },
        guide: {
          ...input.guide,
          documents: input.guide.documents.map((d) => ({ ...d, hint: { ar: 'TODO', en: 'TODO' } })),
        },
      });
      const found = messages(definition);
      expect(found).to.include('sample-permit@1: definition: description.en starts with TODO');
      expect(found).to.include('sample-permit@1: definition: description.ar starts with TODO');
      expect(found).to.include('sample-permit@1: document "sitePlan": hint.ar starts with TODO');
    });
  });

  describe('guide and form', () => {
    it('when a service lists more or fewer page titles than its form has pages, or one lacks a language, then it is reported', () => {
      const pages = new Set(sampleInput().fields.map((f) => f.step)).size;
      const title = { ar: 'الصفحة', en: 'The page' };
      expect(
        messages(sampleService({}, { pages: Array.from({ length: pages }, () => title) })),
      ).to.deep.equal([]);
      expect(
        messages(sampleService({}, { pages: Array.from({ length: pages + 1 }, () => title) })),
      ).to.include(`sample-permit@1: pages: lists ${pages + 1} titles for a form of ${pages} pages`);
      const missing = [...Array.from({ length: pages - 1 }, () => title), { ar: 'الصفحة', en: '' }];
      expect(messages(sampleService({}, { pages: missing }))).to.deep.equal([
        `sample-permit@1: pages: page ${pages} title.en is empty`,
      ]);
    });

    it('when slaDays is not set, then it is reported', () => {
      const definition = sampleService();
      const withoutSla = { ...definition, guide: { ...definition.guide, slaDays: 0 } } as ServiceDefinition;
      expect(checkDefinition(withoutSla).map((p) => p.message)).to.include(
        'sample-permit@1: guide: slaDays is not set (working days, > 0)',
      );
    });

    it('when a file field refers to a document the guide does not list, then it is reported, and so is the orphaned document', () => {
      const input = sampleInput();
      const fields = (input.fields ?? []).map((field) =>
        field.type === 'file' ? { ...field, document: 'sitePlann' } : field,
      );
      const found = messages(defineService({ ...input, fields }));
      expect(found).to.include(
        'sample-permit@1: field "sitePlanFile": refers to document "sitePlann", which the guide does not list',
      );
      expect(found).to.include('sample-permit@1: document "sitePlan": has no file field to upload it');
    });

    it('when showWhen refers to a missing field or to a value that is not an option, then it is reported', () => {
      const input = sampleInput();
      const fields = (input.fields ?? []).map((field) =>
        field.key === 'details' ? { ...field, showWhen: { field: 'reasons', equals: 'other' } } : field,
      );
      expect(messages(defineService({ ...input, fields }))).to.include(
        'sample-permit@1: field "details": showWhen refers to "reasons", which is not another field',
      );
      const wrongValue = (input.fields ?? []).map((field) =>
        field.key === 'details' ? { ...field, showWhen: { field: 'reason', equals: 'others' } } : field,
      );
      expect(messages(defineService({ ...input, fields: wrongValue }))).to.include(
        'sample-permit@1: field "details": showWhen value "others" is not an option of "reason"',
      );
    });

    it('when two fields share a key or form steps have a gap, then it is reported', () => {
      const input = sampleInput();
      const fields = [
        ...(input.fields ?? []),
        { key: 'cpr', type: 'cpr' as const, step: 3, label: { ar: 'الرقم الشخصي', en: 'CPR' } },
      ];
      const found = messages(defineService({ ...input, fields }));
      expect(found).to.include('sample-permit@1: field "cpr": is declared more than once');
      expect(found).to.include(
        'sample-permit@1: fields: form steps must run 0, 1, 2 … without gaps (got 0, 1, 3)',
      );
    });

    it('when the workflow collects a fee but the guide says it is free, then it is reported', () => {
      const input = sampleInput();
      const definition = sampleService({ fee: true }, { guide: { ...input.guide, fee: { amount: 0 } } });
      expect(messages(definition)).to.include(
        'sample-permit@1: guide: the workflow collects a fee but fee.amount is 0',
      );
    });
  });

  describe('several definitions', () => {
    it('when the same slug and version appear twice, then it is reported', () => {
      const found = checkDefinitions([sampleService(), sampleService()]).map((p) => p.message);
      expect(found).to.include('sample-permit@1: definition: is defined more than once');
    });

    it('when a migration names a missing version or maps to a state that does not exist, then it is reported', () => {
      const v1 = sampleService();
      const v2 = sampleService(
        {},
        { version: 2, migrateFrom: { version: 1, states: { under_review: 'reviewing' } } },
      );
      const v3 = sampleService({}, { version: 3, migrateFrom: { version: 7, states: {} } });
      const found = checkDefinitions([v1, v2, v3]).map((p) => p.message);
      expect(found).to.include(
        'sample-permit@2: migrateFrom: maps "under_review" to "reviewing", which is not a state of this version',
      );
      expect(found).to.include('sample-permit@3: migrateFrom: version 7 is not among the loaded definitions');
    });

    it('when a migration leaves an old state without a counterpart, then it is reported', () => {
      const v1 = sampleService({ siteInspection: true });
      const v2 = sampleService({}, { version: 2, migrateFrom: { version: 1, states: {} } });
      expect(checkDefinitions([v1, v2]).map((p) => p.message)).to.include(
        'sample-permit@2: migrateFrom: state "inspection_scheduled" of version 1 has no counterpart',
      );
    });
  });
});
