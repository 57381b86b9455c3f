// What the A/B benchmarks (bench/ab-*.mjs) share: two built checkouts' `dist`s imported side by
// side in one process (separate engines and wasm instances, so their calls can alternate), and the
// least process CPU time of a few runs (workers' time included when they use threads).

/** The checkout holding this file. */
export const thisCheckout = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/** [base, branch]: BASE (required, the other checkout) and BR (default: this checkout). BR=BASE is an A/A control. */
export function checkouts() {
  const base = process.env.BASE;
  if (!base) throw new Error('set BASE: the other checkout (built with `npm run build`)');
  return [base, process.env.BR ?? thisCheckout];
}

/**
 * One checkout's wasm backend registered as `name` and made current: its engine and ops, `use()`
 * to make it current again, and `randn(shape, scale = 1, mean = 0)` from a Random seeded with `seed`
 * (both sides draw the same values when they make the same calls in the same order).
 */
export async function openSide(root, name, { threads = 1, variant, seed = 7 } = {}) {
  const { engine } = await import(`${root}/dist/src/backend/engine.js`);
  const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
  const ops = await import(`${root}/dist/src/ops/index.js`);
  const { Random } = await import(`${root}/dist/src/tensor/random.js`);
  registerWasmBackend({ name, threads, priority: 0, ...(variant === undefined ? {} : { variant }) });
  const use = () => engine.setBackend(name);
  use();
  const rng = new Random(seed);
  const randn = (shape, scale = 1, mean = 0) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => mean + scale * rng.normal()), shape);
  return { root, name, engine, ops, Random, rng, randn, use };
}

/**
 * One conv kernel call on side S, as a thunk over seeded operands made once: kind 'forward'
 * (Conv2D; with `relu`, a bias and the relu epilogue too), 'dx' (Conv2DBackpropInput) or 'dW'
 * (Conv2DBackpropFilter), on NHWC [N, H, H, C] images and a k x k filter to K channels.
 */
export function convKernelCall(S, kind, { N, H, C, K, k, stride = 1, pad, relu = false }) {
  const OH = Math.floor((H + pad[0] + pad[1] - k) / stride) + 1;
  const attrs = { strides: [stride, stride], pad, dilations: [1, 1], groups: 1 };
  if (kind === 'forward') {
    const x = S.randn([N, H, H, C]), filter = S.randn([k, k, C, K]), bias = relu ? S.randn([K]) : undefined;
    return () => S.engine.runKernel('Conv2D', { x, filter, bias }, { ...attrs, activation: relu ? 'relu' : 'linear' });
  }
  if (kind === 'dx') {
    const dy = S.randn([N, OH, OH, K]), filter = S.randn([k, k, C, K]);
    return () => S.engine.runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: [N, H, H, C] });
  }
  const x = S.randn([N, H, H, C]), dy = S.randn([N, OH, OH, K]);
  return () => S.engine.runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [k, k, C, K] });
}

/**
 * One checkout's training step on a zoo model (`fovea bench`'s program for MODEL and API), warmed
 * up by five steps: `step()` makes the side current and trains on one fixed batch of BATCH seeded
 * images whose labels cycle through the ten classes.
 */
export async function openTrainSide(root, name, { model, api, threads = 1, batch = 64 }) {
  const side = await openSide(root, name, { threads, seed: 3 });
  const { benchModelsByName, benchProgram, resolveApi } = await import(`${root}/dist/src/cli/bench-models.js`);
  const m = benchModelsByName(model)[0];
  const { program } = benchProgram(m, resolveApi(m, api), 1);
  const x = side.randn([batch, ...m.sampleShape]);
  const labels = Float32Array.from({ length: batch * 10 }, (_, i) => (i % 10 === (Math.floor(i / 10) * 7) % 10 ? 1 : 0));
  const [px, py] = program.prepare(x, side.ops.tensor(labels, [batch, 10]));
  const step = () => { side.use(); program.trainStep(px, py); };
  for (let i = 0; i < 5; i++) { step(); await new Promise((r) => setTimeout(r)); }
  return Object.assign(side, { step });
}

/** The least process CPU ms of `reps` calls of `run`; the tensor or tensors it returns are released. */
export function bestCpuMs(run, reps) {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const out = run();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
    if (Array.isArray(out)) for (const o of out) o.release();
    else out?.release?.();
  }
  return best;
}
