#!/usr/bin/env node
/**
 * The seed CNN's speed in headless Chromium against Node, alternating in one sitting, with
 * TensorFlow.js 4.22's wasm backend on the same page as the anchor. Each round runs:
 *   1. a fresh page (bench/browser-speed.html?first=infer): time from navigation to "ready"
 *      (useWasmBackendInBrowser resolved), the first inference blocks right after it, steady
 *      inference and training, then TF.js's wasm backend (SIMD, 2 threads) inferring the same
 *      network;
 *   2. a fresh Node process (dist/bench/speed-node.js, FOVEA_THREADS=2): the same blocks;
 *   3. a fresh page with ?first=train: the first training blocks after the setup.
 * Inference blocks are 4 batches of 256, training blocks 5 steps of batch 64 (RMSprop).
 *
 *   node bench/browser-speed.mjs [--rounds 3] [--threads 2] [--no-tfjs] [--json]
 *
 * Not part of `npm test`. Needs Chromium (scripts/install-browser.sh), playwright-core and
 * `npm run build`; exits 2 when one is missing. The machine's load is printed with the results:
 * on a shared machine read the ranges, not one round.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ROOT, missingPrerequisite, withPage } from '../scripts/browser-server.mjs';

const { values } = parseArgs({ options: {
  rounds: { type: 'string', default: '3' }, threads: { type: 'string', default: '2' },
  'no-tfjs': { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
} });
const rounds = Number(values.rounds);
const threads = Number(values.threads);

/** The median of the last five blocks: the steady speed. */
function steady(samplesPerSec) {
  const tail = samplesPerSec.slice(-5).sort((a, b) => a - b);
  return tail[Math.floor(tail.length / 2)];
}

/** One fresh page: setup, first blocks of `first`, then steady blocks (and TF.js when asked). */
async function browserRound(first, withTfjs) {
  return withPage(`bench/browser-speed.html?first=${first}&threads=${threads}`, async (page, _browser, errors) => {
    const setup = await page.evaluate(() => window.foveaSpeed.setup);
    const infer = first === 'infer' ? await page.evaluate(() => window.foveaSpeed.blocks('infer')) : null;
    const train = await page.evaluate(() => window.foveaSpeed.blocks('train'));
    const tfjs = withTfjs ? await page.evaluate(() => window.tfjsInference()) : null;
    if (errors.length > 0) throw new Error(`the page reported: ${errors.join('; ')}`);
    return { setup, infer, train, tfjs };
  });
}

function nodeRound() {
  const run = spawnSync(process.execPath, ['dist/bench/speed-node.js'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FOVEA_THREADS: String(threads) }, timeout: 300_000 });
  if (run.status !== 0) throw new Error(`speed-node exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

/** One round's numbers: steady samples/s, first-block ratios, ready time, the anchor. */
function summarize(a, node, b) {
  const first = (blocks, steadyValue) => blocks.samplesPerSec.slice(0, 3).map((v) => v / steadyValue);
  const r = {
    load: loadavg()[0],
    readyMs: [a.setup.readyMs, b.setup.readyMs],
    setupMs: [a.setup.setupMs, b.setup.setupMs],
    browser: { infer: steady(a.infer.samplesPerSec), train: steady(a.train.samplesPerSec) },
    node: { infer: steady(node.infer.samplesPerSec), train: steady(node.train.samplesPerSec) },
    firstInferRatio: first(a.setup.firstBlocks, steady(a.infer.samplesPerSec)),
    firstTrainRatio: first(b.setup.firstBlocks, steady(b.train.samplesPerSec)),
    nodeFirstInferRatio: first(node.firstBlocks, steady(node.infer.samplesPerSec)),
    tfjs: a.tfjs === null ? null : { infer: steady(a.tfjs.samplesPerSec), threads: a.tfjs.threads, simd: a.tfjs.simd, multithread: a.tfjs.multithread },
  };
  return r;
}

const fmt = (v) => Math.round(v).toLocaleString('en-US');
const ratios = (list) => list.map((v) => v.toFixed(2)).join(' ');

function printRound(i, r) {
  console.log(`round ${i + 1} (load ${r.load.toFixed(2)}): ready ${fmt(r.readyMs[0])} / ${fmt(r.readyMs[1])} ms after navigation (setup ${fmt(r.setupMs[0])} / ${fmt(r.setupMs[1])} ms)`);
  console.log(`  inference  Chromium ${fmt(r.browser.infer)}  Node ${fmt(r.node.infer)} samples/s  (${(r.browser.infer / r.node.infer).toFixed(2)}x)`);
  console.log(`  training   Chromium ${fmt(r.browser.train)}  Node ${fmt(r.node.train)} samples/s  (${(r.browser.train / r.node.train).toFixed(2)}x)`);
  console.log(`  first blocks / steady: Chromium inference ${ratios(r.firstInferRatio)}, training ${ratios(r.firstTrainRatio)}; Node inference ${ratios(r.nodeFirstInferRatio)}`);
  if (r.tfjs !== null) console.log(`  TF.js wasm (SIMD ${r.tfjs.simd}, threads ${r.tfjs.threads}) inference ${fmt(r.tfjs.infer)} samples/s: Fovea ${(r.browser.infer / r.tfjs.infer).toFixed(2)}x`);
}

function range(list) {
  const s = [...list].sort((x, y) => x - y);
  return `${fmt(s[0])}-${fmt(s.at(-1))}`;
}

async function main() {
  const missing = await missingPrerequisite();
  if (missing !== null) {
    console.error(`browser-speed: ${missing}`);
    process.exit(2);
  }
  const results = [];
  for (let i = 0; i < rounds; i++) {
    const a = await browserRound('infer', !values['no-tfjs']);
    const node = nodeRound();
    const b = await browserRound('train', false);
    const r = summarize(a, node, b);
    results.push(r);
    if (values.json) console.log(JSON.stringify({ round: i + 1, ...r }));
    else printRound(i, r);
  }
  if (values.json) return;
  const col = (f) => results.map(f);
  console.log(`\n${rounds} rounds, ${threads} threads: Chromium inference ${range(col((r) => r.browser.infer))} vs Node ${range(col((r) => r.node.infer))} samples/s; training ${range(col((r) => r.browser.train))} vs ${range(col((r) => r.node.train))}`);
  console.log(`browser/Node: inference ${ratios(col((r) => r.browser.infer / r.node.infer))}, training ${ratios(col((r) => r.browser.train / r.node.train))}; ready ${range(col((r) => Math.max(...r.readyMs)))} ms`);
  if (results[0].tfjs !== null) console.log(`Fovea / TF.js wasm inference: ${ratios(col((r) => r.browser.infer / r.tfjs.infer))} (TF.js ${range(col((r) => r.tfjs.infer))} samples/s)`);
}

main().catch((e) => {
  console.error(`browser-speed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
