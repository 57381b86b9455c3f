/**
 * A small builder for ONNX graphs: nodes, initializers and unique value names, plus the layout
 * bookkeeping of NHWC export. Each value carries the *logical* (Fovea, channels-last) shape and a
 * permutation `perm` with `onnxValue = transpose(logical, perm)`, so a convolution can ask for
 * NCHW and a Flatten for the logical order, and a Transpose is inserted only where the layouts
 * differ: a chain of NHWC convolutions and pools runs in NCHW without any transposes in between.
 */
import type { SymbolicShape } from '../../layers/layer.js';
import { ATTR, ONNX_FLOAT, ONNX_INT64 } from './onnx-codes.js';

export interface OnnxValue {
  name: string;
  /** Fovea's shape of the tensor (batch axis null). */
  shape: SymbolicShape;
  /** ONNX value = transpose(logical, perm); null is the identity. */
  perm: number[] | null;
}

export type AttrValue = number | number[] | { float: number } | { floats: number[] };

interface Attribute {
  name: string;
  type: number;
  i?: number;
  f?: number;
  ints?: number[];
  floats?: number[];
}

export interface NodeRecord {
  opType: string;
  input: string[];
  output: string[];
  name: string;
  attribute: Attribute[];
}

export interface TensorRecord {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

export const identity = (rank: number): number[] => Array.from({ length: rank }, (_, i) => i);

/** NHWC logical -> NCHW value (and in general: channels (last axis) moved to axis 1). */
export function channelsFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...identity(rank).slice(1, rank - 1)];
}

function toAttribute(name: string, value: AttrValue): Attribute {
  if (typeof value === 'number') return { name, type: ATTR.INT, i: value };
  if (Array.isArray(value)) return { name, type: ATTR.INTS, ints: value };
  if ('float' in value) return { name, type: ATTR.FLOAT, f: value.float };
  return { name, type: ATTR.FLOATS, floats: value.floats };
}

/** `values` (row-major, `shape`) with axes permuted: out = transpose(values, perm). */
export function permuteValues(values: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const out = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let at = 0;
    for (let k = 0; k < rank; k++) at += index[k] * inStrides[perm[k]];
    out[o] = values[at];
    for (let k = rank - 1; k >= 0; k--) {
      if (++index[k] < outShape[k]) break;
      index[k] = 0;
    }
  }
  return out;
}

export class OnnxGraph {
  readonly nodes: NodeRecord[] = [];
  readonly initializers: TensorRecord[] = [];
  private readonly used = new Set<string>();

  /** A fresh value name under `base` ('conv2d/out', 'conv2d/out_1', ...). */
  fresh(base: string): string {
    let name = base;
    for (let n = 1; this.used.has(name); n++) name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): void {
    this.used.add(name);
  }

  /** Adds a node and returns its (single) output name. */
  node(opType: string, inputs: string[], scope: string, attrs: Record<string, AttrValue> = {}, output?: string): string {
    const out = output ?? this.fresh(`${scope}/${opType}`);
    if (output !== undefined) this.reserve(output);
    this.nodes.push({
      opType, input: inputs, output: [out], name: this.fresh(`${scope}/${opType}_node`),
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return out;
  }

  floatTensor(scope: string, dims: number[], values: Float32Array): string {
    const name = this.fresh(scope);
    const own = values.slice();
    this.initializers.push({ name, dims, dataType: ONNX_FLOAT, rawData: new Uint8Array(own.buffer) });
    return name;
  }

  scalar(scope: string, value: number): string {
    return this.floatTensor(scope, [], Float32Array.of(value));
  }

  int64Tensor(scope: string, values: number[]): string {
    const name = this.fresh(scope);
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: ONNX_INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** `v`'s ONNX name in the layout `want` (onnx = transpose(logical, want)), adding a Transpose if needed. */
  layout(v: OnnxValue, want: number[] | null, scope: string): string {
    const rank = v.shape.length;
    const have = v.perm ?? identity(rank);
    const target = want ?? identity(rank);
    if (have.every((p, i) => p === target[i])) return v.name;
    // transpose(transpose(L, have), r) = transpose(L, have o r); need have[r[i]] = target[i].
    const r = target.map((t) => have.indexOf(t));
    return this.node('Transpose', [v.name], scope, { perm: r });
  }
}

/** Position of logical axis `axis` inside a value laid out with `perm`. */
export function valueAxis(axis: number, perm: number[] | null): number {
  return perm === null ? axis : perm.indexOf(axis);
}
