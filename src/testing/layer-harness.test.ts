import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import '../backend/engine.js';
import { Dense } from '../layers/dense.js';
import { Layer, type SymbolicShape } from '../layers/layer.js';
import { registerLayer } from '../layers/registry.js';
import { square } from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkLayer } from './layer-harness.js';

/** x^2 with a wrong gradient rule (dy instead of 2x*dy): the harness must catch it. */
class WrongGradSquare extends Layer {
  override get className(): string {
    return 'WrongGradSquare';
  }
  computeOutputShape(s: SymbolicShape): SymbolicShape {
    return s;
  }
  call(x: Tensor): Tensor {
    return record('wrongSquare', noGrad(() => square(x)), [x], (dy) => [dy]);
  }
}
registerLayer('WrongGradSquare', (c) => new WrongGradSquare(c));

/** Claims to double the feature axis but does not. */
class WrongShape extends Layer {
  override get className(): string {
    return 'WrongShape';
  }
  computeOutputShape(s: SymbolicShape): SymbolicShape {
    return [s[0], (s[1] as number) * 2];
  }
  call(x: Tensor): Tensor {
    return x;
  }
}

test('the harness catches a wrong gradient rule', () => {
  assert.throws(() => checkLayer(new WrongGradSquare(), [2, 3], { outputShape: [null, 3], params: 0 }), /gradient w\.r\.t\. input\[0\]/);
});

test('the harness catches a call that disagrees with computeOutputShape', () => {
  assert.throws(() => checkLayer(new WrongShape(), [2, 3], { outputShape: [null, 6], params: 0 }), /call produced \[2, 3\], expected \[2, 6\]/);
});

test('the harness catches wrong expectations', () => {
  assert.throws(() => checkLayer(new Dense(2), [2, 3], { outputShape: [null, 2], params: 6 }), /expected 6 parameters, has 8/);
  assert.throws(() => checkLayer(new Dense(2), [2, 3], { outputShape: [null, 3], params: 8 }), /computeOutputShape gave \[None, 2\], expected \[None, 3\]/);
});

/** Correct, but never registered. */
class Unregistered extends Layer {
  override get className(): string {
    return 'Unregistered';
  }
  computeOutputShape(s: SymbolicShape): SymbolicShape {
    return s;
  }
  call(x: Tensor): Tensor {
    return square(x);
  }
}

test('the harness catches a layer that is not registered for config round trips', () => {
  assert.throws(() => checkLayer(new Unregistered(), [2, 3], { outputShape: [null, 3], params: 0 }), /Unknown layer class 'Unregistered'/);
  registerLayer('Unregistered', (c) => new Unregistered(c));
  checkLayer(new Unregistered(), [2, 3], { outputShape: [null, 3], params: 0 });
});
