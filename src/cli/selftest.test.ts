import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { shippedReferencePath } from './package-root.js';
import { runSelftest } from './selftest.js';

function capture(): { lines: string[]; print: (line: string) => void } {
  const lines: string[] = [];
  return { lines, print: (line) => lines.push(line) };
}

describe('fovea selftest', () => {
  it('passes every shipped reference case and prints one line per case', () => {
    const out = capture();
    assert.equal(runSelftest({}, out.print), 0);
    assert.equal(out.lines.filter((l) => l.startsWith('ok ')).length, 100);
    assert.match(out.lines[out.lines.length - 1], /^100 of 100 cases pass\.$/);
    assert.match(out.lines.find((l) => l.includes('conv2d')) ?? '', /y +abs +\d\.\de-\d+ rel +\d\.\de[-+]\d+ +dx/);
  });

  it('prints JSON with --json', () => {
    const out = capture();
    assert.equal(runSelftest({ json: true, backend: 'ref' }, out.print), 0);
    assert.equal(out.lines.length, 1);
    const report = JSON.parse(out.lines[0]);
    assert.equal(report.backend, 'ref');
    assert.equal(report.passed, 100);
    assert.equal(report.cases[0].comparisons[0].name, 'y');
  });

  it('exits non-zero when a case disagrees, marking it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fovea-selftest-'));
    try {
      const file = JSON.parse(readFileSync(shippedReferencePath(), 'utf8'));
      file.cases = file.cases.slice(0, 3);
      file.cases[1].y[0] += 0.01;
      const path = join(dir, 'bad.json');
      writeFileSync(path, JSON.stringify(file));
      const out = capture();
      assert.equal(runSelftest({ reference: path }, out.print), 1);
      assert.match(out.lines.find((l) => l.startsWith('FAIL')) ?? '', /FAIL +1 .* y +abs.* <-/);
      assert.match(out.lines[out.lines.length - 1], /2 of 3 cases pass; 1 FAIL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown backend, listing the available ones', () => {
    assert.throws(() => runSelftest({ backend: 'gpu' }, () => {}), /--backend: unknown backend 'gpu'; available: .*ref/);
  });
});
