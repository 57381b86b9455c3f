/**
 * Module: the PyTorch-style building block. A subclass assigns parameters and submodules to its
 * own properties in its constructor and computes its output in `forward`:
 *
 *   class Net extends Module {
 *     conv1 = new Conv2d(1, 20, 5, 1);
 *     fc1 = new Linear(2880, 10);
 *     forward(x: Tensor) { return this.fc1.forward(F.relu(this.conv1.forward(x)).view(-1, 2880)); }
 *   }
 *
 * Registration works by scanning own properties (in assignment order, like PyTorch's
 * `__setattr__`): a Parameter is a parameter, a Module (or an array of them) a submodule.
 * Buffers (running statistics) are registered explicitly with `registerBuffer`, under the key
 * PyTorch uses in its state dict (`running_mean`).
 */
import { tensor } from '../ops/create.js';
import { OPAQUE, type Stage } from '../plan/stage.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { Parameter } from './parameter.js';

export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** When true (default), missing and unexpected keys are errors, as in PyTorch. */
  strict?: boolean;
}

export abstract class Module {
  /** Training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  // Private (#) fields are invisible to the property scan below.
  readonly #buffers = new Map<string, Variable>();

  abstract forward(...inputs: Tensor[]): Tensor;

  /**
   * @internal What the fusion planner sees of this module inside an nn.Sequential (src/plan):
   * modules that take part in fusion patterns override it.
   */
  planStage(): Stage {
    return OPAQUE;
  }

  /** Direct submodules with their names, in registration order. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    // for-in over own fields (a class declares no enumerable inherited ones) reads V8's key cache:
    // no [key, value] pair per field, as Object.entries made for every field of every module.
    for (const key in this) {
      if (!Object.hasOwn(this, key)) continue;
      const value: unknown = this[key];
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        value.forEach((m: Module, i) => out.push([`${key}.${i}`, m]));
      }
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix === '' ? name : `${prefix}.${name}`));
    return out;
  }

  /** Parameters assigned directly to this module's properties. */
  ownParameters(): [string, Parameter][] {
    return Object.entries(this).filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
  }

  /** Every parameter with its dotted name (`conv1.weight`); shared parameters appear once. */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix === '' ? name : `${prefix}.${name}`, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Registers a non-trainable state tensor saved in the state dict under `key`. */
  protected registerBuffer(key: string, value: Tensor): Variable {
    const v = value instanceof Variable ? value : new Variable(value, key, false);
    v.requiresGrad = false;
    this.#buffers.set(key, v);
    return v;
  }

  /**
   * @internal Runs work a forward left deferred that changes this module's buffers, before they are
   * read or replaced (a batch norm whose output waits in a deferred chain updates its running
   * statistics when the chain runs: plan/deferred-chain.ts).
   */
  protected settleBuffers(): void {}

  namedBuffers(): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [prefix, m] of this.namedModules()) {
      m.settleBuffers();
      for (const [key, b] of m.#buffers) out.push([prefix === '' ? key : `${prefix}.${key}`, b]);
    }
    return out;
  }

  /** Parameters then buffers of each module, module by module, as PyTorch orders them. */
  stateDict(): StateDict {
    const dict: StateDict = {};
    for (const [prefix, m] of this.namedModules()) {
      const key = (name: string) => (prefix === '' ? name : `${prefix}.${name}`);
      m.settleBuffers();
      for (const [name, p] of m.ownParameters()) dict[key(name)] = copy(p);
      for (const [name, b] of m.#buffers) dict[key(name)] = copy(b);
    }
    return dict;
  }

  /** Copies values from `dict` into the parameters and buffers, checking every key and shape. */
  loadStateDict(dict: StateDict, options: LoadStateDictOptions = {}): void {
    const strict = options.strict ?? true;
    const targets = new Map<string, Variable>([...this.namedParameters(), ...this.namedBuffers()]);
    const missing = [...targets.keys()].filter((k) => !(k in dict));
    const unexpected = Object.keys(dict).filter((k) => !targets.has(k));
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      throw new Error(`${this.constructor.name}.loadStateDict: missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]`);
    }
    for (const [key, target] of targets) {
      const value = dict[key];
      if (value === undefined) continue;
      if (!shapesEqual(value.shape, target.shape) || value.dtype !== target.dtype) {
        throw new Error(`${this.constructor.name}.loadStateDict: '${key}' expects shape ${shapeToString(target.shape)} ${target.dtype}, got ${shapeToString(value.shape)} ${value.dtype}`);
      }
    }
    for (const [key, target] of targets) if (dict[key] !== undefined) target.assign(copy(dict[key]));
  }

  /**
   * Sets training mode on this module and every descendant; returns this. It recurses through the
   * children as PyTorch's does, without building the dotted names `namedModules` makes (a
   * PyTorch-style inference loop calls `eval()` and `train()` around every pass).
   */
  train(mode = true): this {
    this.training = mode;
    for (const [, child] of this.namedChildren()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Forgets every parameter's gradient (PyTorch's default `set_to_none`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** The configuration shown after the class name, e.g. `1, 20, kernel_size=(5, 5)`. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's tree: `Net(\n  (conv1): Conv2d(1, 20, kernel_size=(5, 5), stride=(1, 1))\n)`. */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(([name, m]) => `  (${name}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

function copy(t: Tensor): Tensor {
  return tensor(t.dataSync(), t.shape, t.dtype);
}
