/**
 * The size of Fovea's core in a user's browser bundle: esbuild bundles, minifies and splits a
 * small app (`import { Sequential, Conv2D, ... } from 'fovea'`, the backend setup and a fit), and
 * this counts what the page loads before any feature imports more: the entry chunk and the chunks
 * it imports statically. Chunks behind a dynamic import (ONNX export's protobufjs, Vega, h5wasm,
 * the TensorFlow.js saver) are listed apart. Sizes are minified bytes and gzip -9 bytes per file,
 * as a server sends them.
 *
 *   node bench/bundle-size.mjs          # prints one JSON line
 *   npm test                            # test/bundle-size.test.ts holds the core under 80 kB gzip
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The app measured: what the README's seed program needs in a browser. */
export const CORE_APP = `import { Conv2D, Dense, Flatten, MaxPooling2D, Sequential, getBackendStatus, toCategorical, useWasmBackendInBrowser } from 'fovea';
export async function train(x, labels) {
  await useWasmBackendInBrowser({ kernelsUrl: '/kernels/' });
  const model = new Sequential({ seed: 1 });
  model.add(new Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1] }));
  model.add(new MaxPooling2D([2, 2]));
  model.add(new Flatten());
  model.add(new Dense(10, { activation: 'softmax' }));
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  await model.fit(x, toCategorical(labels, 10), { epochs: 1 });
  return String(getBackendStatus());
}
`;

/** Bundles `source` (an app importing 'fovea') and returns the sizes of what loads at start and what loads later. */
export async function measureBundle(source = CORE_APP) {
  const esbuild = await import('esbuild');
  const work = await mkdtemp(join(tmpdir(), 'fovea-bundle-size-'));
  try {
    await mkdir(join(work, 'node_modules'));
    await symlink(ROOT, join(work, 'node_modules/fovea'), 'dir');
    await writeFile(join(work, 'app.js'), source);
    const out = join(work, 'out');
    const result = await esbuild.build({
      entryPoints: [join(work, 'app.js')], bundle: true, format: 'esm', splitting: true, minify: true,
      platform: 'browser', outdir: out, metafile: true, logLevel: 'error', absWorkingDir: work,
    });
    const outputs = result.metafile.outputs;
    // Dynamic imports are entry points in the metafile too: the app's own is the one page load starts from.
    const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint === 'app.js');
    const initial = new Set();
    const visit = (file) => {
      if (initial.has(file)) return;
      initial.add(file);
      for (const imp of outputs[file].imports) if (imp.kind === 'import-statement') visit(imp.path);
    };
    visit(entry);
    const sizes = async (files) => {
      let min = 0, gzip = 0;
      for (const file of files) {
        const bytes = await readFile(join(work, file));
        min += bytes.length;
        gzip += gzipSync(bytes, { level: 9 }).length;
      }
      return { min, gzip };
    };
    const lazy = Object.keys(outputs).filter((f) => !initial.has(f) && f.endsWith('.js'));
    return { initial: await sizes([...initial]), lazy: await sizes(lazy), initialFiles: initial.size, lazyFiles: lazy.length };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await measureBundle()));
}
