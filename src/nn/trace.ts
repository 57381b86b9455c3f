/**
 * Recording the window ops (convolutions and pooling) a forward pass runs, so tools such as
 * `receptiveField` and `summary` can inspect a Module whose pooling lives in `forward` as
 * `F.maxPool2d(...)` rather than in a submodule.
 */
import { withoutFusion } from '../plan/planner.js';
export interface WindowOp {
  kind: 'conv' | 'maxPool' | 'avgPool';
  /** The module running when the op ran (dotted name), or '' for a top-level functional call. */
  module: string;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** [top, bottom, left, right]. */
  padding: [number, number, number, number];
  /** NCHW shapes. */
  inputShape: number[];
  outputShape: number[];
}

let active: WindowOp[] | null = null;
const moduleStack: string[] = [];

/** Runs `fn`, unfused so every module's own ops run, and returns the window ops it ran, in order. */
export function traceWindowOps(fn: () => void): WindowOp[] {
  const before = active;
  const ops: WindowOp[] = [];
  active = ops;
  try {
    withoutFusion(fn);
  } finally {
    active = before;
  }
  return ops;
}

/** Called by F.conv2d and the pooling functions. */
export function noteWindowOp(op: Omit<WindowOp, 'module'>): void {
  active?.push({ ...op, module: moduleStack[moduleStack.length - 1] ?? '' });
}

/** Runs `fn` with `name` as the module that owns the ops it runs. */
export function inModule<R>(name: string, fn: () => R): R {
  moduleStack.push(name);
  try {
    return fn();
  } finally {
    moduleStack.pop();
  }
}

/** How many window ops the current trace has recorded so far (0 outside a trace). */
export function tracedCount(): number {
  return active?.length ?? 0;
}
