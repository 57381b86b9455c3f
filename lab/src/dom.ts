/** A small element builder: the Lab's views are a few forms and tables, not worth a framework. */
type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/**
 * `el('button', { class: 'primary', onclick: f }, 'Train')`. Attributes starting with "on" are
 * listeners; `true` sets a boolean attribute, `false`/undefined leaves it out; text is never parsed
 * as HTML.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** 93322 -> "93,322", as Keras prints parameter counts. */
export function withThousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
