/**
 * Today's `fit` runs batch after batch without giving the page a turn, so nothing repaints until
 * it ends. The Train view's callback awaits this after each batch: a macrotask turn at most every
 * FRAME_MS lets the page paint and handle clicks (Pause). When `fit` yields by itself, this goes.
 */
const FRAME_MS = 50;
let last = 0;

export async function yieldToPage(): Promise<void> {
  const now = performance.now();
  if (now - last < FRAME_MS) return;
  await new Promise((resolve) => setTimeout(resolve, 0));
  last = performance.now();
}
