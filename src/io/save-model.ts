/**
 * `saveModel(model, target, options)`: the saving half of model I/O (model-io.ts has both). Its
 * own module so that `model.save()` loads only what saving needs, not the layer registry.
 */
import { downloadsRouter } from './browser/downloads.js';
import { indexedDbRouter } from './browser/indexeddb.js';
import { type ArtifactOptions, modelToArtifacts, type SaveableModel } from './model-artifacts.js';
import { registerIORouter, resolveHandler } from './router.js';
import type { HandlerSaveOptions, IOHandler, SaveResult } from './types.js';

registerIORouter(indexedDbRouter);
registerIORouter(downloadsRouter);

export interface SaveOptions extends ArtifactOptions, HandlerSaveOptions {}

export async function saveModel(model: SaveableModel, target: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
  const handler = resolveHandler(target, 'save');
  const artifacts = modelToArtifacts(model, options);
  return (handler.save as NonNullable<IOHandler['save']>)(artifacts, { shardSizeBytes: options.shardSizeBytes });
}
