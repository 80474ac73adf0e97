import { expect } from 'chai';
import {
  CATEGORIES,
  DEPARTMENTS,
  defineService,
  isServiceDefinition,
} from '../../workflows/define-service.js';
import { standardReview } from '../../workflows/standard-review.js';
import type { FieldDef, ServiceDefinitionInput } from '../../workflows/types.js';
import { sampleInput } from './support/workflow-fixtures.js';

function refusedWith(input: unknown): string {
  try {
    defineService(input as ServiceDefinitionInput);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

describe('Defining a service', () => {
  it('when a definition is valid, then it comes back frozen, with its machine built for its slug and version', () => {
    const definition = defineService(sampleInput());
    expect(Object.isFrozen(definition)).to.equal(true);
    expect(Object.isFrozen(definition.guide.documents[0])).to.equal(true);
    expect(definition.workflow.machine.id).to.equal('sample-permit-v1');
    expect(definition.workflow.kind).to.equal('standard-review');
    expect(isServiceDefinition(definition)).to.equal(true);
    expect(isServiceDefinition({ ...definition })).to.equal(false);
  });

  it('when optional settings are left out, then the defaults apply (14-day query window, required fields on page 0)', () => {
    const definition = defineService(sampleInput());
    expect(definition.guide.queryWindowDays).to.equal(14);
    const cpr = definition.fields.find((field) => field.key === 'cpr') as FieldDef;
    expect(cpr.required).to.equal(true);
    expect(cpr.step).to.equal(0);
  });

  it('when the slug is not kebab-case, then the definition is refused naming the slug', () => {
    expect(refusedWith(sampleInput({ slug: 'Residence_Certificate' }))).to.match(/slug: must be kebab-case/);
  });

  it('when the version is zero or fractional, then the definition is refused', () => {
    expect(refusedWith(sampleInput({ version: 0 }))).to.match(/version/);
    expect(refusedWith(sampleInput({ version: 1.5 }))).to.match(/version/);
  });

  it('when the category or department is not in the lists, then the definition is refused', () => {
    expect(refusedWith(sampleInput({ category: 'parking' as never }))).to.match(/category/);
    expect(refusedWith(sampleInput({ department: 'sales' as never }))).to.match(/department/);
  });

  it('when the fee has more than three decimals (fils), then the definition is refused', () => {
    const input = sampleInput();
    expect(refusedWith({ ...input, guide: { ...input.guide, fee: { amount: 1.2345 } } })).to.match(
      /guide\.fee\.amount: at most 3 decimals/,
    );
    expect(refusedWith({ ...input, guide: { ...input.guide, fee: { amount: 1.125 } } })).to.equal('accepted');
  });

  it('when the SLA is not a positive whole number of days, then the definition is refused', () => {
    const input = sampleInput();
    expect(refusedWith({ ...input, guide: { ...input.guide, slaDays: 0 } })).to.match(/guide\.slaDays/);
    expect(refusedWith({ ...input, guide: { ...input.guide, slaDays: undefined } })).to.match(
      /guide\.slaDays/,
    );
  });

  it('when a field has an unknown type, then the definition is refused naming the field index', () => {
    const input = sampleInput();
    const fields = [
      ...(input.fields ?? []),
      { key: 'colour', type: 'colour-picker', label: { ar: 'لون', en: 'Colour' } },
    ];
    expect(refusedWith({ ...input, fields })).to.match(/fields\.4/);
  });

  it('when a select field has no options, then the definition is refused', () => {
    const input = sampleInput();
    const fields = [{ key: 'zone', type: 'select', options: [], label: { ar: 'المنطقة', en: 'Zone' } }];
    expect(refusedWith({ ...input, fields })).to.match(/fields\.0\.options/);
  });

  it('when a key is misspelt (e.g. "requried"), then the definition is refused instead of silently ignoring it', () => {
    const input = sampleInput();
    const fields = [{ key: 'cpr', type: 'cpr', requried: true, label: { ar: 'الرقم الشخصي', en: 'CPR' } }];
    expect(refusedWith({ ...input, fields })).to.match(/requried/);
  });

  it('when every field type is declared with its own settings, then the definition is accepted', () => {
    const label = { ar: 'حقل', en: 'Field' };
    const options = [{ value: 'a', label: { ar: 'أ', en: 'A' } }];
    const fields: ServiceDefinitionInput['fields'] = [
      { key: 'text', type: 'text', maxLength: 50, label },
      { key: 'longtext', type: 'longtext', label },
      { key: 'number', type: 'number', min: 0, max: 10, label },
      { key: 'money', type: 'money', min: 0, label },
      { key: 'start', type: 'date', notBefore: 'today', label },
      { key: 'end', type: 'date', notBefore: { field: 'start' }, notAfter: 'today', label },
      { key: 'select', type: 'select', options, label },
      { key: 'radio', type: 'radio', options, label },
      { key: 'checkbox', type: 'checkbox', options, required: false, label },
      { key: 'yesno', type: 'yesno', label },
      { key: 'cpr', type: 'cpr', prefill: 'cpr', label },
      { key: 'cr', type: 'cr', prefill: 'cr', label },
      { key: 'mobile', type: 'mobile', prefill: 'mobile', label },
      { key: 'email', type: 'email', prefill: 'email', label },
      { key: 'address', type: 'address', label },
      { key: 'location', type: 'location', showWhen: { field: 'yesno', equals: 'yes' }, label },
      { key: 'plan', type: 'file', document: 'sitePlan', step: 1, label },
    ];
    expect(refusedWith(sampleInput({ fields }))).to.equal('accepted');
  });

  it('when the workflow is not a factory, then the definition is refused', () => {
    expect(
      refusedWith(sampleInput({ workflow: standardReview()({ slug: 'x', version: 1 }) as never })),
    ).to.match(/workflow/);
  });

  it('when a definition is refused, then the message names the service', () => {
    expect(refusedWith(sampleInput({ version: -1 }))).to.match(
      /^Invalid service definition sample-permit@-1/,
    );
  });

  it('when the portal lists categories and departments, then each has an Arabic and an English label', () => {
    expect(CATEGORIES.map((c) => c.key)).to.deep.equal([
      'certificates',
      'accounts',
      'permits',
      'planning',
      'environment',
      'complaints',
    ]);
    for (const entry of [...CATEGORIES, ...DEPARTMENTS]) {
      expect(entry.label.ar).to.match(/[\u0600-\u06FF]/);
      expect(entry.label.en).to.match(/[A-Za-z]/);
    }
  });
});
