/**
 * The layer stack the Build view edits, as plain data: what the learner chose for each layer,
 * before any weight exists. Plain data so it survives a reload (localStorage) and so a stack whose
 * shapes do not fit is still kept exactly as typed.
 */
export type Activation = 'relu' | 'linear' | 'sigmoid' | 'tanh' | 'softmax';
export type Padding = 'valid' | 'same';
export type PoolKind = 'max' | 'min' | 'average';

export interface ConvSpec { kind: 'conv2d'; filters: number; kernel: number; stride: number; padding: Padding; activation: Activation }
export interface PoolSpec { kind: 'pool'; pool: PoolKind; size: number; stride: number; padding: Padding }
export interface DropoutSpec { kind: 'dropout'; rate: number }
export interface BatchNormSpec { kind: 'batchnorm' }
export interface FlattenSpec { kind: 'flatten' }
export interface DenseSpec { kind: 'dense'; units: number; activation: Activation }

export type LayerSpec = ConvSpec | PoolSpec | DropoutSpec | BatchNormSpec | FlattenSpec | DenseSpec;
export type LayerKind = LayerSpec['kind'];

export const ACTIVATIONS: readonly Activation[] = ['relu', 'linear', 'sigmoid', 'tanh', 'softmax'];
export const PADDINGS: readonly Padding[] = ['valid', 'same'];
export const POOL_KINDS: readonly PoolKind[] = ['max', 'min', 'average'];

/** What "Add layer" inserts for each kind (Keras's defaults where Keras has one). */
export function defaultSpec(kind: LayerKind): LayerSpec {
  switch (kind) {
    case 'conv2d': return { kind, filters: 32, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' };
    case 'pool': return { kind, pool: 'max', size: 2, stride: 2, padding: 'valid' };
    case 'dropout': return { kind, rate: 0.25 };
    case 'batchnorm': return { kind };
    case 'flatten': return { kind };
    case 'dense': return { kind, units: 64, activation: 'relu' };
  }
}

/** The Keras class each kind becomes (pooling by its kind). */
export function className(spec: LayerSpec): string {
  switch (spec.kind) {
    case 'conv2d': return 'Conv2D';
    case 'pool': return spec.pool === 'max' ? 'MaxPooling2D' : spec.pool === 'min' ? 'MinPooling2D' : 'AveragePooling2D';
    case 'dropout': return 'Dropout';
    case 'batchnorm': return 'BatchNormalization';
    case 'flatten': return 'Flatten';
    case 'dense': return 'Dense';
  }
}

const conv = (filters: number, kernel: number): ConvSpec => ({ kind: 'conv2d', filters, kernel, stride: 1, padding: 'valid', activation: 'relu' });
const maxPool: PoolSpec = { kind: 'pool', pool: 'max', size: 2, stride: 2, padding: 'valid' };
const dense = (units: number, activation: Activation): DenseSpec => ({ kind: 'dense', units, activation });

/** The seed CNN of the lectures (Fovea's mnistCnn, 93,322 parameters) and LeNet-5 (Fovea's lenet5Keras). */
export const PRESETS: Record<'seed' | 'lenet5', { label: string; layers: LayerSpec[] }> = {
  seed: { label: 'Seed CNN', layers: [conv(32, 3), maxPool, conv(64, 3), maxPool, conv(64, 3), { kind: 'flatten' }, dense(64, 'relu'), dense(10, 'softmax')] },
  lenet5: { label: 'LeNet-5', layers: [conv(20, 5), maxPool, conv(20, 5), maxPool, { kind: 'flatten' }, dense(500, 'relu'), dense(10, 'softmax')] },
};
