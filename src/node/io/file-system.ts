/**
 * Model files on disk: `fileSystem(path)` saves to and loads from a folder holding model.json and
 * its shards (`path` may also name the .json file itself). A save writes a new set of shards and
 * installs it with one rename of model.json (shard-set.ts), so a reader sees the old set or the
 * new set, never a mix, and a killed save leaves the previous set whole. Loading reads only
 * regular files inside the folder (see read-model-file.ts).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MAX_JSON_BYTES } from '../../io/bytes.js';
import { ModelFormatError } from '../../io/model-format-error.js';
import { filesToArtifacts } from '../../io/layers-format.js';
import { saveResult } from '../../io/memory-handlers.js';
import { registerIORouter } from '../../io/router.js';
import type { HandlerSaveOptions, IOHandler } from '../../io/types.js';
import { readModelFile } from './read-model-file.js';
import { saveModelFolder } from './shard-set.js';

export const FILE_SCHEME = 'file://';

/** The folder and model.json path for a target path (a folder, or a .json file). */
function locate(path: string): { dir: string; json: string } {
  const p = resolve(path.startsWith(FILE_SCHEME) ? path.slice(FILE_SCHEME.length) : path);
  return p.endsWith('.json') ? { dir: dirname(p), json: p } : { dir: p, json: join(p, 'model.json') };
}

/**
 * A save that installs a new set removes the old set's shards, possibly while a reader is between
 * model.json and its shards. Such a reader finds a shard gone and model.json replaced, and reads
 * the new set instead (a few times at most, so a folder rewritten nonstop still ends in an error).
 */
const READ_ATTEMPTS = 3;

async function replacedMeanwhile(error: unknown, json: string, modelJson: Uint8Array): Promise<boolean> {
  const gone = error instanceof ModelFormatError && error.message.endsWith(': file not found') && error.file !== json;
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
      // Only regular files inside the folder are read, each capped by the bytes actually read.
      const readShard = (shard: string, maxBytes: number) => readModelFile(join(dir, shard), { maxBytes, why: 'the manifest leaves for it', inside: dir });
      for (let attempt = 1; ; attempt++) {
        const modelJson = await readModelFile(json, { maxBytes: MAX_JSON_BYTES, why: 'a model.json may have', inside: dir });
        try {
          return await filesToArtifacts(modelJson, readShard, json, (shard) => join(dir, shard));
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
