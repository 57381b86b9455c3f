/**
 * `fovea convert <in> <out>`: a model from one file format to another, the formats chosen by the
 * paths (folder/.json TensorFlow.js, .keras, .h5 read only, .onnx write only, .safetensors
 * weights, .pt/.pth PyTorch state dicts). Weights-only inputs go into `--architecture`: another
 * model file or a built-in model's name (`mnist-cnn`).
 *
 * Example: `fovea convert ./mnist-tfjs mnist.keras`, `fovea convert mnist.keras mnist.onnx`,
 * `fovea convert cnn.pt ./cnn-tfjs --architecture mnist-cnn`.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import type { LoadedModel } from '../io/keras/model-from-config.js';
import { FORMAT_NAMES, formatOf, loadModelFile, saveModelFile } from '../node/io/model-formats.js';
import { ensureBackends } from './backend-option.js';
import { MODELS, modelByName } from './summary.js';

export interface ConvertOptions {
  architecture?: string;
  opset?: number;
}

/** A built-in model by name, else a model file's path (which must exist). */
function resolveArchitecture(architecture: string | undefined): string | LoadedModel | undefined {
  if (architecture === undefined) return undefined;
  if (Object.hasOwn(MODELS, architecture)) return modelByName(architecture);
  if (!existsSync(architecture)) throw new Error(`--architecture '${architecture}' is neither a model file nor a built-in model (${Object.keys(MODELS).join(', ')})`);
  return architecture;
}

/** Converts and returns a one-line report. */
export async function convertModel(input: string, output: string, options: ConvertOptions = {}): Promise<string> {
  ensureBackends();
  const from = formatOf(input);
  const to = formatOf(output);
  const model = await loadModelFile(input, { architecture: resolveArchitecture(options.architecture) });
  await saveModelFile(model, output, { opset: options.opset });
  const params = model.weights.reduce((n, w) => n + w.size, 0);
  return `converted ${input} (${FORMAT_NAMES[from]}) -> ${output} (${FORMAT_NAMES[to]}): model "${model.name}", ${model.layers.length} layers, ${params} parameters`;
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description(`convert a model between formats: ${Object.values(FORMAT_NAMES).join('; ')}`)
    .argument('<in>', 'model to read')
    .argument('<out>', 'model to write (format from the extension; a path without one is a TensorFlow.js folder)')
    .option('--architecture <model>', `for a .safetensors or .pt input: the model file whose layers the weights go into, or a built-in model (${Object.keys(MODELS).join(', ')})`)
    .option('--opset <n>', 'ONNX opset for .onnx output (13 to 21)', (v) => Number(v), 13)
    .action(async (input: string, output: string, options: ConvertOptions) => {
      console.log(await convertModel(input, output, options));
    });
}
