/**
 * Step controls shared by the convolution and pooling walkthroughs: first, back, forward, last,
 * and "Step k of N". Arrow keys step too while the controls have focus.
 */
import { el } from '../../widgets/el.js';

export interface Stepper {
  element: HTMLElement;
  /** Sets the number of steps (resets to the first when the count changes). */
  setCount(count: number): void;
  current(): number;
}

export function stepper(onStep: (index: number) => void): Stepper {
  let count = 1;
  let index = 0;
  const label = el('span', { class: 'lab-step-label', 'aria-live': 'polite' });
  const button = (text: string, title: string, to: () => number) => {
    const b = el('button', { type: 'button', title, 'data-step': title.toLowerCase() }, text);
    b.addEventListener('click', () => go(to()));
    return b;
  };
  const buttons = [
    button('« First', 'First', () => 0),
    button('◀ Back', 'Back', () => index - 1),
    button('Next ▶', 'Next', () => index + 1),
    button('Last »', 'Last', () => count - 1),
  ];
  const element = el('div', { class: 'lab-stepper', role: 'group', 'aria-label': 'step through the windows' }, ...buttons, label);
  element.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight') go(index + 1);
    else if (e.key === 'ArrowLeft') go(index - 1);
    else return;
    e.preventDefault();
  });

  function go(to: number): void {
    index = Math.max(0, Math.min(count - 1, to));
    label.textContent = `Step ${index + 1} of ${count}`;
    buttons[0].disabled = buttons[1].disabled = index === 0;
    buttons[2].disabled = buttons[3].disabled = index === count - 1;
    onStep(index);
  }

  return {
    element,
    setCount(n) {
      if (n !== count) index = 0;
      count = Math.max(1, n);
      go(index);
    },
    current: () => index,
  };
}
