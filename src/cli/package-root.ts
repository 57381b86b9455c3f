/** Finding files shipped with the package (fixtures/) from wherever the compiled CLI runs. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding Fovea's package.json. Searched upwards because the compiled file sits at
 * dist/src/cli/ while the sources sit at src/cli/.
 */
export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'fovea') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find Fovea's package.json above ${fileURLToPath(from)}`);
    dir = parent;
  }
}

/** The PyTorch reference vectors shipped with the package. */
export function shippedReferencePath(): string {
  return join(packageRoot(), 'fixtures', 'reference-1.json');
}

/** The `version` field of Fovea's package.json (what `fovea --version` prints). */
export function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`Fovea's package.json has no version string (found ${JSON.stringify(version)})`);
  return version;
}
