/**
 * Model files on disk: `fileSystem(path)` saves to and loads from a folder holding model.json and
 * its shards (`path` may also name the .json file itself). A save writes a new set of shards and
 * installs it with one rename of model.json (shard-set.ts), so a reader sees the old set or the
 * new set, never a mix, and a killed save leaves the previous set whole.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MAX_JSON_BYTES } from '../../io/bytes.js';
import { filesToArtifacts } from '../../io/layers-format.js';
import { saveResult } from '../../io/memory-handlers.js';
import { ModelFormatError } from '../../io/model-format-error.js';
import { registerIORouter } from '../../io/router.js';
import type { HandlerSaveOptions, IOHandler } from '../../io/types.js';
import { saveModelFolder } from './shard-set.js';

export const FILE_SCHEME = 'file://';

/** The folder and model.json path for a target path (a folder, or a .json file). */
function locate(path: string): { dir: string; json: string } {
  const p = resolve(path.startsWith(FILE_SCHEME) ? path.slice(FILE_SCHEME.length) : path);
  return p.endsWith('.json') ? { dir: dirname(p), json: p } : { dir: p, json: join(p, 'model.json') };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    throw new ModelFormatError(path, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot be read: ${(e as Error).message}`);
  }
}

/** Reads a file after checking its size against `maxBytes`, so a wrong file is never read whole. */
async function readCapped(path: string, maxBytes: number, why: string): Promise<Uint8Array> {
  const size = await sizeOf(path);
  if (size > maxBytes) throw new ModelFormatError(path, `has ${size} bytes, more than the ${maxBytes} bytes ${why}`);
  return new Uint8Array(await readFile(path));
}

/**
 * A save that installs a new set removes the old set's shards, possibly while a reader is between
 * model.json and its shards. Such a reader finds a shard gone and model.json replaced, and reads
 * the new set instead (a few times at most, so a folder rewritten nonstop still ends in an error).
 */
const READ_ATTEMPTS = 3;

async function replacedMeanwhile(error: unknown, json: string, modelJson: Uint8Array): Promise<boolean> {
  // A shard gone between its size check and its read fails with the plain ENOENT error.
  const gone = error instanceof ModelFormatError ? error.message.endsWith(': file not found') && error.file !== json : (error as NodeJS.ErrnoException)?.code === 'ENOENT';
  if (!gone) return false;
  const now = await readFile(json).catch(() => null);
  return now !== null && !Buffer.from(modelJson).equals(now);
}

/** A handler for the model folder (or model.json file) at `path`. */
export function fileSystem(path: string): IOHandler {
  const { dir, json } = locate(path);
  return {
    description: json,
    save: async (artifacts, options: HandlerSaveOptions = {}) => {
      const { paths, modelJsonBytes } = await saveModelFolder(json, artifacts, options);
      return saveResult(paths, artifacts, modelJsonBytes);
    },
    load: async () => {
      for (let attempt = 1; ; attempt++) {
        const modelJson = await readCapped(json, MAX_JSON_BYTES, 'a model.json may have');
        try {
          return await filesToArtifacts(modelJson, (shard, maxBytes) => readCapped(join(dir, shard), maxBytes, 'the manifest leaves for it'), json, (shard) => join(dir, shard));
        } catch (e) {
          if (attempt >= READ_ATTEMPTS || !(await replacedMeanwhile(e, json, modelJson))) throw e;
        }
      }
    },
  };
}

/** Routes 'file://...' and plain paths (anything without a URL scheme) to `fileSystem`. */
export function fileSystemRouter(target: string): IOHandler | null {
  if (!target.startsWith(FILE_SCHEME) && /^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return null;
  // A folder of model.json + shards must not be created under a name that says another format.
  const other = /\.(keras|h5|hdf5|onnx|safetensors)$/i.exec(target);
  if (other) {
    throw new Error(`${target}: save()/loadModel() use the TensorFlow.js layers format (a folder or model.json); for .${other[1]} files use saveModelFile/loadModelFile`);
  }
  return fileSystem(target);
}

registerIORouter(fileSystemRouter);
