// Keras layers against PyTorch reference vectors (../shared/reference/reference-1.json, or the
// shipped copy in fixtures/): every Conv2D case Keras can express (no padding, not strided and
// dilated together) through a channels_first Conv2D layer, and the activation layers' cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradients } from '../autograd/backward.js';
import '../backend/engine.js';
import { mul, sum, tensor, transpose } from '../ops/index.js';
import { assertClose } from '../testing/assert-close.js';
import { findReferenceFile, referenceCases, referenceFile } from '../testing/reference-test-util.js';
import { ELU, LeakyReLU, ReLU, Softmax } from './activation-layers.js';
import { Conv2D } from './conv2d.js';
import type { Layer } from './layer.js';
import { ZeroPadding2D } from './zero-padding2d.js';

const path = findReferenceFile();
const tol = { rtol: 1e-4, atol: 1e-5 };

/** y, and d<dy, y>/d(x, weights...) for `layers` applied in turn on input x. */
function forwardAndGrads(layers: Layer | Layer[], x: number[], shape: number[], dy: number[], weights: () => ReturnType<typeof tensor>[]) {
  const xt = tensor(x, shape);
  xt.requiresGrad = true;
  const y = (Array.isArray(layers) ? layers : [layers]).reduce((h, l) => l.apply(h), xt);
  const grads = gradients(sum(mul(y, tensor(dy, y.shape))), [xt, ...weights()]);
  return { y, grads };
}

test('reference vectors are available', { skip: path === undefined ? 'no reference file' : false }, () => {
  assert.ok(referenceFile().cases.length >= 100);
});

test('ZeroPadding2D + Conv2D (channels_first) match PyTorch conv2d forward and gradients', { skip: path === undefined }, () => {
  // Keras expresses PyTorch's explicit (asymmetric) padding as a ZeroPadding2D before a 'valid' conv.
  const usable = referenceCases('conv2d').filter((c) => !(c.stride.some((s) => s > 1) && c.dilation.some((d) => d > 1)));
  assert.ok(usable.length >= 15, `only ${usable.length} usable conv cases`);
  for (const c of usable) {
    const [o, i, kh, kw] = c.w_shape;
    const [t, b, l, r] = c.padding;
    const padding = new ZeroPadding2D([[t, b], [l, r]], { dataFormat: 'channels_first' });
    const layer = new Conv2D(o, [kh, kw], { strides: c.stride, dilationRate: c.dilation, dataFormat: 'channels_first', useBias: c.b !== null });
    layer.build(padding.computeOutputShape([null, ...c.x_shape.slice(1)]));
    layer.kernel!.assign(transpose(tensor(c.w, [o, i, kh, kw]), [2, 3, 1, 0]));
    if (c.b !== null) layer.bias!.assign(tensor(c.b));
    const { y, grads } = forwardAndGrads([padding, layer], c.x, c.x_shape, c.dy, () => layer.weights);
    const what = `conv2d ${JSON.stringify({ x: c.x_shape, w: c.w_shape, s: c.stride, d: c.dilation, p: c.padding })}`;
    assertClose(y.dataSync(), c.y, { ...tol, what: `${what} y` });
    assertClose(grads[0]!.dataSync(), c.dx, { ...tol, what: `${what} dx` });
    assertClose(transpose(grads[1]!, [3, 2, 0, 1]).dataSync(), c.dw, { ...tol, what: `${what} dw` });
    if (c.b !== null) assertClose(grads[2]!.dataSync(), c.db as number[], { ...tol, what: `${what} db` });
  }
});

test('ReLU, LeakyReLU, ELU and Softmax layers match PyTorch', { skip: path === undefined }, () => {
  const layers: Record<string, () => Layer> = {
    relu: () => new ReLU(),
    'leaky_relu_0.3': () => new LeakyReLU(),
    'leaky_relu_0.01': () => new LeakyReLU({ negativeSlope: 0.01 }),
    elu_1: () => new ELU(),
    softmax: () => new Softmax(),
  };
  for (const [name, make] of Object.entries(layers)) {
    const c = referenceCases('activation').find((k) => k.name === name);
    assert.ok(c, `no reference case ${name}`);
    const { y, grads } = forwardAndGrads(make(), c.x, c.x_shape, c.dy, () => []);
    assertClose(y.dataSync(), c.y, { ...tol, what: `${name} y` });
    assertClose(grads[0]!.dataSync(), c.dx, { ...tol, what: `${name} dx` });
  }
});
