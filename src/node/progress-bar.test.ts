import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDefaultProgressRenderer, LineProgressRenderer, setDefaultProgressRenderer } from '../callbacks/index.js';
import { createTerminalProgressRenderer, TerminalProgressRenderer, useTerminalProgressBar } from './progress-bar.js';
import type { ProgressStream } from './progress-bar.js';

function fakeStream(isTTY: boolean): ProgressStream & { out: string } {
  return { isTTY, columns: 120, out: '', write(chunk: string) { this.out += chunk; return true; } };
}

describe('terminal progress renderer', () => {
  it('falls back to plain lines when the stream is not a terminal', () => {
    const s = fakeStream(false);
    const r = createTerminalProgressRenderer({ stream: s });
    assert.ok(r instanceof LineProgressRenderer);
    r.start(3, 'Epoch 1/2');
    r.update(1, '- ETA: 1s - loss: 0.5000');
    r.stop('3/3 [====] - 1s 10ms/step - loss: 0.2500');
    assert.equal(s.out, 'Epoch 1/2\n3/3 [====] - 1s 10ms/step - loss: 0.2500\n');
  });

  it('draws a live bar on a terminal and ends with the summary line', () => {
    const s = fakeStream(true);
    const r = createTerminalProgressRenderer({ stream: s });
    assert.ok(r instanceof TerminalProgressRenderer);
    r.start(4, 'Epoch 1/1');
    r.update(2, '- ETA: 1s - loss: 0.5000');
    r.stop('4/4 [done] - loss: 0.2500');
    assert.ok(s.out.startsWith('Epoch 1/1\n'));
    assert.match(s.out, /2\/4 \[=+\.+\] - ETA: 1s - loss: 0\.5000/);
    assert.ok(s.out.endsWith('4/4 [done] - loss: 0.2500\n'), JSON.stringify(s.out.slice(-60)));
  });

  it('useTerminalProgressBar installs itself as the default', () => {
    const s = fakeStream(true);
    useTerminalProgressBar({ stream: s });
    try {
      assert.ok(createDefaultProgressRenderer() instanceof TerminalProgressRenderer);
    } finally {
      setDefaultProgressRenderer(() => new LineProgressRenderer());
    }
  });
});
