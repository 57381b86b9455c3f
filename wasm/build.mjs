#!/usr/bin/env node
// Builds the Fovea WebAssembly kernels with the AssemblyScript compiler from node_modules.
//
//   node wasm/build.mjs            -> wasm/build/fovea-simd.wasm, wasm/build/fovea-relaxed.wasm
//
// Both variants import a shared memory ('env.memory', so worker threads can share it) and use the
// minimal stub runtime (the kernels never allocate). The relaxed variant adds relaxed-simd (FMA);
// the loader picks it only when WebAssembly.validate accepts it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { generate } from './gen-microkernels.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outDir = here('./build/');
mkdirSync(outDir, { recursive: true });
generate();

// Memory limits in 64 KiB pages. Must match src/backend/wasm/loader.ts.
export const INITIAL_PAGES = 256; // 16 MiB
export const MAXIMUM_PAGES = 32768; // 2 GiB

const common = [
  here('./assembly/index.ts'),
  '-O3', '--converge', '--noAssert',
  '--runtime', 'stub',
  '--importMemory', '--sharedMemory',
  '--initialMemory', String(INITIAL_PAGES), '--maximumMemory', String(MAXIMUM_PAGES),
  '--enable', 'simd', '--enable', 'threads',
  '--uncheckedBehavior', 'always',
  '--use', 'abort=',
];

const variants = [
  { name: 'fovea-simd', extra: [] },
  { name: 'fovea-relaxed', extra: ['--enable', 'relaxed-simd'] },
];

let failed = false;
for (const v of variants) {
  const out = `${outDir}${v.name}.wasm`;
  const args = [...common, ...v.extra, '--outFile', out, '--textFile', `${outDir}${v.name}.wat`];
  const { error, stderr } = await asc.main(args, {});
  if (error) {
    failed = true;
    console.error(`[wasm] ${v.name}: ${error.message}\n${stderr.toString()}`);
  } else {
    console.log(`[wasm] built ${out}`);
  }
}
writeFileSync(`${outDir}.gitignore`, '*.wat\n');
if (failed) process.exit(1);
