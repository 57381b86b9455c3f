import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';

test('an atomic write removes the temporary files killed writes of the same file left, and only those', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fovea-atomic-'));
  try {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = [`.m.keras.${dead}-00112233.tmp`, `.m.keras.${process.pid}-44556677.tmp`];
    const kept = [`.m.keras.${process.ppid}-8899aabb.tmp`, `.other.keras.${dead}-00112233.tmp`, '.m.keras.0123456789ab.tmp'];
    for (const name of [...stale, ...kept]) await writeFile(join(dir, name), 'x');
    await writeFileAtomic(join(dir, 'm.keras'), new Uint8Array([1, 2, 3]));
    assert.deepEqual((await readdir(dir)).sort(), [...kept, 'm.keras'].sort());
    await writeFile(join(dir, stale[0]), 'x');
    writeFileAtomicSync(join(dir, 'm.keras'), 'sync');
    assert.deepEqual((await readdir(dir)).sort(), [...kept, 'm.keras'].sort());
    assert.equal(await readFile(join(dir, 'm.keras'), 'utf8'), 'sync');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
