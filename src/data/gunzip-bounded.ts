/**
 * gzip inflation that stops at a byte limit (fflate's streaming Gunzip, fed in small pieces), so a
 * small hostile file cannot make a page allocate gigabytes: a gzip bomb is cut off, not inflated.
 */
import { Gunzip } from 'fflate';
import { concat } from './fetch-bounded.js';

/** True when `bytes` start with gzip's magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Feed size: small enough that one piece cannot inflate far past the limit before the check. */
const PIECE = 16 * 1024;

export function gunzipBounded(bytes: Uint8Array, maxBytes: number, source: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const gunzip = new Gunzip((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) throw new Error(`${source} inflates to more than the ${maxBytes}-byte limit`);
    chunks.push(chunk);
    ended ||= final;
  });
  try {
    for (let at = 0; at < bytes.length; at += PIECE) gunzip.push(bytes.subarray(at, at + PIECE), at + PIECE >= bytes.length);
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith(source) ? message : `${source} is not a complete gzip file (${message})`);
  }
  if (!ended) throw new Error(`${source} is not a complete gzip file (it ends before the gzip stream does)`);
  return concat(chunks, total);
}
