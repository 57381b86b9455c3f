/**
 * The Node host of the wasm backend: worker_threads workers (unref'd, so they never keep the
 * process alive), the kernel bytes from wasm/build/ next to the package, and the V8 flags that
 * enable relaxed SIMD on Node 20 and compile every kernel with the optimizing tier up front.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { WasmVariant } from '../../backend/wasm/loader.js';
import type { PoolInit, PoolWorker, WasmPlatform } from '../../backend/wasm/platform.js';

/** wasm/build/ found by walking up from this file (works from src/ and dist/src/), or FOVEA_WASM_DIR. */
export function findKernelDir(): string {
  const fromEnv = process.env['FOVEA_WASM_DIR'];
  if (fromEnv) return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'wasm', 'build');
    if (existsSync(join(candidate, 'fovea-simd.wasm'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('wasm backend: wasm/build/fovea-simd.wasm not found; run `node wasm/build.mjs`');
}

let engineReady = false;

/**
 * Relaxed SIMD is behind a flag in Node 20's V8 (on by default from Node 22, where the flag is a
 * no-op). Liftoff off: V8 would otherwise run new wasm on its baseline compiler, and with no
 * on-stack replacement in wasm a long kernel call can stay on 4x slower code for its whole run.
 */
function prepareEngine(): void {
  if (engineReady) return;
  engineReady = true;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  setFlagsFromString('--no-liftoff');
  setFlagsFromString('--no-wasm-lazy-compilation');
}

function spawnWorker(init: PoolInit): PoolWorker {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
  worker.unref();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  ready.catch(() => { /* the pool keeps working without this worker */ });
  return { ready, terminate: () => void worker.terminate() };
}

export const nodePlatform: WasmPlatform = {
  name: 'node',
  hardwareConcurrency: () => availableParallelism(),
  readKernels: (variant: WasmVariant) => readFileSync(join(findKernelDir(), `fovea-${variant}.wasm`)),
  spawnWorker,
  prepareEngine,
};
