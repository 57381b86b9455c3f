/**
 * CIFAR-10's binary version (the "CIFAR-10 binary version (suitable for C programs)" archive):
 * each batch file is a run of 3073-byte records, one label byte (0-9) then the 32x32 image as
 * 1024 red, 1024 green and 1024 blue bytes, row-major. `batches.meta.txt` names the classes, one a
 * line. Pure: works on bytes, so it runs in browsers as well as Node.
 *
 * Example: a record 03 | R[1024] | G[1024] | B[1024] is a cat (class 3) whose pixel (0, 0) is
 * (R[0], G[0], B[0]).
 */
import { checkClassLabels } from './class-labels.js';

export const CIFAR10_SIDE = 32;
export const CIFAR10_PIXELS = CIFAR10_SIDE * CIFAR10_SIDE;
export const CIFAR10_RECORD_BYTES = 1 + 3 * CIFAR10_PIXELS;
export const CIFAR10_CLASSES = 10;

/** The class names CIFAR-10's authors publish, used when `batches.meta.txt` is absent. */
export const CIFAR10_CLASS_NAMES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Checks that `byteLength` holds whole records; returns how many. */
export function cifarRecordCount(byteLength: number, source: string): number {
  if (byteLength === 0 || byteLength % CIFAR10_RECORD_BYTES !== 0) {
    const whole = Math.floor(byteLength / CIFAR10_RECORD_BYTES);
    throw new Error(`${source}: not a CIFAR-10 binary batch: expected a positive multiple of ${CIFAR10_RECORD_BYTES} bytes (label + 3 x 32 x 32), got ${byteLength} ` +
      `(${whole} whole records and ${byteLength - whole * CIFAR10_RECORD_BYTES} bytes over: truncated?)`);
  }
  return byteLength / CIFAR10_RECORD_BYTES;
}

/**
 * Writes `count` records of `bytes` (from record `first`) as NHWC pixels into `pixels` at image
 * `at` (scaled by `scale`, e.g. 1/255) and their labels into `labels` at `at`. Labels are checked.
 */
export function decodeCifarRecords(
  bytes: Uint8Array, first: number, count: number, scale: number,
  out: { pixels: Float32Array; labels: Int32Array; at: number }, source: string,
): void {
  const labelBytes = new Uint8Array(count);
  for (let r = 0; r < count; r++) labelBytes[r] = bytes[(first + r) * CIFAR10_RECORD_BYTES];
  checkClassLabels(labelBytes, CIFAR10_CLASSES, source);
  for (let r = 0; r < count; r++) {
    const record = (first + r) * CIFAR10_RECORD_BYTES + 1;
    const image = (out.at + r) * CIFAR10_PIXELS * 3;
    out.labels[out.at + r] = labelBytes[r];
    // Planes R, G, B become interleaved channels.
    for (let p = 0; p < CIFAR10_PIXELS; p++) {
      for (let c = 0; c < 3; c++) out.pixels[image + p * 3 + c] = bytes[record + c * CIFAR10_PIXELS + p] * scale;
    }
  }
}

/** Class names from `batches.meta.txt`: one a line, blank lines dropped; exactly 10 expected. */
export function parseCifarClassNames(text: string, source: string): string[] {
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length !== CIFAR10_CLASSES) throw new Error(`${source}: expected ${CIFAR10_CLASSES} class names, one a line, got ${names.length}`);
  return names;
}
