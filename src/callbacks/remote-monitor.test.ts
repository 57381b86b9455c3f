import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { linearData, tinyModel } from './callback-test-util.js';
import { RemoteMonitor } from './remote-monitor.js';

interface Received {
  method: string;
  url: string;
  type: string;
  header: string;
  body: string;
}

/** A local server recording every request; closed by the returned `close`. */
async function recorder(): Promise<{ root: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', type: String(req.headers['content-type']), header: String(req.headers['x-run']), body });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { root: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))) };
}

test('RemoteMonitor POSTs each epoch\'s logs to root + path, as a form field or as JSON', async () => {
  const server = await recorder();
  try {
    const { x, y } = linearData(16);
    const model = tinyModel(2);
    const h = await model.fit(x, y, {
      epochs: 2, batchSize: 8, verbose: 0, validationSplit: 0.25,
      callbacks: [new RemoteMonitor({ root: server.root, headers: { 'X-Run': 'r1' } }), new RemoteMonitor({ root: server.root, path: '/json', sendAsJson: true })],
    });
    assert.equal(server.received.length, 4);
    const form = server.received.filter((r) => r.url === '/publish/epoch/end/');
    const json = server.received.filter((r) => r.url === '/json');
    assert.deepEqual(form.map((r) => [r.method, r.type, r.header]), [['POST', 'application/x-www-form-urlencoded', 'r1'], ['POST', 'application/x-www-form-urlencoded', 'r1']]);
    form.forEach((r, epoch) => {
      const data = JSON.parse(new URLSearchParams(r.body).get('data') as string);
      assert.deepEqual(data, { epoch, loss: h.history.loss[epoch], val_loss: h.history.val_loss[epoch] });
    });
    assert.deepEqual(json.map((r) => r.type), ['application/json', 'application/json']);
    assert.deepEqual(JSON.parse(json[1].body), { epoch: 1, loss: h.history.loss[1], val_loss: h.history.val_loss[1] });
  } finally {
    await server.close();
  }
});

test('RemoteMonitor warns instead of failing when the server cannot be reached', async () => {
  const server = await recorder();
  const root = server.root;
  await server.close();
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (msg: string) => warnings.push(msg);
  try {
    await new RemoteMonitor({ root }).onEpochEnd(0, { loss: 1 });
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /could not reach the server at http:\/\/127\.0\.0\.1/);
});
