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
import { artifactsToModel, type LoadOptions } from './artifacts-to-model.js';
import { registerIORouter, resolveHandler } from './router.js';
import type { IOHandler } from './types.js';

registerIORouter(indexedDbRouter);
registerIORouter(downloadsRouter);

export { saveModel, type SaveOptions } from './save-model.js';

/** A Sequential or functional model (narrow with `instanceof Sequential` / `instanceof Model`). */
export async function loadModel(source: string | IOHandler, options: LoadOptions = {}): Promise<LoadedModel> {
  const handler = resolveHandler(source, 'load');
  const artifacts = await (handler.load as NonNullable<IOHandler['load']>)();
  return artifactsToModel(artifacts, options, handler.description);
}
