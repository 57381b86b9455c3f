/**
 * `fovea lab --out DIR`: the site as a folder any static host serves. Written to a temporary
 * folder beside DIR and renamed into place, so DIR is either absent, the previous export or the
 * complete new one, never half written. DIR must be new or a previous export (marked by a file),
 * so a mistyped path never replaces someone's folder.
 */
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type { LabSite } from './site.js';

/** The file that marks a folder as written by `fovea lab --out`. */
export const EXPORT_MARKER = '.fovea-lab';

async function replaceable(dir: string): Promise<boolean> {
  const info = await stat(dir).catch(() => null);
  if (info === null) return true;
  if (!info.isDirectory()) throw new Error(`fovea lab --out: ${dir} exists and is not a folder`);
  const names = await readdir(dir);
  if (names.length === 0 || names.includes(EXPORT_MARKER)) return true;
  throw new Error(`fovea lab --out: ${dir} already holds files that fovea lab did not write; choose a new or empty folder`);
}

async function writeSite(site: LabSite, dir: string): Promise<number> {
  let bytes = 0;
  for (const [path, entry] of site.entries) {
    const target = join(dir, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    if ('text' in entry) {
      await writeFile(target, entry.text);
      bytes += Buffer.byteLength(entry.text);
    } else {
      await copyFile(entry.file, target);
      bytes += (await stat(target)).size;
    }
  }
  await writeFile(join(dir, EXPORT_MARKER), 'Written by fovea lab --out; the next export replaces this folder.\n');
  return bytes;
}

/** Writes the site to `out` (atomically, see above); returns the number of files and bytes. */
export async function exportSite(site: LabSite, out: string): Promise<{ files: number; bytes: number }> {
  const dir = resolve(out);
  await replaceable(dir);
  const id = randomBytes(6).toString('hex');
  const temp = join(dirname(dir), `.${basename(dir)}.${id}.tmp`);
  const old = join(dirname(dir), `.${basename(dir)}.${id}.old`);
  try {
    const bytes = await writeSite(site, temp);
    const hadOld = await stat(dir).then(() => true, () => false);
    if (hadOld) await rename(dir, old);
    await rename(temp, dir);
    if (hadOld) await rm(old, { recursive: true, force: true });
    return { files: site.entries.size + 1, bytes };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
