/**
 * Puts an SVG chart made by fovea's viz (text from Vega's SVG renderer) into the page. The text is
 * parsed as SVG, not as HTML, and only the <svg> element is adopted, so nothing in it runs.
 */
export function svgElement(svgText: string, label: string): SVGSVGElement {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg' || doc.querySelector('parsererror') !== null) {
    throw new Error(`svgElement: the chart "${label}" is not valid SVG (root <${root.nodeName}>)`);
  }
  const svg = document.importNode(root, true) as unknown as SVGSVGElement;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  return svg;
}
