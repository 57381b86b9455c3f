/**
 * Who owns the in-progress files of a save. Each save gets an id `<pid>-<8 hex>` that its
 * temporary files (and a folder save's shards and lock) carry in their names. The next save can
 * then tell the files of a save that may still be running, which it must keep, from the files a
 * killed save left behind, which it removes: a save of this process is running while its id is
 * registered here; a save of another process may be running while that process lives.
 *
 * Process ids are only meaningful on one machine (and in one container); folder saves also record
 * the host in their lock file (see shard-set.ts) so a save from another machine is never taken for dead.
 */
import { randomBytes } from 'node:crypto';

/** The pattern of a save id inside a file name. */
export const SAVE_ID = '\\d+-[0-9a-f]{8}';

/** Files whose names carry no save id (written by older versions) are stale once this old. */
export const UNOWNED_STALE_MS = 10 * 60 * 1000;

const running = new Set<string>();

/** A new save id, registered as running until `endSave`. */
export function beginSave(): string {
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  running.add(id);
  return id;
}

export function endSave(id: string): void {
  running.delete(id);
}

export function pidOf(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

function processAlive(pid: number): boolean {
  // pid 0 and negative pids address process groups: never probe those.
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the save `id` (made on this machine) may still be writing its files. */
export function mayBeRunning(id: string): boolean {
  const pid = pidOf(id);
  return pid === process.pid ? running.has(id) : processAlive(pid);
}
