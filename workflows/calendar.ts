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
  const holidays = new Set(calendar.holidays);
  let position = toLocalMs(start.getTime(), calendar);
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned += 1) {
    const day = localDayIndex(position);
    const dayEnd = (day + 1) * DAY_MS;
    if (isWorkingDayIndex(day, calendar, holidays)) {
      const available = dayEnd - position;
      if (remaining <= available) return new Date(fromLocalMs(position + remaining, calendar));
      remaining -= available;
    }
    position = dayEnd;
  }
  throw new Error('calendar: no end found within 20 years; check the weekend and holidays');
}

/** Working milliseconds between two instants; negative when `b` is before `a`. */
export function workingMsBetween(a: Date, b: Date, calendar: Calendar): number {
  assertInstant(a, 'a');
  assertInstant(b, 'b');
  if (b.getTime() < a.getTime()) return -workingMsBetween(b, a, calendar);
  const holidays = new Set(calendar.holidays);
  const end = toLocalMs(b.getTime(), calendar);
  let position = toLocalMs(a.getTime(), calendar);
  let total = 0;
  while (position < end) {
    const day = localDayIndex(position);
    const dayEnd = Math.min((day + 1) * DAY_MS, end);
    if (isWorkingDayIndex(day, calendar, holidays)) total += dayEnd - position;
    position = dayEnd;
  }
  return total;
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

function isWorkingDayIndex(day: number, calendar: Calendar, holidays?: Set<string>): boolean {
  const date = new Date(day * DAY_MS);
  if (calendar.weekend.includes(date.getUTCDay())) return false;
  const iso = date.toISOString().slice(0, 10);
  return holidays ? !holidays.has(iso) : !calendar.holidays.includes(iso);
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
