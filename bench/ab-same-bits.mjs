// Are two built checkouts bit-identical on the zoo? For each model (its Keras-style API): a prediction
// (batch 256) of the freshly built model, then every trainable weight after three training steps
// (batch 64, the model's optimizer), on THREADS threads, compared with Object.is value by value.
//
//   BASE=/path/to/main [BR=this checkout] [THREADS=1] node bench/ab-same-bits.mjs mnist-cnn resnet8 ...
import { checkouts, openSide } from './ab-sides.mjs';

const threads = Number(process.env.THREADS ?? 1);
const [base, branch] = checkouts();

/** The first index where two arrays differ (Object.is), or -1. */
function firstDiff(a, b) {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** One checkout's prediction and trained weights, flattened. */
async function values(root, name, model) {
  const side = await openSide(root, name, { threads, seed: 3 });
  const { benchModelsByName, benchProgram, resolveApi } = await import(`${root}/dist/src/cli/bench-models.js`);
  const m = benchModelsByName(model)[0];
  const { program, keras } = benchProgram(m, resolveApi(m, undefined), 1);
  const x = side.randn([256, ...m.sampleShape]);
  const prediction = program.predict(x, 256).dataSync().slice();
  const labels = Float32Array.from({ length: 64 * 10 }, (_, i) => (i % 10 === (Math.floor(i / 10) * 7) % 10 ? 1 : 0));
  const batch = program.prepare(side.randn([64, ...m.sampleShape]), side.ops.tensor(labels, [64, 10]));
  for (let s = 0; s < 3; s++) program.trainStep(...batch);
  const weights = keras.trainableWeights.flatMap((w) => Array.from(w.dataSync()));
  return { prediction, weights };
}

for (const model of process.argv.slice(2)) {
  const a = await values(base, `bits-a-${model}`, model), b = await values(branch, `bits-b-${model}`, model);
  for (const part of ['prediction', 'weights']) {
    const d = firstDiff(a[part], b[part]);
    console.log(`${model} ${threads}t ${part} (${a[part].length} values): ${d < 0 ? 'same bits' : `DIFFER at ${d}: ${a[part][d]} / ${b[part][d]}`}`);
  }
}
