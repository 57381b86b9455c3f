import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { oldGenerationBytesPerCall } from './old-generation-test-util.js';

describe('oldGenerationBytesPerCall', () => {
  it('sees what a step keeps for good in every window (the least window is not a way out)', () => {
    const kept: unknown[] = [];
    // ~1 KB kept per call, as a structure that grows for the life of a backend would be, and 80 KB of
    // young garbage, so scavenges run (and promote what is kept) within every window.
    const step = () => {
      kept.push(Array.from({ length: 128 }, (_, i) => i + 0.5));
      new Float64Array(10_000).fill(1);
      Array.from({ length: 10_000 }, (_, i) => i + 0.5);
    };
    const bytes = oldGenerationBytesPerCall(step, 500, 100);
    // At least half: the last calls' arrays may still be young when a window ends.
    assert.ok(bytes >= 500, `${bytes.toFixed(0)} bytes per call`);
  });

  it('reads (almost) nothing for a step whose garbage dies young', () => {
    const bytes = oldGenerationBytesPerCall(() => new Float64Array(128).fill(1), 500, 100);
    assert.ok(bytes < 100, `${bytes.toFixed(0)} bytes per call`);
  });
});
