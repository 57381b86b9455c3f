#!/usr/bin/env node
// Builds the Fovea WebAssembly kernels with the AssemblyScript compiler from node_modules.
//
//   node wasm/build.mjs  -> wasm/build/fovea-simd.wasm, wasm/build/fovea-relaxed.wasm (the library's),
//                           wasm/build/fovea-bench.wasm (micro-benchmarks only, never shipped),
//                           src/backend/wasm/generated/*.ts (the typed boundary, gen-declarations.mjs)
//
// All variants import a shared memory ('env.memory', so worker threads can share it) and use the
// minimal stub runtime (the kernels never allocate). The relaxed variant adds relaxed-simd (FMA);
// the loader picks it only when WebAssembly.validate accepts it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { generateDeclarations } from './gen-declarations.mjs';
import { generate } from './gen-microkernels.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outDir = here('./build/');
mkdirSync(outDir, { recursive: true });
generate();

// Memory limits in 64 KiB pages. Must match src/backend/wasm/loader.ts.
export const INITIAL_PAGES = 256; // 16 MiB
export const MAXIMUM_PAGES = 32768; // 2 GiB

const options = [
  '-O3', '--converge', '--noAssert',
  '--runtime', 'stub',
  '--importMemory', '--sharedMemory',
  '--initialMemory', String(INITIAL_PAGES), '--maximumMemory', String(MAXIMUM_PAGES),
  '--enable', 'simd', '--enable', 'threads',
  '--uncheckedBehavior', 'always',
  '--use', 'abort=',
];

// The simd build also writes the compiler's declarations of its exports (bindings do not change
// the module's bytes); they become the generated TypeScript boundary.
const variants = [
  { name: 'fovea-simd', entry: './assembly/index.ts', extra: ['--bindings', 'raw'] },
  { name: 'fovea-relaxed', entry: './assembly/index.ts', extra: ['--enable', 'relaxed-simd'] },
  { name: 'fovea-bench', entry: './assembly/bench.ts', extra: [] },
];

let failed = false;
for (const v of variants) {
  const out = `${outDir}${v.name}.wasm`;
  const args = [here(v.entry), ...options, ...v.extra, '--outFile', out, '--textFile', `${outDir}${v.name}.wat`];
  const { error, stderr } = await asc.main(args, {});
  if (error) {
    failed = true;
    console.error(`[wasm] ${v.name}: ${error.message}\n${stderr.toString()}`);
  } else {
    console.log(`[wasm] built ${out}`);
  }
}
if (!failed) {
  generateDeclarations(readFileSync(`${outDir}fovea-simd.d.ts`, 'utf8'));
  for (const f of ['fovea-simd.d.ts', 'fovea-simd.js']) rmSync(`${outDir}${f}`, { force: true });
  console.log('[wasm] wrote src/backend/wasm/generated/');
}
writeFileSync(`${outDir}.gitignore`, '*.wat\n');
if (failed) process.exit(1);
