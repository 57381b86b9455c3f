/** Keras files: Keras 3 `.keras` archives (read/write) and legacy Keras 2 `.h5` models (read). */
export { saveKeras, loadKeras, kerasConfig, KERAS_FORMAT_VERSION, KERAS_MEMBERS } from './keras-file.js';
export type { KerasSaveable, KerasLoadOptions } from './keras-file.js';
export { loadLegacyH5 } from './legacy-h5.js';
export { readHdf5, writeHdf5, group as h5Group, dataset as h5Dataset } from './hdf5.js';
export type { H5Group, H5Dataset, H5Node, H5Attr } from './hdf5.js';
export { openZip, writeZip } from './zip-archive.js';
export type { ZipLimits, ZipReader } from './zip-archive.js';
export type { LoadedModel } from './model-from-config.js';
