/**
 * Uploaded files that must survive a crash once a person was told they were received
 * (docs/decisions/0003), and the path check that keeps UPLOAD_DIR out of the public directory.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** True when `child` is `parent` or lies inside it. */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Writes a file durably: exclusive create, contents, fsync, close. */
export async function writeDurably(file: string, data: Buffer): Promise<void> {
  const handle = await fs.open(file, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a directory's entries (a created or removed file name) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes files, ignoring ones already gone; returns those that could not be removed. */
export async function removeQuietly(files: string[]): Promise<string[]> {
  const failed: string[] = [];
  for (const file of files) {
    try {
      await fs.unlink(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') failed.push(file);
    }
  }
  return failed;
}
