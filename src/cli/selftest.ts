/**
 * `fovea selftest`: runs the PyTorch reference vectors through the ops on the chosen backend and
 * prints, per case, the largest absolute and relative error of each output and gradient.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type CaseResult, REFERENCE_TOLERANCE, runReferenceFile } from '../testing/reference-cases.js';
import { useBackend } from './backend-option.js';
import { shippedReferencePath } from './package-root.js';

export interface SelftestOptions {
  reference?: string;
  backend?: string;
  json?: boolean;
}

const fmt = (v: number): string => v.toExponential(1).padStart(8);

function caseLine(r: CaseResult, width: number): string {
  const status = r.pass ? 'ok  ' : 'FAIL';
  const head = `${status} ${String(r.index).padStart(3)}  ${r.label.padEnd(width)}`;
  if (r.error) return `${head} error: ${r.error}`;
  return head + r.comparisons.map((c) => `  ${c.name.padEnd(7)} abs${fmt(c.maxAbs)} rel${fmt(c.maxRel)}${c.pass ? '' : ' <-'}`).join('');
}

function readReference(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`selftest: cannot read reference file ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`selftest: ${path} is not JSON: ${(e as Error).message}`);
  }
}

/** Runs the self-test, printing with `print`; returns the process exit code (0: every case passes). */
export function runSelftest(options: SelftestOptions, print: (line: string) => void = console.log): number {
  const backend = useBackend(options.backend);
  const path = options.reference ?? shippedReferencePath();
  const results = runReferenceFile(readReference(path));
  const failed = results.filter((r) => !r.pass).length;
  const { rtol, atol } = REFERENCE_TOLERANCE;
  if (options.json) {
    print(JSON.stringify({ reference: path, backend, tolerance: { rtol, atol }, passed: results.length - failed, failed, cases: results }));
  } else {
    print(`PyTorch reference vectors: ${path}`);
    print(`backend '${backend}'; a case passes when every |error| <= ${atol} + ${rtol} * |expected|`);
    const width = Math.max(...results.map((r) => r.label.length));
    for (const r of results) print(caseLine(r, width));
    print(`${results.length - failed} of ${results.length} cases pass${failed > 0 ? `; ${failed} FAIL` : ''}.`);
  }
  return failed === 0 && results.length > 0 ? 0 : 1;
}

export function registerSelftest(program: Command): void {
  program
    .command('selftest')
    .description('check forward results and gradients against PyTorch reference vectors')
    .option('--reference <file>', 'reference vectors JSON (default: the shipped fixtures/reference-1.json)')
    .option('--backend <name>', 'backend to run on (default: the highest-priority one registered)')
    .option('--json', 'print one JSON object instead of the table')
    .action((options: SelftestOptions) => {
      process.exitCode = runSelftest(options);
    });
}
