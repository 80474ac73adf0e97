import { expect } from 'chai';
import fc from 'fast-check';
import { dateFromParts, partsOfDate } from '../../workflows/form/date-parts.js';
import { checkField } from '../../workflows/form/field-rules.js';
import type { FieldDef } from '../../workflows/types.js';

const field = {
  key: 'since',
  type: 'date',
  step: 0,
  required: true,
  label: { ar: 'منذ', en: 'Since' },
} as FieldDef;
const check = (raw: unknown) => checkField(field, raw, { today: '2026-11-24', values: {} });

describe("A date's three boxes (day, month, year)", () => {
  it('when the boxes hold a date as people type it, then the answer is YYYY-MM-DD and the rules take it', () => {
    expect(dateFromParts({ day: '7', month: '3', year: '2024' })).to.equal('2024-03-07');
    expect(dateFromParts({ day: '٠٧', month: '١٢', year: '٢٠٢٤' })).to.equal('2024-12-07');
    expect(dateFromParts({ day: ' 7 ', month: '03', year: '2024' })).to.equal('2024-03-07');
    expect(check(dateFromParts({ day: '29', month: '2', year: '2024' }))).to.deep.equal({
      ok: true,
      value: '2024-02-29',
    });
  });

  it('when all three are empty, then there is no answer; when some are, or the date is not real, then the rules refuse it', () => {
    expect(dateFromParts({ day: '', month: '', year: '' })).to.equal('');
    expect(dateFromParts({})).to.equal('');
    expect(check(dateFromParts({}))).to.deep.equal({ ok: false, problem: { key: 'required' } });
    for (const parts of [
      { day: '7', month: '', year: '2024' },
      { day: '29', month: '2', year: '2023' },
      { day: '7', month: '3', year: '24' },
      { day: 'x', month: '3', year: '2024' },
    ])
      expect(check(dateFromParts(parts)), JSON.stringify(parts)).to.deep.equal({
        ok: false,
        problem: { key: 'dateFormat' },
      });
  });

  it('when a box is sent twice, then the rules refuse it as a field sent twice', () => {
    expect(check(dateFromParts({ day: ['7', '8'], month: '3', year: '2024' }))).to.deep.equal({
      ok: false,
      problem: { key: 'duplicateField' },
    });
  });

  it('when any date is split into boxes and put together again, then it is the same date', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10);
          expect(dateFromParts(partsOfDate(iso))).to.equal(iso);
        },
      ),
    );
    expect(partsOfDate(null)).to.deep.equal({ day: '', month: '', year: '' });
    // What a person typed comes back into the boxes it came from, even when it is not a date.
    expect(partsOfDate(dateFromParts({ day: '31', month: 'ab', year: '' }))).to.deep.equal({
      day: '31',
      month: 'ab',
      year: '',
    });
  });
});
