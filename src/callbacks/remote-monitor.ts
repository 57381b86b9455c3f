/**
 * RemoteMonitor: POSTs each epoch's logs (with `epoch`) to `root + path` (Keras 3). By default
 * the body is a form with one field, `field` (default 'data'), holding the logs as JSON; with
 * `sendAsJson` the body is the JSON itself. A server that cannot be reached gives a warning, not
 * an error, so monitoring never stops training.
 *
 * Example: `new RemoteMonitor({ root: 'http://localhost:9000' })` posts to
 * http://localhost:9000/publish/epoch/end/.
 */
import { Callback } from './callback.js';
import type { Logs } from './callback.js';

export interface RemoteMonitorOptions {
  /** Server root URL (default 'http://localhost:9000'). */
  root?: string;
  /** Path appended to root (default '/publish/epoch/end/'). */
  path?: string;
  /** Form field holding the JSON when sendAsJson is false (default 'data'). */
  field?: string;
  /** Extra HTTP headers. */
  headers?: Record<string, string>;
  /** Send the logs as an application/json body (default false: a form field). */
  sendAsJson?: boolean;
  /** The fetch to use (default globalThis.fetch), e.g. for a proxy or tests. */
  fetch?: typeof globalThis.fetch;
}

export class RemoteMonitor extends Callback {
  readonly root: string;
  readonly path: string;
  readonly field: string;
  readonly headers: Record<string, string>;
  readonly sendAsJson: boolean;
  private readonly fetchFn: typeof globalThis.fetch;

  constructor(options: RemoteMonitorOptions = {}) {
    super();
    this.root = options.root ?? 'http://localhost:9000';
    this.path = options.path ?? '/publish/epoch/end/';
    this.field = options.field ?? 'data';
    this.headers = { ...(options.headers ?? {}) };
    this.sendAsJson = options.sendAsJson ?? false;
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') throw new Error('RemoteMonitor: no fetch in this environment; pass options.fetch');
    this.fetchFn = f;
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const json = JSON.stringify({ epoch, ...logs });
    const body = this.sendAsJson ? json : new URLSearchParams({ [this.field]: json }).toString();
    const type = this.sendAsJson ? 'application/json' : 'application/x-www-form-urlencoded';
    try {
      const response = await this.fetchFn(this.root + this.path, { method: 'POST', body, headers: { 'Content-Type': type, ...this.headers } });
      // Read the reply to the end so the connection is released.
      await response.arrayBuffer();
    } catch (e) {
      console.warn(`RemoteMonitor: could not reach the server at ${this.root} (${(e as Error).message})`);
    }
  }
}
