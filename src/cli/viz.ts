/**
 * `fovea viz filters|features|curves|confusion ... -o out.svg|out.png`: charts of a built-in or
 * saved model, or of a CSVLogger training log. The format follows the file's extension unless
 * `--format` says otherwise; PNG is rendered from the same SVG.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { noGrad } from '../autograd/grad-mode.js';
import { Module } from '../nn/module.js';
import { argmax } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { CHART_FORMATS, type ChartFormat, writeChart } from '../node/chart-file.js';
import { readModelFile } from '../node/io/read-model-file.js';
import { confusionMatrix, confusionPicture } from '../viz/confusion.js';
import { parseCsvLog, trainingCurves } from '../viz/curves.js';
import { featureGrid, filterGrid } from '../viz/grids.js';
import { convKernel, featureMaps, layerOutputShapes, type VisibleModel } from '../viz/model-views.js';
import { MODEL_ARGUMENT, type ModelOptions, mnistTestSet, oneInput, vizModel } from './viz-models.js';

export { VIZ_MODELS, vizModel } from './viz-models.js';

interface OutputOptions {
  output: string;
  format?: ChartFormat;
  scale?: number;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return n;
}

function pngScale(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0 && n <= 8)) throw new InvalidArgumentError(`expected a number in (0, 8], got '${value}'`);
  return n;
}

function outputOptions(cmd: Command, required = true): Command {
  const output = new Option('-o, --output <file>', 'output file (.svg or .png)');
  return cmd
    .addOption(required ? output.makeOptionMandatory() : output)
    .addOption(new Option('--format <format>', 'svg or png (default: from the output file extension)').choices(CHART_FORMATS))
    .option('--scale <n>', 'PNG pixels per SVG pixel', pngScale, 2);
}

function modelOptions(cmd: Command, outputRequired = true): Command {
  return outputOptions(cmd.argument('<model>', MODEL_ARGUMENT), outputRequired)
    .option('--train-limit <n>', 'first train on this many MNIST images', nonNegativeInt)
    .option('--epochs <n>', 'training epochs', nonNegativeInt, 1)
    .option('--seed <n>', 'initial weights and shuffling', nonNegativeInt, 1);
}

async function save(svg: string, o: OutputOptions): Promise<void> {
  await writeChart(o.output, svg, { format: o.format, scale: o.scale });
  console.log(o.output);
}

/** Short name for titles: the built-in name or the file name of a saved model. */
const modelLabel = (ref: string) => ref.replace(/\/+$/, '').split(/[\\/]/).pop() ?? ref;

/** What `viz features` prints without --layer: the layers, their output shapes and how to pick one. */
export function layerListing(model: VisibleModel, ref: string, x: Tensor): string[] {
  const rows = layerOutputShapes(model, x);
  const width = Math.max(...rows.map((r) => r.name.length));
  const kind = model instanceof Module ? 'module' : 'layer';
  return [
    `viz features: choose a ${kind} with --layer NAME. ${kind === 'module' ? 'Modules' : 'Layers'} of ${ref} and their output shapes for one input:`,
    ...rows.map((r) => `  ${r.name.padEnd(width)}  [${r.shape.join(', ')}]${r.shape.length === 3 ? '' : '  (not image maps)'}`),
    `Example: fovea viz features ${ref} --layer ${rows.find((r) => r.shape.length === 3)?.name ?? rows[0]?.name ?? 'NAME'} -o features.svg`,
  ];
}

export function registerViz(program: Command): void {
  const viz = program.command('viz').description('draw filters, feature maps, training curves or a confusion matrix as SVG or PNG');
  modelOptions(viz.command('filters'))
    .option('--layer <name>', 'conv layer (default: the first)')
    .description("a grid of a conv layer's filters")
    .action(async (ref: string, o: ModelOptions & OutputOptions & { layer?: string }) => {
      const k = convKernel(await vizModel(ref, o), o.layer);
      await save(await filterGrid(k.values, k.shape, { layout: k.layout, title: `${modelLabel(ref)} ${k.name}: ${k.layout === 'HWIO' ? k.shape[3] : k.shape[0]} filters` }), o);
    });
  modelOptions(viz.command('features'), false)
    .option('--layer <name>', 'layer or module name (without it: list them)')
    .option('--index <i>', 'MNIST test image index', nonNegativeInt, 0)
    .option('--image <file>', 'a PNG/JPEG instead of an MNIST image (resized to the model input)')
    .description('a grid of the feature maps one input produces at a layer; without --layer, lists the layers')
    .action(async (ref: string, o: ModelOptions & Partial<OutputOptions> & { layer?: string; index: number; image?: string }) => {
      const model = await vizModel(ref, o);
      if (o.layer === undefined) {
        for (const line of layerListing(model, ref, oneInput(model, ref, { blank: true }))) console.log(line);
        return;
      }
      if (o.output === undefined) throw new Error("viz features: give the output file with -o FILE (.svg or .png)");
      const f = featureMaps(model, oneInput(model, ref, o), o.layer);
      const title = `${modelLabel(ref)} ${f.name}: ${f.layout === 'HWC' ? f.shape[2] : f.shape[0]} maps`;
      await save(await featureGrid(f.values, f.shape, { layout: f.layout, title }), { ...o, output: o.output });
    });
  outputOptions(viz.command('curves').argument('<csv>', 'CSVLogger file (epoch,loss,...)'))
    .description('training curves (loss, metrics and learning rate per epoch)')
    .action(async (csv: string, o: OutputOptions) => {
      // A log is a few bytes per epoch: 16 MiB is far more than any real one.
      const bytes = await readModelFile(csv, { maxBytes: 16 << 20, why: 'a CSVLogger file may have' });
      await save(await trainingCurves(parseCsvLog(new TextDecoder().decode(bytes))), o);
    });
  modelOptions(viz.command('confusion'))
    .option('--test-limit <n>', 'MNIST test images', nonNegativeInt, 1000)
    .description('confusion matrix of the model on MNIST test images')
    .action(async (ref: string, o: ModelOptions & OutputOptions & { testLimit: number }) => {
      const model = await vizModel(ref, o);
      const { images, labels } = mnistTestSet(model, ref, o.testLimit);
      const predicted = noGrad(() => argmax(model instanceof Module ? model.forward(images) : (model.predict(images) as Tensor), 1).dataSync());
      await save(await confusionPicture(confusionMatrix(labels.dataSync(), predicted, 10)), o);
    });
}
