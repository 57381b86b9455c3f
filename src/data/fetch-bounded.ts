/**
 * Fetches a data file whole, trusting nothing about the answer: the bytes are counted as they
 * arrive and the request is cut at `maxBytes` (whatever Content-Length says) or after `timeoutMs`.
 * An HTML answer (a page where a file was expected) is named as such.
 */

export interface FetchBoundedOptions {
  /** The most bytes accepted. */
  maxBytes: number;
  /** The longest the whole request may take (ms). */
  timeoutMs: number;
  /** Starts every error message (the calling function's name). */
  who: string;
  /** The fetch to use (default globalThis.fetch). */
  fetch?: typeof fetch;
}

export async function fetchBounded(url: URL, options: FetchBoundedOptions): Promise<Uint8Array> {
  const { maxBytes, timeoutMs, who } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await (options.fetch ?? fetch)(url, { signal: controller.signal });
    if (!res.ok) throw new Error(`${who}: GET ${url.href} answered HTTP ${res.status}`);
    const type = res.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
    if (type === 'text/html') throw new Error(`${who}: GET ${url.href} answered text/html (a page, not the data file: is it served at that URL?)`);
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) throw new Error(`${who}: ${url.href} is ${declared} bytes, over the ${maxBytes}-byte limit`);
    return await readAtMost(res, url, maxBytes, who);
  } catch (e) {
    if (controller.signal.aborted) throw new Error(`${who}: GET ${url.href} did not finish within ${timeoutMs} ms`);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function readAtMost(res: Response, url: URL, maxBytes: number, who: string): Promise<Uint8Array> {
  if (res.body === null) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`${who}: ${url.href} is larger than the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  return concat(chunks, total);
}

export function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
