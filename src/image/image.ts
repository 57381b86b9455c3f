/**
 * A decoded image in memory: row-major height x width x channels float values, 0..255 for
 * pixels read from files (filter responses may leave that range until converted back).
 */
export interface Image {
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: number;
  data: Float32Array;
}

export function createImage(width: number, height: number, channels: number, data?: Float32Array): Image {
  const size = width * height * channels;
  if (data !== undefined && data.length !== size) throw new Error(`image: ${width}x${height}x${channels} needs ${size} values, got ${data.length}`);
  return { width, height, channels, data: data ?? new Float32Array(size) };
}

/** Luma (ITU-R BT.601 weights) of an RGB(A) image; a grey image is returned as is. */
export function toGrey(image: Image): Image {
  if (image.channels === 1) return image;
  const out = createImage(image.width, image.height, 1);
  for (let i = 0; i < out.data.length; i++) {
    const p = i * image.channels;
    out.data[i] = 0.299 * image.data[p] + 0.587 * image.data[p + 1] + 0.114 * image.data[p + 2];
  }
  return out;
}
