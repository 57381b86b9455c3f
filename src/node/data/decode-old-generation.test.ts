// Decoding a batch of PNGs (what the decode worker does for every batch of an epoch) leaves nothing
// in V8's old generation: a spread copy of each image's samples used to land there (~13 KB a batch
// of 64 here), so the worker's heap climbed over an epoch until its next full collection.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { oldGenerationBytesPerCall } from '../old-generation-test-util.js';
import { withTempDir } from '../temp-dir-test-util.js';
import { decodeImagesInto, type DecodeOptions, valuesPerImage } from './decode-image.js';
import { writeShapesFolder } from './shapes-folder-test-util.js';

test('decoding a batch of 64 PNGs puts (almost) nothing in the old generation', async () => {
  await withTempDir('decode-old', async (dir) => {
    writeShapesFolder(dir, { perClass: 22, seed: 3, minSide: 32, maxSide: 32, kinds: ['png-rgb'] });
    const names = readdirSync(dir).sort().flatMap((c) => readdirSync(join(dir, c)).sort().map((f) => `${c}/${f}`)).slice(0, 64);
    const paths = names.map((n) => join(dir, n));
    const options: DecodeOptions = { colorMode: 'rgb', imageSize: [32, 32], interpolation: 'bilinear', cropToAspectRatio: false, padToAspectRatio: false, maxFileBytes: 1 << 20, maxPixels: 1 << 20 };
    const out = new Float32Array(64 * valuesPerImage(options));
    const bytes = oldGenerationBytesPerCall(() => decodeImagesInto(paths, names, options, out), 200);
    assert.ok(bytes < 1000, `${bytes.toFixed(0)} bytes of old generation per batch`);
    assert.ok(out.some((v) => v !== out[0]), 'the images were decoded');
  });
});
