/**
 * The main thread's wait for a worker's last chunk (`waitForWorkers`): it returns once the
 * in-flight count is zero, and a long wait sleeps instead of spinning (a preempted worker needs
 * the core), woken by the thread that ends the last chunk.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { SLOTS, waitForWorkers } from './pool.js';

/** A worker that holds one chunk in flight for `ms`, then ends it as runChunks does (notify when last). */
function endChunkAfter(job: Int32Array, ms: number, notify: boolean): Worker {
  const code = `
    const { workerData: { buffer, ms, slot, notify } } = require('node:worker_threads');
    const job = new Int32Array(buffer);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    if (Atomics.sub(job, slot, 1) === 1 && notify) Atomics.notify(job, slot);`;
  return new Worker(code, { eval: true, workerData: { buffer: job.buffer, ms, slot: SLOTS.J_INFLIGHT, notify } });
}

function newJob(inflight: number): Int32Array {
  const job = new Int32Array(new SharedArrayBuffer(SLOTS.J_INTS * 4));
  job[SLOTS.J_INFLIGHT] = inflight;
  return job;
}

describe('wasm pool: waiting for workers', () => {
  it('returns at once when nothing is in flight', () => {
    assert.equal(waitForWorkers(newJob(0), true), 0);
  });

  it('sleeps through a long wait and wakes when the last chunk ends', async () => {
    const job = newJob(1);
    const worker = endChunkAfter(job, 40, true);
    const c0 = process.cpuUsage();
    const waited = waitForWorkers(job, true);
    const c = process.cpuUsage(c0);
    await worker.terminate();
    assert.equal(Atomics.load(job, SLOTS.J_INFLIGHT), 0);
    assert.ok(waited >= 30, `waited ${waited} ms`);
    // Spinning would cost about the whole wait in CPU time (the worker itself sleeps).
    assert.ok((c.user + c.system) / 1000 < waited / 2, `${(c.user + c.system) / 1000} ms of CPU in a ${waited} ms wait`);
  });

  it('still returns when the end of the chunk is not notified (a bounded sleep)', async () => {
    const job = newJob(1);
    const worker = endChunkAfter(job, 10, false);
    const waited = waitForWorkers(job, true);
    await worker.terminate();
    assert.equal(Atomics.load(job, SLOTS.J_INFLIGHT), 0);
    assert.ok(waited >= 5, `waited ${waited} ms`);
  });

  it('only spins where the thread may not block (a browser main thread)', async () => {
    const job = newJob(1);
    const worker = endChunkAfter(job, 5, true);
    waitForWorkers(job, false);
    await worker.terminate();
    assert.equal(Atomics.load(job, SLOTS.J_INFLIGHT), 0);
  });
});
