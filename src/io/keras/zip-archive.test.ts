import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelFormatError } from '../model-format-error.js';
import { openZip, writeZip } from './zip-archive.js';

const members = (n: number): [string, Uint8Array][] => Array.from({ length: n }, (_, i): [string, Uint8Array] => [`m/${i}`, Uint8Array.of(i & 0xff)]);

test('a model archive has at most 256 members by default; maxEntries raises the cap (a PyTorch file has one member per storage)', () => {
  assert.throws(() => openZip(writeZip(members(257)), 'a.keras'), (e: unknown) => e instanceof ModelFormatError && /a\.keras: zip archive lists 257 members, more than the 256/.test(e.message));
  const zip = openZip(writeZip(members(3000)), 'big.pt', { maxEntries: 65_535 });
  assert.equal(zip.names.length, 3000);
  assert.deepEqual([...zip.read('m/2999')], [2999 & 0xff]);
  assert.throws(() => zip.read('m/3000'), /big\.pt: the archive has no 'm\/3000' \(members: m\/0, m\/1, .*, \.\.\.\)/);
});
