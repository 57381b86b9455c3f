/**
 * Which wasm exports a kernel dispatched: the kernel tests check both the values and that the
 * kernel under test ran (not a fallback), on a named backend, and leave 'ref' selected after.
 */
import { engine } from '../src/backend/engine.js';
import type { WasmBackend } from '../src/backend/wasm/backend.js';

/** Runs `body` with `backend` selected and returns its result and the wasm exports it called. */
export function withDispatches<T>(backend: string, body: () => T): { result: T; calls: string[] } {
  engine.setBackend(backend);
  const calls: string[] = [];
  const ctx = (engine.backend as Partial<WasmBackend>).context;
  if (ctx !== undefined) ctx.onDispatch = (name) => calls.push(name);
  try {
    return { result: body(), calls };
  } finally {
    if (ctx !== undefined) ctx.onDispatch = null;
    engine.setBackend('ref');
  }
}
