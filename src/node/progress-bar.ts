/**
 * A live terminal progress bar for ProgbarLogger (Node only: it uses cli-progress and the TTY).
 * Output that is not a terminal (CI logs, pipes) gets the plain one-line-per-epoch renderer
 * instead, since redrawing a bar there leaves a line per frame.
 * Example: `useTerminalProgressBar(); await model.fit(x, y, { epochs: 5 });`
 */
import { SingleBar } from 'cli-progress';
import { LineProgressRenderer, setDefaultProgressRenderer } from '../callbacks/progress-renderer.js';
import type { ProgressRenderer } from '../callbacks/progress-renderer.js';

/** The part of a Node write stream the bar needs (process.stdout / process.stderr fit). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export interface TerminalProgressOptions {
  /** Where to draw; default stdout when it is a terminal, else stderr when it is one. */
  stream?: ProgressStream;
}

/** Redraws `current/total [====>...] text` in place; prints the summary line when stopped. */
export class TerminalProgressRenderer implements ProgressRenderer {
  private bar: SingleBar | null = null;

  constructor(private readonly stream: ProgressStream) {}

  start(total: number, label: string): void {
    this.bar?.stop();
    if (label !== '') this.stream.write(`${label}\n`);
    this.bar = new SingleBar({
      format: '{value}/{total} [{bar}] {text}',
      barsize: 30,
      barCompleteChar: '=',
      barIncompleteChar: '.',
      hideCursor: true,
      clearOnComplete: true,
      // cli-progress types want a full WriteStream; it only writes and moves the cursor.
      stream: this.stream as NodeJS.WriteStream,
    });
    this.bar.start(total, 0, { text: '' });
  }

  update(current: number, text: string): void {
    this.bar?.update(current, { text });
  }

  stop(finalText: string): void {
    this.bar?.stop();
    this.bar = null;
    this.stream.write(`${finalText}\n`);
  }
}

/** A live bar on a terminal, plain lines otherwise. */
export function createTerminalProgressRenderer(options: TerminalProgressOptions = {}): ProgressRenderer {
  const stream = options.stream ?? (process.stdout.isTTY ? process.stdout : process.stderr.isTTY ? process.stderr : undefined);
  if (stream === undefined || !stream.isTTY) {
    const out = stream ?? process.stdout;
    return new LineProgressRenderer((line) => void out.write(`${line}\n`));
  }
  return new TerminalProgressRenderer(stream);
}

/** Makes `fit(..., { verbose: 1 })` draw a live terminal bar from now on. */
export function useTerminalProgressBar(options: TerminalProgressOptions = {}): void {
  setDefaultProgressRenderer(() => createTerminalProgressRenderer(options));
}
