import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { engine } from '../backend/engine.js';
import { createRefBackend } from '../backend/ref/ref-backend.js';
import { type CaseResult, runReferenceCase, runReferenceFile } from './reference-cases.js';
import { referenceFile, SHARED_REFERENCE, SHIPPED_REFERENCE } from './reference-test-util.js';

if (!engine.backendNames().includes('ref')) engine.registerBackend('ref', createRefBackend, 1);

function describeFailure(r: CaseResult): string {
  if (r.error) return `case ${r.index} (${r.label}): ${r.error}`;
  const bad = r.comparisons.filter((c) => !c.pass).map((c) => `${c.name} max abs ${c.maxAbs.toExponential(2)} max rel ${c.maxRel.toExponential(2)}`);
  return `case ${r.index} (${r.label}): ${bad.join('; ')}`;
}

function checkAll(results: CaseResult[]): void {
  assert.equal(results.length, 100);
  const failures = results.filter((r) => !r.pass).map(describeFailure);
  assert.deepEqual(failures, [], `${failures.length} of ${results.length} reference cases disagree with PyTorch`);
  // Each case compares at least the forward output and one gradient.
  for (const r of results) assert.ok(r.comparisons.length >= 2, `case ${r.index} compared ${r.comparisons.length} arrays`);
}

describe('PyTorch reference vectors', () => {
  it('shared reference-1.json: all 100 cases agree to 1e-4 relative (1e-5 absolute floor)', { skip: !existsSync(SHARED_REFERENCE) && 'no ../shared/reference' }, () => {
    checkAll(runReferenceFile(referenceFile(SHARED_REFERENCE)));
  });

  it('the shipped fixtures/reference-1.json is the same file and passes too', () => {
    const shipped = referenceFile(SHIPPED_REFERENCE);
    if (existsSync(SHARED_REFERENCE)) assert.deepEqual(shipped, referenceFile(SHARED_REFERENCE));
    checkAll(runReferenceFile(shipped));
  });

  it('covers every op family in the file', () => {
    const ops = new Set(referenceFile(SHIPPED_REFERENCE).cases.map((c) => c.op));
    assert.deepEqual([...ops].sort(), ['activation', 'avg_pool2d', 'conv2d', 'dense', 'loss', 'max_pool2d', 'min_pool2d']);
  });

  it('detects a wrong expected value (the comparison can fail)', () => {
    const c = structuredClone(referenceFile(SHIPPED_REFERENCE).cases.find((k) => k.op === 'conv2d'));
    assert.ok(c);
    (c.dw as number[])[0] += 1e-2;
    const r = runReferenceCase(c);
    assert.equal(r.pass, false);
    assert.deepEqual(r.comparisons.filter((k) => !k.pass).map((k) => k.name), ['dw']);
  });

  it('reports an unknown op or activation as a failed case, not an exception', () => {
    assert.match(runReferenceCase({ op: 'conv3d' }).error ?? '', /unknown reference op 'conv3d'/);
    const r = runReferenceCase({ op: 'activation', name: 'hard_swish', x_shape: [1], x: [0], y: [0], dy: [1], dx: [0] });
    assert.match(r.error ?? '', /unknown reference activation 'hard_swish'/);
  });
});
