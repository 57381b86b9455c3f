/**
 * Model files on disk: `fileSystem(path)` saves to and loads from a folder holding model.json and
 * its shards (`path` may also name the .json file itself). Every file is written atomically and
 * model.json last, so a reader never sees a model.json whose shards are not all in place; shards
 * of an older save that the new manifest no longer lists are removed afterwards. Loading reads
 * only regular files inside the folder (see read-model-file.ts).
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MAX_JSON_BYTES } from '../../io/bytes.js';
import { artifactsToFiles, filesToArtifacts } from '../../io/layers-format.js';
import { saveResult } from '../../io/memory-handlers.js';
import { registerIORouter } from '../../io/router.js';
import type { HandlerSaveOptions, IOHandler } from '../../io/types.js';
import { writeFileAtomic } from './atomic-write.js';
import { readModelFile } from './read-model-file.js';

export const FILE_SCHEME = 'file://';
const SHARD_NAME = /^group\d+-shard\d+of\d+\.bin$/;

/** The folder and model.json path for a target path (a folder, or a .json file). */
function locate(path: string): { dir: string; json: string } {
  const p = resolve(path.startsWith(FILE_SCHEME) ? path.slice(FILE_SCHEME.length) : path);
  return p.endsWith('.json') ? { dir: dirname(p), json: p } : { dir: p, json: join(p, 'model.json') };
}

async function removeStaleShards(dir: string, keep: ReadonlySet<string>): Promise<void> {
  const names = await readdir(dir);
  await Promise.all(names.filter((n) => SHARD_NAME.test(n) && !keep.has(n)).map((n) => rm(join(dir, n), { force: true })));
}

/** A handler for the model folder (or model.json file) at `path`. */
export function fileSystem(path: string): IOHandler {
  const { dir, json } = locate(path);
  return {
    description: json,
    save: async (artifacts, options: HandlerSaveOptions = {}) => {
      const files = artifactsToFiles(artifacts, options);
      await mkdir(dir, { recursive: true });
      for (const [name, bytes] of files.shards) await writeFileAtomic(join(dir, name), bytes);
      await writeFileAtomic(json, files.modelJson);
      await removeStaleShards(dir, new Set(files.shards.keys()));
      return saveResult([json, ...[...files.shards.keys()].map((n) => join(dir, n))], artifacts, files.modelJson.byteLength);
    },
    load: async () => {
      // Only regular files inside the folder are read, each capped by the bytes actually read.
      const modelJson = await readModelFile(json, { maxBytes: MAX_JSON_BYTES, why: 'a model.json may have', inside: dir });
      const readShard = (shard: string, maxBytes: number) => readModelFile(join(dir, shard), { maxBytes, why: 'the manifest leaves for it', inside: dir });
      return filesToArtifacts(modelJson, readShard, json, (shard) => join(dir, shard));
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
