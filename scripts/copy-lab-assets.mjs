/**
 * Copies the Lab's files that tsc does not emit (style sheets, the Kernels view's photos and their
 * licence notes) from lab/src into dist/lab beside the compiled modules, so that
 * new URL('./photos/x.jpg', import.meta.url) and the style sheets resolve in the built Lab as in
 * the sources. Each file is written to a temporary name and renamed, so a reader never sees half.
 */
import { copyFileSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = join(ROOT, 'lab/src');
const TARGET = join(ROOT, 'dist/lab');
const ASSETS = new Set(['.css', '.jpg', '.png', '.md']);

function* assets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* assets(path);
    else if (entry.isFile() && ASSETS.has(extname(entry.name))) yield path;
  }
}

let copied = 0;
for (const source of assets(SOURCE)) {
  const target = join(TARGET, relative(SOURCE, source));
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  copyFileSync(source, temporary);
  renameSync(temporary, target);
  copied++;
}
console.log(`[lab] copied ${copied} style sheets and photos into dist/lab`);
