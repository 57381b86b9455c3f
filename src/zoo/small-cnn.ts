/**
 * A small CNN for a folder of images: rescaling to [0, 1] inside the model (so it takes the
 * 0..255 pixels imageDatasetFromDirectory gives), two conv + max-pool blocks, a dense layer and a
 * softmax over the classes. What `fovea train folder` trains by default.
 *
 *   const model = smallCnn([32, 32, 1], 3, { seed: 1 }); // [N, 32, 32, 1] -> [N, 3]
 */
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { RandomFlip } from '../layers/preprocessing/random-flip.js';
import { RandomRotation } from '../layers/preprocessing/random-rotation.js';
import { RandomZoom } from '../layers/preprocessing/random-zoom.js';
import { Rescaling } from '../layers/rescaling.js';
import { Sequential } from '../models/sequential.js';

export interface SmallCnnOptions {
  seed?: number;
  /** Filters of the two conv blocks (default [16, 16]) and units of the dense layer (default 32). */
  filters?: [number, number];
  units?: number;
  /**
   * Random horizontal flips, rotations up to ±18° and zooms up to ±10% after the rescaling,
   * active only while training (Keras's preprocessing layers, seeded by the model's seed).
   */
  augment?: boolean;
}

export function smallCnn(inputShape: [number, number, number], classes: number, o: SmallCnnOptions = {}): Sequential {
  if (!Number.isInteger(classes) || classes < 2) throw new Error(`smallCnn: classes must be an integer >= 2, got ${classes}`);
  const [f1, f2] = o.filters ?? [16, 16];
  const model = new Sequential({ seed: o.seed, name: 'small_cnn' });
  model.add(new Rescaling(1 / 255, { inputShape }));
  if (o.augment === true) {
    model.add(new RandomFlip('horizontal'));
    model.add(new RandomRotation(0.05));
    model.add(new RandomZoom(0.1));
  }
  model.add(new Conv2D(f1, 3, { activation: 'relu' }));
  model.add(new MaxPooling2D([2, 2]));
  model.add(new Conv2D(f2, 3, { activation: 'relu' }));
  model.add(new MaxPooling2D([2, 2]));
  model.add(new Flatten());
  model.add(new Dense(o.units ?? 32, { activation: 'relu' }));
  model.add(new Dense(classes, { activation: 'softmax' }));
  return model;
}
