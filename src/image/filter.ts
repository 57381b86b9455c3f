/**
 * Applying a kernel to an image with the engine's conv2d: one depthwise convolution (groups =
 * channels), so each colour channel is filtered on its own, exactly as a conv layer would with
 * that kernel. Borders repeat the edge pixels (so a flat image stays flat up to the edge); an
 * alpha channel is carried over unfiltered.
 */
import { conv2d } from '../ops/conv2d.js';
import { tensor } from '../ops/create.js';
import { type Image, createImage } from './image.js';
import { getKernel, type OutputMode } from './kernels.js';

export interface FilterOptions {
  /** How responses become 0..255 pixels; defaults to the named kernel's choice ('clip' for a matrix). */
  output?: OutputMode | 'raw';
}

/** Replicate-pads channels 0..c-1 of `image` by (ph, pw): [1, H+2ph, W+2pw, c]. */
function padReplicate(image: Image, c: number, ph: number, pw: number): Float32Array {
  const { width: w, height: h, channels } = image;
  const [H, W] = [h + 2 * ph, w + 2 * pw];
  const out = new Float32Array(H * W * c);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(Math.max(y - ph, 0), h - 1);
    for (let x = 0; x < W; x++) {
      const sx = Math.min(Math.max(x - pw, 0), w - 1);
      for (let ch = 0; ch < c; ch++) out[(y * W + x) * c + ch] = image.data[(sy * w + sx) * channels + ch];
    }
  }
  return out;
}

function checkKernel(kernel: number[][]): void {
  const ok = kernel.length > 0 && kernel.every((r) => r.length === kernel[0].length && r.every(Number.isFinite));
  if (!ok || kernel.length % 2 === 0 || kernel[0].length % 2 === 0) {
    throw new Error(`filter: the kernel must be a rectangular matrix of numbers with odd height and width, got ${JSON.stringify(kernel)}`);
  }
}

/** The filter response of every pixel (same size as the image), then converted per `output`. */
export function applyKernel(image: Image, kernel: number[][] | string, options: FilterOptions = {}): Image {
  const named = typeof kernel === 'string' ? getKernel(kernel) : null;
  const weights = named?.weights ?? (kernel as number[][]);
  checkKernel(weights);
  const [kh, kw] = [weights.length, weights[0].length];
  const c = image.channels === 4 ? 3 : image.channels;
  const [ph, pw] = [(kh - 1) / 2, (kw - 1) / 2];
  const x = tensor(padReplicate(image, c, ph, pw), [1, image.height + 2 * ph, image.width + 2 * pw, c]);
  // HWIO depthwise filter: the same kernel for every channel.
  const f = new Float32Array(kh * kw * c);
  weights.flat().forEach((v, i) => f.fill(v, i * c, (i + 1) * c));
  const y = conv2d(x, tensor(f, [kh, kw, 1, c]), { groups: c }).dataSync() as Float32Array;
  const out = createImage(image.width, image.height, image.channels);
  for (let p = 0; p < image.width * image.height; p++) {
    for (let ch = 0; ch < c; ch++) out.data[p * image.channels + ch] = y[p * c + ch];
    if (image.channels === 4) out.data[p * 4 + 3] = image.data[p * 4 + 3];
  }
  const mode = options.output ?? named?.output ?? 'clip';
  return mode === 'raw' ? out : toPixelRange(out, mode, c);
}

/** Maps responses to 0..255: clamp, absolute value then clamp, or min-max stretch per image. */
export function toPixelRange(image: Image, mode: OutputMode, colourChannels = image.channels === 4 ? 3 : image.channels): Image {
  const out = createImage(image.width, image.height, image.channels, image.data.slice());
  const isColour = (i: number) => i % image.channels < colourChannels;
  let lo = Infinity;
  let hi = -Infinity;
  if (mode === 'normalize') {
    out.data.forEach((v, i) => {
      if (isColour(i)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    });
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  out.data.forEach((v, i) => {
    if (!isColour(i)) return;
    const u = mode === 'abs' ? Math.abs(v) : mode === 'normalize' ? (v - lo) * scale : v;
    out.data[i] = Math.min(255, Math.max(0, u));
  });
  return out;
}
