/**
 * `fovea predict <model> <image>`: classifies one PNG or JPEG with a saved model (any format
 * `fovea convert` reads). The image is converted to the model's channels (grey by luma, or grey
 * repeated to RGB; alpha dropped), resized to the model's input size by bilinear interpolation
 * (pixel centres aligned, as image libraries resize), scaled to [0, 1], and the top classes are
 * printed with their probabilities (a softmax is applied first when the outputs are logits).
 *
 * Example: `fovea predict mnist.keras digit.png --invert` (MNIST digits are white on black).
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { createImage, type Image, toGrey } from '../image/image.js';
import type { LoadedModel } from '../io/keras/model-from-config.js';
import { readImage } from '../node/image-io.js';
import { loadModelFile } from '../node/io/model-formats.js';
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { ensureBackends } from './backend-option.js';

/** The model's input shape [H, W, C] (channels last). */
export function inputSize(model: LoadedModel): [number, number, number] {
  const shape = 'inputs' in model ? model.inputs[0].shape : (model.getConfig().layers[0]?.config.batchInputShape as (number | null)[] | undefined);
  if (shape === undefined || shape.length !== 4 || shape.slice(1).some((d) => d === null)) {
    throw new Error(`predict: model "${model.name}" must take images [batch, height, width, channels], its input is ${JSON.stringify(shape)}`);
  }
  return shape.slice(1) as [number, number, number];
}

export function toChannels(image: Image, channels: number): Image {
  if (channels === 1) return toGrey(image);
  if (channels !== 3) throw new Error(`predict: the model takes ${channels} channels; images give 1 (grey) or 3 (RGB)`);
  const out = createImage(image.width, image.height, 3);
  for (let i = 0; i < image.width * image.height; i++) {
    for (let c = 0; c < 3; c++) out.data[i * 3 + c] = image.data[i * image.channels + (image.channels === 1 ? 0 : c)];
  }
  return out;
}

/** Bilinear resize with pixel centres aligned (source x = (x + 0.5) * scale - 0.5, clamped). */
export function resizeBilinear(image: Image, width: number, height: number): Image {
  const out = createImage(width, height, image.channels);
  const sx = image.width / width;
  const sy = image.height / height;
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  for (let y = 0; y < height; y++) {
    const fy = clamp((y + 0.5) * sy - 0.5, image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    for (let x = 0; x < width; x++) {
      const fx = clamp((x + 0.5) * sx - 0.5, image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      for (let c = 0; c < image.channels; c++) {
        const at = (yy: number, xx: number) => image.data[(yy * image.width + xx) * image.channels + c];
        const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * (fx - x0);
        const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * (fx - x0);
        out.data[(y * width + x) * image.channels + c] = top + (bottom - top) * (fy - y0);
      }
    }
  }
  return out;
}

/** Probabilities from the model's outputs: kept when they already are a distribution, softmaxed otherwise. */
function probabilities(values: Float32Array): { probs: number[]; softmaxed: boolean } {
  const sum = values.reduce((a, b) => a + b, 0);
  if (values.every((v) => v >= 0 && v <= 1) && Math.abs(sum - 1) < 1e-3) return { probs: Array.from(values), softmaxed: false };
  const max = Math.max(...values);
  const exps = Array.from(values, (v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return { probs: exps.map((e) => e / total), softmaxed: true };
}

export interface PredictOptions {
  top?: number;
  invert?: boolean;
  labels?: string;
}

/** The lines `fovea predict` prints. */
export async function predictImage(modelPath: string, imagePath: string, options: PredictOptions = {}): Promise<string[]> {
  ensureBackends();
  const model = await loadModelFile(modelPath);
  const [height, width, channels] = inputSize(model);
  const image = resizeBilinear(toChannels(readImage(imagePath), channels), width, height);
  const x = tensor(image.data.map((v) => (options.invert ? 255 - v : v) / 255), [1, height, width, channels]);
  const output = model.predict(x) as Tensor;
  const { probs, softmaxed } = probabilities(Float32Array.from(output.dataSync()));
  const labels = options.labels ? (await readFile(options.labels, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '') : null;
  const ranked = probs.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p).slice(0, options.top ?? 5);
  return [
    `${imagePath} -> ${modelPath} (input ${height}x${width}x${channels}${softmaxed ? ', outputs are logits: softmax applied' : ''})`,
    ...ranked.map(({ p, i }) => `  ${(labels?.[i] ?? `class ${i}`).padEnd(12)} ${(p * 100).toFixed(2).padStart(6)}%`),
  ];
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('classify a PNG or JPEG image with a saved model and print the top classes')
    .argument('<model>', 'model file (.keras, .h5, TensorFlow.js folder or model.json)')
    .argument('<image>', 'PNG or JPEG image')
    .option('--top <k>', 'how many classes to print', (v) => Number(v), 5)
    .option('--invert', 'invert the image first (MNIST digits are white on black)')
    .option('--labels <file>', 'class names, one per line')
    .action(async (modelPath: string, imagePath: string, options: PredictOptions) => {
      for (const line of await predictImage(modelPath, imagePath, options)) console.log(line);
    });
}
