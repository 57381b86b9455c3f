/**
 * Node's side of bench/browser-speed.mjs: the seed CNN's blocks on the wasm backend in a fresh
 * process (threads from FOVEA_THREADS), first blocks of inference and then steady inference and
 * training, printed as one JSON line.
 *
 *   FOVEA_THREADS=2 node dist/bench/speed-node.js
 */
import '../src/node.js';
import { engine } from '../src/backend/engine.js';
import { measureBlocks, speedData, speedModel } from './speed-blocks.js';

const model = speedModel();
const data = { train: speedData(640, 1), infer: speedData(1024, 2) };
const firstBlocks = measureBlocks(model, data.infer, { kind: 'infer', blocks: 12 });
const infer = measureBlocks(model, data.infer, { kind: 'infer', blocks: 10 });
const train = measureBlocks(model, data.train, { kind: 'train', blocks: 10 });
console.log(JSON.stringify({ backend: engine.backend.name, threads: engine.backend.threads, firstBlocks, infer, train }));
