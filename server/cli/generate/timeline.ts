import {
  addWorkingDays,
  addWorkingMs,
  DAY_MS,
  isWorkingDay,
  localDate,
  workingMsBetween,
  type Calendar,
} from '../../../workflows/calendar.js';
import type { StandardReviewOptions } from '../../../workflows/standard-review.js';
import type { ServiceDefinition } from '../../../workflows/types.js';
import { MINUTE_MS, SHARES, YEAR_DAYS } from './shape.js';
import type { Rng } from './random.js';
import { Weighted } from './random.js';
import type { JsonTemplate, PathEvent } from './paths.js';

/** One application's timeline: what happens when, in working days of the calendar. (Part of server/cli/generate-applications.ts.) */

// ---------------------------------------------------------------------------------------------
// One application's timeline
// ---------------------------------------------------------------------------------------------

export interface Planned extends PathEvent {
  at: number;
  /** On REJECT: when the query window closes. */
  closes?: number;
}

export interface Timed extends Planned {
  /** The SLA due time in force after this event (ms), when the clock has one. */
  due: number | null;
  remaining: number | null;
}

export interface ServiceInfo {
  definition: ServiceDefinition;
  options: StandardReviewOptions;
  slaDays: number;
  queryDays: number;
  form: JsonTemplate;
  dates: Map<string, number>;
  prefix: string;
  applicantKinds: ('resident' | 'investor')[];
}

/**
 * The calendar's working days (`isWorkingDay` of the configured calendar) in a table, so that a
 * million due times cost no date walking: `after` and `between` are `addWorkingMs` and
 * `workingMsBetween` on that table. At start-up they are compared with the calendar module on
 * random instants, and every 64th SLA due time is computed both ways; any difference stops the run.
 */
export class WorkingDays {
  private readonly offset: number;
  private readonly firstDay: number;
  private readonly working: Uint8Array;
  private readonly dates: string[] = [];
  private checked = 0;
  constructor(
    private readonly calendar: Calendar,
    from: Date,
    to: Date,
  ) {
    this.offset = calendar.utcOffsetMinutes * MINUTE_MS;
    this.firstDay = Math.floor((from.getTime() + this.offset) / DAY_MS);
    const lastDay = Math.floor((to.getTime() + this.offset) / DAY_MS);
    this.working = new Uint8Array(lastDay - this.firstDay + 1);
    for (let d = 0; d < this.working.length; d++) {
      const start = new Date((this.firstDay + d) * DAY_MS - this.offset);
      this.working[d] = isWorkingDay(start, calendar) ? 1 : 0;
      this.dates.push(localDate(start, calendar));
    }
  }

  /** `addWorkingMs(start, ms)`; outside the table, the calendar module answers. */
  after(start: number, ms: number): number {
    let remaining = Math.round(ms);
    if (remaining === 0) return start;
    let position = start + this.offset;
    for (;;) {
      const day = Math.floor(position / DAY_MS);
      const flag = this.working[day - this.firstDay];
      if (flag === undefined)
        return addWorkingMs(new Date(position - this.offset), remaining, this.calendar).getTime();
      const dayEnd = (day + 1) * DAY_MS;
      if (flag === 1) {
        if (remaining <= dayEnd - position) return position + remaining - this.offset;
        remaining -= dayEnd - position;
      }
      position = dayEnd;
    }
  }

  /** `workingMsBetween(a, b)` for a ≤ b. */
  between(a: number, b: number): number {
    const end = b + this.offset;
    let position = a + this.offset;
    let total = 0;
    while (position < end) {
      const day = Math.floor(position / DAY_MS);
      const flag = this.working[day - this.firstDay];
      if (flag === undefined)
        return total + workingMsBetween(new Date(position - this.offset), new Date(b), this.calendar);
      const dayEnd = Math.min((day + 1) * DAY_MS, end);
      if (flag === 1) total += dayEnd - position;
      position = dayEnd;
    }
    return total;
  }

  /** `addWorkingDays(start, days)`, checked against the calendar module every 64th time. */
  addDays(start: number, days: number): number {
    const due = this.after(start, days * DAY_MS);
    if (this.checked++ % 64 === 0) this.expect(addWorkingDays(new Date(start), days, this.calendar), due);
    return due;
  }

  /** The local date ('YYYY-MM-DD') of an instant. */
  dateOf(instant: number): string {
    return (
      this.dates[Math.floor((instant + this.offset) / DAY_MS) - this.firstDay] ??
      localDate(new Date(instant), this.calendar)
    );
  }

  /** Compares the table with the calendar module on random instants and spans. */
  selfTest(rng: Rng, from: number, to: number): void {
    for (let i = 0; i < 2000; i++) {
      const start = from + Math.floor(rng() * (to - from));
      const ms = Math.floor(rng() * 30 * DAY_MS);
      this.expect(addWorkingMs(new Date(start), ms, this.calendar), this.after(start, ms));
      this.expect(
        new Date(workingMsBetween(new Date(start), new Date(start + ms), this.calendar)),
        this.between(start, start + ms),
      );
      const date = localDate(new Date(start), this.calendar);
      if (this.dateOf(start) !== date) throw new Error(`working-day table: ${this.dateOf(start)} ≠ ${date}`);
    }
  }

  private expect(real: Date, table: number): void {
    if (real.getTime() !== table)
      throw new Error(
        `working-day table disagrees with the calendar: ${new Date(table).toISOString()} ≠ ${real.toISOString()}`,
      );
  }
}

/** The events an application goes through, planned from its submission; later cut at `now`. */
export function planTimeline(
  rng: Rng,
  service: ServiceInfo,
  submittedAt: number,
  days: WorkingDays,
): Timed[] {
  const { options, slaDays } = service;
  const at = (from: number, workingMs: number) => days.after(from, Math.max(MINUTE_MS, workingMs));
  const events: Planned[] = [{ type: 'SUBMIT', at: submittedAt }];
  const add = (type: string, time: number, department?: string) =>
    events.push({ type, at: time, ...(department ? { department } : {}) });
  const done = () => withSla(events, service, days);

  // How long the decision takes, as a share of the service-level time: mostly within it.
  const u = rng();
  const share = u < 0.85 ? 0.1 + 0.85 * rng() ** 1.3 : u < 0.97 ? 1 + 1.5 * rng() : 2.5 + 5 * rng();
  let left = share * slaDays * DAY_MS;
  const stuck = rng() < SHARES.stuck;
  if (rng() < SHARES.withdrawEarly) {
    add('WITHDRAW', at(submittedAt, rng() * 0.5 * left));
    return done();
  }
  const pickedUp = (0.05 + 0.25 * rng()) * left;
  let t = at(submittedAt, pickedUp);
  left -= pickedUp;
  if (stuck && rng() < 0.5) return done();
  add('START_REVIEW', t);
  if (stuck) return done();

  const outcome = rng();
  if (outcome < SHARES.withdrawLate) {
    add('WITHDRAW', at(t, rng() * left));
    return done();
  }
  const rejected = outcome < SHARES.withdrawLate + SHARES.reject;
  if (rng() < SHARES.requestInfo) {
    t = at(t, 0.3 * left);
    add('REQUEST_INFO', t);
    left *= 0.7;
    if (rng() < SHARES.neverAnswers) return done();
    t = at(t, (0.2 + 6 * rng() ** 2) * DAY_MS);
    add('RESUBMIT', t);
  }
  if (!rejected && options.siteInspection) {
    t = at(t, 0.2 * left);
    add('SCHEDULE_INSPECTION', t);
    t = at(t, 0.3 * left);
    add('INSPECTION_PASSED', t);
    left *= 0.5;
  }
  const bodies = options.clearances ?? [];
  if (!rejected && bodies.length > 0) {
    t = at(t, 0.1 * left);
    add('REQUEST_CLEARANCES', t);
    for (const body of bodies) {
      t = at(t, (0.6 / bodies.length) * left);
      add('APPROVE_CLEARANCE', t, body);
    }
    left *= 0.3;
  }
  t = at(t, left);
  if (rejected) {
    const closes = days.addDays(t, service.queryDays);
    events.push({ type: 'REJECT', at: t, closes });
    if (rng() < SHARES.raisesQuery) {
      const raised = t + Math.max(MINUTE_MS, rng() * 0.7 * (closes - t));
      add('RAISE_QUERY', raised);
      add('UPHOLD', at(raised, (0.5 + 5 * rng()) * DAY_MS));
    } else add('QUERY_WINDOW_CLOSE', closes);
    return done();
  }
  add('ACCEPT', t);
  if (options.fee) {
    if (rng() < SHARES.neverPays) return done();
    t += Math.round((0.05 + 12 * rng() ** 2) * DAY_MS);
    add('FEE_PAID', t);
  }
  if (options.payout) add('PAYOUT_DONE', t + Math.round((1 + 19 * rng()) * DAY_MS));
  return done();
}

/**
 * Follows the SLA clock as the engine keeps it (armed at submission, paused while the applicant
 * answers, resumed with what was left, stopped at the decision) and adds the SLA_ESCALATE the
 * deadline sweeper sends when a due time passes while the clock runs.
 */
export function withSla(planned: Planned[], service: ServiceInfo, days: WorkingDays): Timed[] {
  const out: Timed[] = [];
  let due: number | null = null;
  let remaining: number | null = null;
  let running = false;
  let fired = false;
  for (const e of planned) {
    if (running && !fired && due !== null && due <= e.at) {
      out.push({ type: 'SLA_ESCALATE', at: due, due, remaining });
      fired = true;
    }
    switch (e.type) {
      case 'SUBMIT':
        due = days.addDays(e.at, service.slaDays);
        running = true;
        break;
      case 'REQUEST_INFO':
        remaining = due! > e.at ? days.between(e.at, due!) : 0;
        due = null;
        running = false;
        break;
      case 'RESUBMIT':
        due = days.after(e.at, remaining ?? 0);
        remaining = null;
        running = true;
        fired = false;
        break;
      case 'ACCEPT':
      case 'REJECT':
      case 'WITHDRAW':
        running = false;
        break;
    }
    out.push({ ...e, due, remaining });
  }
  if (running && !fired && due !== null) out.push({ type: 'SLA_ESCALATE', at: due, due, remaining });
  return out;
}

/** Local (UTC+3) days of the last 12 months, weighted: more e-services lately, few on days off. */
export function dayWeights(now: Date, calendar: Calendar, assisted: boolean, since?: Date): Weighted<number> {
  const offset = calendar.utcOffsetMinutes * MINUTE_MS;
  const today = Math.floor((now.getTime() + offset) / DAY_MS);
  const first = since ? Math.floor((since.getTime() + offset) / DAY_MS) : today - YEAR_DAYS;
  const days: [number, number][] = [];
  for (let d = first; d <= today; d++) {
    const start = d * DAY_MS - offset;
    const working = isWorkingDay(new Date(start), calendar);
    if (assisted && !working) continue;
    const growth = 0.6 + (0.8 * (d - today + YEAR_DAYS)) / YEAR_DAYS;
    days.push([start, growth * (working ? 1 : 0.35)]);
  }
  return new Weighted(days);
}

/** Web submissions through the day and evening; counters, phones and partners in office hours. */
export const WEB_HOURS = new Weighted(
  [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 4, 6, 7, 7, 6, 5, 4, 4, 4, 5, 6, 7, 7, 6, 4, 2].map(
    (w, h) => [h, w] as [number, number],
  ),
);
