import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPython, pythonFloatRepr } from './python-format.js';

const EPOCH = new Set(['epoch', 'batch']);

test('ModelCheckpoint-style templates format like Python str.format', () => {
  const logs = { epoch: 3, val_loss: 0.123456, loss: 12.5, accuracy: 0.98765 };
  assert.equal(formatPython('ckpt-{epoch:02d}-{val_loss:.2f}.keras', logs, EPOCH), 'ckpt-03-0.12.keras');
  assert.equal(formatPython('{epoch:04}-{loss:.3e}-{accuracy:.1%}', logs, EPOCH), '0003-1.250e+01-98.8%');
  assert.equal(formatPython('{epoch}|{loss}|{val_loss:g}|{{x}}', logs, EPOCH), '3|12.5|0.123456|{x}');
  assert.equal(formatPython('[{epoch:>4d}][{epoch:<4d}][{epoch:^5d}][{epoch:*^5}][{loss:+.1f}]', logs, EPOCH), '[   3][3   ][  3  ][**3**][+12.5]');
  assert.equal(formatPython('{n:,d} {n:_d} {x:,.2f}', { n: 1234567, x: 9876543.219 }), '1,234,567 1_234_567 9,876,543.22');
  assert.equal(formatPython('{a:.3} {b:.3} {c:.2g} {d:g}', { a: 0.5, b: 1234567, c: 0.0001234, d: 1e-5 }), '0.5 1.23e+06 0.00012 1e-05');
  assert.equal(formatPython('{x:08.3f} {y:-^9.2f}', { x: -3.14159, y: 2.5 }), '-003.142 --2.50---');
});

test('unknown fields and non-integer d values are errors naming the field', () => {
  assert.throws(() => formatPython('ckpt-{val_acc:.2f}', { epoch: 1, loss: 0.5 }), /\{val_acc\}.*epoch, loss/);
  assert.throws(() => formatPython('{loss:d}', { loss: 0.5 }), /format code 'd'.*\{loss\}/);
  assert.throws(() => formatPython('a{b', { b: 1 }), /single '\{'/);
  assert.throws(() => formatPython('{loss:q}', { loss: 1 }), /invalid format spec 'q'/);
});

test('pythonFloatRepr prints floats like Python repr', () => {
  const cases: [number, string][] = [
    [0.5, '0.5'], [1, '1.0'], [-2, '-2.0'], [1e-5, '1e-05'], [0.0001, '0.0001'], [123456789012345680, '1.2345678901234568e+17'],
    [1e16, '1e+16'], [1234567890123456, '1234567890123456.0'], [0.1 + 0.2, '0.30000000000000004'], [NaN, 'nan'], [-Infinity, '-inf'], [1.5e300, '1.5e+300'],
  ];
  for (const [x, want] of cases) assert.equal(pythonFloatRepr(x), want, String(x));
});
