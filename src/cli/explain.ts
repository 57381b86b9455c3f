/**
 * `fovea explain conv|pool`: prints a small convolution or pooling step by step (window,
 * products, sum), on the slides' examples or on matrices given as JSON.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { explainConv, explainPool, type PoolMode, SLIDE_CONV_INPUT, SLIDE_CONV_KERNEL, SLIDE_POOL_INPUT } from '../inspect/explain.js';

function matrixArg(value: string): number[][] {
  try {
    return JSON.parse(value) as number[][];
  } catch {
    throw new InvalidArgumentError(`expected a JSON matrix such as '[[1,0],[0,1]]', got '${value}'`);
  }
}

function intArg(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got '${value}'`);
    return n;
  };
}

export function registerExplain(program: Command): void {
  const explain = program.command('explain').description('step through a small convolution or pooling, window by window');
  explain
    .command('conv')
    .description("convolution (cross-correlation): default is the slides' 5x5 image with the 3x3 X kernel")
    .option('--input <json>', 'input matrix, e.g. [[1,1,0],[0,1,1],[1,0,1]]', matrixArg)
    .option('--kernel <json>', 'kernel matrix', matrixArg)
    .option('--stride <n>', 'stride', intArg(1), 1)
    .option('--padding <n>', 'zero padding on each side', intArg(0), 0)
    .action((o: { input?: number[][]; kernel?: number[][]; stride: number; padding: number }) => {
      console.log(explainConv(o.input ?? SLIDE_CONV_INPUT, o.kernel ?? SLIDE_CONV_KERNEL, { stride: o.stride, padding: o.padding }).text);
    });
  explain
    .command('pool')
    .description("pooling: default is the slides' 4x4 example with 2x2 max pooling")
    .option('--input <json>', 'input matrix', matrixArg)
    .option('--size <n>', 'window size', intArg(1), 2)
    .option('--stride <n>', 'stride (default: the window size)', intArg(1))
    .option('--mode <mode>', 'max, min or avg', 'max')
    .action((o: { input?: number[][]; size: number; stride?: number; mode: PoolMode }) => {
      console.log(explainPool(o.input ?? SLIDE_POOL_INPUT, { size: o.size, stride: o.stride, mode: o.mode }).text);
    });
}
