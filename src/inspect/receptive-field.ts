/**
 * Receptive fields: how much of the input each layer's output values see. Walking the window
 * layers in order with jump j (the input distance between neighbouring outputs, starting at 1)
 * and field r (starting at 1):
 *
 *   r += (dilation*(k-1)) * j;   j *= stride
 *
 * Example (the seed CNN on 28x28): conv 3 -> pool 2 -> conv 3 -> pool 2 -> conv 3 gives
 * 3, 4, 8, 10, 18: an 18x18 field = 324 pixels = 41.3% of 784. The same three convolutions
 * without pooling reach only 7x7 = 49 pixels = 6.25%. Dense layers see the whole input.
 */
import { BasePooling2D } from '../layers/base-pooling2d.js';
import { Conv2D } from '../layers/conv2d.js';
import type { Layer } from '../layers/layer.js';
import { Sequential } from '../models/sequential.js';
import { Module } from '../nn/module.js';
import { traceForward } from '../nn/summary.js';
import { convOutputSize } from '../tensor/shape.js';

export interface WindowSpec {
  name: string;
  kind: 'conv' | 'pool';
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** Total padding [height, width], or 'same' (output = ceil(n / stride)). */
  padding: [number, number] | 'same';
}

export interface ReceptiveFieldRow {
  name: string;
  kind: 'conv' | 'pool';
  outputSize: [number, number];
  receptiveField: [number, number];
  jump: [number, number];
  /** receptiveField height x width. */
  pixels: number;
  /** Fraction of the input's area the field covers (the field clipped to the input). */
  coverage: number;
}

export interface ReceptiveFieldTable {
  inputSize: [number, number];
  rows: ReceptiveFieldRow[];
}

export interface ReceptiveFieldOptions {
  /** One sample's shape: [H, W, C] for Keras layers, [C, H, W] for nn modules. */
  inputShape?: readonly number[];
  /** Leave pooling out (to compare the same convolutions without it). */
  dropPooling?: boolean;
}

export type ReceptiveFieldModel = Sequential | Module | readonly Layer[] | { inputSize: [number, number]; windows: readonly WindowSpec[] };

/** The per-layer table for a Keras model or layer list, an nn Module, or explicit window specs. */
export function receptiveField(model: ReceptiveFieldModel, options: ReceptiveFieldOptions = {}): ReceptiveFieldTable {
  const { inputSize, windows } = windowsOf(model, options);
  const kept = options.dropPooling ? windows.filter((w) => w.kind !== 'pool') : windows;
  return computeTable(inputSize, kept);
}

function windowsOf(model: ReceptiveFieldModel, options: ReceptiveFieldOptions): { inputSize: [number, number]; windows: readonly WindowSpec[] } {
  if ('windows' in model && 'inputSize' in model) return model;
  if (model instanceof Module) return moduleWindows(model, options.inputShape);
  const layers = model instanceof Sequential ? model.layers : (model as readonly Layer[]);
  const sample = options.inputShape ?? layers[0]?.batchInputShape?.slice(1);
  if (sample === undefined || sample.length !== 3 || sample.some((d) => d === null)) {
    throw new Error('receptiveField: the model has no known input shape; pass inputShape [height, width, channels]');
  }
  const first = layers.find((l): l is Conv2D | BasePooling2D => l instanceof Conv2D || l instanceof BasePooling2D);
  const channelsFirst = first?.dataFormat === 'channelsFirst';
  const s = sample as number[];
  return { inputSize: channelsFirst ? [s[1], s[2]] : [s[0], s[1]], windows: layers.flatMap(layerWindow) };
}

function layerWindow(layer: Layer): WindowSpec[] {
  // Keras layers pad 'valid' (none) or 'same'.
  const padding = (p: string): WindowSpec['padding'] => (p === 'same' ? 'same' : [0, 0]);
  if (layer instanceof Conv2D) {
    return [{ name: layer.name, kind: 'conv', kernel: layer.kernelSize, stride: layer.strides, dilation: layer.dilationRate, padding: padding(layer.padding) }];
  }
  if (layer instanceof BasePooling2D) {
    return [{ name: layer.name, kind: 'pool', kernel: layer.poolSize, stride: layer.strides, dilation: [1, 1], padding: padding(layer.padding) }];
  }
  return [];
}

function moduleWindows(module: Module, inputShape: readonly number[] | undefined): { inputSize: [number, number]; windows: WindowSpec[] } {
  const shape = inputShape ?? (module.constructor as { inputShape?: readonly number[] }).inputShape;
  if (shape === undefined || shape.length !== 3) throw new Error(`receptiveField: pass inputShape [channels, height, width] for ${module.constructor.name}`);
  const counts = new Map<string, number>();
  const windows = traceForward(module, shape).windowOps.map((op): WindowSpec => {
    const base = op.module !== '' ? op.module : op.kind === 'conv' ? 'F.conv2d' : op.kind === 'maxPool' ? 'F.maxPool2d' : 'F.avgPool2d';
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    return {
      name: op.module !== '' || n === 0 ? base : `${base}_${n}`, kind: op.kind === 'conv' ? 'conv' : 'pool',
      kernel: op.kernel, stride: op.stride, dilation: op.dilation, padding: [op.padding[0] + op.padding[1], op.padding[2] + op.padding[3]],
    };
  });
  return { inputSize: [shape[1], shape[2]], windows };
}

function computeTable(inputSize: [number, number], windows: readonly WindowSpec[]): ReceptiveFieldTable {
  let rf: [number, number] = [1, 1];
  let jump: [number, number] = [1, 1];
  let size: [number, number] = [...inputSize];
  const rows = windows.map((w): ReceptiveFieldRow => {
    const eff = w.kernel.map((k, i) => w.dilation[i] * (k - 1) + 1);
    rf = [rf[0] + (eff[0] - 1) * jump[0], rf[1] + (eff[1] - 1) * jump[1]];
    jump = [jump[0] * w.stride[0], jump[1] * w.stride[1]];
    size = size.map((n, i) => (w.padding === 'same' ? Math.ceil(n / w.stride[i]) : convOutputSize(n, w.kernel[i], w.stride[i], (w.padding as number[])[i], w.dilation[i]))) as [number, number];
    if (size[0] < 1 || size[1] < 1) throw new Error(`receptiveField: ${w.name} (${w.kernel.join('x')}) does not fit its input; output would be ${size.join('x')}`);
    const coverage = (Math.min(rf[0], inputSize[0]) * Math.min(rf[1], inputSize[1])) / (inputSize[0] * inputSize[1]);
    return { name: w.name, kind: w.kind, outputSize: size, receptiveField: rf, jump, pixels: rf[0] * rf[1], coverage };
  });
  return { inputSize, rows };
}

/** 0.41326 -> '41.3%', 0.0625 -> '6.25%' (three significant digits). */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  return `${p >= 100 ? '100' : Number(p.toPrecision(3)).toString()}%`;
}

/** The table as text, one line per window layer. */
export function formatReceptiveField(table: ReceptiveFieldTable): string {
  const [h, w] = table.inputSize;
  const header = ['Layer', 'Output', 'Receptive field', 'Pixels', `Coverage of ${h}x${w} = ${h * w}`];
  const cells = table.rows.map((r) => [`${r.name} (${r.kind})`, r.outputSize.join('x'), r.receptiveField.join('x'), String(r.pixels), formatPercent(r.coverage)]);
  const widths = header.map((t, c) => Math.max(t.length, ...cells.map((r) => r[c].length)) + 2);
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join('').trimEnd();
  return [line(header), '-'.repeat(widths.reduce((a, b) => a + b, 0)), ...cells.map(line)].join('\n');
}
