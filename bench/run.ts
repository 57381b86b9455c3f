/**
 * `npm run bench`: the seed-CNN benchmark on the default backend, with ratios to the reference
 * backend measured in the same process. Arguments are those of `fovea bench`.
 */
import { Command } from 'commander';
import '../src/backend/engine.js';
import { registerBench } from '../src/cli/bench.js';

const program = new Command('bench');
registerBench(program);
await program.parseAsync(['node', 'bench', 'bench', ...process.argv.slice(2)]);
