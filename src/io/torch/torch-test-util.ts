/**
 * Helpers for the PyTorch file tests: the fixture real torch wrote (test/fixtures/torch, made by
 * scripts/torch-fixtures.py), fixtures made at test time by real torch when it is installed, and
 * hand-made archives for the refusal tests.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../backend/engine.js';
import type { Tensor } from '../../tensor/tensor.js';
import { writeZip } from '../keras/zip-archive.js';

export const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
export const SHIPPED_FIXTURES = join(ROOT, 'test/fixtures/torch');

export interface TorchTensorJson {
  shape: number[];
  dtype: string;
  values: number[];
}

/** What torch said a fixture holds (see scripts/torch-fixtures.py). */
export interface TorchFixture {
  bytes: Uint8Array;
  tensors: Record<string, TorchTensorJson>;
  input?: TorchTensorJson;
  output?: TorchTensorJson;
}

export function readFixture(dir: string, name: string): TorchFixture {
  const doc = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Omit<TorchFixture, 'bytes'>;
  return { bytes: new Uint8Array(readFileSync(join(dir, `${name}.pt`))), ...doc };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Asserts that Fovea's tensor holds what torch said, to `tolerance`. */
export function assertTensorLike(got: Tensor | undefined, want: TorchTensorJson, key: string, tolerance = 1e-6): void {
  assert.ok(got !== undefined, `'${key}' is missing`);
  assert.deepEqual(got.shape, want.shape, `'${key}' shape`);
  const diff = maxAbsDiff(got.dataSync(), want.values);
  assert.ok(diff <= tolerance, `'${key}': max abs diff ${diff} > ${tolerance}`);
}

/**
 * The Python that imports torch (scripts/torch-python.sh), or a reason to skip. Under CI (CI set)
 * a missing torch fails instead: .ci/run installs it first (scripts/install-torch.sh).
 */
export function torchPython(): { python: string } | { skip: string } {
  const found = spawnSync('bash', [join(ROOT, 'scripts/torch-python.sh')], { encoding: 'utf8' });
  if (found.status === 0) return { python: found.stdout.trim() };
  const reason = `real PyTorch is not installed (${found.stderr.trim()})`;
  if (process.env['CI'] !== undefined) throw new Error(`${reason}; CI must have it (.ci/run calls scripts/install-torch.sh)`);
  return { skip: reason };
}

/** Runs a Python script of this repo with the torch interpreter; returns its stdout. */
export function runPython(python: string, script: string, args: string[]): string {
  const run = spawnSync(python, [join(ROOT, script), ...args], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(run.status, 0, `${script} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** NCHW values as NHWC (torch inputs for Keras-style models). */
export function nchwToNhwc(values: readonly number[], [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    out[((b * h + y) * w + x) * c + ch] = values[((b * c + ch) * h + y) * w + x];
  }
  return out;
}

/** A torch.save-style archive from a pickle and storages (`data/<key>`), in folder `archive/`. */
export function torchArchive(pickle: Uint8Array, storages: Record<string, Uint8Array> = {}, extra: [string, Uint8Array][] = []): Uint8Array {
  return writeZip([
    ['archive/data.pkl', pickle],
    ...Object.entries(storages).map(([k, v]): [string, Uint8Array] => [`archive/data/${k}`, v]),
    ...extra,
    ['archive/version', new TextEncoder().encode('3\n')],
  ]);
}
