/**
 * A model folder written as one set. Rewriting files in place cannot be atomic for a set (a kill
 * between two files leaves shards of two saves under one model.json), and renaming a folder over a
 * non-empty folder is not atomic on POSIX. So every save writes its shards under names of its own
 * (`group1-shard1of6.<save id>.bin`) next to the current ones, then installs its model.json, which
 * names them, with one rename, after flushing every file. A reader opening model.json finds the old
 * set or the new set, whole (a reader whose set is removed under it reads the new one: file-system.ts).
 *
 * Afterwards the save removes what no model.json names any more: shards of older saves and the
 * files of killed saves. Files of saves that may still be running are kept: a running save holds a
 * lock file `.model.json.<save id>.saving` (holding the host name) from before its first file until
 * after its rename, and its process is alive. The liveness checks come before model.json is read,
 * so a save that finishes meanwhile has already installed its model.json, whose shards stay. Two
 * savers at once thus both succeed and the folder ends with the set of whichever renamed last.
 *
 * With a manifest named `<stem>.json` other than model.json, shard names start with `<stem>.`, so
 * models sharing a folder never remove each other's shards.
 */
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { artifactsToFiles } from '../../io/layers-format.js';
import type { HandlerSaveOptions, ModelArtifacts } from '../../io/types.js';
import { escapeRegExp, syncDir, tempPathFor, writeNewFile } from './atomic-write.js';
import { beginSave, endSave, mayBeRunning, pidOf, SAVE_ID, UNOWNED_STALE_MS } from './save-owner.js';
import { saveStep } from './save-steps.js';

/** A lock naming another host is trusted this long (its process cannot be checked from here). */
const FOREIGN_LOCK_MS = 24 * 60 * 60 * 1000;

/** The file names one manifest's saves use, and patterns that recognise them. */
interface SetNames {
  /** model.json's name. */
  manifest: string;
  /** Start of its shard names: '' for model.json, '<stem>.' for <stem>.json. */
  prefix: string;
  lock(id: string): string;
  /** A shard of this manifest; group 1 is the save id (undefined: an unversioned shard of an older version). */
  shard: RegExp;
  /** A temporary manifest or lock of one save; group 1 is its id. */
  inProgress: RegExp;
  /** A temporary file without a save id, as older versions wrote them. */
  unowned: RegExp;
}

function setNames(manifest: string): SetNames {
  const prefix = manifest === 'model.json' ? '' : `${manifest.replace(/\.json$/, '')}.`;
  const m = escapeRegExp(manifest);
  const shard = `${escapeRegExp(prefix)}group\\d+-shard\\d+of\\d+`;
  return {
    manifest,
    prefix,
    lock: (id) => `.${manifest}.${id}.saving`,
    shard: new RegExp(`^${shard}(?:\\.(${SAVE_ID}))?\\.bin$`),
    inProgress: new RegExp(`^\\.${m}\\.(${SAVE_ID})\\.(?:tmp|saving)$`),
    unowned: new RegExp(`^\\.(?:${m}|${shard}\\.bin)\\.[0-9a-f]{12}\\.tmp$`),
  };
}

/** Whether save `id` may still be writing into `dir` (see the header). */
async function saveMayBeRunning(dir: string, names: SetNames, id: string): Promise<boolean> {
  if (pidOf(id) === process.pid) return mayBeRunning(id);
  const lock = join(dir, names.lock(id));
  let host: string;
  let ageMs: number;
  try {
    [host, ageMs] = await Promise.all([readFile(lock, 'utf8'), stat(lock).then((s) => Date.now() - s.mtimeMs)]);
  } catch {
    return false; // no lock: the save finished (or its lock was removed as stale)
  }
  // An empty lock was just created by a save that has not written the host name yet.
  if (host !== '' && host !== hostname()) return ageMs < FOREIGN_LOCK_MS;
  return mayBeRunning(id);
}

/** The shard names the manifest in `dir` lists; null when it cannot be read as one (then nothing is removed). */
async function namesInManifest(path: string): Promise<Set<string> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? new Set() : null;
  }
  try {
    const groups = (JSON.parse(text) as { weightsManifest?: { paths: string[] }[] }).weightsManifest ?? [];
    return new Set(groups.flatMap((g) => g.paths.map((p) => p.replace(/^(\.\/)+/, ''))));
  } catch {
    return null;
  }
}

async function isOld(path: string): Promise<boolean> {
  return stat(path).then((s) => Date.now() - s.mtimeMs > UNOWNED_STALE_MS, () => false);
}

/**
 * Removes, from `dir`, shards no manifest names and files of killed saves, keeping everything of
 * saves that may still run. Best effort: the new set is already installed.
 */
async function removeStaleFiles(dir: string, names: SetNames, ownId: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const idOf = (name: string): string | undefined => (names.shard.exec(name) ?? names.inProgress.exec(name))?.[1];
  const ids = new Set(entries.map(idOf).filter((id): id is string => id !== undefined && id !== ownId));
  const running = new Set<string>();
  for (const id of ids) if (await saveMayBeRunning(dir, names, id)) running.add(id);
  // Read only now: a save found finished above has installed its manifest before dropping its lock.
  const listed = await namesInManifest(join(dir, names.manifest));
  if (listed === null) return;
  const isStale = async (name: string): Promise<boolean> => {
    const id = idOf(name);
    if (id !== undefined && running.has(id)) return false;
    if (names.shard.test(name)) return !listed.has(name);
    if (id !== undefined) return id !== ownId; // a dead save's manifest or lock (this save's own are gone already)
    return names.unowned.test(name) && (await isOld(join(dir, name)));
  };
  for (const name of entries) {
    if (!(await isStale(name))) continue;
    await rm(join(dir, name), { force: true }).catch(() => {});
    await saveStep('stale file removed');
  }
}

/** Writes `artifacts` as a new set of files and installs it as `json` (model.json); returns the paths written and model.json's size. */
export async function saveModelFolder(json: string, artifacts: ModelArtifacts, options: HandlerSaveOptions = {}): Promise<{ paths: string[]; modelJsonBytes: number }> {
  const dir = dirname(json);
  const names = setNames(basename(json));
  const id = beginSave();
  const written: string[] = [];
  let installed = false;
  try {
    const files = artifactsToFiles(artifacts, { ...options, shardPrefix: names.prefix, shardSuffix: `.${id}` });
    await mkdir(dir, { recursive: true });
    const lock = join(dir, names.lock(id));
    written.push(lock);
    await writeNewFile(lock, new TextEncoder().encode(hostname()));
    const shards = [...files.shards.keys()].map((name) => join(dir, name));
    for (const [i, path] of shards.entries()) {
      written.push(path);
      await writeNewFile(path, files.shards.get(basename(path)) as Uint8Array);
      await saveStep(`shard ${i + 1} of ${shards.length} written`);
    }
    const temp = tempPathFor(json, id);
    written.push(temp);
    await writeNewFile(temp, files.modelJson);
    await saveStep('manifest written');
    await syncDir(dir); // the shards' names are on disk before a manifest names them
    await rename(temp, json);
    installed = true;
    await saveStep('manifest renamed');
    await syncDir(dir);
    // The lock only protects files no manifest names yet. Dropped before the cleanup, it lets a
    // concurrent save that installs later remove this save's shards; and this cleanup reads the
    // manifest after any save that still held its lock: of two savers, the last one to clean up
    // sees the final manifest, so no superseded set stays behind.
    await rm(lock, { force: true });
    await saveStep('lock removed');
    await removeStaleFiles(dir, names, id);
    return { paths: [json, ...shards], modelJsonBytes: files.modelJson.byteLength };
  } catch (e) {
    // Before the rename nothing names this save's files; after it they are the model.
    const remove = installed ? written.slice(0, 1) : written;
    await Promise.all(remove.map((p) => rm(p, { force: true }).catch(() => {})));
    throw e;
  } finally {
    endSave(id);
  }
}
