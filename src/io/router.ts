/**
 * URL-like targets ('indexeddb://name', 'downloads://name', 'file://dir', plain paths) resolve to
 * handlers through routers. The core registers the browser schemes; the Node entry registers file
 * paths, so the same `saveModel(model, target)` call works wherever its handler was registered.
 */
import type { IOHandler } from './types.js';

/** Returns a handler for `target`, or null when the target is not its kind. */
export type IORouter = (target: string) => IOHandler | null;

const routers: IORouter[] = [];

export function registerIORouter(router: IORouter): void {
  if (!routers.includes(router)) routers.push(router);
}

/** The handler for `target`; `purpose` says which method it must have. */
export function resolveHandler(target: string | IOHandler, purpose: 'save' | 'load'): IOHandler {
  const handler = typeof target === 'string' ? findHandler(target) : target;
  if (typeof handler[purpose] !== 'function') throw new Error(`${purpose === 'save' ? 'saveModel' : 'loadModel'}: ${handler.description} cannot ${purpose} models`);
  return handler;
}

function findHandler(target: string): IOHandler {
  for (const router of routers) {
    const handler = router(target);
    if (handler !== null) return handler;
  }
  throw new Error(
    `No model handler for ${JSON.stringify(target)}: use 'indexeddb://<name>' or 'downloads://<name>' in a browser; ` +
      `file paths need the Node entry point (import from 'fovea', not 'fovea/core'); or pass an IOHandler`,
  );
}
