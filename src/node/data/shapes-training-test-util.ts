/** The training the image-folder tests run on a generated shapes folder (the CLI trains the same model). */
import { Adam } from '../../optimizers/adam.js';
import { smallCnn } from '../../zoo/small-cnn.js';
import { imageDatasetFromDirectory } from './image-dataset.js';

export async function trainShapesModel(dir: string, o: { workers?: number; epochs?: number } = {}): Promise<{ valAccuracy: number; classNames: string[] }> {
  const [train, val] = imageDatasetFromDirectory(dir, {
    imageSize: [32, 32], colorMode: 'grayscale', batchSize: 16, validationSplit: 0.2, subset: 'both', seed: 1, workers: o.workers ?? 0, verbose: false,
  });
  const model = smallCnn([32, 32, 1], train.classNames.length, { seed: 1 });
  model.compile({ optimizer: new Adam({ learningRate: 0.003 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const history = await model.fit(train, { epochs: o.epochs ?? 12, validationData: val, verbose: 0 });
  const acc = history.history.val_accuracy;
  return { valAccuracy: acc[acc.length - 1], classNames: train.classNames };
}
