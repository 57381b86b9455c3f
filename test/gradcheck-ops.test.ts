/** Finite-difference gradient checks of every differentiable op, driven by the op table. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../src/backend/engine.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { gradcheck } from '../src/testing/gradcheck.js';
import { NOT_DIFFERENTIABLE, OP_TABLE } from '../src/testing/op-table.js';

describe('gradcheck of every differentiable op', () => {
  OP_TABLE.forEach((c, i) => {
    const title = c.variant ? `${c.op} (${c.variant})` : c.op;
    it(title, () => {
      const rng = new Random(1000 + i);
      const r = gradcheck(c.fn, c.inputs(rng), { name: title, seed: i, ...c.options });
      assert.ok(r.checked > 0);
    });
  });

  it('the table covers every differentiable export of src/ops/index.ts', () => {
    const covered = new Set(OP_TABLE.map((c) => c.op));
    const missing = Object.keys(ops).filter((name) => !NOT_DIFFERENTIABLE.has(name) && !covered.has(name));
    assert.deepEqual(missing, []);
  });
});
