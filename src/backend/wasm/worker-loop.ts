/**
 * The body of a pool worker, host-independent: instantiate the kernels over the shared memory,
 * then run jobs forever. Idle, it spins on the job words for `spinMs` (sub-microsecond wake-up
 * during a training step) and then sleeps in Atomics.wait, so an idle process burns no core.
 */
import type { PoolInit } from './platform.js';
import { runChunks, SLOTS } from './pool.js';
import { instantiateKernelModule } from './wasm-objects.js';

/** Never returns; the host terminates the worker. `ready` is called once the kernels are instantiated. */
export function runPoolWorker(init: PoolInit, ready: () => void): void {
  const exports = instantiateKernelModule(init.module, init.memory);
  const fns = init.fnNames.map((n) => exports[n] as (...a: number[]) => void);
  const ctrl = new Int32Array(init.ctrl);
  const args = new Float64Array(init.args);
  const job = new Int32Array(init.job);
  const jobArgs = new Float64Array(init.jobArgs);
  const base = init.index * SLOTS.SLOT_INTS;
  const abase = init.index * SLOTS.SLOT_F64;
  const argv: number[] = [];
  let last = Atomics.load(ctrl, base + SLOTS.SEQ);
  let lastJob = Atomics.load(job, SLOTS.J_SEQ);
  ready();

  /** Runs this worker's own job (static split, `pool.run`). */
  const runOwn = (seq: number): void => {
    const nargs = ctrl[base + SLOTS.NARGS]!;
    argv.length = nargs;
    for (let i = 0; i < nargs; i++) argv[i] = args[abase + i]!;
    try {
      fns[ctrl[base + SLOTS.FN]!]!(...argv);
    } catch {
      ctrl[base + SLOTS.ERR] = 1;
    }
    Atomics.store(ctrl, base + SLOTS.DONE, seq);
  };

  for (;;) {
    let seq = Atomics.load(ctrl, base + SLOTS.SEQ);
    let jseq = Atomics.load(job, SLOTS.J_SEQ);
    let until = performance.now() + init.spinMs;
    let n = 0;
    while (seq === last && jseq === lastJob) {
      if ((++n & 1023) === 0 && performance.now() > until) {
        Atomics.store(ctrl, base + SLOTS.SLEEPING, 1);
        Atomics.wait(job, SLOTS.J_SEQ, jseq); // returns at once if it already changed
        Atomics.store(ctrl, base + SLOTS.SLEEPING, 0);
        until = performance.now() + init.spinMs;
      }
      seq = Atomics.load(ctrl, base + SLOTS.SEQ);
      jseq = Atomics.load(job, SLOTS.J_SEQ);
    }
    if (Atomics.load(ctrl, base + SLOTS.STOP)) return;
    if (jseq !== lastJob) {
      lastJob = jseq;
      runChunks(job, jobArgs, fns, argv, init.index + 1); // no-op if the bump came from a static post
    }
    if (seq !== last) {
      last = seq;
      runOwn(seq);
    }
  }
}
