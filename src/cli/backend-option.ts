/** The `--backend NAME` option shared by the commands that compute. */
import { engine } from '../backend/engine.js';
import { registerWasmBackend } from '../node/wasm/register.js';

/**
 * Makes sure the wasm backend exists (preferred where it loads; it falls back to ref by itself when
 * the engine lacks SIMD). The reference backend, the fallback every command can use, comes with the engine.
 */
export function ensureBackends(): void {
  if (!engine.backendNames().includes('wasm')) registerWasmBackend();
}

/** Switches to `name` when given; returns the name of the backend in use. */
export function useBackend(name: string | undefined): string {
  ensureBackends();
  if (name !== undefined) {
    if (!engine.backendNames().includes(name)) {
      throw new Error(`--backend: unknown backend '${name}'; available: ${engine.backendNames().join(', ')}`);
    }
    engine.setBackend(name);
  }
  return engine.backend.name;
}
