/**
 * evenClaims: image claims of a Winograd pass moved so that two or four threads get about equal
 * images, never a worse split than the grain asked for, and the grain kept when it splits evenly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evenClaims } from './conv-util.js';

/** Images of the busiest thread when `threads` equal threads claim guided chunks of `grain` (as pool.ts). */
function busiest(batch: number, grain: number, threads: number): number {
  const load = new Array<number>(threads).fill(0);
  let left = batch;
  while (left > 0) {
    const grainsLeft = Math.ceil(left / grain);
    const size = Math.min(left, grain * Math.max(1, Math.floor(grainsLeft / (2 * threads))));
    const free = load.indexOf(Math.min(...load));
    load[free] = load[free]! + size;
    left -= size;
  }
  return Math.max(...load);
}

describe('wasm conv: evenClaims', () => {
  it('splits resnet8\'s 16x16 32 -> 32 forward (9 images of 64) 32 + 32', () => {
    assert.equal(busiest(64, 9, 2), 36);
    assert.equal(evenClaims(64, 9, 2), 8);
    assert.equal(busiest(64, 8, 2), 32);
  });

  it('keeps grains that already split evenly, and one thread\'s', () => {
    for (const g of [1, 2, 4, 8, 16, 32]) assert.equal(evenClaims(64, g, 2), g);
    for (let g = 1; g <= 64; g++) assert.equal(evenClaims(64, g, 1), g);
  });

  it('never gives the busiest thread more images, nor moves the grain by more than a quarter', () => {
    for (const threads of [2, 3, 4]) {
      for (let batch = 1; batch <= 160; batch++) {
        for (let grain = 1; grain <= Math.ceil(batch / threads); grain++) {
          const g = evenClaims(batch, grain, threads);
          assert.ok(busiest(batch, g, threads) <= busiest(batch, grain, threads), `${batch}/${grain} x${threads} -> ${g}`);
          assert.ok(g >= Math.floor(grain * 3 / 4) && g <= Math.ceil(grain * 5 / 4), `${batch}/${grain} x${threads} -> ${g}`);
        }
      }
    }
  });
});
