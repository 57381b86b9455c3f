/**
 * The one place the Lab starts Fovea's backend. Today `useWasmBackendInBrowser` resolves to the
 * backend name and only logs why it fell back to 'ref'; the reason shown here is worked out from
 * the page (cross-origin isolation, SIMD, threads) so the learner sees it in the status line.
 */
import { detectFeatures, engine, useWasmBackendInBrowser } from 'fovea';

/** Why wasm cannot run in this page, or null when it can. */
function fallbackReason(): string | null {
  if (!crossOriginIsolated) {
    return 'page not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  const features = detectFeatures();
  if (!features.simd) return 'this browser lacks WebAssembly SIMD';
  if (!features.threads) return 'this browser lacks WebAssembly threads (shared memory)';
  return null;
}

/** Starts the fastest backend the page allows and returns the status line's text. */
export async function startBackend(kernelsUrl: URL): Promise<string> {
  const reason = fallbackReason();
  try {
    const name = await useWasmBackendInBrowser({ kernelsUrl });
    if (name === 'wasm') return `wasm, ${engine.backend.threads} threads`;
    return `ref (slow): ${reason ?? 'wasm did not start'}`;
  } catch (e) {
    return `ref (slow): the wasm kernels did not start: ${e instanceof Error ? e.message : String(e)}`;
  }
}
