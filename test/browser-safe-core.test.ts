/** The core must run in browsers: only the Node edges may import Node built-ins. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const NODE_EDGES = [/^src\/node(\/|\.ts$)/, /^src\/cli\//, /^src\/data\/mnist\.ts$/, /\.test\.ts$/, /test-util\.ts$/];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('core modules import no Node built-ins', () => {
  const offenders: string[] = [];
  for (const file of sourceFiles('src')) {
    const rel = relative('.', file).replaceAll('\\', '/');
    if (NODE_EDGES.some((re) => re.test(rel))) continue;
    const imports = [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const spec of imports) if (builtins.has(spec)) offenders.push(`${rel} imports ${spec}`);
  }
  assert.deepEqual(offenders, []);
});
