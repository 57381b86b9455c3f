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

/** Redraws into `host` when asked, skipping requests made while a render is still running. */
export class LiveChart {
  private rendering = false;
  private again = false;

  constructor(private readonly host: HTMLElement, private readonly report: (message: string) => void) {}

  request(curves: Curves, epochs: number): void {
    if (curves.loss.length === 0) return;
    if (this.rendering) {
      this.again = true;
      return;
    }
    this.rendering = true;
    viz.renderSvg(curvesSpec(curves, epochs))
      .then((svg) => { this.host.innerHTML = svg; })
      .catch((e: unknown) => this.report(`Train: the curves could not be drawn: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        this.rendering = false;
        if (this.again) {
          this.again = false;
          this.request(curves, epochs);
        }
      });
  }
}
