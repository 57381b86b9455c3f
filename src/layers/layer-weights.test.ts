/** Keras's `layer.get_weights()` / `set_weights()`: copies out, values in (tensors or arrays), shapes checked. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/create.js';
import { Conv2D } from './conv2d.js';
import { Dense } from './dense.js';

const values = (ts: { dataSync(): ArrayLike<number> }[]) => ts.map((t) => Array.from(t.dataSync()));

describe('Layer.getWeights / setWeights', () => {
  it('round-trips between layers and takes tensors, nested arrays or flat typed arrays', () => {
    const a = new Dense(2, { inputShape: [3], seed: 1 });
    const b = new Dense(2, { inputShape: [3], seed: 2 });
    const x = tensor([[1, 2, 3]]);
    a.apply(x);
    b.apply(x);
    b.setWeights(a.getWeights());
    assert.deepEqual(values(b.getWeights()), values(a.getWeights()));
    assert.deepEqual(Array.from(b.apply(x).dataSync()), Array.from(a.apply(x).dataSync()));

    b.setWeights([[[1, 0], [0, 1], [1, 1]], [0.5, -0.5]]);
    assert.deepEqual(values(b.getWeights()), [[1, 0, 0, 1, 1, 1], [0.5, -0.5]]);
    assert.deepEqual(Array.from(b.apply(x).dataSync()), [4.5, 4.5]);
    b.setWeights([new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([0, 0])]);
    assert.deepEqual(values(b.getWeights())[0], [1, 2, 3, 4, 5, 6]);
  });

  it('getWeights returns copies: changing the layer later leaves them alone', () => {
    const d = new Dense(1, { inputShape: [1] });
    d.apply(tensor([[1]]));
    const before = d.getWeights();
    d.setWeights([[[3]], [4]]);
    assert.notDeepEqual(values(before), [[3], [4]]);
  });

  it('a wrong shape or count is an error naming the layer and the weight; nothing changes', () => {
    const conv = new Conv2D(4, 3, { inputShape: [5, 5, 2], name: 'conv_w' });
    conv.apply(tensor(new Float32Array(50), [1, 5, 5, 2]));
    const before = values(conv.getWeights());
    assert.throws(() => conv.setWeights([tensor(new Float32Array(9), [3, 3]), [0, 0, 0, 0]]),
      /Layer "conv_w" \(Conv2D\): setWeights: weight "conv_w\/kernel" has shape \[3, 3, 2, 4\], got a tensor of shape \[3, 3\]/);
    assert.throws(() => conv.setWeights([new Float32Array(72), [0, 0, 0]]),
      /Layer "conv_w" \(Conv2D\): setWeights: weight "conv_w\/bias" has shape \[4\], got arrays of shape \[3\]/);
    assert.throws(() => conv.setWeights([new Float32Array(70), [0, 0, 0, 0]]), /weight "conv_w\/kernel" has shape \[3, 3, 2, 4\], got a Float32Array of 70 values \(expected 72\)/);
    assert.throws(() => conv.setWeights([[[1, 2], [3]] as never, [0, 0, 0, 0]]), /got ragged nested arrays/);
    assert.throws(() => conv.setWeights([new Float32Array(72)]), /Layer "conv_w" \(Conv2D\): setWeights expected 2 values \(weights: kernel, bias\), got 1/);
    assert.deepEqual(values(conv.getWeights()), before);
    assert.throws(() => new Dense(3, { name: 'unbuilt' }).setWeights([[1]]), /Layer "unbuilt" \(Dense\): setWeights expected 0 values \(weights: none yet: build the layer/);
  });
});
