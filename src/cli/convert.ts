/**
 * `fovea convert <in> <out>`: a model from one file format to another, the formats chosen by the
 * paths (folder/.json TensorFlow.js, .keras, .h5 read only, .onnx write only, .safetensors
 * weights).
 *
 * Example: `fovea convert ./mnist-tfjs mnist.keras`, `fovea convert mnist.keras mnist.onnx`.
 */
import type { Command } from 'commander';
import { FORMAT_NAMES, formatOf, loadModelFile, saveModelFile } from '../node/io/model-formats.js';
import { ensureBackends } from './backend-option.js';

export interface ConvertOptions {
  architecture?: string;
  opset?: number;
}

/** Converts and returns a one-line report. */
export async function convertModel(input: string, output: string, options: ConvertOptions = {}): Promise<string> {
  ensureBackends();
  const from = formatOf(input);
  const to = formatOf(output);
  const model = await loadModelFile(input, { architecture: options.architecture });
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
    .option('--architecture <model>', 'for a .safetensors input: the model file whose layers the weights go into')
    .option('--opset <n>', 'ONNX opset for .onnx output (13 to 21)', (v) => Number(v), 13)
    .action(async (input: string, output: string, options: ConvertOptions) => {
      console.log(await convertModel(input, output, options));
    });
}
