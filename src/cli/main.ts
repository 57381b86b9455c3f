#!/usr/bin/env -S node --max-semi-space-size=2
/** The `fovea` command line: one file per command, wired here. */
import { Command } from 'commander';
import '../node/install-collector.js';
import { ensureBackends } from './backend-option.js';
import { registerBench } from './bench.js';
import { exitQuietlyOnClosedPipe } from './closed-pipe.js';
import { registerConvert } from './convert.js';
import { registerExplain } from './explain.js';
import { registerFilter } from './filter.js';
import { registerLab } from './lab.js';
import { packageVersion } from './package-root.js';
import { registerPredict } from './predict.js';
import { registerReceptiveField } from './receptive-field.js';
import { registerSelftest } from './selftest.js';
import { registerSummary } from './summary.js';
import { registerTrain } from './train.js';
import { registerViz } from './viz.js';

export function buildProgram(): Command {
  const program = new Command('fovea').description('Fovea: convolutional neural networks in TypeScript').showHelpAfterError()
    .version(packageVersion(), '-V, --version', 'print the version of Fovea');
  registerBench(program);
  registerSelftest(program);
  registerSummary(program);
  registerTrain(program);
  registerExplain(program);
  registerFilter(program);
  registerViz(program);
  registerReceptiveField(program);
  registerConvert(program);
  registerPredict(program);
  registerLab(program);
  return program;
}

exitQuietlyOnClosedPipe(process.stdout);
exitQuietlyOnClosedPipe(process.stderr);
ensureBackends();
buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    console.error(`fovea: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
