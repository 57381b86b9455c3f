/** The command line's edges: --version, and a reader that closes the pipe early. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { createImage } from '../image/image.js';
import { saveKeras } from '../io/keras/keras-file.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import { writePng } from '../node/image-io.js';
import { writeFileAtomic } from '../node/io/atomic-write.js';
import { withTempDir } from '../node/temp-dir-test-util.js';
import { packageRoot } from './package-root.js';

const MAIN = join(fileURLToPath(new URL('.', import.meta.url)), 'main.js');

/** Runs `fovea args` with its stdout closed by the reader before the command writes anything. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // what `| head -1` does once it has its line
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('fovea command-line edges', () => {
  it('--version prints the version in package.json', () => {
    const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    const r = spawnSync(process.execPath, [MAIN, '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
  });

  it('predict into a pipe the reader has closed exits quietly, with no EPIPE stack trace', async () => {
    await withTempDir('epipe', async (dir) => {
      await writeFileAtomic(join(dir, 'm.keras'), await saveKeras(mnistCnn({ seed: 1 })));
      writePng(join(dir, 'digit.png'), createImage(28, 28, 1));
      const r = await runWithClosedStdout(['predict', join(dir, 'm.keras'), join(dir, 'digit.png')]);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
    });
  });
});
