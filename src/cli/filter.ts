/** `fovea filter in.png --kernel sobel-x -o out.png`: applies a classic image kernel to a PNG or JPEG. */
import type { Command } from 'commander';
import { applyKernel } from '../image/filter.js';
import { toGrey } from '../image/image.js';
import { KERNEL_NAMES, KERNELS, type OutputMode } from '../image/kernels.js';
import { readImage, writePng } from '../node/image-io.js';
import { ensureBackends } from './backend-option.js';

interface FilterOptions {
  kernel?: string;
  output?: string;
  grey?: boolean;
  mode?: OutputMode;
  list?: boolean;
}

/** A kernel name or a JSON matrix. */
function kernelOf(spec: string): string | number[][] {
  if (!spec.trim().startsWith('[')) return spec;
  try {
    return JSON.parse(spec) as number[][];
  } catch {
    throw new Error(`filter: --kernel '${spec}' is neither a kernel name nor a JSON matrix`);
  }
}

export function runFilter(input: string | undefined, o: FilterOptions, print: (line: string) => void = console.log): void {
  if (o.list) {
    for (const name of KERNEL_NAMES) print(`${name.padEnd(16)} ${KERNELS[name].description}  ${JSON.stringify(KERNELS[name].weights.map((r) => r.map((v) => Number(v.toFixed(4)))))}`);
    return;
  }
  if (input === undefined || o.kernel === undefined || o.output === undefined) throw new Error('filter: give an input image, --kernel NAME and -o OUT.png (or --list)');
  ensureBackends();
  const image = readImage(input);
  const source = o.grey ? toGrey(image) : image;
  const out = applyKernel(source, kernelOf(o.kernel), o.mode ? { output: o.mode } : {});
  writePng(o.output, out);
  print(`${o.output}: ${out.width}x${out.height}, ${out.channels === 1 ? 'grey' : out.channels === 3 ? 'RGB' : 'RGBA'}, kernel ${o.kernel}`);
}

export function registerFilter(program: Command): void {
  program
    .command('filter')
    .description('apply a classic image kernel (Sobel, Laplacian, blur, line detectors ...) to a PNG or JPEG image')
    .argument('[input]', 'PNG or JPEG file')
    .option('--kernel <name|json>', `one of ${KERNEL_NAMES.join(', ')}, or a JSON matrix`)
    .option('-o, --output <file>', 'output PNG file')
    .option('--grey', 'convert to grey first')
    .option('--mode <mode>', 'how responses become pixels: clip, abs or normalize (default: per kernel)')
    .option('--list', 'list the named kernels')
    .action((input: string | undefined, o: FilterOptions) => runFilter(input, o));
}
