/**
 * The feature maps of every layer for the current drawing: image-shaped outputs (conv, pooling,
 * batch norm ...) as fovea's feature-map grids, vectors (Flatten, Dense) as strips of cells.
 * Rendering a grid is asynchronous (Vega lays it out); a newer drawing cancels an older render.
 */
import { viz } from 'fovea';
import { el, replaceChildren } from '../../widgets/el.js';
import { heatStrip } from '../../widgets/heat-strip.js';
import { svgElement } from '../../widgets/svg-figure.js';
import type { LayerOutput } from './layer-outputs.js';

/** Maps drawn per layer at first, and with "all maps" (fovea's grid's own limit); the grid's title says how many of how many. */
const FEW_MAPS = 16;
const ALL_MAPS = 64;

export interface FeatureMapsPanel {
  element: HTMLElement;
  /** Renders `outputs`; resolves when done or when a newer call replaced it. */
  show(outputs: LayerOutput[]): Promise<void>;
  clear(text: string): void;
}

const shapeText = (shape: readonly number[]): string => shape.join('×');

async function layerFigure(out: LayerOutput, maxMaps: number): Promise<Node> {
  if (out.shape.length === 3) {
    const svg = await viz.featureGrid(out.values, out.shape, { maxMaps, columns: 8, title: `${out.shape[2]} maps ${out.shape[0]}×${out.shape[1]}` });
    return svgElement(svg, `feature maps of ${out.name}`);
  }
  return heatStrip(out.values, { columns: Math.min(64, out.values.length), cell: out.values.length <= 16 ? 24 : 8 });
}

export function featureMapsPanel(): FeatureMapsPanel {
  const list = el('div', { class: 'lab-feature-maps' });
  const note = el('p', { class: 'lab-note' });
  const allMaps = el('input', { type: 'checkbox', 'data-control': 'all-maps' });
  const element = el('div', { class: 'lab-panel lab-feature-panel' }, el('h3', {}, 'Feature maps, layer by layer'), note,
    el('label', { class: 'lab-field' }, allMaps, `Show up to ${ALL_MAPS} maps per layer (${FEW_MAPS} otherwise)`), list);
  let generation = 0;
  let last: LayerOutput[] = [];
  allMaps.addEventListener('change', () => void panel.show(last));
  const panel: FeatureMapsPanel = {
    element,
    async show(outputs) {
      const mine = ++generation;
      last = outputs;
      note.textContent = 'Dark blue is the strongest activation of each layer, white the weakest.';
      const sections: HTMLElement[] = [];
      for (const out of outputs) {
        const figure = await layerFigure(out, allMaps.checked ? ALL_MAPS : FEW_MAPS);
        if (mine !== generation) return;
        sections.push(el('section', { class: 'lab-layer', 'data-layer': out.name },
          el('h4', {}, `${out.name} `, el('span', { class: 'lab-class' }, `(${out.className})`), ` → ${shapeText(out.shape)}`), figure));
      }
      replaceChildren(list, ...sections);
    },
    clear(text) {
      generation++;
      last = [];
      note.textContent = text;
      list.replaceChildren();
    },
  };
  return panel;
}
