/**
 * The Lab views' pure helpers (compiled into dist/lab by `tsc -p lab`), run in Node: the MNIST
 * preprocessing of a drawing, the worked output-size formula, the typed-kernel parser and
 * turning a model's outputs into probabilities. The views themselves are tested in Chromium
 * (browser-lab-views.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

type Box = { top: number; left: number; height: number; width: number };
interface Preprocess {
  FIELD: number;
  preprocessDigit(ink: ArrayLike<number>, width: number, height: number): Float32Array | null;
  inkBounds(ink: ArrayLike<number>, width: number, height: number): Box | null;
  centreOfMass(values: ArrayLike<number>, width: number, height: number): [number, number];
}
interface OutputSize { workedOutputSize(n: number, f: number, s: number, p: number): { size: number; worked: string } }
interface KernelParser { parseKernel(text: string): { ok: true; weights: number[][] } | { ok: false; message: string } }
interface Probabilities { asProbabilities(outputs: ArrayLike<number>): { probabilities: number[]; softmaxed: boolean } }

const lab = <T>(path: string): Promise<T> => import(new URL(`../lab/views/${path}`, import.meta.url).href) as Promise<T>;

/** A width x height canvas of zeros with a filled rectangle of ink. */
function canvasWithRect(width: number, height: number, r: Box): Float32Array {
  const ink = new Float32Array(width * height);
  for (let y = r.top; y < r.top + r.height; y++) ink.fill(1, y * width + r.left, y * width + r.left + r.width);
  return ink;
}

test('a drawing is fitted into 20x20 keeping its aspect ratio and centred by mass in 28x28, as MNIST was made', async () => {
  const { preprocessDigit, inkBounds, centreOfMass, FIELD } = await lab<Preprocess>('inside/mnist-preprocess.js');
  // A tall bar (100 high, 40 wide) in the top-left corner of a 280x280 pad.
  const field = preprocessDigit(canvasWithRect(280, 280, { top: 10, left: 20, height: 100, width: 40 }), 280, 280);
  assert.ok(field !== null);
  assert.equal(field.length, FIELD * FIELD);
  const box = inkBounds(field, FIELD, FIELD);
  assert.deepEqual([box?.height, box?.width], [20, 8], 'longer side 20, aspect 100:40 kept');
  const [cx, cy] = centreOfMass(field, FIELD, FIELD);
  assert.ok(Math.abs(cx - 14) <= 0.5 && Math.abs(cy - 14) <= 0.5, `centre of mass at (${cx}, ${cy}), expected (14, 14)`);
  assert.ok(field.every((v) => v >= 0 && v <= 1));
});

test('area averaging gives a stroke edge grey levels, and an empty pad gives null', async () => {
  const { preprocessDigit } = await lab<Preprocess>('inside/mnist-preprocess.js');
  // 30 pixels high -> scale 20/30: a target row covers 1.5 source rows, so the bar's 15-pixel
  // width (10 target pixels) lands with whole and partial coverage.
  const field = preprocessDigit(canvasWithRect(100, 100, { top: 0, left: 0, height: 30, width: 15 }), 100, 100);
  assert.ok(field !== null);
  assert.ok(field.some((v) => v === 1) && field.filter((v) => v > 0).length === 200, 'a 20x10 block of ink');
  // An L: a 13-wide upright and a 45-wide foot, 90 high. Scaled by 2/9, a target column covers
  // 4.5 source columns, so the upright's right edge falls inside one: a grey pixel.
  const ell = canvasWithRect(90, 90, { top: 0, left: 0, height: 90, width: 13 });
  ell.set(canvasWithRect(90, 10, { top: 0, left: 0, height: 10, width: 45 }), 80 * 90);
  const grey = preprocessDigit(ell, 90, 90);
  assert.ok(grey !== null && grey.some((v) => v > 0.5 && v < 1), 'the upright\'s edge is partly covered');
  assert.equal(preprocessDigit(new Float32Array(100 * 100), 100, 100), null);
  assert.throws(() => preprocessDigit(new Float32Array(10), 4, 4), /preprocessDigit: 4x4 needs 16 values, got 10/);
});

test('the output-size formula is worked out with the numbers, with the floor when the stride does not divide', async () => {
  const { workedOutputSize } = await lab<OutputSize>('explain/output-size.js');
  assert.deepEqual(workedOutputSize(5, 3, 1, 0), { size: 3, worked: '(5 + 2×0 − 3) / 1 + 1 = 2 / 1 + 1 = 2 + 1 = 3' });
  assert.deepEqual(workedOutputSize(5, 3, 2, 1), { size: 3, worked: '(5 + 2×1 − 3) / 2 + 1 = 4 / 2 + 1 = 2 + 1 = 3' });
  assert.deepEqual(workedOutputSize(5, 3, 3, 0), { size: 1, worked: '(5 + 2×0 − 3) / 3 + 1 = ⌊2 / 3⌋ + 1 = 0 + 1 = 1' });
  assert.equal(workedOutputSize(227, 11, 4, 0).size, 55);
  const tooBig = workedOutputSize(2, 3, 1, 0);
  assert.equal(tooBig.size, 0);
  assert.match(tooBig.worked, /the 3-wide window does not fit the 2-wide padded input/);
});

test('a typed kernel is nine numbers; anything else is refused saying what is wrong', async () => {
  const { parseKernel } = await lab<KernelParser>('kernels/parse-kernel.js');
  assert.deepEqual(parseKernel('0 -1 0, -1 5 -1,\n0 -1 0'), { ok: true, weights: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]] });
  assert.deepEqual(parseKernel('.5 1e-1 +2 0 0 0 0 0 0'), { ok: true, weights: [[0.5, 0.1, 2], [0, 0, 0], [0, 0, 0]] });
  assert.deepEqual(parseKernel('1 2 3 4 5 6 7 8'), { ok: false, message: 'Kernel: expected 9 numbers (3 rows of 3), got 8' });
  const bad = parseKernel('1 1 1 1 x 1 1 1 1');
  assert.ok(!bad.ok && bad.message.startsWith('Kernel: "x" (item 5) is not a number'));
  assert.ok(!parseKernel('1/9 1 1 1 1 1 1 1 1').ok, 'fractions are not silently read as something else');
  assert.ok(!parseKernel('').ok);
});

test('outputs that are already probabilities are kept; logits get a softmax', async () => {
  const { asProbabilities } = await lab<Probabilities>('inside/probabilities.js');
  const p = [0.1, 0.2, 0.7];
  assert.deepEqual(asProbabilities(p), { probabilities: p, softmaxed: false });
  const fromLogits = asProbabilities([2, 0, -1]);
  assert.equal(fromLogits.softmaxed, true);
  assert.ok(Math.abs(fromLogits.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(Math.abs(fromLogits.probabilities[0] - Math.exp(2) / (Math.exp(2) + 1 + Math.exp(-1))) < 1e-12);
});
