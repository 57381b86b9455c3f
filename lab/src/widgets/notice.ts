/**
 * A line of text that tells the learner what is going on in a panel: an explanation ('info'), a
 * state to act on such as "no model yet" ('warn') or a failure ('error', announced by screen
 * readers at once). Empty text hides it.
 */
import { el } from './el.js';

export type NoticeKind = 'info' | 'warn' | 'error';

export interface Notice {
  element: HTMLElement;
  show(text: string, kind?: NoticeKind): void;
  clear(): void;
}

export function notice(extraClass = ''): Notice {
  const element = el('p', { class: `lab-notice ${extraClass}`.trim(), hidden: true });
  return {
    element,
    show(text, kind = 'info') {
      element.textContent = text;
      element.dataset['kind'] = kind;
      element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
      element.hidden = text === '';
    },
    clear() {
      element.textContent = '';
      element.hidden = true;
    },
  };
}
