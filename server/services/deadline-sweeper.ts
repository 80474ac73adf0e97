import type { Knex } from 'knex';
import { applicationsRepository } from '../../db/repositories/applications.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ApplyEvent } from './apply-event.js';

/**
 * Sends each due deadline's event as the system. The deadline row is deleted in the event's own
 * transaction, so with several sweepers each deadline fires exactly once; an event the workflow
 * no longer accepts (the application moved on) just removes the stale deadline.
 */
export function deadlineSweeper(deps: { db: Knex; clock: Clock; logger: Logger; applyEvent: ApplyEvent }) {
  const repo = applicationsRepository(deps.db);

  async function runOnce(limit = 50): Promise<number> {
    const due = await repo.dueDeadlines(deps.clock.now().getTime(), limit);
    let fired = 0;
    for (const deadline of due) {
      const result = await deps.applyEvent({
        applicationId: deadline.application_id,
        event: { type: deadline.event },
        actor: { role: 'system', userId: null },
        deadlineId: deadline.id,
      });
      if (result.ok) {
        fired++;
        continue;
      }
      if (result.code === 'conflict') continue;
      // The workflow no longer takes this event here: the deadline is stale, drop it.
      await deps.db('deadlines').where({ id: deadline.id }).delete();
      deps.logger.info(
        { deadlineId: deadline.id, event: deadline.event, code: result.code },
        'stale deadline removed',
      );
    }
    return fired;
  }

  return { runOnce };
}

export type DeadlineSweeper = ReturnType<typeof deadlineSweeper>;
