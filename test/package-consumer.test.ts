/**
 * The published declarations compile in a user's project (issue 16, item 2), with the newest
 * TypeScript and with 5.x, `strict` and `skipLibCheck: false`:
 * - a Node project (typescript + @types/node, lib without DOM) importing `fovea`;
 * - a browser project (typescript only, no @types/node anywhere) importing `fovea/core`, and `fovea`
 *   through the `browser` condition.
 * The package is packed and unpacked into node_modules as npm lays it out, next to its runtime
 * dependencies taken from this repository's install (so the test runs offline from the lock file).
 * The compilers are the devDependencies `typescript` (5.x) and `typescript-7` (npm:typescript@^7).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { withTempDir } from '../src/node/temp-dir-test-util.js';
import { npmPack, REPO_ROOT, runCommand } from './package-test-util.js';

const COMPILERS = { 'TypeScript 5': 'typescript', 'TypeScript 7': 'typescript-7' } as const;

const NODE_CONSUMER = `import { Conv2D, Dense, Flatten, Sequential, callbacks, loadMnist, readImage, tensor, type Tensor } from 'fovea';

const model = new Sequential({ seed: 1 });
model.add(new Conv2D(8, 3, { activation: 'relu', inputShape: [28, 28, 1] }));
model.add(new Flatten());
model.add(new Dense(10, { activation: 'softmax' }));
model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
const checkpoint = new callbacks.ModelCheckpoint('./model');
export const run = async (): Promise<Tensor> => {
  const { testImages } = loadMnist();
  await readImage('digit.png');
  void checkpoint;
  return model.predict(testImages) as Tensor;
};
export const t: Tensor = tensor([1, 2, 3]);
`;

const CORE_CONSUMER = `import { Conv2D, Sequential, fetchMnist, getBackendStatus, nn, tensor, useWasmBackendInBrowser, type BackendStatus, type Mnist } from 'fovea/core';
import 'fovea/browser-worker';

const model = new Sequential();
model.add(new Conv2D(4, 3, { padding: 'same', inputShape: [8, 8, 1] }));
export const ready: Promise<BackendStatus> = useWasmBackendInBrowser({ kernelsUrl: '/kernels/', workerUrl: '/browser-worker.js', fallback: 'throw' });
export const line: string = String(getBackendStatus());
export const reason: string | undefined = getBackendStatus().reason;
export const mnist: Promise<Mnist> = fetchMnist('/mnist/', { limitTrain: 100 });
export const linear = new nn.Linear(4, 2);
export const y = model.predict(tensor([[1]]));
`;

const BROWSER_CONSUMER = `import { Sequential, fetchMnist } from 'fovea';
// @ts-expect-error: under the browser condition 'fovea' is the core, which has no loadMnist (fetchMnist loads MNIST by URL)
import { loadMnist } from 'fovea';

export const mnist = fetchMnist('/mnist/');

export const model = new Sequential();
void loadMnist;
`;

const STRICT = { strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022' };

const packDir = await mkdtemp(join(tmpdir(), 'fovea-pack-'));
after(() => rm(packDir, { recursive: true, force: true }));
const tarball = join(packDir, (await npmPack(packDir)).filename);

test('the Node entry type-checks in a Node project (typescript + @types/node, no DOM lib)', async (t) => {
  await withTempDir('consumer-node', async (dir) => {
    await layOutProject(dir, ['@types/node']);
    await writeFile(join(dir, 'main.ts'), NODE_CONSUMER);
    await writeJson(join(dir, 'tsconfig.json'), {
      compilerOptions: { ...STRICT, module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'ESNext.Disposable'] },
      files: ['main.ts'],
    });
    for (const [name, compiler] of Object.entries(COMPILERS)) {
      const { code, files, errors } = await typeCheck(dir, compiler);
      t.diagnostic(`${name}: exit ${code}, ${files.length} files in the program`);
      assert.equal(code, 0, `${name} rejects the Node entry's declarations:\n${errors}`);
    }
  });
});

test('the core (fovea/core and the browser condition) type-checks with no Node types installed', async (t) => {
  await withTempDir('consumer-core', async (dir) => {
    await layOutProject(dir, []);
    await writeFile(join(dir, 'core.ts'), CORE_CONSUMER);
    await writeFile(join(dir, 'browser.ts'), BROWSER_CONSUMER);
    await writeJson(join(dir, 'tsconfig.json'), {
      compilerOptions: {
        ...STRICT, module: 'ESNext', moduleResolution: 'bundler', customConditions: ['browser'], lib: ['ES2022', 'ESNext.Disposable', 'DOM'],
      },
      files: ['core.ts', 'browser.ts'],
    });
    for (const [name, compiler] of Object.entries(COMPILERS)) {
      const { code, files, errors } = await typeCheck(dir, compiler);
      t.diagnostic(`${name}: exit ${code}, ${files.length} files in the program`);
      assert.equal(code, 0, `${name} rejects the core declarations:\n${errors}`);
      assert.ok(files.some((f) => f.includes('/node_modules/fovea/dist/src/index.d.ts')), `${name}: the program did not load fovea's core`);
      assert.deepEqual(files.filter((f) => f.includes('@types/node')), [], `${name}: the core's program includes Node's types`);
    }
  });
});

/**
 * A consumer project: `fovea` unpacked from the tarball, and the closure of its runtime
 * dependencies (plus `extra`) linked from this repository's node_modules, as a hoisted install lays them out.
 */
async function layOutProject(dir: string, extra: string[]): Promise<void> {
  await writeJson(join(dir, 'package.json'), { name: 'consumer', private: true, type: 'module' });
  const modules = join(dir, 'node_modules');
  await mkdir(join(modules, 'fovea'), { recursive: true });
  const untar = await runCommand('tar', ['-xzf', tarball, '-C', join(modules, 'fovea'), '--strip-components=1'], dir);
  assert.equal(untar.code, 0, untar.output);
  const manifest = JSON.parse(await readFile(join(modules, 'fovea', 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of await dependencyClosure([...Object.keys(manifest.dependencies ?? {}), ...extra])) {
    await mkdir(join(modules, name, '..'), { recursive: true });
    await symlink(join(REPO_ROOT, 'node_modules', name), join(modules, name), 'dir');
  }
}

/** `names` and everything they depend on at run time, by the lock file's hoisted entries. */
async function dependencyClosure(names: string[]): Promise<Set<string>> {
  const lock = JSON.parse(await readFile(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dependencies?: Record<string, string> }>;
  };
  const closure = new Set<string>();
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (closure.has(name)) continue;
    const entry = lock.packages[`node_modules/${name}`];
    assert.ok(entry, `package-lock.json has no node_modules/${name}`);
    closure.add(name);
    pending.push(...Object.keys(entry.dependencies ?? {}));
  }
  return closure;
}

/**
 * Runs a compiler from this repository's devDependencies on the project. `files` lists what the
 * program loaded (--listFiles); `errors` the diagnostics.
 */
async function typeCheck(dir: string, compiler: string): Promise<{ code: number; files: string[]; errors: string }> {
  const { code, output } = await runCommand(process.execPath, [join(REPO_ROOT, 'node_modules', compiler, 'bin', 'tsc'), '-p', dir, '--listFiles'], dir);
  const lines = output.split('\n');
  return { code, files: lines.filter((l) => l.startsWith('/')), errors: lines.filter((l) => !l.startsWith('/')).join('\n').trim() };
}

function writeJson(path: string, value: unknown): Promise<void> {
  return writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

test('an app bundles with esbuild from the installed package alone (no optional peers), worker entry included', async () => {
  const esbuild = await import('esbuild');
  await withTempDir('consumer-bundle', async (dir) => {
    await layOutProject(dir, []);
    await writeFile(join(dir, 'app.js'), `import { Sequential, Conv2D, exportOnnx, fetchMnist, loadKeras, useWasmBackendInBrowser } from 'fovea';
export { Sequential, Conv2D, exportOnnx, fetchMnist, loadKeras, useWasmBackendInBrowser };
`);
    const built = await esbuild.build({
      entryPoints: { app: join(dir, 'app.js'), 'browser-worker': 'fovea/browser-worker' }, absWorkingDir: dir, bundle: true,
      format: 'esm', splitting: true, platform: 'browser', outdir: join(dir, 'out'), logLevel: 'silent', write: false,
    });
    assert.deepEqual(built.errors, []);
    assert.ok(built.outputFiles.some((f) => f.path.endsWith('browser-worker.js')), 'the worker entry is emitted');
  });
});
