/**
 * PyTorch weights into Keras-style layers, with the layout changes done here:
 *   Conv2D  weight [out, in/groups, kh, kw] (OIHW)  ->  kernel [kh, kw, in/groups, out] (HWIO)
 *   Dense   weight [out, in]                        ->  kernel [in, out]
 *   Dense after Flatten of a [H, W, C] map: PyTorch flattened C,H,W; Fovea flattens H,W,C, so
 *           the kernel's rows are reordered too, and the model computes what the PyTorch one did.
 *   bias    [out] unchanged.
 * Layers are paired with PyTorch module prefixes ('0', 'features.3', 'fc1') in order: the Map's
 * order for a state dict, natural name order for safetensors bytes (the file does not keep module
 * order); pass `mapping` (layer name -> prefix) when those orders differ.
 *
 * Example: `loadPytorchWeights(model, readFileSync('lenet.safetensors'))`, or a `.pt` file from
 * `torch.save(model.state_dict(), ...)`: `loadPytorchWeights(model, readTorchFile(bytes))` (its
 * bytes alone work too: a zip is read as a `.pt` file, anything else as safetensors).
 */
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { tensor } from '../ops/create.js';
import { reshape, transpose } from '../ops/shape-ops.js';
import type { DataArray } from '../tensor/dtype.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { ModelFormatError } from './model-format-error.js';
import { entryValues, readSafetensors } from './safetensors.js';
import { readTorchFile } from './torch/read-torch-file.js';
import { shapeSize } from './weight-specs.js';

export interface StateDictValue {
  shape: readonly number[];
  values: DataArray | readonly number[];
}

export type StateDictLike = Uint8Array | ReadonlyMap<string, StateDictValue | Tensor> | Record<string, StateDictValue | Tensor>;

/** What this needs of a model: its layers and the input shape from its config. */
export interface LayeredModel {
  readonly name: string;
  readonly layers: Layer[];
  getConfig(): { layers: { className: string; config: Record<string, unknown> }[] };
}

interface Source {
  shape: number[];
  values: Float32Array;
}

const SOURCE = 'PyTorch state dict';

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** A zip archive starts with a local file header, 'PK\x03\x04'; safetensors with a length. */
function isZip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function readSource(source: StateDictLike): { entries: Map<string, Source>; ordered: boolean } {
  if (source instanceof Uint8Array && isZip(source)) return readSource(readTorchFile(source));
  if (source instanceof Uint8Array) {
    const file = readSafetensors(source, 'safetensors');
    const entries = new Map<string, Source>();
    for (const [name, e] of file.tensors) {
      // Integer buffers (e.g. BatchNorm's num_batches_tracked) are kept so the final check names them.
      const { dtype, values } = entryValues(e);
      entries.set(name, { shape: e.shape, values: dtype === 'float32' ? (values as Float32Array) : Float32Array.from(values) });
    }
    return { entries, ordered: false };
  }
  const list = source instanceof Map ? [...source] : Object.entries(source);
  const entries = new Map<string, Source>();
  for (const [name, v] of list as [string, StateDictValue | Tensor][]) {
    const shape = [...v.shape];
    const values = v instanceof Tensor ? Float32Array.from(v.dataSync()) : Float32Array.from(v.values);
    if (values.length !== shapeSize(shape)) throw new ModelFormatError(SOURCE, `tensor '${name}' has ${values.length} values for shape ${shapeToString(shape)}`);
    entries.set(name, { shape, values });
  }
  return { entries, ordered: true };
}

/** Module prefixes that own a `.weight`, in the order layers are paired with them. */
function prefixes(entries: Map<string, Source>, ordered: boolean): string[] {
  const list = [...entries.keys()].filter((k) => k.endsWith('.weight')).map((k) => k.slice(0, -'.weight'.length));
  return ordered ? list : list.sort(naturalCompare);
}

/** Input shape of each layer, walking from the model's input. */
export function layerInputShapes(model: LayeredModel): SymbolicShape[] {
  const first = model.getConfig().layers[0];
  let shape = (first?.className === 'InputLayer' ? first.config.batchInputShape : null) as SymbolicShape | null;
  if (shape === null) throw new Error(`loadPytorchWeights: model "${model.name}" is not built; give it an input shape first`);
  return model.layers.map((layer) => {
    const input = shape as SymbolicShape;
    shape = layer.computeOutputShape(input);
    return input;
  });
}

type Convert = (s: Source) => { shape: number[]; values: Float32Array };

const perm = (s: Source, p: number[]) => ({ shape: p.map((i) => s.shape[i]), values: transpose(tensor(s.values, s.shape), p).dataSync() as Float32Array });

/** Dense after Flatten of [h, w, c]: [out, c*h*w] -> [h*w*c, out]. */
function flattenedDense(h: number, w: number, c: number): Convert {
  return (s) => {
    if (s.shape.length !== 2 || s.shape[1] !== c * h * w) return perm(s, [1, 0]);
    const chw = reshape(tensor(s.values, s.shape), [s.shape[0], c, h, w]);
    return { shape: [h * w * c, s.shape[0]], values: transpose(chw, [2, 3, 1, 0]).dataSync() as Float32Array };
  };
}

/** [h, w, c] of the map a Flatten right before layer `index` flattened, or null. */
export function flattenedMap(index: number, layers: readonly Layer[], inputs: readonly SymbolicShape[]): [number, number, number] | null {
  const prev = layers[index - 1];
  const flatIn = prev?.className === 'Flatten' ? inputs[index - 1] : null;
  if (flatIn === null || flatIn.length !== 4) return null;
  const channelsLast = (prev as unknown as { dataFormat: string }).dataFormat !== 'channelsFirst';
  return (channelsLast ? [flatIn[1], flatIn[2], flatIn[3]] : [flatIn[2], flatIn[3], flatIn[1]]) as [number, number, number];
}

function kernelConverter(layer: Layer, index: number, layers: readonly Layer[], inputs: readonly SymbolicShape[]): Convert {
  if (layer.className === 'Conv2D') return (s) => (s.shape.length === 4 ? perm(s, [2, 3, 1, 0]) : s);
  if (layer.className === 'Dense') {
    const map = flattenedMap(index, layers, inputs);
    if (map !== null) return flattenedDense(...map);
    return (s) => (s.shape.length === 2 ? perm(s, [1, 0]) : s);
  }
  throw new Error(`loadPytorchWeights: layer '${layer.name}' (${layer.className}) has weights but no PyTorch conversion (supported: Conv2D, Dense)`);
}

interface Planned {
  target: Variable;
  key: string;
  convert: Convert;
}

function plan(model: LayeredModel, entries: Map<string, Source>, order: string[], mapping: Record<string, string> | undefined): Planned[] {
  const inputs = layerInputShapes(model);
  const withWeights = model.layers.filter((l) => l.weights.length > 0);
  if (mapping === undefined && withWeights.length !== order.length) {
    throw new ModelFormatError(SOURCE, `the model has ${withWeights.length} layers with weights (${withWeights.map((l) => l.name).join(', ')}), the state dict has ${order.length} modules with a weight (${order.join(', ')}); pass a mapping`);
  }
  return withWeights.flatMap((layer, i) => {
    const prefix = mapping === undefined ? order[i] : mapping[layer.name];
    if (prefix === undefined) throw new ModelFormatError(SOURCE, `mapping has no entry for layer '${layer.name}'`);
    const kernel = kernelConverter(layer, model.layers.indexOf(layer), model.layers, inputs);
    return layer.weights.map((target) => {
      const suffix = target.name.slice(target.name.lastIndexOf('/') + 1);
      const torchName = suffix === 'kernel' ? 'weight' : suffix;
      return { target, key: `${prefix}.${torchName}`, convert: suffix === 'kernel' ? kernel : (s: Source) => s };
    });
  });
}

/** Copies PyTorch weights into `model`'s layers, after checking every one (nothing changes on error). */
export function loadPytorchWeights(model: LayeredModel, source: StateDictLike, mapping?: Record<string, string>): void {
  const { entries, ordered } = readSource(source);
  const steps = plan(model, entries, prefixes(entries, ordered), mapping);
  const converted = steps.map(({ target, key, convert }) => {
    const s = entries.get(key);
    if (s === undefined) throw new ModelFormatError(SOURCE, `tensor '${key}' for weight '${target.name}' ${shapeToString(target.shape)} is missing`);
    const c = convert(s);
    if (!shapesEqual(c.shape, target.shape)) {
      throw new ModelFormatError(SOURCE, `tensor '${key}' ${shapeToString(s.shape)} becomes ${shapeToString(c.shape)} but weight '${target.name}' is ${shapeToString(target.shape)}`);
    }
    return { target, key, c };
  });
  const used = new Set(converted.map((c) => c.key));
  const extra = [...entries.keys()].filter((k) => !used.has(k));
  if (extra.length > 0) throw new ModelFormatError(SOURCE, `tensors ${extra.map((k) => `'${k}'`).join(', ')} match no weight of model "${model.name}"`);
  for (const { target, c } of converted) target.assign(tensor(c.values, c.shape, 'float32'));
}
