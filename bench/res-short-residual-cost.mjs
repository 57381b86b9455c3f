// What resnet8's stride-2 blocks pay for their 1x1 shortcut's map (batch 256, 1 thread, least
// process CPU of REPS): the second conv with and without the residual operand, with a residual the
// shortcut kernel has just written (as in a prediction) and a repeated one; the shortcut kernel
// alone; and a store-bandwidth proxy (filling a buffer of the map's size).
//
//   [REPS=12] [THREADS=1] [CLOCK=cpu|wall] node bench/res-short-residual-cost.mjs
const reps = Number(process.env.REPS ?? 12), threads = Number(process.env.THREADS ?? 1), wall = process.env.CLOCK === 'wall';
const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const { engine } = await import(`${root}/dist/src/backend/engine.js`);
const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
const ops = await import(`${root}/dist/src/ops/index.js`);
const { Random } = await import(`${root}/dist/src/tensor/random.js`);
registerWasmBackend({ name: 'rs', threads, priority: 0 });
engine.setBackend('rs');
const rng = new Random(3);
const randn = (shape, s = 1) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => s * rng.normal()), shape);
const cpu = (f) => {
  if (wall) { const t0 = performance.now(); const out = f(); return [performance.now() - t0, out]; }
  const c0 = process.cpuUsage(); const out = f(); const c = process.cpuUsage(c0); return [(c.user + c.system) / 1000, out];
};
const same = { strides: [1, 1], pad: [1, 1, 1, 1], dilations: [1, 1], groups: 1, activation: 'relu' };
const s2 = { strides: [2, 2], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1, activation: 'linear' };
for (const [H, C, K] of [[32, 16, 32], [16, 32, 64]]) {
  const N = 256, OH = H / 2;
  const xin = randn([N, H, H, C]), wsc = randn([1, 1, C, K], 0.2), bsc = randn([K], 0.1);
  const x2 = randn([N, OH, OH, K]), w2 = randn([3, 3, K, K], 0.1), b2 = randn([K], 0.1);
  const resFixed = randn([N, OH, OH, K]);
  const best = { shortcut: Infinity, convNoRes: Infinity, convResFixed: Infinity, convResFresh: Infinity, fill: Infinity };
  const buf = new Float32Array(N * OH * OH * K);
  for (let r = 0; r < reps; r++) {
    let [t, sc] = cpu(() => engine.runKernel('Conv2D', { x: xin, filter: wsc, bias: bsc }, s2));
    best.shortcut = Math.min(best.shortcut, t);
    let [t2, y] = cpu(() => engine.runKernel('Conv2D', { x: x2, filter: w2, bias: b2, residual: sc }, same));
    best.convResFresh = Math.min(best.convResFresh, t2); y.release(); sc.release();
    [t2, y] = cpu(() => engine.runKernel('Conv2D', { x: x2, filter: w2, bias: b2 }, same));
    best.convNoRes = Math.min(best.convNoRes, t2); y.release();
    [t2, y] = cpu(() => engine.runKernel('Conv2D', { x: x2, filter: w2, bias: b2, residual: resFixed }, same));
    best.convResFixed = Math.min(best.convResFixed, t2); y.release();
    [t2] = cpu(() => buf.fill(r));
    best.fill = Math.min(best.fill, t2);
  }
  const mb = (N * OH * OH * K * 4 / 1e6).toFixed(1);
  console.log(`${H}x${H} ${C}->${K} (shortcut map ${mb} MB):`, Object.entries(best).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', '));
}
