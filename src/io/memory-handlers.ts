/**
 * Handlers that keep everything in memory: artifacts as objects (the TensorFlow.js
 * `fromMemory` / `withSaveHandler` pair) and the layers format as file bytes (model.json +
 * shards), which is how tests and browser apps move models without a file system.
 */
import { artifactsToFiles, filesToArtifacts, memoryShardReader, type ModelFiles } from './layers-format.js';
import { ModelFormatError } from './model-format-error.js';
import { toBytes } from './bytes.js';
import type { HandlerSaveOptions, IOHandler, ModelArtifacts, SaveResult } from './types.js';

export function saveResult(locations: string[], artifacts: ModelArtifacts, modelTopologyBytes: number): SaveResult {
  return { locations, modelTopologyBytes, weightDataBytes: toBytes(artifacts.weightData, 'weightData').byteLength };
}

/** Loads the given artifacts (e.g. the ones TensorFlow.js's `withSaveHandler` produced). */
export function fromMemory(artifacts: ModelArtifacts): IOHandler {
  return { description: 'artifacts in memory', load: async () => artifacts };
}

/** Passes the artifacts of a save to `fn`. */
export function withSaveHandler(fn: (artifacts: ModelArtifacts) => void | Promise<void>): IOHandler {
  return {
    description: 'a save callback',
    save: async (artifacts) => {
      await fn(artifacts);
      return saveResult(['memory'], artifacts, JSON.stringify(artifacts.modelTopology).length);
    },
  };
}

/** Loads model.json + shards held in memory: `files` maps file names to bytes. */
export function fromFiles(files: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>, modelJsonName = 'model.json'): IOHandler {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return {
    description: `in-memory files (${modelJsonName})`,
    load: async () => {
      const json = map.get(modelJsonName);
      if (json === undefined) throw new ModelFormatError(modelJsonName, `is missing (have: ${[...map.keys()].join(', ') || 'no files'})`);
      return filesToArtifacts(json, memoryShardReader(map), modelJsonName);
    },
  };
}

/** Saves model.json + shards into `files` (cleared first). */
export function intoFiles(files: Map<string, Uint8Array>, modelJsonName = 'model.json'): IOHandler {
  return {
    description: 'in-memory files',
    save: async (artifacts, options: HandlerSaveOptions = {}) => {
      const out: ModelFiles = artifactsToFiles(artifacts, options);
      files.clear();
      files.set(modelJsonName, out.modelJson);
      for (const [name, bytes] of out.shards) files.set(name, bytes);
      return saveResult([...files.keys()], artifacts, out.modelJson.byteLength);
    },
  };
}
