/**
 * Checks what server/cli/generate-applications.ts wrote against the portal's own rules:
 *
 *   npx tsx bench/queue/verify-generated.ts --database-url URL --now ISO [--sample 20000] [--live]
 *
 * For every application read (all of them, or an even sample): the snapshot restores on its
 * workflow and names the row's state and status; the queue columns, SLA due time, escalation flag,
 * decision time and open deadlines are what apply-event.ts and the deadline sweeper would have left;
 * the answers pass the form rules and route to the row's municipality; the reference has the
 * portal's format; the applicant and the assignee exist (staff of the same municipality); a
 * non-draft has exactly one SUBMIT audit row at its submission time.
 *
 * --live then CHANGES THE DATABASE (use a copy): the next event of a sample of queued
 * applications goes through the real applyEvent, and the deadline sweeper runs 40 days later.
 */
import { parseArgs } from 'node:util';
import { createDb } from '../../db/connection.js';
import { QUEUE_NO_DUE, type ApplicationRow } from '../../db/repositories/applications.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { fixedClock } from '../../server/clock.js';
import { loadRegistry } from '../../server/boot.js';
import { createServices } from '../../server/services/index.js';
import { QUEUE_STATUSES } from '../../server/services/apply-event.js';
import { normaliseReference } from '../../server/services/reference.js';
import { availableEvents, describeState } from '../../workflows/engine.js';
import { createCalendar, localDate } from '../../workflows/calendar.js';
import { routedMunicipality, validateAll } from '../../workflows/form/form.js';
import type { PersistedSnapshot, Role } from '../../workflows/types.js';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    now: { type: 'string' },
    sample: { type: 'string', default: '20000' },
    live: { type: 'boolean', default: false },
  },
});
if (!values['database-url'] || !values.now) {
  console.error(
    'usage: npx tsx bench/queue/verify-generated.ts --database-url URL --now ISO [--sample N] [--live]',
  );
  process.exit(2);
}
const now = new Date(values.now);
const config = loadConfig({ ...process.env, NODE_ENV: 'test', DATABASE_URL: values['database-url'] });
const calendar = createCalendar(config.calendar);
const registry = await loadRegistry();
const db = createDb(values['database-url']);
const ms = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | number).getTime());

const problems = new Map<string, { count: number; example: number }>();
function expect(ok: boolean, what: string, id: number): void {
  if (ok) return;
  const p = problems.get(what) ?? { count: 0, example: id };
  p.count++;
  problems.set(what, p);
}

interface StaffRow {
  id: number;
  role: string;
  municipality: string;
}
interface AuditRow {
  application_id: number;
  event: string;
  created_at: string | number;
}
interface DeadlineRow {
  application_id: number;
  key: string;
  due_at: string | number;
}
const staff = new Map(
  (await db('users').where({ kind: 'staff' }).select<StaffRow[]>('id', 'role', 'municipality')).map((u) => [
    Number(u.id),
    u,
  ]),
);
const total = Number((await db('applications').count({ n: '*' }))[0]?.n ?? 0);
const step = Math.max(1, Math.floor(total / Number(values.sample)));
const checked: ApplicationRow[] = [];
for (let last = 0; ;) {
  const rows = await db<ApplicationRow>('applications')
    .where('id', '>', last)
    .whereRaw('id % ? = 0', [step])
    .orderBy('id')
    .limit(5000);
  if (rows.length === 0) break;
  last = rows.at(-1)!.id;
  const ids = rows.map((r) => r.id);
  const audits = await db<AuditRow>('application_events')
    .whereIn('application_id', ids)
    .select('application_id', 'event', 'created_at');
  const deadlines = await db<DeadlineRow>('deadlines')
    .whereIn('application_id', ids)
    .select('application_id', 'key', 'due_at');
  for (const row of rows) {
    checked.push(row);
    const id = row.id;
    const definition = registry.get(row.service_slug, row.service_version);
    if (!definition) {
      expect(false, 'service version registered', id);
      continue;
    }
    const snapshot = JSON.parse(row.snapshot) as PersistedSnapshot;
    const where = describeState(definition, snapshot);
    const context = snapshot.context as {
      applicantId: number;
      reviewerId: number | null;
      clock: { deadlines: Record<string, string>; slaRemainingMs: number | null };
    };
    expect(
      where.state === row.state && where.status === row.status,
      'snapshot names the row state and status',
      id,
    );
    expect(context.applicantId === row.applicant_id, 'snapshot applicant is the row applicant', id);
    expect(where.escalated === Boolean(row.escalated), 'escalated column = snapshot flag', id);
    const final = snapshot.status === 'done';
    expect(
      Boolean(row.in_queue) === (QUEUE_STATUSES.has(row.status) && !final),
      'in_queue as apply-event sets it',
      id,
    );
    const sla = where.deadlines.sla ? Date.parse(where.deadlines.sla) : null;
    const running = where.sla === 'running';
    expect(
      Number(row.queue_due_at) === (sla !== null && running ? sla : QUEUE_NO_DUE),
      'queue_due_at as apply-event sets it',
      id,
    );
    if (sla !== null) expect(ms(row.sla_due_at) === sla, 'sla_due_at = snapshot SLA due', id);
    if (where.sla === 'paused')
      expect(
        row.sla_due_at === null && context.clock.slaRemainingMs !== null,
        'paused: no due, time left kept',
        id,
      );
    const own = deadlines.filter((d) => d.application_id === id);
    const slaRow = own.find((d) => d.key === 'sla');
    if (running && sla !== null) {
      if (sla <= now.getTime())
        expect(Boolean(row.escalated) && !slaRow, 'past SLA: escalated, deadline fired', id);
      else expect(Number(slaRow?.due_at) === sla, 'future SLA: deadline armed', id);
    } else expect(!slaRow, 'no SLA deadline while the clock is not running', id);
    const windowRow = own.find((d) => d.key === 'queryWindow');
    if (where.deadlines.queryWindow) {
      const due = Date.parse(where.deadlines.queryWindow);
      expect(Number(windowRow?.due_at) === due && due > now.getTime(), 'open query window armed', id);
    } else expect(!windowRow, 'no query window deadline', id);

    const draft = row.status === 'draft';
    expect(
      draft === (row.reference === null) && draft === (row.submitted_at === null),
      'draft ⇔ no reference',
      id,
    );
    if (row.reference) expect(normaliseReference(row.reference) === row.reference, 'reference format', id);
    const decided = ms(row.decided_at);
    if (['accepted', 'rejected'].includes(row.status))
      expect(decided !== null, 'decided application has decided_at', id);
    if (['submitted', 'in_review', 'draft'].includes(row.status))
      expect(decided === null, 'open application undecided', id);
    const times = [ms(row.created_at), ms(row.submitted_at), decided, ms(row.updated_at)].filter(
      (t) => t !== null,
    );
    expect(
      times.every((t, i) => i === 0 || t >= times[i - 1]!),
      'created ≤ submitted ≤ decided ≤ updated',
      id,
    );
    expect(ms(row.updated_at)! <= now.getTime(), 'nothing after --now', id);
    if (context.reviewerId !== null)
      expect(row.assigned_to === context.reviewerId, 'assignee is the reviewer', id);
    if (row.assigned_to !== null) {
      const s = staff.get(Number(row.assigned_to));
      expect(
        Boolean(s && ['reviewer', 'supervisor'].includes(s.role) && s.municipality === row.municipality),
        'assignee: staff of the municipality',
        id,
      );
    }
    const answers = JSON.parse(row.form_data) as Record<string, unknown>;
    if (!draft) {
      const documentCounts = Object.fromEntries(definition.guide.documents.map((d) => [d.key, 1]));
      const today = localDate(new Date(ms(row.submitted_at)!), calendar);
      expect(
        validateAll(definition, answers, { today, documentCounts }).length === 0,
        'answers pass the form rules',
        id,
      );
      expect(
        routedMunicipality(definition, answers) === row.municipality,
        'routed to the row municipality',
        id,
      );
      const submits = audits.filter((a) => a.application_id === id && a.event === 'SUBMIT');
      expect(
        submits.length === 1 && ms(submits[0]!.created_at) === ms(row.submitted_at),
        'one SUBMIT audit row at submission',
        id,
      );
    }
    if (
      row.in_queue &&
      ['submitted', 'under_review', 'inspection_scheduled', 'clearances'].includes(row.state)
    ) {
      const actor = row.assigned_to === null ? 900_000_000 : Number(row.assigned_to);
      expect(
        availableEvents(definition, snapshot, 'reviewer', actor, { now }).length > 0,
        'reviewer has actions on a queued application',
        id,
      );
    }
  }
}
console.log(`checked ${checked.length.toLocaleString('en')} of ${total.toLocaleString('en')} applications`);

if (values.live) {
  const clock = fixedClock(now);
  const logger = createLogger('silent');
  const services = createServices({ db, config, clock, logger, registry });
  const next: Record<string, { type: string; role: Role; comment?: string; receipt?: string }> = {
    submitted: { type: 'START_REVIEW', role: 'reviewer' },
    under_review: { type: 'REQUEST_INFO', role: 'reviewer', comment: 'Please send a clearer copy.' },
    info_requested: { type: 'RESUBMIT', role: 'applicant' },
    awaiting_payment: { type: 'FEE_PAID', role: 'counter', receipt: 'R-1' },
    query_raised: { type: 'UPHOLD', role: 'supervisor', comment: 'The reason stands.' },
    payout_pending: { type: 'PAYOUT_DONE', role: 'supervisor' },
    rejected: { type: 'RAISE_QUERY', role: 'applicant', comment: 'Please look again.' },
  };
  const outcomes = new Map<string, number>();
  for (const row of checked.filter((r) => next[r.state]).slice(0, 400)) {
    const e = next[row.state]!;
    // Someone of that role in the municipality who did not decide before (four eyes).
    const rejectedBy = (JSON.parse(row.snapshot) as { context: { rejectedBy: number | null } }).context
      .rejectedBy;
    const colleague = [...staff.values()].find(
      (s) => s.role === e.role && s.municipality === row.municipality && Number(s.id) !== rejectedBy,
    );
    const userId = e.role === 'applicant' ? row.applicant_id : Number(colleague?.id);
    const { role, ...event } = e;
    const result = await services.applyEvent({ applicationId: row.id, event, actor: { role, userId } });
    const key = `${row.state} ${e.type}: ${result.ok ? 'ok' : result.code}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  console.log('live events:', Object.fromEntries(outcomes));
  clock.set(new Date(now.getTime() + 40 * 24 * 60 * 60 * 1000));
  let fired = 0;
  for (let n = await services.deadlines.runOnce(500); n > 0; n = await services.deadlines.runOnce(500))
    fired += n;
  const left = Number(
    (await db('deadlines').where('due_at', '<=', clock.now().getTime()).count({ n: '*' }))[0]?.n,
  );
  console.log(`deadline sweeper 40 days later: ${fired} fired, ${left} due left`);
  expect(left === 0, 'every due deadline fires', 0);
}
await db.destroy();
if (problems.size > 0) {
  for (const [what, p] of problems) console.log(`FAIL ${what}: ${p.count} (e.g. application ${p.example})`);
  process.exit(1);
}
console.log('all checks passed');
