/** The `--backend NAME` option shared by the commands that compute. */
import { engine } from '../backend/engine.js';
import '../backend/register.js';
import { createRefBackend } from '../backend/ref/ref-backend.js';

/** Makes sure the reference backend exists (it is the fallback every command can use). */
export function ensureBackends(): void {
  if (!engine.backendNames().includes('ref')) engine.registerBackend('ref', createRefBackend, 1);
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
