/**
 * The load benchmark's recording of the floor's plan (bench/load.bench.ts): the SQL each endpoint's
 * sample request sent, which the floor (load-floor-target.ts) replays, and the check that a
 * decision left the same rows on both sides (decision 0016).
 */
import type { ChildProcess } from 'node:child_process';
import type { Knex } from 'knex';
import { createDb } from '../../db/connection.js';
import type { Server } from './load-servers.js';
import { stepRequest, type Endpoint } from './load-fixtures.js';
import type { CapturedQuery } from '../load-target.js';
import type { FloorStep } from '../load-floor-target.js';
import { applicationRow, knexSql, type ApplicationKey } from './floor-replay.js';

function nextMessage(child: ChildProcess): Promise<{ queries: CapturedQuery[] }> {
  return new Promise((resolve) => {
    const on = (m: { type?: string; queries?: CapturedQuery[] }) => {
      if (m.type !== 'captured') return;
      child.off('message', on);
      resolve({ queries: m.queries ?? [] });
    };
    child.on('message', on);
  });
}

/** The application a workflow event's path names ("/backoffice/applications/7/events/…"). */
export const eventTarget = (p: string): number | undefined => {
  const m = /\/applications\/(\d+)\/events\//.exec(p);
  return m ? Number(m[1]) : undefined;
};

/**
 * Sends one sample request of each endpoint's steps to the portal running alone with its SQL
 * recorded (load-target.ts, BENCH_CAPTURE), which gives the floor's plan; an endpoint whose sample
 * fails is skipped (not measured).
 */
export async function record(
  server: Server,
  endpoints: Endpoint[],
  databaseUrl: string,
): Promise<{ plan: Record<string, FloorStep>; skipped: Set<string> }> {
  const plan: Record<string, FloorStep> = {};
  const skipped = new Set<string>();
  for (const endpoint of endpoints) {
    const context: Record<string, string> = {};
    for (const [s, step] of endpoint.steps.entries()) {
      const req = stepRequest(step, context);
      // A workflow event's writes are replayed by the floor on applications of its own (decision
      // 0016): the sample's row as it was before the event tells what to put in their place.
      const target = eventTarget(req.path);
      const sample = target === undefined ? undefined : await applicationKey(databaseUrl, target);
      const captured = nextMessage(server.child);
      server.child.send({ type: 'capture-start' });
      const res = await fetch(new URL(req.path, server.base), {
        method: req.method,
        headers: req.headers,
        body: typeof req.body === 'string' || req.body === undefined ? req.body : new Uint8Array(req.body),
        redirect: 'manual',
      });
      const text = await res.text();
      await new Promise((r) => setTimeout(r, 50)); // a session touch after the answer is part of it
      server.child.send({ type: 'capture-stop' });
      const { queries } = await captured;
      if (step.keepDraft)
        context.draft = /\/applications\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1] ?? '';
      const reads = queries.filter((q) => /^\s*(select|with)\b/i.test(q.sql));
      const writes = queries.filter((q) => /^\s*(insert|update|delete)\b/i.test(q.sql));
      plan[`${slug(endpoint.name)}-${s}`] = {
        reads: reads.map((q) => ({ sql: knexSql(q.sql), bindings: q.bindings })),
        writes: writes.map((q) => JSON.stringify(q.bindings).length),
        ...(sample
          ? { replay: { sample, writes: writes.map((q) => ({ sql: knexSql(q.sql), bindings: q.bindings })) } }
          : {}),
        upload: req.headers['content-type']?.startsWith('multipart/') ?? false,
        status: res.status,
        location: res.headers.get('location') ?? undefined,
        bodyBytes: Buffer.byteLength(text),
      };
      console.log(
        `  ${endpoint.name} step ${s}: ${req.method} ${req.path} → ${res.status}, ${reads.length} reads, ${writes.length} writes, ${Buffer.byteLength(text)} bytes`,
      );
      if (res.status >= 400) {
        // Not measured: a failing endpoint would only measure its error page.
        console.log(
          `  ${endpoint.name}: SKIPPED, the portal answered ${res.status} (its error is logged above)`,
        );
        skipped.add(endpoint.name);
        break;
      }
    }
  }
  return { plan, skipped };
}

/** An endpoint's name as the floor's paths write it. */
export const slug = (name: string) => name.replace(/\s+/g, '-');

/**
 * What the decisions left, per application taken, on each side: the check that the floor wrote
 * the same rows as the portal (decision 0016).
 */
export async function rowsPerDecision(
  databaseUrl: string,
  taken: { portal: number[]; floor: number[] },
): Promise<string> {
  const db = createDb(databaseUrl);
  try {
    const side = async (name: string, ids: number[]) => {
      if (ids.length === 0) return `${name}: none`;
      const count = async (query: Knex.QueryBuilder) =>
        (Number((await query.count<{ n: number | string }[]>({ n: '*' }))[0]?.n ?? 0) / ids.length).toFixed(
          2,
        );
      return [
        `${name} ${ids.length} applications`,
        `in review ${await count(db('applications').whereIn('id', ids).where({ status: 'in_review' }))}`,
        `audit ${await count(db('application_events').whereIn('application_id', ids).where({ event: 'START_REVIEW' }))}`,
        `outbox ${await count(db('outbox').whereIn('application_id', ids).where('payload', 'like', '%review_started%'))}`,
      ].join(', ');
    };
    return `${await side('portal', taken.portal)}; ${await side('floor', taken.floor)}`;
  } finally {
    await db.destroy();
  }
}

async function applicationKey(databaseUrl: string, id: number): Promise<ApplicationKey> {
  const db = createDb(databaseUrl);
  try {
    // The row as the floor reads it (select *), turned into a key the same way.
    const key = applicationRow(await db('applications').where({ id }).select('*'), id);
    if (!key) throw new Error(`application ${id} is not in the database`);
    return key;
  } finally {
    await db.destroy();
  }
}
