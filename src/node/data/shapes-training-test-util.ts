/** The small CNN the image-folder tests and the CLI test train on a generated shapes folder. */
import { Conv2D } from '../../layers/conv2d.js';
import { Dense } from '../../layers/dense.js';
import { Flatten } from '../../layers/flatten.js';
import { MaxPooling2D } from '../../layers/max-pooling2d.js';
import { Rescaling } from '../../layers/rescaling.js';
import { Sequential } from '../../models/sequential.js';
import { Adam } from '../../optimizers/adam.js';
import { imageDatasetFromDirectory } from './image-dataset.js';

export async function trainShapesModel(dir: string, o: { workers?: number; epochs?: number } = {}): Promise<{ valAccuracy: number; classNames: string[] }> {
  const [train, val] = imageDatasetFromDirectory(dir, {
    imageSize: [32, 32], colorMode: 'grayscale', batchSize: 16, validationSplit: 0.2, subset: 'both', seed: 1, workers: o.workers ?? 0, verbose: false,
  });
  const model = new Sequential({ seed: 1 });
  model.add(new Rescaling(1 / 255, { inputShape: [32, 32, 1] }));
  model.add(new Conv2D(16, 3, { activation: 'relu' }));
  model.add(new MaxPooling2D([2, 2]));
  model.add(new Conv2D(16, 3, { activation: 'relu' }));
  model.add(new MaxPooling2D([2, 2]));
  model.add(new Flatten());
  model.add(new Dense(32, { activation: 'relu' }));
  model.add(new Dense(3, { activation: 'softmax' }));
  model.compile({ optimizer: new Adam({ learningRate: 0.003 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const history = await model.fit(train, { epochs: o.epochs ?? 12, validationData: val, verbose: 0 });
  const acc = history.history.val_accuracy;
  return { valAccuracy: acc[acc.length - 1], classNames: train.classNames };
}
