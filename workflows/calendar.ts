/**
 * Working-time arithmetic for service-level times and deadlines. Pure: every instant comes in as
 * an argument. A working day counts whole (24 hours of its local date); weekends and public
 * holidays do not count at all.
 */

export interface Calendar {
  /** Local weekdays off, as `getUTCDay()` numbers of the local date (0 = Sunday … 6 = Saturday). */
  weekend: number[];
  /** Public holidays as local dates, 'YYYY-MM-DD'. */
  holidays: string[];
  /** Offset of local time from UTC; Bahrain is +180 (no daylight saving). */
  utcOffsetMinutes: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
/** Far beyond any SLA; stops a loop when a calendar has (almost) no working days. */
const MAX_DAYS_SCANNED = 366 * 20;

export const BAHRAIN_WEEKEND = [5, 6];
export const BAHRAIN_UTC_OFFSET_MINUTES = 180;

export function createCalendar(options: Partial<Calendar> = {}): Calendar {
  const calendar: Calendar = {
    weekend: [...(options.weekend ?? BAHRAIN_WEEKEND)],
    holidays: [...(options.holidays ?? [])],
    utcOffsetMinutes: options.utcOffsetMinutes ?? BAHRAIN_UTC_OFFSET_MINUTES,
  };
  if (calendar.weekend.some((day) => !Number.isInteger(day) || day < 0 || day > 6)) {
    throw new Error(`calendar: weekend days must be 0–6, got ${calendar.weekend.join(', ')}`);
  }
  if (new Set(calendar.weekend).size >= 7) throw new Error('calendar: a week needs at least one working day');
  for (const holiday of calendar.holidays) {
    if (!isIsoDate(holiday)) throw new Error(`calendar: holiday "${holiday}" is not a YYYY-MM-DD date`);
  }
  if (!Number.isInteger(calendar.utcOffsetMinutes) || Math.abs(calendar.utcOffsetMinutes) > 14 * 60) {
    throw new Error(`calendar: utcOffsetMinutes ${calendar.utcOffsetMinutes} is not a valid offset`);
  }
  return calendar;
}

/** Bahrain: Friday and Saturday off, UTC+3, with the holidays the municipality publishes each year. */
export function bahrainCalendar(holidays: string[] = []): Calendar {
  return createCalendar({ holidays });
}

/** Whether the local date containing `instant` is a working day. */
export function isWorkingDay(instant: Date, calendar: Calendar): boolean {
  return isWorkingDayIndex(localDayIndex(toLocalMs(instant.getTime(), calendar)), calendar);
}

/**
 * The instant after `days × 24 h` of working time from `start`. Starting on a non-working day,
 * the clock starts at the next working day's local midnight. Zero days returns `start`.
 */
export function addWorkingDays(start: Date, days: number, calendar: Calendar): Date {
  return addWorkingMs(start, days * DAY_MS, calendar);
}

/** As `addWorkingDays`, in milliseconds of working time (used to resume a paused SLA). */
export function addWorkingMs(start: Date, ms: number, calendar: Calendar): Date {
  assertInstant(start, 'start');
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`calendar: cannot add ${ms} ms of working time`);
  // Whole milliseconds, so that measuring back with workingMsBetween gives exactly the same span.
  let remaining = Math.round(ms);
  if (remaining === 0) return new Date(start.getTime());
  const days = prepared(calendar);
  let position = toLocalMs(start.getTime(), calendar);
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned += 1) {
    const day = localDayIndex(position);
    const dayEnd = (day + 1) * DAY_MS;
    if (days.isWorking(day)) {
      const available = dayEnd - position;
      if (remaining <= available) return new Date(fromLocalMs(position + remaining, calendar));
      remaining -= available;
    }
    position = dayEnd;
  }
  throw new Error('calendar: no end found within 20 years; check the weekend and holidays');
}

/**
 * Working milliseconds between two instants; negative when `b` is before `a`. Whole days in
 * between are counted by arithmetic (whole weeks, the days left over, the holidays in the range by
 * binary search), not day by day: the queue measures this for every row it shows, some of them
 * overdue by months.
 */
export function workingMsBetween(a: Date, b: Date, calendar: Calendar): number {
  assertInstant(a, 'a');
  assertInstant(b, 'b');
  if (b.getTime() < a.getTime()) return -workingMsBetween(b, a, calendar);
  const days = prepared(calendar);
  const start = toLocalMs(a.getTime(), calendar);
  const end = toLocalMs(b.getTime(), calendar);
  const firstDay = localDayIndex(start);
  const lastDay = localDayIndex(end);
  if (firstDay === lastDay) return days.isWorking(firstDay) ? end - start : 0;
  const head = days.isWorking(firstDay) ? (firstDay + 1) * DAY_MS - start : 0;
  const tail = days.isWorking(lastDay) ? end - lastDay * DAY_MS : 0;
  return head + days.workingDaysIn(firstDay + 1, lastDay) * DAY_MS + tail;
}

/** Working days between two instants, fractional (for reports: "answered in 3.5 working days"). */
export function workingDaysBetween(a: Date, b: Date, calendar: Calendar): number {
  return workingMsBetween(a, b, calendar) / DAY_MS;
}

/** The local 'YYYY-MM-DD' date of an instant. */
export function localDate(instant: Date, calendar: Calendar): string {
  return new Date(toLocalMs(instant.getTime(), calendar)).toISOString().slice(0, 10);
}

function toLocalMs(utcMs: number, calendar: Calendar): number {
  return utcMs + calendar.utcOffsetMinutes * MINUTE_MS;
}

function fromLocalMs(localMs: number, calendar: Calendar): number {
  return localMs - calendar.utcOffsetMinutes * MINUTE_MS;
}

function localDayIndex(localMs: number): number {
  return Math.floor(localMs / DAY_MS);
}

/** A calendar in the form the arithmetic needs, made once per calendar (and again if it changes). */
interface PreparedCalendar {
  weekendRef: number[];
  holidaysRef: string[];
  sizes: string;
  isWorking(day: number): boolean;
  /** Working days among the whole local days `from` … `to - 1`. */
  workingDaysIn(from: number, to: number): number;
}

const preparedCalendars = new WeakMap<Calendar, PreparedCalendar>();

function prepared(calendar: Calendar): PreparedCalendar {
  const sizes = `${calendar.weekend.length}/${calendar.holidays.length}`;
  const known = preparedCalendars.get(calendar);
  if (
    known &&
    known.weekendRef === calendar.weekend &&
    known.holidaysRef === calendar.holidays &&
    known.sizes === sizes
  )
    return known;
  const off = Array.from({ length: 7 }, (_, weekday) => calendar.weekend.includes(weekday));
  const perWeek = off.filter((o) => !o).length;
  // Day 0 (1970-01-01) was a Thursday: getUTCDay() 4.
  const weekday = (day: number) => (((day + 4) % 7) + 7) % 7;
  const onWeekend = (day: number) => off[weekday(day)] === true;
  // Holidays that fall on a working weekday, as sorted day numbers.
  const holidayDays = [...new Set(calendar.holidays.map((h) => Date.parse(`${h}T00:00:00Z`) / DAY_MS))]
    .filter((day) => !onWeekend(day))
    .sort((x, y) => x - y);
  const holidaySet = new Set(holidayDays);
  const holidaysBefore = (day: number) => {
    let lo = 0;
    let hi = holidayDays.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (holidayDays[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const result: PreparedCalendar = {
    weekendRef: calendar.weekend,
    holidaysRef: calendar.holidays,
    sizes,
    isWorking: (day) => !onWeekend(day) && !holidaySet.has(day),
    workingDaysIn(from, to) {
      if (to <= from) return 0;
      const weeks = Math.floor((to - from) / 7);
      let count = weeks * perWeek;
      for (let day = from + weeks * 7; day < to; day++) if (!onWeekend(day)) count++;
      return count - (holidaysBefore(to) - holidaysBefore(from));
    },
  };
  preparedCalendars.set(calendar, result);
  return result;
}

function isWorkingDayIndex(day: number, calendar: Calendar): boolean {
  return prepared(calendar).isWorking(day);
}

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

function assertInstant(value: Date, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new Error(`calendar: ${name} is not a valid date`);
}
