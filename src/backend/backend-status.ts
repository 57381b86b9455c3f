/**
 * What the page (or a program) is running on, in one object it can show: the backend, its threads
 * and kernel build, and why it is not the fast one. `useWasmBackendInBrowser` records why its setup
 * fell back; `getBackendStatus()` reads the engine and that record at any time.
 *
 * Example: `statusLine.textContent = String(getBackendStatus())` shows
 * "wasm (relaxed SIMD, 2 threads)" or "ref: the page is not cross-origin isolated: ...".
 */
import { engine } from './engine.js';

/** A kernel build of the wasm backend: relaxed SIMD where the engine has it, else plain SIMD. */
export type KernelVariant = 'relaxed' | 'simd';

export interface BackendStatus {
  /** The active backend: 'wasm', 'ref', or the name of a backend registered by the program. */
  readonly backend: 'wasm' | 'ref' | (string & {});
  /** Threads its kernels use, the main thread included (1 on 'ref'). */
  readonly threads: number;
  /** The wasm kernel build in use, or null on another backend. */
  readonly variant: KernelVariant | null;
  /** Why this is not the wasm backend (absent on wasm). */
  readonly reason?: string;
  /** One line for a page: "wasm (relaxed SIMD, 2 threads)" or "ref: <reason>". */
  toString(): string;
}

interface StatusFields {
  backend: string;
  threads: number;
  variant: KernelVariant | null;
  reason?: string;
}

/** A status object whose `toString()` is the line a page shows. */
export function backendStatus(fields: StatusFields): BackendStatus {
  const status: StatusFields = fields.reason === undefined
    ? { backend: fields.backend, threads: fields.threads, variant: fields.variant }
    : { ...fields };
  return Object.freeze({ ...status, toString: () => formatStatus(status) });
}

function formatStatus(s: StatusFields): string {
  const build = s.variant === null ? '' : `${s.variant === 'relaxed' ? 'relaxed SIMD' : 'SIMD'}, `;
  const head = s.backend === 'ref' ? 'ref' : `${s.backend} (${build}${s.threads} thread${s.threads === 1 ? '' : 's'})`;
  return s.reason === undefined ? head : `${head}: ${s.reason}`;
}

/** Set by the backend setups: the wasm kernel build in use, and why the last setup fell back. */
export const setupRecord: { variant: KernelVariant | null; fallbackReason: string | null } = { variant: null, fallbackReason: null };

/** Node (or a runtime that says it is Node): there the wasm backend registers itself. */
export function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';
}

/** Why 'ref' runs when nothing recorded a failed setup. */
function refReason(): string {
  if (engine.backendNames().includes('wasm')) return "selected with setBackend('ref')";
  if (!isNode()) {
    return 'useWasmBackendInBrowser() was not called, so the plain-JavaScript reference kernels run (15-40x slower)';
  }
  return 'the wasm backend is not registered';
}

/**
 * The backend in use now and, on 'ref', why. Reading it selects the default backend if none was
 * chosen yet, as the first op would.
 */
export function getBackendStatus(): BackendStatus {
  const backend = engine.backend;
  if (backend.name === 'wasm') return backendStatus({ backend: 'wasm', threads: backend.threads, variant: setupRecord.variant });
  const reason = backend.name === 'ref' ? setupRecord.fallbackReason ?? refReason() : undefined;
  return backendStatus({ backend: backend.name, threads: backend.threads, variant: null, ...(reason === undefined ? {} : { reason }) });
}
