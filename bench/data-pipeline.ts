/**
 * The image-folder pipeline's throughput, against in-memory data (issue 14's targets):
 *
 *   node dist/bench/data-pipeline.js [--model cifar-vgg|small-cnn] [--files 2000] [--kinds png|mixed]
 *                                    [--workers 0,1] [--train-workers 0,1] [--pairs 3]
 *   node dist/bench/data-pipeline.js --rss --files 50000 --kinds mixed   (one epoch, prints peak RSS)
 *   node dist/bench/data-pipeline.js --rss --files 5000 --epochs 10      (ten epochs in one process)
 *
 * 1. Pipeline alone (best of two passes): images/s of read + decode + resize + batch of 64 over a folder of
 *    --size x --size images (--kinds png: RGB PNGs; mixed: RGB PNGs and JPEGs in turn), then the
 *    same with augmentation (RandomFlip + RandomTranslation applied to each batch in a map), with
 *    decoding on the main thread (0) and on N worker threads.
 * 2. Training: samples/s of one epoch of --model fed from the folder (once per --train-workers
 *    count) and from the same images held as in-memory tensors (fit(x, y), shuffled batches of
 *    64), alternated in rounds because this shared machine's speed drifts within minutes; each
 *    round prints folder / memory, and the end the median ratios.
 * With --rss it trains one epoch (or --epochs) from a folder of --files images and prints the peak RSS, so two
 * runs with different --files show whether memory grows with the folder (run them in turn).
 *
 * The folder is generated under the OS temp directory (reused when it exists) and never written
 * again after generation.
 */
import { Command } from 'commander';
import '../src/node.js';
import { type BenchModelName, benchFolder, epochFromFolder, epochFromMemory, folderAsTensors, pipelineRate } from './data-pipeline-runs.js';

const o = new Command('data-pipeline')
  .option('--model <name>', 'model trained: cifar-vgg (32x32x3, Adam) or small-cnn', 'cifar-vgg')
  .option('--files <n>', 'images in the generated folder', '2000')
  .option('--size <n>', 'side of the generated images', '32')
  .option('--kinds <kinds>', "'png' (RGB PNGs) or 'mixed' (RGB PNGs and JPEGs in turn)", 'png')
  .option('--workers <list>', 'decode worker counts for the pipeline-alone figures', '0,1')
  .option('--train-workers <list>', 'decode worker counts while training from the folder', '0,1')
  .option('--pairs <n>', 'alternating memory / folder training rounds', '3')
  .option('--rss', 'train one epoch from the folder and print the peak RSS')
  .option('--epochs <n>', 'with --rss: epochs trained in the one process', '1')
  .parse()
  .opts<{ model: string; files: string; size: string; kinds: string; workers: string; trainWorkers: string; pairs: string; rss?: boolean; epochs: string }>();

if (o.model !== 'cifar-vgg' && o.model !== 'small-cnn') throw new Error(`data-pipeline: --model must be cifar-vgg or small-cnn, got '${o.model}'`);
if (o.kinds !== 'png' && o.kinds !== 'mixed') throw new Error(`data-pipeline: --kinds must be png or mixed, got '${o.kinds}'`);
const model = o.model as BenchModelName;
const side = Number(o.size);
const folder = benchFolder(Number(o.files), side, o.kinds);
const counts = (list: string) => list.split(',').map(Number);
const peakRssMB = () => process.resourceUsage().maxRSS / 1024;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

if (o.rss) {
  const workers = counts(o.trainWorkers).pop()!;
  const epochs = Number(o.epochs);
  const rate = await epochFromFolder(folder, model, workers, epochs);
  console.log(JSON.stringify({ files: folder.files, side, kinds: o.kinds, model, workers, epochs, samplesPerSec: Math.round(rate), peakRssMB: Math.round(peakRssMB()) }));
} else {
  for (const w of counts(o.workers)) {
    for (const augment of [false, true]) {
      const rate = await pipelineRate(folder, w, augment);
      console.log(`pipeline, ${w === 0 ? 'main thread' : `${w} worker${w > 1 ? 's' : ''}`}: ${rate.toFixed(0)} images/s (decode + resize${augment ? ' + augment' : ''} + batch of 64, ${side}x${side} ${o.kinds})`);
    }
  }
  const [x, y] = await folderAsTensors(folder);
  const ratios = new Map<number, number[]>(counts(o.trainWorkers).map((w) => [w, []]));
  for (let p = 0; p < Number(o.pairs); p++) {
    // Odd rounds start with memory, even ones with the folder, so neither always runs first.
    const memoryFirst = p % 2 === 0;
    let memory = memoryFirst ? await epochFromMemory(x, y, model) : 0;
    const folderRates = new Map<number, number>();
    for (const w of ratios.keys()) folderRates.set(w, await epochFromFolder(folder, model, w));
    if (!memoryFirst) memory = await epochFromMemory(x, y, model);
    const parts = [`from memory ${memory.toFixed(0)}${memoryFirst ? ' (first)' : ' (last)'}`];
    for (const [w, rate] of folderRates) {
      ratios.get(w)!.push(rate / memory);
      parts.push(`from the folder (${w} workers) ${rate.toFixed(0)} = ${(rate / memory).toFixed(2)}x`);
    }
    console.log(`round ${p + 1}, ${model} samples/s: ${parts.join('; ')}`);
  }
  for (const [w, list] of ratios) console.log(`folder / memory with ${w} decode workers: median ${median(list).toFixed(2)}x (${list.map((r) => r.toFixed(2)).join(', ')})`);
  console.log(`peak RSS ${peakRssMB().toFixed(0)} MB`);
}
