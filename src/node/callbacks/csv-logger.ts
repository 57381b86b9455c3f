/**
 * CSVLogger: one CSV row per epoch (the epoch, then the logged values in sorted key order) as
 * Keras 3 writes it; with `append`, rows are added to an existing file and the header is written
 * only when the file is new or empty. Numbers are written as Python prints floats (`0.5`, `1.0`,
 * `1e-05`). The file is rewritten atomically after each epoch, so it always holds whole rows.
 *
 * Example: `new CSVLogger('training.csv', { separator: ';', append: true })`.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Callback } from '../../callbacks/callback.js';
import type { Logs } from '../../callbacks/callback.js';
import { pythonFloatRepr } from '../../callbacks/python-format.js';
import { writeFileAtomic } from '../io/atomic-write.js';

export interface CSVLoggerOptions {
  /** Column separator (default ','). */
  separator?: string;
  /** Add to an existing file instead of replacing it (default false). */
  append?: boolean;
}

/** A CSV field, quoted when it holds the separator, a quote or a line break (Python's csv module rule). */
function field(text: string, separator: string): string {
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export class CSVLogger extends Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | null = null;
  private content = '';

  constructor(filename: string, options: CSVLoggerOptions = {}) {
    super();
    if (typeof filename !== 'string' || filename === '') throw new Error(`CSVLogger: filename must be a non-empty path, got ${JSON.stringify(filename)}`);
    this.filename = resolve(filename);
    this.separator = options.separator ?? ',';
    if (this.separator.length !== 1) throw new Error(`CSVLogger: separator must be one character, got ${JSON.stringify(this.separator)}`);
    this.append = options.append ?? false;
  }

  override async onTrainBegin(_logs?: Logs): Promise<void> {
    this.keys = null;
    this.content = '';
    if (!this.append) return;
    try {
      this.content = await readFile(this.filename, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (this.content !== '' && !this.content.endsWith('\n')) this.content += '\r\n';
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const sep = this.separator;
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      // Python's csv writer ends rows with \r\n; a header only starts a new or empty file.
      if (this.content === '') this.content = `${['epoch', ...this.keys].map((k) => field(k, sep)).join(sep)}\r\n`;
    }
    // Keras writes 'NA' for a value missing from the logs when training was stopped.
    const values = this.keys.map((k) => (logs[k] === undefined ? 'NA' : pythonFloatRepr(logs[k])));
    this.content += `${[String(epoch), ...values].map((v) => field(v, sep)).join(sep)}\r\n`;
    await writeFileAtomic(this.filename, new TextEncoder().encode(this.content));
  }
}
