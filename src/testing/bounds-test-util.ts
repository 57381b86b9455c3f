/**
 * Runs a hostile-input case under a time and memory bound, for the loaders' regression tests: the
 * case must settle (load or throw) within `ms`, and the process's resident memory may grow by at
 * most `rssMb` while it runs (sampled every few milliseconds, so a buffer that is filled and
 * dropped again still counts). A case that hangs fails after `ms` instead of hanging the suite.
 */
import assert from 'node:assert/strict';

export interface Bounds {
  /** Longest time the case may take (default 5000 ms). */
  ms?: number;
  /** Largest growth of the resident set while it runs (default 200 MB). */
  rssMb?: number;
}

export interface Measured {
  /** What the case threw (undefined when it returned). */
  error: unknown;
  ms: number;
  /** Peak resident-set growth over the starting value, in MB. */
  rssMb: number;
}

const MB = 1024 * 1024;

/** Runs `run`, asserts the bounds, and returns what it threw with the measurements. */
export async function withinBounds(what: string, run: () => unknown, bounds: Bounds = {}): Promise<Measured> {
  const ms = bounds.ms ?? 5000;
  const rssMb = bounds.rssMb ?? 200;
  const start = process.memoryUsage.rss();
  // The OS's lifetime peak also sees a spike inside synchronous code, which the sampler cannot.
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  let peak = start;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: did not settle within ${ms} ms`)), ms)));
  const began = performance.now();
  let error: unknown;
  try {
    await Promise.race([Promise.resolve().then(run), timeout]);
  } catch (e) {
    error = e;
  } finally {
    clearInterval(sample);
    clearTimeout(timer);
  }
  const took = performance.now() - began;
  peak = Math.max(peak, process.memoryUsage.rss());
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  if (peakAfter > peakBefore) peak = Math.max(peak, peakAfter);
  const grew = (peak - start) / MB;
  if (error instanceof Error && error.message.endsWith(`did not settle within ${ms} ms`)) assert.fail(error.message);
  const measured = { error, ms: took, rssMb: grew };
  const over = [
    ...(took < ms ? [] : [`took ${took.toFixed(0)} ms, more than ${ms} ms`]),
    ...(grew < rssMb ? [] : [`resident memory grew by ${grew.toFixed(1)} MB, more than ${rssMb} MB`]),
  ];
  assert.ok(over.length === 0, `${what}: ${over.join('; ')} (${describeOutcome(measured)})`);
  return measured;
}

/** One line for the test's diagnostics: what the user saw and what it cost. */
export function describeOutcome(m: Measured): string {
  const message = m.error instanceof Error ? `${m.error.name}: ${m.error.message}` : 'no error';
  return `${message} [${m.ms.toFixed(0)} ms, +${m.rssMb.toFixed(1)} MB RSS]`;
}
