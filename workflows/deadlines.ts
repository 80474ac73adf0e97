/**
 * What a transition does to the application's deadlines, computed from the timers the states
 * declare. Deadlines are rows the server stores (never `after` timers, which die with the
 * process); this module tells it which rows to create and delete, and when they fall due.
 */
import { addWorkingMs, DAY_MS, workingMsBetween, type Calendar } from './calendar.js';
import type { Guide, SlaState, TimerSpec, WorkflowClock } from './types.js';

export interface ArmedTimer {
  key: string;
  /** The event the poller sends (as 'system') when the deadline falls due. */
  event: string;
  /** Working days from now; fractional when a paused SLA resumes with what was left. */
  days: number;
  /** ISO instant the deadline falls due; null when the caller passed no clock reading. */
  dueAt: string | null;
}

export interface TimerPlan {
  /** Deadlines to create (a key already stored is replaced). */
  arm: ArmedTimer[];
  /** Keys of deadlines to delete. */
  cancel: string[];
  /** The application reached a final state: delete all of its deadlines. */
  cancelAll: boolean;
}

/**
 * How the SLA clock changes: 'pause' keeps the working time left (the engine stores it in the
 * snapshot) and 'resume' re-arms the SLA deadline with only that time.
 */
export type SlaChange = 'start' | 'pause' | 'resume' | 'stop' | null;

export function slaChangeBetween(from: SlaState, to: SlaState): SlaChange {
  if (from === to) return null;
  if (to === 'running') return from === 'paused' ? 'resume' : 'start';
  if (to === 'paused') return from === 'running' ? 'pause' : null;
  return 'stop';
}

export interface TimerPlanInput {
  guide: Pick<Guide, 'slaDays' | 'queryWindowDays'>;
  fromTimers: Map<string, TimerSpec>;
  toTimers: Map<string, TimerSpec>;
  final: boolean;
  slaChange: SlaChange;
  clock: WorkflowClock;
  now?: Date;
  calendar: Calendar;
}

/** The timer plan, and the engine's updated bookkeeping when a clock reading was given. */
export function planTimers(input: TimerPlanInput): { timers: TimerPlan; clock: WorkflowClock | null } {
  const { guide, fromTimers, toTimers, final, slaChange, clock, now, calendar } = input;
  if (final) {
    return {
      timers: { arm: [], cancel: [...fromTimers.keys()], cancelAll: true },
      clock: now ? { deadlines: {}, slaRemainingMs: null } : null,
    };
  }
  const cancel = [...fromTimers.keys()].filter((key) => !toTimers.has(key));
  const resumeMs = slaChange === 'resume' ? clock.slaRemainingMs : null;
  const arm: ArmedTimer[] = [...toTimers.values()]
    .filter((timer) => !fromTimers.has(timer.key))
    .map((timer) => {
      const fullDays = resolveDays(timer.days, guide);
      const days = timer.key === 'sla' && resumeMs !== null ? resumeMs / DAY_MS : fullDays;
      const dueAt = now ? addWorkingMs(now, days * DAY_MS, calendar).toISOString() : null;
      return { key: timer.key, event: timer.event, days, dueAt };
    });
  if (!now) return { timers: { arm, cancel, cancelAll: false }, clock: null };

  const deadlines = { ...clock.deadlines };
  let slaRemainingMs = clock.slaRemainingMs;
  if (slaChange === 'pause') {
    const due = deadlines.sla;
    slaRemainingMs = due ? Math.max(0, workingMsBetween(now, new Date(due), calendar)) : null;
  }
  if (slaChange === 'resume' || slaChange === 'start' || slaChange === 'stop') slaRemainingMs = null;
  for (const key of cancel) delete deadlines[key];
  for (const timer of arm) if (timer.dueAt) deadlines[timer.key] = timer.dueAt;
  return { timers: { arm, cancel, cancelAll: false }, clock: { deadlines, slaRemainingMs } };
}

export function resolveDays(
  days: TimerSpec['days'],
  guide: Pick<Guide, 'slaDays' | 'queryWindowDays'>,
): number {
  if (days === 'sla') return guide.slaDays;
  if (days === 'queryWindow') return guide.queryWindowDays;
  return days;
}
