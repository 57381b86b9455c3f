/** Model files on disk for Node; importing this registers file paths as save/load targets. */
export { fileSystem, fileSystemRouter } from './file-system.js';
export { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
export { loadModelFile, saveModelFile, saveOnnx, formatOf, loadSafetensorsInto, FORMAT_NAMES } from './model-formats.js';
export type { ModelFormat, LoadModelFileOptions } from './model-formats.js';
export { loadTorchFile, saveTorchFile } from './torch-file.js';
