// Which kernels of a zoo model reach the packed GEMM (sgemmU, sgemmUPacked) and the other
// GEMM-shaped wasm exports, with their shapes: one training step (batch 64) and one prediction
// (batch 256) on one thread, every wasm call the backend makes listed under the kernel that made
// it, counted once per distinct (kernel, export, arguments).
//
//   [BR=checkout] node bench/gemm-calls.mjs mnist-cnn lenet5 cifar-vgg resnet8 mobilenet-mini
import { openTrainSide, thisCheckout } from './ab-sides.mjs';

const root = process.env.BR ?? thisCheckout;
const models = process.argv.slice(2);
const { WasmContext } = await import(`${root}/dist/src/backend/wasm/context.js`);
const GEMMS = new Set(['sgemmU', 'sgemmUPacked', 'convImplicit', 'convBackpropFilter', 'depthwisePointwise', 'convPointwiseStrided']);
let current = '', seen = null;
const describe = (name, a, total) => {
  const t = total === undefined ? '' : ` rows ${total}`;
  if (name === 'sgemmU' || name === 'sgemmUPacked') return `M ${a.M || ''}${t} N ${a.N} K ${a.K} ta ${a.ta} flags ${a.flags}`;
  return `K ${a.K ?? ''} C ${a.C ?? ''}${t}`;
};
const wrap = (method) => {
  const orig = WasmContext.prototype[method];
  WasmContext.prototype[method] = function (name, args, job) {
    if (seen !== null && GEMMS.has(name)) {
      const key = `${current} -> ${name} ${describe(name, args, job?.total)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    return orig.call(this, name, args, job);
  };
};
wrap('call'); wrap('parallel');

for (const model of models) {
  const side = await openTrainSide(root, `calls-${model}`, { model, threads: 1 });
  const table = side.engine.backend.kernels;
  for (const [id, fn] of Object.entries(table)) {
    table[id] = (inputs, attrs) => {
      const shapes = Object.values(inputs).filter((v) => v?.shape !== undefined).map((v) => v.shape.join('x'));
      current = `${id}(${shapes.join(' ')}${attrs?.strides ? ` s${attrs.strides[0]}` : ''})`;
      return fn(inputs, attrs);
    };
  }
  seen = new Map();
  side.step();
  console.log(`\n== ${model}: training step (batch 64)`);
  for (const [k, n] of seen) console.log(`${n > 1 ? `${n}x ` : ''}${k}`);
  seen = null;
}
