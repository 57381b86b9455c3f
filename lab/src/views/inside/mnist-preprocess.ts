/**
 * A drawing made MNIST-like, as MNIST's own images were made: the digit's bounding box scaled
 * (keeping its aspect ratio, with area averaging for anti-aliased grey edges) to fit a 20x20
 * box, then placed in a 28x28 field so that its centre of mass is the field's centre.
 *
 * Pure (no DOM): `ink` is the drawing's intensity per pixel, 0 (paper) to 1 (ink), row-major.
 * Returns 784 values in [0, 1] (row-major 28x28), or null when nothing was drawn.
 */
export const FIELD = 28;
export const BOX = 20;
/** Pixels fainter than this do not count for the bounding box (anti-aliasing dust). */
const INK_THRESHOLD = 0.1;

export interface Box {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** The smallest rectangle holding every pixel at least INK_THRESHOLD, or null. */
export function inkBounds(ink: ArrayLike<number>, width: number, height: number): Box | null {
  let [top, left, bottom, right] = [height, width, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] < INK_THRESHOLD) continue;
      [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
    }
  }
  return bottom < 0 ? null : { top, left, height: bottom - top + 1, width: right - left + 1 };
}

/** Area-averaging resize of the `box` region of `src` to dw x dh: each target pixel is the mean of what it covers. */
export function resizeArea(src: ArrayLike<number>, srcWidth: number, box: Box, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  const [sy, sx] = [box.height / dh, box.width / dw];
  for (let ty = 0; ty < dh; ty++) {
    const [y0, y1] = [ty * sy, (ty + 1) * sy];
    for (let tx = 0; tx < dw; tx++) {
      const [x0, x1] = [tx * sx, (tx + 1) * sx];
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          sum += wy * wx * src[(box.top + y) * srcWidth + box.left + x];
        }
      }
      out[ty * dw + tx] = sum / (sy * sx);
    }
  }
  return out;
}

/** The intensity-weighted centre (x, y) in pixel units, pixel i spanning [i, i+1). */
export function centreOfMass(values: ArrayLike<number>, width: number, height: number): [number, number] {
  let [mass, mx, my] = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      [mass, mx, my] = [mass + v, mx + v * (x + 0.5), my + v * (y + 0.5)];
    }
  }
  return mass > 0 ? [mx / mass, my / mass] : [width / 2, height / 2];
}

export function preprocessDigit(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  if (ink.length !== width * height) throw new Error(`preprocessDigit: ${width}x${height} needs ${width * height} values, got ${ink.length}`);
  const box = inkBounds(ink, width, height);
  if (box === null) return null;
  const scale = BOX / Math.max(box.width, box.height);
  const [dw, dh] = [Math.max(1, Math.round(box.width * scale)), Math.max(1, Math.round(box.height * scale))];
  const digit = resizeArea(ink, width, box, dw, dh);
  const [cx, cy] = centreOfMass(digit, dw, dh);
  // Shift so the centre of mass lands on the field's centre, but keep the whole digit inside.
  const left = Math.min(FIELD - dw, Math.max(0, Math.round(FIELD / 2 - cx)));
  const top = Math.min(FIELD - dh, Math.max(0, Math.round(FIELD / 2 - cy)));
  const field = new Float32Array(FIELD * FIELD);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) field[(top + y) * FIELD + left + x] = Math.min(1, Math.max(0, digit[y * dw + x]));
  }
  return field;
}
