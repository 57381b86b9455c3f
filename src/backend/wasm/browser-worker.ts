/** Entry of a browser pool worker: receives its PoolInit once, then runs jobs forever. */
import type { PoolInit } from './platform.js';
import { runPoolWorker } from './worker-loop.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<PoolInit>) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e: MessageEvent<PoolInit>) => {
  scope.onmessage = null;
  runPoolWorker(e.data, () => scope.postMessage('ready'));
};
