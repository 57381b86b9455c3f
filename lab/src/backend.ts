/**
 * The one place the Lab starts Fovea's backend. `useWasmBackendInBrowser` resolves to a status
 * whose text names the backend and, when wasm cannot run, why (the isolation headers, SIMD, a
 * kernel or worker file the server does not serve); the status line shows it as it is.
 */
import { useWasmBackendInBrowser } from 'fovea';

/** Starts the fastest backend the page allows and returns the status line's text. */
export async function startBackend(kernelsUrl: URL): Promise<string> {
  try {
    const status = await useWasmBackendInBrowser({ kernelsUrl });
    return status.backend === 'wasm' ? String(status) : `ref (slow): ${status.reason ?? 'wasm did not start'}`;
  } catch (e) {
    return `ref (slow): the wasm kernels did not start: ${e instanceof Error ? e.message : String(e)}`;
  }
}
