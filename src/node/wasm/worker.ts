/** Entry of a Node pool worker (worker_threads): runs the shared job loop of worker-loop.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import type { PoolInit } from '../../backend/wasm/platform.js';
import { runPoolWorker } from '../../backend/wasm/worker-loop.js';

runPoolWorker(workerData as PoolInit, () => parentPort!.postMessage('ready'));
