/**
 * `saveModel(model, target, options)` and `loadModel(source)`: the model side of I/O. A target or
 * source is an IOHandler or a string routed to one ('indexeddb://name', 'downloads://name', and,
 * from the Node entry, file paths).
 *
 * Example:
 *   await saveModel(model, './checkpoints/mnist', { includeOptimizer: true });
 *   const again = await loadModel('./checkpoints/mnist');
 */
import type { LoadedModel } from './keras/model-from-config.js';
import { downloadsRouter } from './browser/downloads.js';
import { indexedDbRouter } from './browser/indexeddb.js';
import { artifactsToModel, type ArtifactOptions, type LoadOptions, modelToArtifacts, type SaveableModel } from './model-artifacts.js';
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

/** A Sequential or functional model (narrow with `instanceof Sequential` / `instanceof Model`). */
export async function loadModel(source: string | IOHandler, options: LoadOptions = {}): Promise<LoadedModel> {
  const handler = resolveHandler(source, 'load');
  const artifacts = await (handler.load as NonNullable<IOHandler['load']>)();
  return artifactsToModel(artifacts, options, handler.description);
}
