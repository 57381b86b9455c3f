/** Keras-style progress text: the bar, durations, and "- name: value" metric lists. */
import type { Logs } from './callback.js';

/** Keys fit may put in batch logs that are bookkeeping, not metrics. */
const HIDDEN_KEYS = new Set(['batch', 'size']);

/** `[=====>....]`, `width` cells between the brackets. */
export function progressBar(current: number, total: number, width = 30): string {
  const fraction = total > 0 ? Math.min(1, current / total) : 1;
  const filled = Math.floor(fraction * width);
  if (filled >= width) return `[${'='.repeat(width)}]`;
  const head = filled > 0 ? `${'='.repeat(filled - 1)}>` : '';
  return `[${head}${'.'.repeat(width - head.length)}]`;
}

/** 4 decimals, or scientific notation for tiny values so they do not read as 0.0000. */
export function formatValue(v: number): string {
  return Math.abs(v) > 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}

export function formatLogs(logs: Logs = {}): string {
  return Object.entries(logs)
    .filter(([k]) => !HIDDEN_KEYS.has(k))
    .map(([k, v]) => ` - ${k}: ${formatValue(v)}`)
    .join('');
}

/** Remaining time as Keras shows it: 1:02:03, 2:05 or 45s. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  if (s >= 3600) return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  if (s >= 60) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${s}s`;
}

/** Time per unit: "2s/step", "48ms/step" or "750us/sample". */
export function formatPerUnit(seconds: number, unit: string): string {
  if (seconds >= 1 || seconds === 0) return `${Math.round(seconds)}s/${unit}`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/${unit}`;
  return `${Math.round(seconds * 1e6)}us/${unit}`;
}

/** Throughput with a sensible number of digits: "12345 samples/s", "3.4 samples/s". */
export function formatRate(perSecond: number, unit: string): string {
  const digits = perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
  return `${perSecond.toFixed(digits)} ${unit}/s`;
}
