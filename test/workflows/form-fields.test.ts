import { expect } from 'chai';
import fc from 'fast-check';
import { checkField, type RuleResult } from '../../workflows/form/field-rules.js';
import { isShown, validateStep } from '../../workflows/form/form.js';
import { fieldSchema, type FieldDef } from '../../workflows/schema/fields.js';
import { defineService } from '../../workflows/define-service.js';
import { sampleInput } from './support/workflow-fixtures.js';
import { displayMobile, localMobile } from '../../workflows/identifiers.js';

const label = { ar: 'حقل', en: 'Field' };
const field = (def: Record<string, unknown>): FieldDef => fieldSchema.parse({ key: 'f', label, ...def });
const ctx = { today: '2026-11-22', values: { start: '2026-12-01' } };
const check = (def: Record<string, unknown>, raw: unknown): RuleResult => checkField(field(def), raw, ctx);
const problemOf = (r: RuleResult) => (r.ok ? null : r.problem.key);
const valueOf = (r: RuleResult) => (r.ok ? r.value : undefined);

describe('Form field rules', () => {
  const cases: [string, Record<string, unknown>, unknown, unknown][] = [
    ['text', { type: 'text' }, '  Manama  ', 'Manama'],
    ['long text', { type: 'longtext' }, 'Line one\nLine two', 'Line one\nLine two'],
    ['number with Arabic digits', { type: 'number', min: 1, max: 10 }, '٧', 7],
    ['money', { type: 'money' }, '12.500', 12.5],
    ['date', { type: 'date', notBefore: 'today' }, '2026-12-31', '2026-12-31'],
    ['select', { type: 'select', options: [{ value: 'a', label }] }, 'a', 'a'],
    ['radio', { type: 'radio', options: [{ value: 'a', label }] }, 'a', 'a'],
    [
      'checkbox',
      {
        type: 'checkbox',
        options: [
          { value: 'a', label },
          { value: 'b', label },
        ],
      },
      ['a', 'b'],
      ['a', 'b'],
    ],
    ['yes/no', { type: 'yesno' }, 'no', 'no'],
    ['CPR', { type: 'cpr' }, '850 101 234', '850101234'],
    ['CR', { type: 'cr' }, '123456/2', '123456-2'],
    ['mobile', { type: 'mobile' }, '+973 3600 1234', '+97336001234'],
    ['e-mail', { type: 'email' }, 'Name@Example.BH', 'name@example.bh'],
    [
      'IBAN typed in groups, lower case',
      { type: 'iban' },
      'bh67 bmag 0000 1299 1234 56',
      'BH67BMAG00001299123456',
    ],
    ['IBAN with Arabic digits', { type: 'iban' }, 'BH٦٧BMAG٠٠٠٠١٢٩٩١٢٣٤٥٦', 'BH67BMAG00001299123456'],
    [
      'location',
      { type: 'location' },
      'Behind the health centre, next to the mosque',
      'Behind the health centre, next to the mosque',
    ],
  ];
  for (const [name, def, raw, expected] of cases) {
    it(`when a valid ${name} is entered, then it is accepted and stored normalised`, () => {
      expect(valueOf(check(def, raw))).to.deep.equal(expected);
    });
  }

  const invalid: [string, Record<string, unknown>, unknown, string][] = [
    ['an empty required text', { type: 'text' }, '   ', 'required'],
    ['a text over its length', { type: 'text', maxLength: 5 }, 'abcdef', 'tooLong'],
    ['a number that is not one', { type: 'number' }, '12abc', 'numberFormat'],
    ['a number below its minimum', { type: 'number', min: 1 }, '0', 'numberTooSmall'],
    ['a number above its maximum', { type: 'number', max: 10 }, '11', 'numberTooLarge'],
    ['a negative amount', { type: 'money' }, '-5', 'moneyFormat'],
    ['an amount with four decimals', { type: 'money' }, '1.2345', 'moneyDecimals'],
    ['an impossible date', { type: 'date' }, '2026-02-30', 'dateFormat'],
    [
      'a past date where today or later is needed',
      { type: 'date', notBefore: 'today' },
      '2026-11-21',
      'dateInPast',
    ],
    [
      'a future date where today or earlier is needed',
      { type: 'date', notAfter: 'today' },
      '2026-11-23',
      'dateInFuture',
    ],
    ['an end before the start', { type: 'date', notBefore: { field: 'start' } }, '2026-11-30', 'dateBefore'],
    [
      'an option that does not exist',
      { type: 'select', options: [{ value: 'a', label }] },
      'z',
      'invalidChoice',
    ],
    ['no choice in a required radio', { type: 'radio', options: [{ value: 'a', label }] }, '', 'chooseOne'],
    [
      'no box ticked in a required checkbox',
      { type: 'checkbox', options: [{ value: 'a', label }] },
      [],
      'chooseAtLeastOne',
    ],
    [
      'a forged checkbox value',
      { type: 'checkbox', options: [{ value: 'a', label }] },
      ['a', 'x'],
      'invalidChoice',
    ],
    ['yes/no with another answer', { type: 'yesno' }, 'maybe', 'invalidChoice'],
    ['a CPR of 8 digits', { type: 'cpr' }, '85010123', 'cprFormat'],
    ['a CR with letters', { type: 'cr' }, 'AB-12', 'crFormat'],
    ['a landline as mobile', { type: 'mobile' }, '17001234', 'mobileFormat'],
    ['an e-mail without domain', { type: 'email' }, 'name@', 'emailFormat'],
    ['an IBAN of another country', { type: 'iban' }, 'GB82 WEST 1234 5698 7654 32', 'ibanFormat'],
    ['an IBAN one character short', { type: 'iban' }, 'BH67 BMAG 0000 1299 1234 5', 'ibanFormat'],
    ['an IBAN with one digit mistyped', { type: 'iban' }, 'BH67 BMAG 0000 1299 1234 57', 'ibanChecksum'],
    ['an IBAN with two digits swapped', { type: 'iban' }, 'BH67 BMAG 0000 1929 1234 56', 'ibanChecksum'],
    ['a location too short', { type: 'location' }, 'here', 'locationTooShort'],
    ['a text field sent twice', { type: 'text' }, ['a', 'b'], 'duplicateField'],
  ];
  for (const [name, def, raw, key] of invalid) {
    it(`when ${name} is entered, then it is refused with "${key}"`, () => {
      expect(problemOf(check(def, raw))).to.equal(key);
    });
  }

  it('when an optional field is left empty, then it is accepted with no value', () => {
    expect(check({ type: 'cpr', required: false }, '')).to.deep.equal({ ok: true, value: null });
  });

  describe('IBANs', () => {
    const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const chars = (alphabet: string, length: number) =>
      fc.array(fc.constantFrom(...alphabet), { minLength: length, maxLength: length }).map((a) => a.join(''));
    /** ISO 7064 check digits, computed with BigInt: independent of the rule under test. */
    const withCheckDigits = (bank: string, account: string): string => {
      const digits = [...`${bank}${account}BH00`].map((c) => String(ALNUM.indexOf(c))).join('');
      return `BH${String(98n - (BigInt(digits) % 97n)).padStart(2, '0')}${bank}${account}`;
    };
    const ibans = fc
      .tuple(chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4), chars(ALNUM, 14))
      .map(([bank, account]) => withCheckDigits(bank, account));

    it('when any well-formed Bahraini IBAN with its right check digits is entered, then it is accepted', () => {
      fc.assert(fc.property(ibans, (iban) => valueOf(check({ type: 'iban' }, iban)) === iban));
    });

    // ISO 7064 MOD 97-10 catches every substitution of a digit by a digit or a letter by a letter
    // (a letter counts as two digits, so a digit typed as a letter is caught only 96 times in 97).
    it('when one digit or letter of a valid IBAN is mistyped as another of its kind, then the check digits catch it', () => {
      fc.assert(
        fc.property(ibans, fc.integer({ min: 2, max: 21 }), fc.nat(), (iban, at, pick) => {
          const kind = /\d/.test(iban[at]!) ? '0123456789' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
          const others = [...kind].filter((c) => c !== iban[at]);
          const wrong = iban.slice(0, at) + others[pick % others.length]! + iban.slice(at + 1);
          return problemOf(check({ type: 'iban' }, wrong)) === 'ibanChecksum';
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('addresses', () => {
    const address = { type: 'address' };
    it('when building, road and block are given, then the block routes it to its municipality', () => {
      expect(
        valueOf(check(address, { flat: '12', building: '1234', road: '4321', block: '338', area: 'Adliya' })),
      ).to.deep.equal({
        flat: '12',
        building: '1234',
        road: '4321',
        block: '338',
        area: 'Adliya',
        municipality: 'capital',
      });
      expect(
        (valueOf(check(address, { building: '5', road: '10', block: '204' })) as { municipality: string })
          .municipality,
      ).to.equal('muharraq');
    });
    for (const [what, parts, key] of [
      ['no building', { road: '1', block: '338' }, 'addressBuilding'],
      ['a road with letters', { building: '1', road: 'ab', block: '338' }, 'addressRoad'],
      ['a two-digit block', { building: '1', road: '1', block: '33' }, 'addressBlock'],
      ['a block of no municipality', { building: '1', road: '1', block: '9999' }, 'addressUnknownBlock'],
      ['nothing at all', {}, 'addressRequired'],
    ] as const) {
      it(`when an address has ${what}, then it is refused with "${key}"`, () => {
        expect(problemOf(check(address, parts))).to.equal(key);
      });
    }
  });

  describe('conditional questions', () => {
    const definition = defineService(
      sampleInput({
        fields: [
          {
            key: 'reason',
            type: 'select',
            label,
            options: [
              { value: 'new', label },
              { value: 'other', label },
            ],
          },
          { key: 'details', type: 'longtext', label, showWhen: { field: 'reason', equals: 'other' } },
        ],
      }),
    );
    const details = definition.fields[1]!;

    it('when the answer it depends on does not match, then the question is hidden and not validated', () => {
      expect(isShown(details, { reason: 'new' })).to.equal(false);
      const result = validateStep(definition, 0, { reason: 'new', details: '' }, {}, { today: '2026-11-22' });
      expect(result.problems).to.deep.equal([]);
      expect(result.answers).to.deep.equal({ reason: 'new' });
    });

    it('when the answer matches, then the question shows and is validated', () => {
      const result = validateStep(
        definition,
        0,
        { reason: 'other', details: '' },
        {},
        { today: '2026-11-22' },
      );
      expect(result.problems.map((p) => [p.field, p.key])).to.deep.equal([['details', 'required']]);
    });

    it('when the answer changes so that the question hides, then its earlier answer is dropped', () => {
      const result = validateStep(
        definition,
        0,
        { reason: 'new', details: 'kept?' },
        { reason: 'other', details: 'old' },
        { today: '2026-11-22' },
      );
      expect(result.answers).to.deep.equal({ reason: 'new' });
    });
  });
});

describe('Mobile numbers shown back', () => {
  it('when a stored mobile is put in a form, then it is its 8 digits; when it is read, then it is grouped', () => {
    expect(localMobile('+97336001234')).to.equal('36001234');
    expect(displayMobile('+97336001234')).to.equal('+973 3600 1234');
  });

  it('when a value is not a stored mobile, then it is shown as it is', () => {
    for (const value of ['3600 12', 'abc', '+44 20 7946 0000']) {
      expect(localMobile(value)).to.equal(value);
      expect(displayMobile(value)).to.equal(value);
    }
    expect(localMobile(null)).to.equal('');
    expect(displayMobile(undefined)).to.equal('');
  });
});
