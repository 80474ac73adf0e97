import fs from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { documentsRepository } from '../../db/repositories/documents.js';
import type { Logger } from '../logger.js';

/**
 * Files in UPLOAD_DIR that no `documents` row refers to, by name, sorted. Used by durability
 * checks; note that an upload in progress (written, not yet committed) shows up here briefly.
 */
export async function listOrphanFiles(deps: { db: Knex; uploadDir: string }): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(deps.uploadDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const known = await documentsRepository(deps.db).allStoredNames();
  return entries
    .filter((e) => e.isFile() && !known.has(e.name))
    .map((e) => e.name)
    .sort();
}

/**
 * Removes upload files that no document row names and that are older than `graceMs`: what a process
 * killed between writing a file and committing its row leaves behind. The grace keeps uploads still in
 * flight (in this or another process) safe. Returns the names removed.
 */
export async function removeOrphanFiles(deps: {
  db: Knex;
  uploadDir: string;
  now: Date;
  graceMs: number;
  logger?: Logger;
}): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await listOrphanFiles(deps)) {
    const file = path.join(deps.uploadDir, name);
    try {
      const stat = await fs.stat(file);
      if (deps.now.getTime() - stat.mtimeMs < deps.graceMs) continue;
      // Checked again just before removing: a row may have been committed meanwhile.
      if ((await documentsRepository(deps.db).allStoredNames()).has(name)) continue;
      await fs.rm(file, { force: true });
      removed.push(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (removed.length > 0) deps.logger?.warn({ removed }, 'orphan upload files removed');
  return removed;
}
