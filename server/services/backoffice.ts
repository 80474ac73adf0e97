import type { Knex } from 'knex';
import { availableEvents } from '../../workflows/engine.js';
import { localDate, type Calendar } from '../../workflows/calendar.js';
import type { Registry } from '../../workflows/registry.js';
import type { Role } from '../../workflows/types.js';
import { persistedSnapshotOf, type ApplicationRow } from '../../db/repositories/applications.js';
import type { UserRow } from '../../db/repositories/users.js';
import {
  queueRepository,
  type QueueCursor,
  type QueueFilter,
  type QueueScope,
} from '../../db/repositories/queue.js';
import type { Clock } from '../clock.js';
import type { ApplyEvent, ApplyEventResult } from './apply-event.js';
import { normaliseReference, referencesEndingWith } from './reference.js';
import { normaliseCpr, normaliseCr } from '../../workflows/identifiers.js';

export const PAGE_SIZE = 25;
const FRONT_OFFICE = 'customer-services';

/**
 * What a member of staff may see: their municipality (administrators without one: all), and
 * their department's services, except the customer-services front office and supervisors and
 * administrators, who see every service of their municipality.
 */
export function scopeOf(user: UserRow, registry: Registry): QueueScope {
  const everyService =
    user.role === 'supervisor' || user.role === 'admin' || user.department === FRONT_OFFICE;
  return {
    municipality: user.municipality,
    services: everyService
      ? null
      : registry
          .all()
          .filter((d) => d.department === user.department)
          .map((d) => d.slug),
  };
}

export function inScope(user: UserRow, registry: Registry, app: ApplicationRow): boolean {
  const scope = scopeOf(user, registry);
  if (app.status === 'draft') return false;
  if (scope.municipality && app.municipality !== scope.municipality) return false;
  return !scope.services || scope.services.includes(app.service_slug);
}

/** The workflow role a member of staff acts in. */
export function workflowRole(user: UserRow): Role {
  return (
    ['reviewer', 'supervisor', 'counter', 'admin'].includes(user.role ?? '') ? user.role : 'reviewer'
  ) as Role;
}

export type QueueInput = Record<string, unknown>;

const DUE = ['overdue', 'today', 'week', 'escalated'] as const;
const VIEWS = ['all', 'unassigned', 'mine'] as const;

export function backofficeService(deps: {
  db: Knex;
  registry: Registry;
  clock: Clock;
  calendar: Calendar;
  applyEvent: ApplyEvent;
}) {
  const { db, registry, clock, calendar } = deps;
  const queue = queueRepository(db);

  function windows() {
    const now = clock.now().getTime();
    const today = localDate(clock.now(), calendar);
    const endOfToday = new Date(`${today}T23:59:59.999+03:00`).getTime();
    return { now, endOfToday, endOfWeek: endOfToday + 6 * 24 * 60 * 60 * 1000 };
  }

  /** Reads the queue's query string into a filter; anything unknown is ignored. */
  async function filterFrom(
    input: QueueInput,
  ): Promise<{ filter: QueueFilter; values: Record<string, string> }> {
    const str = (k: string) => ((v) => (typeof v === 'string' ? v.trim().slice(0, 100) : ''))(input[k]);
    const values = {
      service: str('service'),
      status: str('status'),
      channel: str('channel'),
      due: str('due'),
      view: str('view'),
      q: str('q'),
    };
    const filter: QueueFilter = {};
    if (registry.latest(values.service)) filter.service = values.service;
    if (
      [
        'submitted',
        'in_review',
        'waiting_on_applicant',
        'queried',
        'accepted',
        'rejected',
        'withdrawn',
      ].includes(values.status)
    )
      filter.status = values.status;
    if (['web', 'counter', 'phone', 'email', 'partner'].includes(values.channel))
      filter.channel = values.channel;
    if ((DUE as readonly string[]).includes(values.due)) filter.due = values.due as QueueFilter['due'];
    if ((VIEWS as readonly string[]).includes(values.view)) filter.view = values.view as QueueFilter['view'];
    if (values.q) {
      const reference = normaliseReference(values.q);
      const endings = referencesEndingWith(
        values.q,
        registry.all().map((d) => d.slug),
        Number(localDate(clock.now(), calendar).slice(0, 4)),
      );
      const byEnding = !reference && endings ? await queue.idsByReferences(endings) : [];
      if (reference) filter.applicationIds = await queue.idsByReference(reference);
      // Only the code of a reference, as read out by someone on the phone: looked up among the
      // references it can end (an indexed look-up, not a scan); a name of six letters still works.
      else if (byEnding.length > 0) filter.applicationIds = byEnding;
      else
        filter.applicantIds = await queue.applicantIdsMatching(
          normaliseCpr(values.q) ?? normaliseCr(values.q) ?? values.q,
        );
    }
    return { filter, values };
  }

  function cursorFrom(value: unknown): QueueCursor | null {
    if (typeof value !== 'string') return null;
    const m = /^(\d{1,16})_(\d{1,12})$/.exec(value);
    return m ? { due: Number(m[1]), id: Number(m[2]) } : null;
  }

  async function queuePage(user: UserRow, input: QueueInput) {
    const scope = scopeOf(user, registry);
    const { filter, values } = await filterFrom(input);
    const w = windows();
    const page = await queue.page(scope, filter, w, user.id, cursorFrom(input.after), PAGE_SIZE);
    const base: QueueFilter = { ...filter, due: undefined, view: undefined };
    const [all, unassigned, mine, overdue, today, week, escalated] = await Promise.all([
      queue.count(scope, base, w, user.id),
      queue.count(scope, { ...base, view: 'unassigned' }, w, user.id),
      queue.count(scope, { ...base, view: 'mine' }, w, user.id),
      queue.count(scope, { ...base, due: 'overdue' }, w, user.id),
      queue.count(scope, { ...base, due: 'today' }, w, user.id),
      queue.count(scope, { ...base, due: 'week' }, w, user.id),
      queue.count(scope, { ...base, due: 'escalated' }, w, user.id),
    ]);
    return {
      ...page,
      values,
      now: w.now,
      counts: { all, unassigned, mine, overdue, today, week, escalated },
      services: registry.all().filter((d) => !scope.services || scope.services.includes(d.slug)),
    };
  }

  async function find(user: UserRow, id: number): Promise<ApplicationRow | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const app = await db<ApplicationRow>('applications').where({ id }).first();
    return app && inScope(user, registry, app) ? app : undefined;
  }

  /** What this person may do now (all actions, or only those of one event `type`). */
  function actionsFor(user: UserRow, app: ApplicationRow, type?: string) {
    const definition = registry.get(app.service_slug, app.service_version)!;
    return availableEvents(definition, persistedSnapshotOf(app), workflowRole(user), user.id, {
      now: clock.now(),
      ...(type !== undefined ? { type } : {}),
    });
  }

  async function claim(
    user: UserRow,
    app: ApplicationRow,
  ): Promise<ApplyEventResult | { ok: false; status: 409; code: 'conflict'; message: string }> {
    const taken = await db('applications')
      .where({ id: app.id })
      .whereNull('assigned_to')
      .update({ assigned_to: user.id, updated_at: clock.now(), version: db.raw('version + 1') });
    if (taken !== 1) return { ok: false, status: 409, code: 'conflict', message: 'already assigned' };
    await record(app.id, user.id, { kind: 'claimed', assignee_id: user.id });
    const fresh = (await db<ApplicationRow>('applications').where({ id: app.id }).first())!;
    if (actionsFor(user, fresh, 'START_REVIEW').length > 0) {
      return deps.applyEvent({
        applicationId: app.id,
        event: { type: 'START_REVIEW' },
        actor: { role: workflowRole(user), userId: user.id },
      });
    }
    return { ok: true, application: fresh, from: fresh.state, to: fresh.state, toStatus: fresh.status };
  }

  /** A supervisor gives an application to a reviewer or supervisor of the same municipality. */
  async function assign(supervisor: UserRow, app: ApplicationRow, assigneeId: number): Promise<boolean> {
    const assignee = await db<UserRow>('users')
      .where({ id: assigneeId, kind: 'staff' })
      .whereIn('role', ['reviewer', 'supervisor'])
      .whereNull('disabled_at')
      .first();
    if (
      !assignee ||
      (supervisor.municipality && assignee.municipality !== supervisor.municipality) ||
      assignee.municipality !== app.municipality
    )
      return false;
    await db('applications')
      .where({ id: app.id })
      .update({ assigned_to: assignee.id, updated_at: clock.now(), version: db.raw('version + 1') });
    await record(app.id, supervisor.id, { kind: 'assigned', assignee_id: assignee.id });
    return true;
  }

  /** Staff notes, and the portal's own record of who claimed or assigned the application. */
  async function record(
    applicationId: number,
    authorId: number,
    entry: { kind: 'note'; body: string } | { kind: 'claimed' | 'assigned'; assignee_id: number },
  ): Promise<void> {
    await db('staff_notes').insert({
      application_id: applicationId,
      author_id: authorId,
      ...entry,
      created_at: clock.now(),
    });
  }

  async function notes(applicationId: number) {
    return db('staff_notes as n')
      .join('users as u', 'u.id', 'n.author_id')
      .where('n.application_id', applicationId)
      .orderBy('n.id')
      .leftJoin('users as a', 'a.id', 'n.assignee_id')
      .select(
        'n.id',
        'n.kind',
        'n.body',
        'n.created_at',
        'u.name as author',
        'u.role as role',
        'a.name as assignee',
      );
  }

  async function reviewers(
    municipality: string | null,
  ): Promise<{ id: number; name: string; role: string }[]> {
    return db('users')
      .where({ kind: 'staff' })
      .whereIn('role', ['reviewer', 'supervisor'])
      .modify((q) => {
        if (municipality) q.where({ municipality });
      })
      .whereNull('disabled_at')
      .orderBy('name')
      .select('id', 'name', 'role');
  }

  return {
    queuePage,
    find,
    actionsFor,
    claim,
    assign,
    addNote: (applicationId: number, authorId: number, body: string) =>
      record(applicationId, authorId, { kind: 'note', body }),
    notes,
    reviewers,
    load: (municipality: string | null) => queue.load(municipality, clock.now().getTime()),
  };
}

export type BackofficeService = ReturnType<typeof backofficeService>;
