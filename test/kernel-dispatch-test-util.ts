/**
 * Which wasm exports a kernel dispatched: the kernel tests check both the values and that the
 * kernel under test ran (not a fallback), on a named backend, and leave 'ref' selected after.
 */
import assert from 'node:assert/strict';
import { engine } from '../src/backend/engine.js';
import type { KernelAttrs, KernelId } from '../src/backend/kernels.js';
import type { Tensor } from '../src/tensor/tensor.js';
import type { WasmBackend } from '../src/backend/wasm/backend.js';

/** Runs `body` with `backend` selected and returns its result and the wasm exports it called. */
export function withDispatches<T>(backend: string, body: () => T): { result: T; calls: string[] } {
  engine.setBackend(backend);
  const calls: string[] = [];
  const ctx = (engine.backend as Partial<WasmBackend>).context;
  if (ctx !== undefined) ctx.onDispatch = (name) => calls.push(name);
  try {
    return { result: body(), calls };
  } finally {
    if (ctx !== undefined) ctx.onDispatch = null;
    engine.setBackend('ref');
  }
}

/** One kernel's values on a backend, and the wasm exports it dispatched. */
export function runKernelOn(backend: string, id: KernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown): { values: Float32Array; calls: string[] } {
  const { result, calls } = withDispatches(backend, () => Float32Array.from(engine.runKernel(id, inputs as never, attrs as KernelAttrs<typeof id>).dataSync() as Float32Array));
  return { values: result, calls };
}

/**
 * The conformance check of a wasm kernel: on `backends` (1 and 2 threads) it dispatched `kernel`
 * (not a fallback), the thread counts agree bit for bit, and the values are within 1e-5 of the
 * reference backend's, relative to the output's largest magnitude.
 */
export function checkKernelAgainstRef(title: string, backends: readonly [string, string], id: KernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown, kernel: string): void {
  const ref = runKernelOn('ref', id, inputs, attrs).values;
  const [one, two] = backends.map((b) => runKernelOn(b, id, inputs, attrs)) as [ReturnType<typeof runKernelOn>, ReturnType<typeof runKernelOn>];
  assert.ok(one.calls.includes(kernel), `${title}: expected ${kernel}, dispatched ${one.calls.join(', ')}`);
  assert.equal(one.values.length, ref.length, `${title}: output size`);
  assert.deepEqual(two.values, one.values, `${title}: 2 threads differ from 1 thread`);
  let scale = 0;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(one.values[i]! - ref[i]!));
  assert.ok(worst <= 1e-5 * Math.max(scale, 1), `${title}: max error ${worst} vs ref (scale ${scale})`);
}
