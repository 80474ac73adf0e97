import { expect } from 'chai';
import { referencesEndingWith } from '../../server/services/reference.js';

describe('A reference read out by its code', () => {
  it('when only the code is given, then it stands for every service prefix with this year and the two before', () => {
    const refs = referencesEndingWith(' m6vcea ', ['residence-certificate', 'excavation-permit'], 2026)!;
    expect(refs).to.include.members(['RC-2026-M6VCEA', 'RC-2024-M6VCEA', 'EP-2025-M6VCEA']);
    expect(refs).to.have.length(6);
    expect(referencesEndingWith('2025-M6VCEA', ['residence-certificate'], 2026)).to.deep.equal([
      'RC-2025-M6VCEA',
    ]);
  });

  it('when the text is not a code (a name, a look-alike character, a wrong length), then it is not read as one', () => {
    for (const text of ['Zainab', 'M6VCE0', 'M6VCEAB', '']) {
      expect(referencesEndingWith(text, ['residence-certificate'], 2026), text).to.equal(null);
    }
  });
});
