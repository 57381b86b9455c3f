/**
 * The learned filters of every Conv2D layer (fovea's filter grids: blue negative, red positive,
 * one scale per layer). The first layer's are drawn at once; deeper layers, which have many
 * more, are drawn when their section is opened.
 */
import { Conv2D, type Sequential, viz } from 'fovea';
import { el, replaceChildren } from '../../widgets/el.js';
import { svgElement } from '../../widgets/svg-figure.js';

export interface FiltersPanel {
  element: HTMLElement;
  show(model: Sequential): void;
  clear(text: string): void;
}

async function drawFilters(model: Sequential, name: string, into: HTMLElement): Promise<void> {
  const kernel = viz.convKernel(model, name);
  const svg = await viz.filterGrid(kernel.values, kernel.shape, { layout: kernel.layout, maxInputChannels: 8 });
  replaceChildren(into, svgElement(svg, `filters of ${name}`));
}

export function filtersPanel(onError: (message: string) => void): FiltersPanel {
  const list = el('div', { class: 'lab-filters' });
  const note = el('p', { class: 'lab-note' });
  const element = el('div', { class: 'lab-panel lab-filter-panel' }, el('h3', {}, 'Learned filters'), note, list);
  const render = (model: Sequential, name: string, into: HTMLElement) => {
    drawFilters(model, name, into).catch((e: unknown) => onError(`Filters of ${name}: ${e instanceof Error ? e.message : String(e)}`));
  };
  return {
    element,
    show(model) {
      const convs = model.layers.filter((l) => l instanceof Conv2D);
      if (convs.length === 0) {
        this.clear('This model has no Conv2D layer, so there are no filters to show.');
        return;
      }
      note.textContent = 'Weights of each filter, per input channel: red positive, blue negative, white zero.';
      replaceChildren(list, ...convs.map((layer, i) => {
        const body = el('div', { class: 'lab-filter-grid', 'data-filters': layer.name });
        const details = el('details', { open: i === 0 }, el('summary', {}, `${layer.name}`), body);
        if (i === 0) render(model, layer.name, body);
        else details.addEventListener('toggle', () => { if (details.open && body.childElementCount === 0) render(model, layer.name, body); });
        return details;
      }));
    },
    clear(text) {
      note.textContent = text;
      list.replaceChildren();
    },
  };
}
