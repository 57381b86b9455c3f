/**
 * Pulling what the pictures show out of a model: a conv layer's kernel (Keras Conv2D, HWIO, or
 * nn.Conv2d, OIHW) and the feature maps one input produces at a named layer or module.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { Conv2D } from '../layers/conv2d.js';
import type { Sequential } from '../models/sequential.js';
import { Conv2d } from '../nn/conv.js';
import { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';

export interface KernelView {
  name: string;
  values: Float32Array;
  shape: number[];
  layout: 'HWIO' | 'OIHW';
}

export interface FeatureView {
  name: string;
  values: Float32Array;
  /** One sample's maps. */
  shape: number[];
  layout: 'HWC' | 'CHW';
}

type AnyModel = Sequential | Module;

function convNames(model: AnyModel): string[] {
  return model instanceof Module
    ? model.namedModules().filter(([, m]) => m instanceof Conv2d).map(([n]) => n)
    : model.layers.filter((l) => l instanceof Conv2D).map((l) => l.name);
}

/** The kernel of conv layer `name` (default: the first conv layer). */
export function convKernel(model: AnyModel, name?: string): KernelView {
  const names = convNames(model);
  const pick = name ?? names[0];
  if (pick === undefined || !names.includes(pick)) throw new Error(`convKernel: no conv layer named '${name}'; conv layers: ${names.join(', ') || 'none'}`);
  if (model instanceof Module) {
    const conv = model.namedModules().find(([n]) => n === pick)?.[1] as Conv2d;
    return { name: pick, values: conv.weight.dataSync() as Float32Array, shape: [...conv.weight.shape], layout: 'OIHW' };
  }
  const layer = model.layers.find((l) => l.name === pick) as Conv2D;
  if (layer.kernel === null) throw new Error(`convKernel: layer '${pick}' is not built yet; build or train the model first`);
  return { name: pick, values: layer.kernel.dataSync() as Float32Array, shape: [...layer.kernel.shape], layout: 'HWIO' };
}

/** The output of layer/module `name` for the single sample in `x` ([1, ...]). */
export function featureMaps(model: AnyModel, x: Tensor, name: string): FeatureView {
  if (x.shape[0] !== 1) throw new Error(`featureMaps: expected one sample (batch 1), got shape [${x.shape.join(', ')}]`);
  const y = model instanceof Module ? moduleOutput(model, x, name) : layerOutput(model, x, name);
  if (y.rank !== 4) throw new Error(`featureMaps: '${name}' outputs shape [${y.shape.join(', ')}], not image maps; pick a conv or pooling layer`);
  return { name, values: y.dataSync() as Float32Array, shape: y.shape.slice(1), layout: model instanceof Module ? 'CHW' : 'HWC' };
}

function layerOutput(model: Sequential, x: Tensor, name: string): Tensor {
  const index = model.layers.findIndex((l) => l.name === name);
  if (index < 0) throw new Error(`featureMaps: no layer named '${name}'; layers: ${model.layers.map((l) => l.name).join(', ')}`);
  return noGrad(() => model.layers.slice(0, index + 1).reduce((h, l) => l.apply(h), x));
}

function moduleOutput(model: Module, x: Tensor, name: string): Tensor {
  const target = model.namedModules().find(([n]) => n === name && n !== '')?.[1];
  if (target === undefined) throw new Error(`featureMaps: no module named '${name}'; modules: ${model.namedModules().map(([n]) => n).filter(Boolean).join(', ')}`);
  let captured: Tensor | null = null;
  const original = target.forward;
  // Shadow forward on this instance for one run to catch its output (removed in finally).
  target.forward = (...args: Tensor[]) => (captured = original.apply(target, args));
  try {
    noGrad(() => model.forward(x));
  } finally {
    delete (target as { forward?: unknown }).forward;
  }
  if (captured === null) throw new Error(`featureMaps: module '${name}' did not run in forward`);
  return captured;
}
