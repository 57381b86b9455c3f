/**
 * Fovea Lab's shell: the tabs (one route per view, in the URL's hash), the status line, the error
 * area and the LabContext every view is given. Views are mounted on first visit, so the page is
 * ready as soon as the backend runs and the Build view has built the model.
 */
import { startBackend } from './backend.js';
import { StackStore } from './build/stack-store.js';
import { el } from './dom.js';
import type { LabContext, MountView } from './lab-context.js';
import { LabState } from './lab-state.js';
import { loadMnist, mnistBase } from './mnist.js';
import { mount as mountBuild } from './views/build.js';
import { mount as mountExplain } from './views/explain.js';
import { mount as mountInside } from './views/inside.js';
import { mount as mountKernels } from './views/kernels.js';
import { mount as mountSave } from './views/save.js';
import { mount as mountTrain } from './views/train.js';

interface Route {
  id: string;
  label: string;
  mount: MountView;
}

function routes(store: StackStore): readonly Route[] {
  return [
    { id: 'build', label: 'Build', mount: (root, lab) => mountBuild(root, lab, store) },
    { id: 'train', label: 'Train', mount: mountTrain },
    { id: 'inside', label: 'See inside', mount: mountInside },
    { id: 'explain', label: 'Explain', mount: mountExplain },
    { id: 'kernels', label: 'Kernels', mount: mountKernels },
    { id: 'save', label: 'Save', mount: mountSave },
  ];
}

/** What the page exposes for its tests and for the curious learner's console. */
declare global {
  interface Window {
    foveaLab?: LabContext;
    foveaReady?: boolean;
  }
}

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`Fovea Lab: index.html has no element #${id}`);
  return node;
}

function renderError(message: string): void {
  const list = byId('errors');
  const close = el('button', { class: 'dismiss', title: 'Dismiss', 'aria-label': 'Dismiss' }, '×');
  const item = el('li', { role: 'alert' }, el('span', {}, message), close);
  close.addEventListener('click', () => item.remove());
  list.append(item);
}

function renderStatus(backend: string, progress: string | null): void {
  byId('status-backend').textContent = `Backend: ${backend}`;
  byId('status-progress').textContent = progress ?? '';
}

/** Shows the view named in the hash (Build by default), mounting it on first visit. */
function router(lab: LabContext, views: readonly Route[]): () => void {
  const mounted = new Set<string>();
  return () => {
    const id = views.some((r) => `#${r.id}` === location.hash) ? location.hash.slice(1) : 'build';
    for (const route of views) {
      const section = byId(`view-${route.id}`);
      const active = route.id === id;
      section.hidden = !active;
      byId(`tab-${route.id}`).setAttribute('aria-selected', String(active));
      if (active && !mounted.has(route.id)) {
        mounted.add(route.id);
        try {
          route.mount(section, lab);
        } catch (e) {
          lab.showError(`the ${route.label} view failed to load: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
  };
}

function renderTabs(views: readonly Route[]): void {
  const nav = byId('tabs');
  const main = byId('views');
  for (const route of views) {
    nav.append(el('a', { id: `tab-${route.id}`, href: `#${route.id}`, role: 'tab', 'aria-selected': 'false' }, route.label));
    main.append(el('section', { id: `view-${route.id}`, class: 'view', role: 'tabpanel', hidden: true }));
  }
}

/** localStorage, or null where the browser refuses it (e.g. storage disabled): the Lab still works. */
function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

async function start(): Promise<void> {
  const lab = new LabState({ renderStatus, renderError }, () => loadMnist(mnistBase()));
  window.foveaLab = lab;
  renderStatus(lab.backendStatus(), null);
  lab.setBackendStatus(await startBackend(new URL('kernels/', document.baseURI)));
  // The stack is built after the backend starts, so its weights live on the backend in use.
  const views = routes(new StackStore(lab, storage()));
  renderTabs(views);
  const show = router(lab, views);
  window.addEventListener('hashchange', show);
  show();
  // performance.now() counts from the navigation: this is the time a learner waits for the Lab.
  document.body.dataset['readyMs'] = String(Math.round(performance.now()));
  window.foveaReady = true;
}

start().catch((e: unknown) => renderError(`Fovea Lab did not start: ${e instanceof Error ? e.message : String(e)}`));
