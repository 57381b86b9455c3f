/**
 * Fetches the browser backend's files (the kernel .wasm, and the worker script when a worker fails)
 * and says what is wrong with a bad answer in words a page author can act on: the URL, the HTTP
 * status, and the content type, since a dev server that answers unknown paths with its index.html
 * otherwise surfaces as a WebAssembly validation error that blames the browser.
 */

/** The four bytes every WebAssembly binary starts with ("\0asm"). */
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d] as const;

/** The content type a response declares, or '(none)'. */
export function contentTypeOf(res: Response): string {
  return res.headers.get('content-type')?.split(';')[0]?.trim() || '(none)';
}

/** Why an HTML answer is the usual mistake: a single-page-app fallback served instead of a file. */
function htmlHint(type: string): string {
  return type === 'text/html' ? ' (a page, as a dev server or single-page-app fallback serves for a file it does not have)' : '';
}

/**
 * The bytes of the kernel module at `url`; throws naming the URL and the answer when the request
 * fails or the answer is not WebAssembly (checked by its magic bytes, whatever the content type).
 */
export async function fetchKernelBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`the kernels at ${url.href} could not be fetched (${(e as Error).message}); check kernelsUrl`);
  }
  if (!res.ok) throw new Error(`the kernels at ${url.href} answered HTTP ${res.status}; serve fovea's wasm/build/*.wasm files at kernelsUrl`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (!WASM_MAGIC.every((b, i) => bytes[i] === b)) {
    const type = contentTypeOf(res);
    throw new Error(`the kernels at ${url.href} are not WebAssembly: the server answered ${type}${htmlHint(type)}, ` +
      `expected application/wasm starting with "\\0asm"; serve fovea's wasm/build/*.wasm files at kernelsUrl`);
  }
  return bytes;
}

/** Why a module worker script at `url` would not start, from a fresh request for it; null if it looks fine. */
export async function diagnoseWorkerScript(url: URL): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    return `GET ${url.href} failed (${(e as Error).message})`;
  }
  if (!res.ok) return `GET ${url.href} answered HTTP ${res.status}: the worker script is not served there`;
  const type = contentTypeOf(res);
  if (!/javascript|ecmascript/.test(type)) return `GET ${url.href} answered ${type}${htmlHint(type)}, not JavaScript`;
  return null;
}
