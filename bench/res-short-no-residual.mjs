// Upper bound of what fusing resnet8's 1x1 stride-2 shortcuts into the block's second conv could
// save at inference: whole predictions (batch 256, THREADS threads, least process CPU of STEPS,
// interleaved) as they are, against predictions whose two stride-2 blocks' second convs are called
// without their residual (wrong values: timing only). The difference is what reading the two
// shortcut maps back costs inside a prediction (the maps are still written).
//
//   [THREADS=1] node bench/res-short-no-residual.mjs [STEPS=10]
const steps = Number(process.argv[2] ?? 10), threads = Number(process.env.THREADS ?? 1);
const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const { engine } = await import(`${root}/dist/src/backend/engine.js`);
const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
const { tensor } = await import(`${root}/dist/src/ops/create.js`);
const { BENCH_MODELS, benchProgram } = await import(`${root}/dist/src/cli/bench-models.js`);
const { withScope } = await import(`${root}/dist/src/tensor/scope.js`);
registerWasmBackend({ name: 'nr', threads, priority: 0 });
engine.setBackend('nr');
const m = BENCH_MODELS.resnet8;
const { program } = benchProgram(m, m.kerasApi, 1);
const x = tensor(Float32Array.from({ length: 256 * 3072 }, (_, i) => ((i * 2654435761) >>> 0) / 2 ** 32), [256, 32, 32, 3]);
const table = engine.backend.kernels;
const conv = table.Conv2D;
let mode = 'as-is', shortcutMs = 0;
// The 16x16 and 8x8 blocks' second convs (the stride-2 blocks: their residual is the 1x1 shortcut's
// map) lose their residual operand in 'no-residual' mode; the 1x1 stride-2 calls are timed.
table.Conv2D = (inputs, attrs) => {
  if (inputs.filter.shape[0] === 1 && attrs.strides[0] === 2) {
    const c0 = process.cpuUsage();
    const out = conv(inputs, attrs);
    const u = process.cpuUsage(c0);
    shortcutMs += (u.user + u.system) / 1000;
    return out;
  }
  if (mode === 'no-residual' && inputs.residual !== undefined && inputs.residual.shape[1] < 32) {
    const { residual: _r, ...rest } = inputs;
    return conv(rest, attrs);
  }
  return conv(inputs, attrs);
};
const best = { 'as-is': Infinity, 'no-residual': Infinity };
const sc = { 'as-is': Infinity, 'no-residual': Infinity };
const run = (which) => {
  mode = which; shortcutMs = 0;
  const c0 = process.cpuUsage();
  withScope(() => program.predict(x, 256).dataSync());
  const u = process.cpuUsage(c0);
  best[which] = Math.min(best[which], (u.user + u.system) / 1000);
  sc[which] = Math.min(sc[which], shortcutMs);
};
for (let i = 0; i < 3; i++) { run('as-is'); run('no-residual'); }
for (const k of Object.keys(best)) { best[k] = Infinity; sc[k] = Infinity; }
for (let i = 0; i < steps; i++) { run('as-is'); run('no-residual'); run('no-residual'); run('as-is'); }
console.log(`prediction least CPU ms: as-is ${best['as-is'].toFixed(2)}, second convs without residual ${best['no-residual'].toFixed(2)} (saved ${(best['as-is'] - best['no-residual']).toFixed(2)} ms, ${(100 * (1 - best['no-residual'] / best['as-is'])).toFixed(1)}%); shortcut kernels ${sc['as-is'].toFixed(2)}`);
