import { expect } from 'chai';
import fc from 'fast-check';
import {
  addWorkingDays,
  bahrainCalendar,
  createCalendar,
  DAY_MS,
  isWorkingDay,
  localDate,
  workingDaysBetween,
  workingMsBetween,
  type Calendar,
} from '../../workflows/calendar.js';

/** Bahrain local time (UTC+3) written as it reads on a wall clock. */
const bh = (local: string): Date => new Date(`${local}+03:00`);

describe('Working-day calendar', () => {
  const calendar = bahrainCalendar(['2025-03-31', '2025-04-01']); // Eid al-Fitr holidays (Mon, Tue)

  describe('examples', () => {
    it('when a 3-day SLA starts on a Wednesday morning, then it ends on Monday morning because Friday and Saturday do not count', () => {
      expect(addWorkingDays(bh('2025-03-19T10:00:00'), 3, calendar)).to.deep.equal(bh('2025-03-24T10:00:00'));
    });

    it('when a 3-day SLA crosses the weekend and two public holidays, then it ends a week later', () => {
      // Thu 27 Mar 10:00 → Sun 30 10:00 (1) → [Mon 31, Tue 1 holidays] Wed 2 10:00 (2) → Thu 3 Apr 10:00 (3)
      expect(addWorkingDays(bh('2025-03-27T10:00:00'), 3, calendar)).to.deep.equal(bh('2025-04-03T10:00:00'));
    });

    it('when an application arrives on a Friday, then the clock starts at Sunday midnight', () => {
      expect(addWorkingDays(bh('2025-03-21T15:30:00'), 1, calendar)).to.deep.equal(bh('2025-03-24T00:00:00'));
    });

    it('when zero days are added, then the start comes back unchanged, even on a weekend', () => {
      expect(addWorkingDays(bh('2025-03-22T12:00:00'), 0, calendar)).to.deep.equal(bh('2025-03-22T12:00:00'));
    });

    it('when the working time between Thursday noon and Sunday noon is measured, then only one day counts', () => {
      expect(workingMsBetween(bh('2025-03-20T12:00:00'), bh('2025-03-23T12:00:00'), calendar)).to.equal(
        DAY_MS,
      );
    });

    it('when the end is before the start, then the working time is negative', () => {
      expect(workingMsBetween(bh('2025-03-23T12:00:00'), bh('2025-03-20T12:00:00'), calendar)).to.equal(
        -DAY_MS,
      );
    });

    it('when a report asks for working days, then it gets a fraction', () => {
      expect(workingDaysBetween(bh('2025-03-23T00:00:00'), bh('2025-03-24T12:00:00'), calendar)).to.equal(
        1.5,
      );
    });

    it('when a UTC instant late in the evening is read, then the local Bahrain date decides whether it is a working day', () => {
      const thursdayNightUtc = new Date('2025-03-20T22:30:00Z'); // already Friday 01:30 in Bahrain
      expect(localDate(thursdayNightUtc, calendar)).to.equal('2025-03-21');
      expect(isWorkingDay(thursdayNightUtc, calendar)).to.equal(false);
    });

    it('when a calendar has a malformed holiday or no working day, then it is refused', () => {
      expect(() => createCalendar({ holidays: ['2025-02-30'] })).to.throw(/2025-02-30/);
      expect(() => createCalendar({ weekend: [0, 1, 2, 3, 4, 5, 6] })).to.throw(/working day/);
    });
  });

  describe('properties', () => {
    const holidayArb = fc
      .integer({ min: 0, max: 400 })
      .map((offset) => new Date(Date.UTC(2025, 0, 1) + offset * DAY_MS).toISOString().slice(0, 10));
    const calendarArb: fc.Arbitrary<Calendar> = fc
      .record({
        weekend: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
        holidays: fc.uniqueArray(holidayArb, { maxLength: 25 }),
        utcOffsetMinutes: fc.constantFrom(-300, 0, 180, 330),
      })
      .map((options) => createCalendar(options));
    const instantArb = fc
      .integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2025, 11, 31) })
      .map((ms) => new Date(ms));
    const daysArb = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.double({ min: 0, max: 40, noNaN: true }).map((d) => Math.round(d * 1000) / 1000),
    );

    it('when working days are added and the working time measured back, then exactly those days come back', () => {
      fc.assert(
        fc.property(instantArb, daysArb, calendarArb, (start, days, cal) => {
          const end = addWorkingDays(start, days, cal);
          return workingMsBetween(start, end, cal) === Math.round(days * DAY_MS);
        }),
      );
    });

    it('when working days are added, then the result never lands strictly inside a weekend or holiday', () => {
      fc.assert(
        fc.property(
          instantArb,
          daysArb.filter((d) => d > 0),
          calendarArb,
          (start, days, cal) => {
            const end = addWorkingDays(start, days, cal);
            const startOfLocalDay = (end.getTime() + cal.utcOffsetMinutes * 60_000) % DAY_MS === 0;
            return isWorkingDay(end, cal) || startOfLocalDay;
          },
        ),
      );
    });

    it('when more working days are added, then the deadline is never earlier', () => {
      fc.assert(
        fc.property(instantArb, daysArb, daysArb, calendarArb, (start, a, b, cal) => {
          const [few, many] = a <= b ? [a, b] : [b, a];
          return addWorkingDays(start, few, cal).getTime() <= addWorkingDays(start, many, cal).getTime();
        }),
      );
    });

    it('when working time is measured over spans of up to three years, then it equals counting day by day', () => {
      // The reference: every local day walked, as the calendar did before it counted by arithmetic.
      const dayByDay = (a: Date, b: Date, cal: Calendar): number => {
        const offset = cal.utcOffsetMinutes * 60_000;
        const end = b.getTime() + offset;
        let position = a.getTime() + offset;
        let total = 0;
        while (position < end) {
          const day = Math.floor(position / DAY_MS);
          const dayEnd = Math.min((day + 1) * DAY_MS, end);
          const date = new Date(day * DAY_MS);
          const working =
            !cal.weekend.includes(date.getUTCDay()) &&
            !cal.holidays.includes(date.toISOString().slice(0, 10));
          if (working) total += dayEnd - position;
          position = dayEnd;
        }
        return total;
      };
      const wideInstant = fc
        .integer({ min: Date.UTC(2024, 6, 1), max: Date.UTC(2027, 6, 1) })
        .map((ms) => new Date(ms));
      fc.assert(
        fc.property(wideInstant, wideInstant, calendarArb, (x, y, cal) => {
          const [a, b] = x <= y ? [x, y] : [y, x];
          return (
            workingMsBetween(a, b, cal) === dayByDay(a, b, cal) &&
            workingMsBetween(b, a, cal) === -dayByDay(a, b, cal)
          );
        }),
        { numRuns: 300 },
      );
    });

    it('when working time is measured over consecutive spans, then it adds up', () => {
      fc.assert(
        fc.property(instantArb, instantArb, instantArb, calendarArb, (x, y, z, cal) => {
          const [a, b, c] = [x, y, z].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
          return workingMsBetween(a, b, cal) + workingMsBetween(b, c, cal) === workingMsBetween(a, c, cal);
        }),
      );
    });
  });
});
