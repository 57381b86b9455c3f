/** The `--backend NAME` option shared by the commands that compute. */
import { engine } from '../backend/engine.js';
import '../backend/register.js';
import { createRefBackend } from '../backend/ref/ref-backend.js';
import { registerWasmBackend } from '../node/wasm/register.js';

/**
 * Makes sure the reference backend exists (the fallback every command can use) and the wasm
 * backend (preferred where it loads; it falls back to ref by itself when the engine lacks SIMD).
 */
export function ensureBackends(): void {
  if (!engine.backendNames().includes('ref')) engine.registerBackend('ref', createRefBackend, 1);
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
