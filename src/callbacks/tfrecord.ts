/**
 * TFRecord framing, the container of TensorBoard event files: each record is
 *   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes | data | uint32 masked CRC-32C of data.
 * `readTfRecords` checks both CRCs of every record, so a torn or corrupted file is reported, not misread.
 */
import { maskedCrc32c } from './crc32c.js';

export function encodeTfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length >>> 0, true);
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Every record's data, in order; throws naming the record whose length or CRC does not check out. */
export function readTfRecords(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = records.length;
    if (at + 12 > bytes.length) throw new Error(`TFRecord #${n} at byte ${at}: truncated header (${bytes.length - at} bytes left, 12 needed)`);
    const length = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
    if (view.getUint32(at + 8, true) !== maskedCrc32c(bytes.subarray(at, at + 8))) throw new Error(`TFRecord #${n} at byte ${at}: length CRC mismatch`);
    const end = at + 12 + length;
    if (end + 4 > bytes.length) throw new Error(`TFRecord #${n} at byte ${at}: truncated data (length ${length}, ${bytes.length - at - 12} bytes left)`);
    const data = bytes.subarray(at + 12, end);
    if (view.getUint32(end, true) !== maskedCrc32c(data)) throw new Error(`TFRecord #${n} at byte ${at}: data CRC mismatch`);
    records.push(data);
    at = end + 4;
  }
  return records;
}
