/**
 * Where what a training step leaves in V8's old generation is allocated: V8's sampling heap
 * profiler over steps --from..--to of a folder epoch, keeping the samples that a major collection
 * freed or that are still alive, not those a scavenge freed (young garbage costs nothing). What is
 * left is what was promoted or allocated in the old generation: it stays until the next full
 * collection, and the longer the run the larger V8's heap settles (wasm DESIGN.md section 24).
 *
 *   node --max-semi-space-size=2 dist/bench/old-generation-profile.js [--files 50000] [--from 100] [--to 500] [--depth 2]
 *
 * Prints the bytes per step by allocating function (with --depth callers), largest first.
 */
import { Session } from 'node:inspector/promises';
import { Command } from 'commander';
import '../src/node.js';
import { LambdaCallback } from '../src/callbacks/lambda-callback.js';
import { imageDatasetFromDirectory } from '../src/node/data/image-dataset.js';
import { smallCnn } from '../src/zoo/small-cnn.js';
import { benchFolder } from './data-pipeline-runs.js';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const o = new Command('old-generation-profile')
  .option('--files <n>', 'images in the generated folder of 32x32 PNGs', '50000')
  .option('--from <step>', 'first step sampled', '100')
  .option('--to <step>', 'step the sampling stops at', '500')
  .option('--depth <n>', 'frames per allocation site (the allocating function and its callers)', '2')
  .option('--top <n>', 'sites printed', '25')
  .parse()
  .opts<{ files: string; from: string; to: string; depth: string; top: string }>();
const [from, to, depth] = [Number(o.from), Number(o.to), Number(o.depth)];

const folder = benchFolder(Number(o.files), 32, 'png');
const data = imageDatasetFromDirectory(folder.dir, { imageSize: [32, 32], batchSize: 64, seed: 1, workers: 1, verbose: false });
const model = smallCnn([32, 32, 3], 3, { seed: 1 });
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
const session = new Session();
session.connect();
let step = 0;
let profile: ProfileNode | null = null;
const sampler = new LambdaCallback({
  onTrainBatchEnd: async () => {
    step++;
    if (step === from) await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
    if (step === to) {
      profile = ((await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } }).profile.head;
      model.stopTraining = true;
    }
  },
});
await model.fit(data, { epochs: 1, verbose: 0, callbacks: [sampler] });
if (profile === null) throw new Error(`old-generation-profile: the epoch ended before step ${to} (${step} steps); give more --files or a smaller --to`);

const bySite = new Map<string, number>();
const frameOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
function walk(node: ProfileNode, callers: string[]): void {
  const stack = [frameOf(node), ...callers].slice(0, Math.max(1, depth));
  if (node.selfSize > 0) bySite.set(stack.join(' <- '), (bySite.get(stack.join(' <- ')) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child, stack);
}
walk(profile, []);
const steps = to - from;
const total = [...bySite.values()].reduce((a, b) => a + b, 0);
console.log(`${(total / steps / 1024).toFixed(1)} KB per step reached the old generation (or is still alive), steps ${from}..${to}:`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(o.top))) console.log(`${(bytes / steps).toFixed(0).padStart(7)} B  ${site}`);
