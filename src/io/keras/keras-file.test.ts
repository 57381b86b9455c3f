/**
 * Fuzzer findings on `.keras` archives, kept as regressions: a 1 MB archive whose model.weights.h5
 * inflates to 1 GiB loaded after 9.8 s at 2.25 GB RSS, and config bombs were refused only after
 * inflating them. The bombs are built here (~1 MB each); every case must end in a
 * ModelFormatError within 5 s and 200 MB of resident memory.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smallCnn } from '../io-test-util.js';
import { ModelFormatError } from '../model-format-error.js';
import { describeOutcome, withinBounds } from '../../testing/bounds-test-util.js';
import { CONFIG_MAX_BYTES, loadKeras, saveKeras } from './keras-file.js';
import { crc32, openZip } from './zip-archive.js';
import { deflateRun, rawZip, type RawMember, storedMember } from './zip-bomb-test-util.js';

const GIB = 2 ** 30;

/** The three members of a real saved model, stored. */
async function realMembers(): Promise<Map<string, RawMember>> {
  const zip = openZip(await saveKeras(smallCnn(1)), 'real.keras');
  return new Map(zip.names.map((n) => [n, storedMember(n, zip.read(n))]));
}

/** `members` with `name` replaced by `bomb`, in Keras's member order. */
function withMember(members: Map<string, RawMember>, name: string, bomb: RawMember): Uint8Array {
  return rawZip([...members.values()].map((m) => (m.name === name ? bomb : m)));
}

function refusal(pattern: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof ModelFormatError && pattern.test(e.message);
}

test('a 1 MB .keras whose model.weights.h5 inflates to 1 GiB is refused before inflating', async (t) => {
  const members = await realMembers();
  // Declared honestly: 1 GiB from ~1 MB is within deflate's ratio, so only the config can tell it is a bomb.
  const data = deflateRun(0, GIB);
  const file = withMember(members, 'model.weights.h5', { name: 'model.weights.h5', method: 8, data, size: GIB, crc: 0 });
  assert.ok(file.length < 1_100_000, `fixture is ${file.length} bytes`);
  const m = await withinBounds('weights bomb', () => loadKeras(file, 'bomb.keras'));
  t.diagnostic(`${file.length}-byte archive: ${describeOutcome(m)}`);
  assert.ok(refusal(/bomb\.keras: zip member 'model\.weights\.h5' declares 1073741824 bytes, more than the 1313712 bytes the config's 4 layers and 187 weight values can need \(zip bomb\?\)/)(m.error), describeOutcome(m));
});

test('a weights file that lies about its size is cut off at the declared size while streaming', async (t) => {
  const members = await realMembers();
  const data = deflateRun(0, GIB);
  const file = withMember(members, 'model.weights.h5', { name: 'model.weights.h5', method: 8, data, size: 1 << 20, crc: 0 });
  const m = await withinBounds('lying weights bomb', () => loadKeras(file, 'liar.keras'));
  t.diagnostic(describeOutcome(m));
  assert.ok(refusal(/zip member 'model\.weights\.h5' inflates to more than the 1048576 bytes it declares/)(m.error), describeOutcome(m));
});

test('a config.json bomb (valid JSON padded to 1000 MiB) is refused before inflating', async (t) => {
  const members = await realMembers();
  const config = members.get('config.json') as RawMember;
  // The real config followed by 1 GiB of spaces is still valid JSON: only a size cap stops it.
  const data = deflateRun(0x20, 1000 * 2 ** 20, config.data);
  const bomb = { name: 'config.json', method: 8 as const, data, size: config.data.length + 1000 * 2 ** 20, crc: 0 };
  const m = await withinBounds('config bomb', () => loadKeras(withMember(members, 'config.json', bomb), 'config-bomb.keras'));
  t.diagnostic(describeOutcome(m));
  assert.ok(refusal(new RegExp(`zip member 'config\\.json' declares ${bomb.size} bytes, more than the ${CONFIG_MAX_BYTES} bytes a config\\.json may have`))(m.error), describeOutcome(m));
  // Declaring just under the cap but inflating further: stopped at the cap while streaming.
  const liar = { ...bomb, size: CONFIG_MAX_BYTES };
  const l = await withinBounds('lying config bomb', () => loadKeras(withMember(members, 'config.json', liar), 'config-liar.keras'));
  t.diagnostic(describeOutcome(l));
  assert.ok(refusal(/zip member 'config\.json' inflates to more than the 16777216 bytes it declares/)(l.error), describeOutcome(l));
});

test('a metadata.json bomb is refused at its 1 MiB cap', async (t) => {
  const members = await realMembers();
  const data = deflateRun(0x20, 256 << 20);
  const bomb = { name: 'metadata.json', method: 8 as const, data, size: 256 << 20, crc: 0 };
  const m = await withinBounds('metadata bomb', () => loadKeras(withMember(members, 'metadata.json', bomb), 'meta-bomb.keras'));
  t.diagnostic(describeOutcome(m));
  assert.ok(refusal(/zip member 'metadata\.json' declares 268435456 bytes, more than the 1048576 bytes a metadata\.json may have/)(m.error), describeOutcome(m));
});

test('the real members, stored or deflated (config padded to 1 MiB), still load', async () => {
  const members = await realMembers();
  assert.equal((await loadKeras(rawZip([...members.values()]), 'stored.keras')).weights.length, 4);
  const config = members.get('config.json') as RawMember;
  const padded = new Uint8Array(config.data.length + (1 << 20)).fill(0x20);
  padded.set(config.data);
  const deflated = { ...config, method: 8 as const, data: deflateRun(0x20, 1 << 20, config.data), size: padded.length, crc: crc32(padded) };
  assert.equal((await loadKeras(withMember(members, 'config.json', deflated), 'padded.keras')).weights.length, 4);
});
