import { expect } from 'chai';
import { formatCount, formatShare, niceTicks, wrapLabel } from '../../server/http/chart-basics.js';

describe('What the report charts are made of', () => {
  describe('numbers', () => {
    it('when counts and shares are written in Arabic, then they use the Western digits the rest of the portal uses', () => {
      expect(formatCount(1751, 'ar')).to.equal('1,751');
      expect(formatCount(4028, 'en')).to.equal('4,028');
      expect(formatShare(0.4523, 'ar')).to.equal('45.2%');
      expect(formatShare(0.5, 'en', 0)).to.equal('50%');
      expect(formatCount(1234567, 'ar')).not.to.match(/[\u0660-\u0669\u06f0-\u06f9]/);
    });

    it('when more figures are written than the formatters remember, then each is still written as Intl writes it', () => {
      // The remembered figures are dropped past a few thousand; a figure written before and after
      // that, and every one between, must read the same.
      const count = new Intl.NumberFormat('en-GB');
      const share = new Intl.NumberFormat('ar-BH-u-nu-latn', {
        maximumFractionDigits: 1,
        useGrouping: false,
      });
      expect(formatCount(12345, 'en')).to.equal('12,345');
      for (let n = 0; n < 10_000; n += 1) {
        expect(formatCount(n * 7, 'en')).to.equal(count.format(n * 7));
        expect(formatShare(n / 10_000, 'ar')).to.equal(`${share.format((n / 10_000) * 100)}%`);
      }
      expect(formatCount(12345, 'en')).to.equal('12,345');
      // 0 and -0 are one key of a Map, but Intl writes them apart.
      expect([formatCount(-0, 'en'), formatCount(0, 'en'), formatCount(-0, 'en')]).to.deep.equal([
        count.format(-0),
        '0',
        count.format(-0),
      ]);
    });

    it('when ticks are chosen, then they are round steps from zero up to at least the largest value', () => {
      expect(niceTicks(40, 4, true)).to.deep.equal([0, 10, 20, 30, 40]);
      expect(niceTicks(87, 4, true)).to.deep.equal([0, 25, 50, 75, 100]);
      expect(niceTicks(3, 4, true)).to.deep.equal([0, 1, 2, 3]);
      expect(niceTicks(1, 4, true)).to.deep.equal([0, 1]);
      expect(niceTicks(9, 4, true)).to.deep.equal([0, 5, 10]);
      expect(niceTicks(1)).to.deep.equal([0, 0.25, 0.5, 0.75, 1]);
      expect(niceTicks(0)).to.deep.equal([0]);
    });
  });

  describe('labels', () => {
    it('when a label fits, then it stays on one line', () => {
      expect(wrapLabel('Excavation permit', 20)).to.deep.equal({
        lines: ['Excavation permit'],
        truncated: false,
      });
    });

    it('when a label is long, then it breaks between words onto a second line', () => {
      expect(wrapLabel('Building completion certificate', 20)).to.deep.equal({
        lines: ['Building completion', 'certificate'],
        truncated: false,
      });
    });

    it('when a label needs more than two lines, then the second ends with an ellipsis', () => {
      const wrapped = wrapLabel('Municipal approval for a commercial registration of a shop', 16);
      expect(wrapped.truncated).to.equal(true);
      expect(wrapped.lines).to.have.length(2);
      expect(wrapped.lines[1]).to.match(/…$/);
      for (const line of wrapped.lines) expect(line.length).to.be.at.most(16);
    });

    it('when one word is longer than a line, then it is cut rather than overflowing', () => {
      const wrapped = wrapLabel('Abcdefghijklmnopqrstuvwxyz', 10);
      for (const line of wrapped.lines) expect(line.length).to.be.at.most(10);
    });
  });
});
