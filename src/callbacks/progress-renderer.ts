/**
 * Where ProgbarLogger draws. The core only knows this interface, so it runs in browsers; the
 * default prints plain lines with console.log, and `useTerminalProgressBar()` (src/node/) swaps in
 * a live terminal bar.
 */
export interface ProgressRenderer {
  /** A new bar of `total` units; `label` (e.g. "Epoch 1/5") may be empty. */
  start(total: number, label: string): void;
  /** Progress to `current` units; `text` is what follows the bar ("- ETA: 3s - loss: 0.1234"). */
  update(current: number, text: string): void;
  /** Ends the bar and shows `finalText`, the complete summary line. */
  stop(finalText: string): void;
}

/** One line per epoch (plus the label): for logs, CI and browsers' consoles. */
export class LineProgressRenderer implements ProgressRenderer {
  constructor(private readonly print: (line: string) => void = (line) => console.log(line)) {}

  start(_total: number, label: string): void {
    if (label !== '') this.print(label);
  }

  update(_current: number, _text: string): void {
    // Intermediate progress would flood non-interactive output; only the summary is printed.
  }

  stop(finalText: string): void {
    this.print(finalText);
  }
}

let defaultFactory: () => ProgressRenderer = () => new LineProgressRenderer();

/** Makes every later ProgbarLogger (without its own renderer) draw with `factory()`. */
export function setDefaultProgressRenderer(factory: () => ProgressRenderer): void {
  defaultFactory = factory;
}

export function createDefaultProgressRenderer(): ProgressRenderer {
  return defaultFactory();
}
