/**
 * The WebAssembly backend: tensors live in one shared WebAssembly.Memory, kernels are the SIMD
 * exports of wasm/assembly (built by wasm/build.mjs), and heavy kernels are split over a pool of
 * workers that instantiate the same module over the same memory. Host-specific parts (starting
 * workers, reading the .wasm file) come from a WasmPlatform, so this file is browser-safe.
 */
import type { DataArray, DType } from '../../tensor/dtype.js';
import type { Backend } from '../backend.js';
import type { DataHandle, KernelTable } from '../kernels.js';
import { WasmContext, type VoidKernelName } from './context.js';
import { WasmHeap, type WasmHandle } from './heap.js';
import { createMemory, instantiate } from './loader.js';
import type { WasmPlatform } from './platform.js';
import { MAX_THREADS, WasmThreadPool } from './pool.js';
import { makeConv2D, makeConv2DPool } from './kernels/conv.js';
import { makeConv2DPointwise } from './kernels/conv-pointwise.js';
import { makeConv2DBackpropFilter, makeConv2DBackpropInput } from './kernels/conv-grad.js';
import { makeApplyOptimizer } from './kernels/optimizer.js';
import { makeBiasActivationGrad } from './kernels/bias-activation-grad.js';
import { makeBinary, makeUnary, makeUnaryGrad } from './kernels/elementwise.js';
import { makeMatMul } from './kernels/matmul.js';
import { makePool2D, makePool2DGrad, makePool2DReluBiasGrad } from './kernels/pool2d.js';
import { makeArgMax, makeReduce } from './kernels/reduce.js';
import { makeCast, makeConcat, makeOneHot, makePad, makeSlice, makeTranspose, makeWhere } from './kernels/shape-ops.js';
import { makeImageTransform, makeImageTransformGrad } from './kernels/image-transform.js';
import { makeLogSoftmax, makeSoftmax, makeSoftmaxCrossEntropy, makeSoftmaxCrossEntropyGrad } from './kernels/softmax-cross-entropy.js';
import { makeSparseSoftmaxCrossEntropy, makeSparseSoftmaxCrossEntropyGrad } from './kernels/sparse-softmax-cross-entropy.js';
import type { WasmMemory, WasmModule } from './wasm-objects.js';
import { makeBatchNormTraining, makeBatchNormTrainingGrad } from './kernels/batch-norm.js';
import { makeBatchNormMovingUpdate } from './kernels/batch-norm-moving.js';

/** Exports the workers may be asked to run (the pool resolves them by index). */
const PARALLEL_EXPORTS: readonly VoidKernelName[] = [
  'sgemmU', 'conv1Direct', 'wino4Forward', 'convImplicit', 'im2col', 'col2im', 'padNHWC',
  'sgdUpdate', 'rmspropUpdate', 'adamUpdate', 'torchSgdUpdate', 'torchRmspropUpdate', 'torchAdamUpdate',
  'wino4BackpropFilterPart', 'wino4BackpropInput', 'convBackpropFilter', 'binaryF32', 'unaryF32', 'unaryGradF32', 'sumRowsF64', 'biasActGradPart',
  'pool2d', 'pool2dGrad', 'poolReluBiasGradPart', 'wino4Filter', 'wino4FilterGradFinish4', 'conv1BackpropFilterPart', 'conv1Forward3x3', 'conv1ForwardStrips',
  'wino25Filter', 'wino25Forward', 'wino42Filter', 'wino42Forward', 'wino42BackpropInput', 'wino42BackpropFilterPart', 'wino42FilterGradFinish', 'wino25BackpropInput', 'wino25BackpropFilterPart', 'wino25FilterGradFinish4',
  'depthwiseForward', 'depthwiseBackpropInput', 'depthwiseBackpropFilterPart', 'bnStatsPart', 'bnGradSumsPart', 'bnApply', 'sgemmUPacked',
  'winoMRFilter', 'winoMRForward', 'conv1Wino2x2',
  'depthwisePointwiseBlocks',
  'convPointwiseStrided',
];

export interface WasmBackendOptions {
  /** The compiled kernels (compileKernels / compileKernelsSync in loader.ts). */
  module: WasmModule;
  /** A shared memory matching the module's import (default: a new one). */
  memory?: WasmMemory;
  /** Threads kernels may use, the main thread included (1..6). */
  threads: number;
  platform: WasmPlatform;
  /**
   * How long idle workers spin before sleeping (ms). Short: parallelFor never waits for a sleeping
   * worker (the main thread starts on the chunks at once), so a late wake-up (~0.1 ms) only
   * delays the worker's share, while spinning burns a core that a busy machine needs.
   */
  spinMs?: number;
  /** Largest heap in bytes (default and maximum: the memory's 2 GiB); tests set a small one. */
  heapLimitBytes?: number;
}

export interface WasmBackend extends Backend {
  /** Stops the workers; the backend must not be used afterwards. */
  close(): void;
  /**
   * Resolves once every worker thread has instantiated the kernels and waits for jobs. Kernels never
   * wait for it (the main thread takes every chunk until then); a warm-up does (models/warm-up.ts).
   */
  ready(): Promise<void>;
  /** @internal The kernel context (benchmarks and tests). */
  readonly context: WasmContext;
}

/** Each kernel of `table` run through heap.inCall: a call that throws leaves no blocks behind. */
function releasingOnFailure(heap: WasmHeap, table: KernelTable): KernelTable {
  const wrapped: Record<string, unknown> = {};
  for (const [id, kernel] of Object.entries(table) as [string, (...args: unknown[]) => unknown][]) {
    wrapped[id] = (...args: unknown[]) => heap.inCall(() => kernel(...args));
  }
  return wrapped as unknown as KernelTable;
}

function kernelTable(ctx: WasmContext): KernelTable {
  const pool2D = makePool2D(ctx);
  const conv2D = makeConv2D(ctx);
  const reduce = makeReduce(ctx), binary = makeBinary(ctx);
  return {
    Binary: binary, Unary: makeUnary(ctx), UnaryGrad: makeUnaryGrad(ctx), Where: makeWhere(ctx),
    Reduce: reduce, ArgMax: makeArgMax(ctx), MatMul: makeMatMul(ctx), Transpose: makeTranspose(ctx),
    Slice: makeSlice(ctx), Concat: makeConcat(ctx), Pad: makePad(ctx), Cast: makeCast(ctx), OneHot: makeOneHot(ctx),
    Conv2D: conv2D, Conv2DPool: makeConv2DPool(ctx, pool2D, makeSlice(ctx)), Conv2DPointwise: makeConv2DPointwise(ctx, { conv2D, reduce, binary }), Conv2DBackpropInput: makeConv2DBackpropInput(ctx),
    Conv2DBackpropFilter: makeConv2DBackpropFilter(ctx), Pool2D: pool2D, Pool2DGrad: makePool2DGrad(ctx),
    Pool2DReluBiasGrad: makePool2DReluBiasGrad(ctx),
    BiasActivationGrad: makeBiasActivationGrad(ctx), ApplyOptimizer: makeApplyOptimizer(ctx),
    SoftmaxCrossEntropy: makeSoftmaxCrossEntropy(ctx), SoftmaxCrossEntropyGrad: makeSoftmaxCrossEntropyGrad(ctx),
    SparseSoftmaxCrossEntropy: makeSparseSoftmaxCrossEntropy(ctx), SparseSoftmaxCrossEntropyGrad: makeSparseSoftmaxCrossEntropyGrad(ctx),
    BatchNormTraining: makeBatchNormTraining(ctx), BatchNormTrainingGrad: makeBatchNormTrainingGrad(ctx),
    BatchNormMovingUpdate: makeBatchNormMovingUpdate(ctx),
    Softmax: makeSoftmax(ctx), LogSoftmax: makeLogSoftmax(ctx), ImageTransform: makeImageTransform(ctx), ImageTransformGrad: makeImageTransformGrad(ctx),
  };
}

export function createWasmBackend(options: WasmBackendOptions): WasmBackend {
  const threads = options.threads;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new Error(`wasm backend: threads must be an integer in [1, ${MAX_THREADS}], got ${threads}`);
  }
  const memory = options.memory ?? createMemory();
  const heap = new WasmHeap(memory, options.heapLimitBytes);
  const pool = threads > 1
    ? WasmThreadPool.create(options.platform, options.module, memory, threads, PARALLEL_EXPORTS, options.spinMs ?? 2)
    : null;
  const ctx = new WasmContext(instantiate(options.module, memory), heap, pool, threads);
  return {
    name: 'wasm',
    kernels: releasingOnFailure(heap, kernelTable(ctx)),
    threads,
    context: ctx,
    write(values: DataArray, dtype: DType): DataHandle {
      const h = heap.handle(values.length);
      heap.view(h, dtype, values.length).set(values);
      return h;
    },
    writeWith(size: number, dtype: DType, fill: (view: DataArray) => void): DataHandle {
      const h = heap.handle(size);
      try {
        fill(heap.view(h, dtype, size));
      } catch (e) {
        heap.free(h);
        throw e;
      }
      return h;
    },
    read: (handle: DataHandle, dtype: DType, size: number) => heap.view(handle, dtype, size),
    subview: (handle: DataHandle, offset: number, size: number) => heap.subview(handle as WasmHandle, offset, size),
    free: (handle: DataHandle) => heap.free(handle as WasmHandle),
    reclaimer: (handle: DataHandle) => heap.reclaimer(handle as WasmHandle),
    memory: () => heap.memoryInfo(),
    close: () => ctx.close(),
    ready: async () => { await pool?.ready(); },
  };
}
