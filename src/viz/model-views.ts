/**
 * Pulling what the pictures show out of a model (Sequential, functional Model or nn.Module): a
 * conv layer's kernel (Keras Conv2D, HWIO, or nn.Conv2d, OIHW), the feature maps one input
 * produces at a named layer or module, and every layer's output shape for one input.
 */
import { withoutFusion } from '../plan/planner.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Conv2D } from '../layers/conv2d.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/functional.js';
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

/** A layer's (or module's) name and the shape of its output for one sample (batch axis dropped). */
export interface LayerShape {
  name: string;
  shape: number[];
}

export type VisibleModel = Sequential | Model | Module;

function convNames(model: VisibleModel): string[] {
  return model instanceof Module
    ? model.namedModules().filter(([, m]) => m instanceof Conv2d).map(([n]) => n)
    : model.layers.filter((l) => l instanceof Conv2D).map((l) => l.name);
}

/** Names a picture can be taken at: layers, or modules other than the root. */
export function layerNames(model: VisibleModel): string[] {
  return model instanceof Module ? model.namedModules().map(([n]) => n).filter(Boolean) : model.layers.map((l) => l.name);
}

/** The kernel of conv layer `name` (default: the first conv layer). */
export function convKernel(model: VisibleModel, name?: string): KernelView {
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

/**
 * Runs the single sample `x` through the model once, without gradients, and calls `see` with
 * each layer's (module's) name and output. A functional model's layers and a module's children
 * are watched by shadowing their `apply`/`forward` on the instance for this one run.
 */
function traceOutputs(model: VisibleModel, x: Tensor, see: (name: string, y: Tensor) => void): void {
  if (x.shape[0] !== 1) throw new Error(`featureMaps: expected one sample (batch 1), got shape [${x.shape.join(', ')}]`);
  if (model instanceof Module) {
    return watchWhile(model.namedModules().filter(([n]) => n !== ''), 'forward', see, () => model.forward(x));
  }
  if ('inputs' in model) return watchWhile(model.layers.map((l) => [l.name, l] as const), 'apply', see, () => model.call(x));
  // Sequential: each layer on the previous output (no fused conv+pool, so each output is whole).
  noGrad(() => model.layers.reduce((h, l) => {
    const y = l.apply(h);
    see(l.name, y);
    return y;
  }, x));
}

function watchWhile(targets: readonly (readonly [string, Layer | Module])[], method: 'apply' | 'forward', see: (name: string, y: Tensor) => void, run: () => unknown): void {
  // An instance may carry its own `forward` (an arrow function): put that back afterwards.
  const own = targets.map(([, target]) => Object.getOwnPropertyDescriptor(target, method));
  for (const [name, target] of targets) {
    const original = (target as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
    Object.defineProperty(target, method, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        const y = original.apply(target, args);
        if (y !== null && typeof y === 'object' && 'shape' in y) see(name, y as Tensor);
        return y;
      },
    });
  }
  try {
    // Unfused, so every watched layer or module runs on its own and is seen.
    withoutFusion(() => noGrad(run));
  } finally {
    targets.forEach(([, target], i) => {
      const descriptor = own[i];
      if (descriptor === undefined) delete (target as unknown as Record<string, unknown>)[method];
      else Object.defineProperty(target, method, descriptor);
    });
  }
}

/** The output of layer/module `name` for the single sample in `x` ([1, ...]). */
export function featureMaps(model: VisibleModel, x: Tensor, name: string): FeatureView {
  const names = layerNames(model);
  const kind = model instanceof Module ? 'module' : 'layer';
  if (!names.includes(name)) throw new Error(`featureMaps: no ${kind} named '${name}'; ${kind}s: ${names.join(', ')}`);
  let captured: Tensor | null = null;
  traceOutputs(model, x, (n, y) => {
    if (n === name && captured === null) captured = y;
  });
  const y = captured as Tensor | null;
  if (y === null) throw new Error(`featureMaps: ${kind} '${name}' did not run in forward`);
  if (y.rank !== 4) throw new Error(`featureMaps: '${name}' outputs shape [${y.shape.join(', ')}], not image maps; pick a conv or pooling layer`);
  return { name, values: y.dataSync() as Float32Array, shape: y.shape.slice(1), layout: model instanceof Module ? 'CHW' : 'HWC' };
}

/** Every layer's (module's) output shape for the single sample `x`, in the order they ran. */
export function layerOutputShapes(model: VisibleModel, x: Tensor): LayerShape[] {
  const seen = new Map<string, number[]>();
  traceOutputs(model, x, (name, y) => {
    if (!seen.has(name)) seen.set(name, y.shape.slice(1));
  });
  return [...seen].map(([name, shape]) => ({ name, shape }));
}
