/**
 * Node-only test helper: the PyTorch reference vectors (../shared/reference/reference-1.json, see
 * its README) with one typed interface per op. Values are NCHW / OIHW and float64; convert layouts
 * with ./layouts.ts.
 *
 * Example: `for (const c of referenceCases('conv2d')) conv(nchwToNhwc(c.x, c.x_shape), ...)`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReferenceCase, ReferenceFile } from './reference-cases.js';

type Pair = [number, number];
/** [top, bottom, left, right], as in the file. */
type Padding = [number, number, number, number];

export interface ConvCase {
  op: 'conv2d';
  x_shape: number[]; x: number[]; w_shape: number[]; w: number[]; b: number[] | null;
  stride: Pair; padding: Padding; dilation: Pair;
  y_shape: number[]; y: number[]; dy: number[]; dx: number[]; dw: number[]; db: number[] | null;
}

export interface PoolCase {
  op: 'max_pool2d' | 'min_pool2d' | 'avg_pool2d';
  pool: Pair; stride: Pair; padding: Padding;
  x_shape: number[]; x: number[]; y_shape: number[]; y: number[]; dy: number[]; dx: number[];
}

/** y = x @ w + b with w as [in, out]. */
export interface DenseCase {
  op: 'dense';
  x_shape: number[]; x: number[]; w_shape: number[]; w: number[]; b: number[];
  y_shape: number[]; y: number[]; dy: number[]; dx: number[]; dw: number[]; db: number[];
}

export interface ActivationCase {
  op: 'activation';
  name: string; x_shape: number[]; x: number[]; y: number[]; dy: number[]; dx: number[];
}

/** The input and gradient fields differ per loss (logits/dlogits, probs/dprobs, pred/dpred ...). */
export interface LossCase {
  op: 'loss';
  name: string; loss: number;
  [field: string]: unknown;
}

export interface CasesByOp {
  conv2d: ConvCase; max_pool2d: PoolCase; min_pool2d: PoolCase; avg_pool2d: PoolCase;
  dense: DenseCase; activation: ActivationCase; loss: LossCase;
}

// Tests run with cwd = the repo root, the shared copy beside it; the module's own location
// (dist/src/testing/ -> repo root) covers a test started from elsewhere.
const MODULE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SHARED_REFERENCE = join(process.cwd(), '..', 'shared', 'reference', 'reference-1.json');
export const SHIPPED_REFERENCE = join(process.cwd(), 'fixtures', 'reference-1.json');
const CANDIDATES = [SHARED_REFERENCE, SHIPPED_REFERENCE,
  join(MODULE_ROOT, '..', 'shared', 'reference', 'reference-1.json'), join(MODULE_ROOT, 'fixtures', 'reference-1.json')];

/** The first reference file found (the shared copy, else the identical shipped one), or undefined. */
export function findReferenceFile(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

const cache = new Map<string, ReferenceFile>();

/**
 * The parsed file at `path` (default: findReferenceFile()), read once per process. Deep-frozen
 * because every test shares it: a test that wants to alter a case must structuredClone it first.
 */
export function referenceFile(path = findReferenceFile()): ReferenceFile {
  if (path === undefined) throw new Error(`reference-1.json not found; looked in ${CANDIDATES.join(', ')}`);
  let file = cache.get(path);
  if (file === undefined) {
    file = deepFreeze(JSON.parse(readFileSync(path, 'utf8')) as ReferenceFile);
    cache.set(path, file);
  }
  return file;
}

/** Every case of `op`, in file order. */
export function referenceCases<K extends keyof CasesByOp>(op: K): CasesByOp[K][] {
  return referenceFile().cases.filter((c: ReferenceCase) => c.op === op) as unknown as CasesByOp[K][];
}
