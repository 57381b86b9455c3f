/**
 * The Train view's live curves: loss and accuracy against epochs (fractional during an epoch),
 * training points as the batches go and validation points at each epoch's end. Drawn by Vega
 * through Fovea's public `viz.renderSvg`, at most one render in flight so a slow frame never queues
 * a backlog behind the training.
 */
import { viz } from 'fovea';

export interface CurvePoint {
  epoch: number;
  value: number;
  series: 'training' | 'validation';
}

export interface Curves {
  loss: CurvePoint[];
  accuracy: CurvePoint[];
}

const PANEL = { width: 340, height: 200 };
const COLOURS = { training: '#1f77b4', validation: '#ff7f0e' };

function panel(name: 'loss' | 'accuracy', points: CurvePoint[], epochs: number): object {
  return {
    type: 'group',
    encode: { enter: { width: { value: PANEL.width }, height: { value: PANEL.height } } },
    data: [{ name: 'points', values: points }],
    title: { text: name, anchor: 'start' },
    scales: [
      { name: 'x', type: 'linear', domain: [0, epochs], range: [0, PANEL.width], nice: false, zero: true },
      { name: 'y', type: 'linear', domain: { data: 'points', field: 'value' }, range: [PANEL.height, 0], zero: name === 'loss', nice: true },
      { name: 'colour', type: 'ordinal', domain: ['training', 'validation'], range: [COLOURS.training, COLOURS.validation] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'epoch', tickMinStep: 0.25 },
      { orient: 'left', scale: 'y', grid: true, tickCount: 5, ...(name === 'accuracy' ? { format: '.0%' } : {}) },
    ],
    legends: [{ stroke: 'colour', orient: 'bottom-right', symbolType: 'stroke' }],
    marks: [{
      type: 'group',
      from: { facet: { name: 'series', data: 'points', groupby: 'series' } },
      marks: [
        { type: 'line', from: { data: 'series' }, encode: { enter: { x: { scale: 'x', field: 'epoch' }, y: { scale: 'y', field: 'value' }, stroke: { scale: 'colour', field: 'series' }, strokeWidth: { value: 2 } } } },
        { type: 'symbol', from: { data: 'series' }, encode: { enter: { x: { scale: 'x', field: 'epoch' }, y: { scale: 'y', field: 'value' }, fill: { scale: 'colour', field: 'series' }, size: { signal: "datum.series === 'validation' ? 40 : 0" } } } },
      ],
    }],
  };
}

export function curvesSpec(curves: Curves, epochs: number): object {
  return {
    padding: 8,
    autosize: 'pad',
    layout: { columns: 2, padding: 40, bounds: 'full', align: 'none' },
    marks: [panel('loss', curves.loss, epochs), panel('accuracy', curves.accuracy, epochs)],
  };
}

/**
 * Redraws into `host` at most every MIN_INTERVAL_MS: Vega lays out on the main thread, which is
 * also the thread that trains, so drawing every batch would halve the training speed. The last
 * request is always drawn.
 */
const MIN_INTERVAL_MS = 500;

export class LiveChart {
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private latest: { curves: Curves; epochs: number } | null = null;

  constructor(private readonly host: HTMLElement, private readonly report: (message: string) => void) {}

  request(curves: Curves, epochs: number): void {
    if (curves.loss.length === 0) return;
    this.latest = { curves, epochs };
    if (this.timer !== null) return;
    const wait = Math.max(0, this.last + MIN_INTERVAL_MS - performance.now());
    this.timer = setTimeout(() => void this.draw(), wait);
  }

  /** A request made while drawing is drawn after it. */
  private drawLatestLater(): void {
    if (this.latest !== null) this.request(this.latest.curves, this.latest.epochs);
  }

  private async draw(): Promise<void> {
    const job = this.latest;
    this.latest = null;
    if (job === null) return;
    this.last = performance.now();
    try {
      // A copy: the curves keep growing while Vega reads them.
      const snapshot = { loss: [...job.curves.loss], accuracy: [...job.curves.accuracy] };
      this.host.innerHTML = await viz.renderSvg(curvesSpec(snapshot, job.epochs));
    } catch (e) {
      this.report(`Train: the curves could not be drawn: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.timer = null;
      this.drawLatestLater();
    }
  }
}
