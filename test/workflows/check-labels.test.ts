import { expect } from 'chai';
import { checkDefinition } from '../../workflows/check.js';
import { defineService } from '../../workflows/define-service.js';
import type { ServiceDefinitionInput } from '../../workflows/types.js';
import { sampleInput } from './support/workflow-fixtures.js';

/** The sample service with its first field's Arabic label replaced. */
function withArabicLabel(ar: string): string[] {
  const input = sampleInput();
  const fields: ServiceDefinitionInput['fields'] = (input.fields ?? []).map((field, index) =>
    index === 0 ? { ...field, label: { ...field.label, ar } } : field,
  );
  return checkDefinition(defineService({ ...input, fields })).map((p) => p.message);
}

describe('Definition checker: field labels', () => {
  it('when an Arabic field label is an instruction, then it is reported, since the portal reads it inside «أدخل …»', () => {
    const key = sampleInput().fields?.[0]?.key ?? '';
    expect(withArabicLabel('اذكر الغرض')).to.include(
      `sample-permit@1: field "${key}": label.ar starts with the instruction «اذكر»: name what is asked (it is read inside «أدخل …»)`,
    );
  });

  it('when an Arabic field label names what is asked, then nothing is reported about it', () => {
    expect(withArabicLabel('وصف الغرض').filter((m) => m.includes('instruction'))).to.deep.equal([]);
  });
});
