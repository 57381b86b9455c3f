/**
 * PyTorch `.pt` state dicts from and to disk: `loadTorchFile(path)` reads a regular file of at
 * most 2 GiB (bytes actually read; a FIFO or a device is refused) and parses it with the core's
 * restricted reader; `saveTorchFile(path, stateDict)` writes atomically (a temporary file, then one
 * rename).
 *
 * Example:
 *   net.loadStateDict(await loadTorchFile('lenet5.pt'));
 *   await saveTorchFile('lenet5.pt', net.stateDict());
 */
import { readTorchFile, type ReadTorchFileOptions, type TorchStateDict } from '../../io/torch/read-torch-file.js';
import { writeTorchFile, type WritableStateDict } from '../../io/torch/write-torch-file.js';
import { writeFileAtomic } from './atomic-write.js';
import { readModelFile } from './read-model-file.js';

/** Largest .pt file read (2 GiB: the zip reader refuses zip64 members anyway). */
const MAX_TORCH_FILE_BYTES = 2 ** 31;

export async function loadTorchFile(path: string, options: Omit<ReadTorchFileOptions, 'file'> = {}): Promise<TorchStateDict> {
  const bytes = await readModelFile(path, { maxBytes: MAX_TORCH_FILE_BYTES, why: 'a PyTorch file may have' });
  return readTorchFile(bytes, { ...options, file: path });
}

export async function saveTorchFile(path: string, stateDict: WritableStateDict): Promise<void> {
  await writeFileAtomic(path, writeTorchFile(stateDict));
}
