/** In Node, `callbacks` holds every Keras callback, the file-writing ones included. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fovea from '../node.js';
import * as core from '../index.js';

const KERAS_CALLBACKS = [
  'BackupAndRestore', 'CSVLogger', 'EarlyStopping', 'History', 'LambdaCallback', 'LearningRateScheduler', 'ModelCheckpoint',
  'ProgbarLogger', 'ReduceLROnPlateau', 'RemoteMonitor', 'SwapEMAWeights', 'TensorBoard', 'TerminateOnNaN',
];

test('the Node callbacks namespace holds all of Keras 3\'s callbacks, the same classes as the top-level exports', () => {
  const namespace = fovea.callbacks as unknown as Record<string, unknown>;
  const top = fovea as unknown as Record<string, unknown>;
  for (const name of [...KERAS_CALLBACKS, 'Callback', 'CallbackList']) {
    assert.equal(typeof namespace[name], 'function', `callbacks.${name}`);
    assert.equal(namespace[name], top[name], `callbacks.${name} is the top-level ${name}`);
  }
  assert.ok(new fovea.callbacks.ModelCheckpoint('/tmp/fovea-unused-{epoch}.keras') instanceof fovea.callbacks.Callback);
});

test('the browser-safe core keeps its callbacks namespace without the Node-only ones', () => {
  const namespace = core.callbacks as unknown as Record<string, unknown>;
  assert.equal(typeof namespace.EarlyStopping, 'function');
  assert.equal(namespace.ModelCheckpoint, undefined);
});
