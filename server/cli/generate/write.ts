import type { Knex } from 'knex';
import { QUEUE_NO_DUE } from '../../../db/repositories/applications.js';
import { QUEUE_STATUSES } from '../../services/apply-event.js';
import { initialSnapshot } from '../../../workflows/engine.js';
import { DAY_MS, workingMsBetween, type Calendar } from '../../../workflows/calendar.js';
import { municipalityOfBlock, type MunicipalityCode } from '../../../workflows/municipalities.js';
import type { Channel } from './shape.js';
import {
  BATCH,
  BATCHES_PER_TRANSACTION,
  CHANNEL_WEIGHTS,
  MINUTE_MS,
  MUNICIPALITY_WEIGHTS,
  SERVICE_WEIGHTS,
  SHARES,
  YEAR_DAYS,
} from './shape.js';
import { Weighted, int, pick, rngFrom, shuffle } from './random.js';
import type { Population } from './people.js';
import { ACTOR_OF, DECIDED, JsonTemplate, SENTINEL, WAITING, WorkflowPaths, slotify } from './paths.js';
import { formValues, inspectionAt, outcomeOf, reviewerFor } from './answers.js';
import type { ServiceInfo } from './timeline.js';
import { WEB_HOURS, WorkingDays, dayWeights, planTimeline } from './timeline.js';
import type { Row } from './rows.js';
import { ProgressBar, referenceDrawer, writeChunk } from './rows.js';

/** Writes the applications, a transaction per 5,000, while the next chunk is generated. (Part of server/cli/generate-applications.ts.) */

export interface GenerateOptions {
  databaseUrl: string;
  count: number;
  seed: number;
  now: Date;
  applicants: number;
  password: string;
  quiet: boolean;
  /** Exactly these many submitted applications per service (and no drafts), instead of `count` drawn by weight. */
  exactCounts?: Record<string, number>;
  /** Submissions from this day on (default: the 12 months before `now`). */
  since?: Date;
}

export interface GenerateSummary {
  applications: number;
  seconds: number;
  byStatus: Record<string, number>;
  inQueue: Record<string, number>;
}

export async function writeApplications(
  db: Knex,
  options: GenerateOptions,
  services: Map<string, ServiceInfo>,
  people: Population,
  calendar: Calendar,
): Promise<Omit<GenerateSummary, 'seconds'>> {
  const rng = rngFrom(options.seed, 2);
  const now = options.now.getTime();
  const days = new WorkingDays(
    calendar,
    new Date(now - (YEAR_DAYS + 30) * DAY_MS),
    new Date(now + 2 * YEAR_DAYS * DAY_MS),
  );
  days.selfTest(rngFrom(options.seed, 6), now - YEAR_DAYS * DAY_MS, now + YEAR_DAYS * DAY_MS);
  const serviceDraw = new Weighted(
    [...services.values()].map((s) => [s, SERVICE_WEIGHTS[s.definition.slug]!]),
  );
  const municipalityDraw = new Weighted(Object.entries(MUNICIPALITY_WEIGHTS) as [MunicipalityCode, number][]);
  const channelDraw = new Weighted(Object.entries(CHANNEL_WEIGHTS) as [Channel, number][]);
  const webDays = dayWeights(options.now, calendar, false, options.since);
  const officeDays = dayWeights(options.now, calendar, true, options.since);
  // With exact counts: every service as often as asked, in a shuffled order.
  const exact = options.exactCounts
    ? shuffle(
        rngFrom(options.seed, 7),
        Object.entries(options.exactCounts).flatMap(([slug, n]) => {
          const service = services.get(slug);
          if (!service) throw new Error(`service ${slug} is not in the registry`);
          return Array.from({ length: n }, () => service);
        }),
      )
    : null;
  const total = exact ? exact.length : options.count;
  const blocks = new Map<MunicipalityCode, number[]>();
  for (let b = 100; b <= 1400; b++) {
    const m = municipalityOfBlock(b);
    if (m) blocks.set(m, [...(blocks.get(m) ?? []), b]);
  }
  const paths = new WorkflowPaths(calendar);
  const drafts = new Map<string, JsonTemplate>();
  const draftSnapshot = (service: ServiceInfo) => {
    const slug = service.definition.slug;
    if (!drafts.has(slug))
      drafts.set(
        slug,
        new JsonTemplate(
          slotify(initialSnapshot(service.definition, { applicantId: SENTINEL.applicant }), []),
        ),
      );
    return drafts.get(slug)!;
  };
  const references = await referenceDrawer(db, rngFrom(options.seed, 3));
  const maxRow = await db('applications').max<{ id: number | string | null }[]>({ id: 'id' });
  let nextId = Number(maxRow[0]?.id ?? 0) + 1;

  const byStatus: Record<string, number> = {};
  const inQueue: Record<string, number> = {};
  const bar = new ProgressBar(total, 'applications', options.quiet);
  let written = 0;
  let writing = Promise.resolve();
  for (let done = 0; done < total;) {
    const inThis = Math.min(BATCH * BATCHES_PER_TRANSACTION, total - done);
    const apps: Row[] = [];
    const audit: Row[] = [];
    const deadlines: Row[] = [];
    for (let i = 0; i < inThis; i++) {
      const service = exact ? exact[done + i]! : serviceDraw.draw(rng);
      const kinds = service.applicantKinds;
      const kind = kinds.length === 1 ? kinds[0]! : rng() < 0.85 ? 'resident' : 'investor';
      const applicant = pick(rng, kind === 'resident' ? people.residents : people.investors);
      const municipality = rng() < SHARES.homeMunicipality ? applicant.home : municipalityDraw.draw(rng);
      const channel = channelDraw.draw(rng);
      const clerk = channel === 'web' ? null : pick(rng, people.counter.get(municipality)!);
      let submittedAt: number;
      do {
        const day = (clerk ? officeDays : webDays).draw(rng);
        const minute = clerk ? int(rng, 7 * 60 + 30, 14 * 60) : WEB_HOURS.draw(rng) * 60 + int(rng, 0, 59);
        submittedAt = day + minute * MINUTE_MS + int(rng, 0, 59) * 1000;
      } while (submittedAt >= now);
      const createdAt = submittedAt - (clerk ? int(rng, 5, 25) : int(rng, 3, 90)) * MINUTE_MS;
      const form = service.form.fill(
        formValues(
          service,
          applicant,
          pick(rng, blocks.get(municipality)!),
          municipality,
          submittedAt,
          days,
          rng,
        ),
      );
      const id = nextId++;

      if (!exact && rng() < SHARES.draft) {
        // prettier-ignore
        apps.push([
          id, null, service.definition.slug, service.definition.version, applicant.id, clerk?.id ?? null,
          channel, rng() < 0.6 ? municipality : null, service.definition.department, 'draft', 'draft',
          draftSnapshot(service).fill({ applicant: applicant.id }), form, null, null, null, false, null, null,
          new Date(createdAt), new Date(createdAt + int(rng, 1, 20) * MINUTE_MS), int(rng, 1, 3), false,
          QUEUE_NO_DUE, null, 0,
        ]);
        byStatus.draft = (byStatus.draft ?? 0) + 1;
        continue;
      }

      const planned = planTimeline(rng, service, submittedAt, days);
      const happened = planned.filter((e) => e.at <= now);
      const template = paths.template(service.definition, happened, applicant.lang);
      const reviewed = happened.some((e) => e.type === 'START_REVIEW');
      const reviewer =
        reviewed || rng() < SHARES.assignedBeforeReview
          ? reviewerFor(rng, people, municipality, service)
          : null;
      // Four eyes: the supervisor who upholds a rejection is not the one who rejected.
      const supervisor = pick(
        rng,
        people.supervisors.get(municipality)!.filter((s) => s.id !== reviewer?.id),
      );

      // The columns apply-event.ts writes, event by event (SLA_ESCALATE changes only updated_at).
      const steps = happened.filter((e) => e.type !== 'SLA_ESCALATE');
      let slaDueAt: number | null = null;
      let decidedAt: number | null = null;
      let waitingSince: number | null = null;
      let waitedMs = 0;
      for (const [n, e] of steps.entries()) {
        const step = template.steps[n]!;
        if (step.slaDue) slaDueAt = e.due;
        else if (step.sla === 'paused') slaDueAt = null;
        if (DECIDED.has(step.toStatus) && step.toStatus !== step.fromStatus) decidedAt = e.at;
        if (step.toStatus === WAITING && step.fromStatus !== WAITING) waitingSince = e.at;
        else if (step.fromStatus === WAITING && step.toStatus !== WAITING && waitingSince !== null) {
          waitedMs += workingMsBetween(new Date(waitingSince), new Date(e.at), calendar);
          waitingSince = null;
        }
      }
      const current = steps.at(-1)!;
      const rejection = happened.find((e) => e.type === 'REJECT');
      const slaRunning = template.deadlines.includes('sla') && template.sla === 'running';
      const queued = QUEUE_STATUSES.has(template.status) && !template.final;
      const snapshot = template.snapshot.fill({
        applicant: applicant.id,
        reviewer: reviewer?.id ?? null,
        supervisor: supervisor.id,
        counter: clerk?.id ?? null,
        'due:sla': current.due === null ? null : new Date(current.due).toISOString(),
        'due:queryWindow': rejection?.closes ? new Date(rejection.closes).toISOString() : null,
        remaining: current.remaining,
        inspectionDate: days.dateOf(inspectionAt(planned) ?? now),
      });
      const reference = references(service.prefix, days.dateOf(submittedAt).slice(0, 4));
      const outcome =
        template.final && template.status === 'accepted'
          ? outcomeOf(service, id, municipality, decidedAt)
          : null;
      // prettier-ignore
      apps.push([
        id, reference, service.definition.slug, service.definition.version, applicant.id, clerk?.id ?? null,
        channel, municipality, service.definition.department, template.state, template.status, snapshot, form,
        outcome, reviewer?.id ?? null, dateOrNull(slaDueAt), template.escalated, new Date(submittedAt),
        dateOrNull(decidedAt), new Date(createdAt), new Date(happened.at(-1)!.at),
        3 + happened.length + (reviewer ? 1 : 0), queued,
        slaRunning && current.due !== null ? current.due : QUEUE_NO_DUE, dateOrNull(waitingSince), waitedMs,
      ]);
      // The audit trail the engine would have written, one row per event, so that timelines read
      // as they would (who did what, the rejection's reason); an escalation changes no status.
      const actors = {
        applicant: applicant.id,
        reviewer: reviewer?.id ?? null,
        supervisor: supervisor.id,
        counter: clerk?.id ?? null,
      };
      let stepIndex = 0;
      for (const e of happened) {
        const actor = ACTOR_OF[e.type]!;
        const step = e.type === 'SLA_ESCALATE' ? undefined : template.steps[stepIndex++]!;
        const before = template.steps[stepIndex - 1]!;
        // A submission at the counter is the clerk's.
        const actorId =
          e.type === 'SUBMIT' ? (clerk?.id ?? applicant.id) : actor.who ? actors[actor.who] : null;
        // prettier-ignore
        audit.push(step
          ? [id, actorId, e.type === 'SUBMIT' && clerk ? 'counter' : actor.role, e.type, step.fromState, step.toState,
              step.fromStatus, step.toStatus, step.comment, step.payload, new Date(e.at)]
          : [id, null, actor.role, e.type, before.toState, before.toState, before.toStatus, before.toStatus,
              null, null, new Date(e.at)]);
      }
      // Deadlines still armed: the SLA while it is not yet due, the query window while it is open.
      if (slaRunning && current.due !== null && current.due > now) {
        const armed = steps.findLast((e) => e.type === 'SUBMIT' || e.type === 'RESUBMIT')!;
        deadlines.push([id, 'sla', 'SLA_ESCALATE', current.due, new Date(armed.at)]);
      }
      if (template.deadlines.includes('queryWindow') && rejection?.closes)
        deadlines.push([id, 'queryWindow', 'QUERY_WINDOW_CLOSE', rejection.closes, new Date(rejection.at)]);
      byStatus[template.status] = (byStatus[template.status] ?? 0) + 1;
      if (queued) inQueue[municipality] = (inQueue[municipality] ?? 0) + 1;
    }
    // Written while the next chunk is generated (the drivers work off the main thread).
    await writing;
    writing = writeChunk(db, apps, audit, deadlines).then(() => {
      written += apps.length;
      bar.update(written);
    });
    done += inThis;
  }
  await writing;
  bar.finish();
  return { applications: total, byStatus, inQueue };
}

export const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));
