/**
 * How `fit`, `evaluateAsync` and `predictAsync` hand the thread back to the event loop between
 * batches, so a page repaints and handles input while a model trains, and a Worker receives its
 * messages. The policy is TensorFlow.js's `yieldEvery`: 'auto' yields once at least AUTO_YIELD_MS
 * of work has run since the last yield, so a 10 ms training step pays one yield every few steps.
 *
 * A yield is a macrotask, not a resolved promise: microtasks run before the browser may paint, so
 * only a task boundary lets it render, run requestAnimationFrame and deliver messages.
 */

/** 'auto' (every AUTO_YIELD_MS of work), after every 'batch', after every 'epoch', 'never', or every N ms. */
export type YieldEvery = 'auto' | 'batch' | 'epoch' | 'never' | number;

/** Work between two yields under 'auto': about two frames at 60 Hz, so a page stays responsive. */
export const AUTO_YIELD_MS = 30;

type Resolve = () => void;

/** One MessageChannel for every yield of the page: a message is a task with no timer clamping. */
let channel: { port: MessagePort; waiting: Resolve[] } | null = null;

function viaMessageChannel(): Promise<void> {
  if (channel === null) {
    const { port1, port2 } = new MessageChannel();
    const waiting: Resolve[] = [];
    port1.onmessage = () => waiting.shift()?.();
    channel = { port: port2, waiting };
  }
  const c = channel;
  return new Promise<void>((resolve) => {
    c.waiting.push(resolve);
    c.port.postMessage(null);
  });
}

/**
 * Resolves in a later macrotask of the host's event loop: setImmediate in Node (it runs right after
 * pending I/O, with no timer delay), a MessageChannel message in browsers and Workers, setTimeout(0)
 * last (browsers clamp nested timers to 4 ms). Not `scheduler.yield()`: Chromium runs its
 * continuation ahead of rendering, so a page training with it painted ~8 frames/s against ~30 with
 * a message (headless Chromium 156, seed CNN, scripts/browser-loop.html).
 */
export function nextMacrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise<void>((resolve) => void setImmediate(resolve));
  }
  if (typeof MessageChannel === 'function') return viaMessageChannel();
  return new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** The checked interval in ms for 'auto' and numbers; 0 for 'batch', null for 'epoch' and 'never'. */
function intervalOf(every: YieldEvery, op: string): number | null {
  if (every === 'auto') return AUTO_YIELD_MS;
  if (every === 'batch') return 0;
  if (every === 'epoch' || every === 'never') return null;
  if (typeof every === 'number' && Number.isFinite(every) && every >= 0) return every;
  throw new Error(`${op}: yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a number of milliseconds >= 0, got ${typeof every === 'string' ? `'${every}'` : String(every)}`);
}

/** Decides, batch by batch and epoch by epoch, when a loop yields to the event loop. */
export class EventLoopPacer {
  private readonly intervalMs: number | null;
  private readonly atEpochs: boolean;
  private last = performance.now();
  /** How many times this loop yielded (tests and diagnostics). */
  yields = 0;

  constructor(every: YieldEvery = 'auto', op = 'fit') {
    this.intervalMs = intervalOf(every, op);
    this.atEpochs = every !== 'never';
  }

  /** After a batch: yields when the interval has passed since the last yield. */
  async batchDone(): Promise<void> {
    if (this.intervalMs !== null && performance.now() - this.last >= this.intervalMs) await this.yieldNow();
  }

  /** After an epoch: yields unless the policy is 'never' (an epoch end is a natural pause). */
  async epochDone(): Promise<void> {
    if (this.atEpochs) await this.yieldNow();
  }

  private async yieldNow(): Promise<void> {
    await nextMacrotask();
    this.yields++;
    this.last = performance.now();
  }
}
