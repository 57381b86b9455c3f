/**
 * The projective transforms ([a0, a1, a2, b0, b1, b2, c0, c1], output pixel -> input point, see
 * ops/image-transform.ts) of the geometric layers, as Keras 3 builds them.
 */
export type Transform = [number, number, number, number, number, number, number, number];

export const IDENTITY: Transform = [1, 0, 0, 0, 1, 0, 0, 0];

/**
 * Resizing a [height, width] window starting at (top, left) to outH x outW with half-pixel
 * centres, as tf.image.resize: in = (out + 0.5) * scale - 0.5 (+ the window's offset).
 */
export function resizeTransform(window: { top: number; left: number; height: number; width: number }, outHeight: number, outWidth: number): Transform {
  const sy = window.height / outHeight;
  const sx = window.width / outWidth;
  return [sx, 0, window.left + 0.5 * sx - 0.5, 0, sy, window.top + 0.5 * sy - 0.5, 0, 0];
}

/** Rotation by `angle` radians (counter-clockwise) about the image centre. */
export function rotationTransform(angle: number, height: number, width: number): Transform {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const x = (width - 1 - (cos * (width - 1) - sin * (height - 1))) / 2;
  const y = (height - 1 - (sin * (width - 1) + cos * (height - 1))) / 2;
  return [cos, -sin, x, sin, cos, y, 0, 0];
}

/** Zoom about the centre: a factor above 1 reads a larger area (zooms out), below 1 zooms in. */
export function zoomTransform(zoomY: number, zoomX: number, height: number, width: number): Transform {
  return [zoomX, 0, ((width - 1) / 2) * (1 - zoomX), 0, zoomY, ((height - 1) / 2) * (1 - zoomY), 0, 0];
}

/** Shift the content by (dy, dx) pixels (positive: down and right). */
export function translationTransform(dy: number, dx: number): Transform {
  return [1, 0, -dx, 0, 1, -dy, 0, 0];
}
