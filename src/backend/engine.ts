/**
 * The engine: which backend is active, how tensors are made from values, and `runKernel`, the one
 * door from ops to kernels. Ops never touch storage; backends never see Tensor objects.
 */
import type { DataArray, DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { shapeToString, sizeOf } from '../tensor/shape.js';
import { trackTensor } from '../tensor/scope.js';
import { liveTensorCount, Storage, Tensor } from '../tensor/tensor.js';
import type { Backend } from './backend.js';
import type { KernelAttrs, KernelId, KernelSpecs, TensorInfo } from './kernels.js';

type BackendFactory = () => Backend;

/** Tensors by kernel input name: what an op passes to `runKernel`. */
export type TensorInputs<K extends KernelId> = {
  [P in keyof KernelSpecs[K]['inputs']]: KernelSpecs[K]['inputs'][P] extends TensorInfo[]
    ? Tensor[]
    : undefined extends KernelSpecs[K]['inputs'][P]
      ? Tensor | undefined
      : Tensor;
};

export interface MemoryInfo {
  /** Live tensors made through the engine (not yet released or collected). */
  tensors: number;
  /** Live storage handles and bytes on the active backend. */
  handles: number;
  bytes: number;
}

/** Optional observer of every kernel call (benchmarks and profilers). */
export type KernelObserver = (id: KernelId, ms: number) => void;

class Engine {
  private factories = new Map<string, { factory: BackendFactory; priority: number }>();
  private instances = new Map<string, Backend>();
  private active: Backend | null = null;
  observer: KernelObserver | null = null;

  registerBackend(name: string, factory: BackendFactory, priority = 0): void {
    this.factories.set(name, { factory, priority });
  }

  backendNames(): string[] {
    return [...this.factories.keys()];
  }

  setBackend(name: string): Backend {
    this.active = this.instance(name);
    return this.active;
  }

  get backend(): Backend {
    if (this.active === null) {
      const best = [...this.factories.entries()].sort((a, b) => b[1].priority - a[1].priority)[0];
      if (best === undefined) throw new Error('no backend registered: import fovea (or fovea/backend/ref) first');
      this.active = this.instance(best[0]);
    }
    return this.active;
  }

  /** A tensor holding a copy of `values`. */
  makeTensor(values: DataArray, shape: Shape, dtype: DType): Tensor {
    if (values.length !== sizeOf(shape)) {
      throw new Error(`tensor: ${values.length} values do not fill shape ${shapeToString(shape)} (${sizeOf(shape)} needed)`);
    }
    const backend = this.backend;
    return this.wrap(backend, { handle: backend.write(values, dtype), shape, dtype });
  }

  /** A tensor that views `source`'s storage with another shape of the same size. */
  makeView(source: Tensor, shape: Shape): Tensor {
    const storage = source.storage;
    if (storage === null) throw new Error(`${source.toString()} was released`);
    const t = new Tensor(storage, shape, source.dtype);
    this.track(t);
    return t;
  }

  runKernel<K extends KernelId>(id: K, inputs: TensorInputs<K>, attrs: KernelAttrs<K>): Tensor {
    const backend = this.backend;
    const infos: Record<string, TensorInfo | TensorInfo[] | undefined> = {};
    for (const [name, value] of Object.entries(inputs as Record<string, Tensor | Tensor[] | undefined>)) {
      infos[name] = Array.isArray(value) ? value.map((t) => this.onBackend(t, backend)) : value && this.onBackend(value, backend);
    }
    const kernel = backend.kernels[id] as (i: typeof infos, a: KernelAttrs<K>) => TensorInfo;
    if (this.observer === null) return this.wrap(backend, kernel(infos, attrs));
    const t0 = performance.now();
    const out = kernel(infos, attrs);
    this.observer(id, performance.now() - t0);
    return this.wrap(backend, out);
  }

  memory(): MemoryInfo {
    const m = this.backend.memory();
    return { tensors: liveTensorCount(), handles: m.handles, bytes: m.bytes };
  }

  private wrap(backend: Backend, info: TensorInfo): Tensor {
    const bytes = sizeOf(info.shape) * 4;
    const t = new Tensor(new Storage(backend, info.handle, bytes), info.shape, info.dtype);
    this.track(t);
    return t;
  }

  private track(t: Tensor): void {
    trackTensor(t);
  }

  /** A kernel input on the active backend: tensors made before a backend switch are moved once. */
  private onBackend(t: Tensor, backend: Backend): TensorInfo {
    if (t.backend === backend) return t;
    const moved = backend.write(t.dataSync(), t.dtype);
    t.replaceStorage(new Storage(backend, moved, t.size * 4));
    return t;
  }

  private instance(name: string): Backend {
    let b = this.instances.get(name);
    if (b === undefined) {
      const entry = this.factories.get(name);
      if (entry === undefined) {
        throw new Error(`unknown backend '${name}'; registered: ${this.backendNames().join(', ') || 'none'}`);
      }
      b = entry.factory();
      this.instances.set(name, b);
    }
    return b;
  }
}

/** The process-wide engine. */
export const engine = new Engine();

export function setBackend(name: string): void {
  engine.setBackend(name);
}

export function getBackend(): string {
  return engine.backend.name;
}

/** Live tensors and backend bytes: tests assert this stays flat across epochs. */
export function memory(): MemoryInfo {
  return engine.memory();
}
