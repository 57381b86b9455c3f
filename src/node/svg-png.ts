/**
 * SVG charts to PNG without a native install: resvg compiled to WebAssembly, with DejaVu Sans
 * (matplotlib's default font) loaded from the `dejavu-fonts-ttf` package, since the WebAssembly
 * renderer sees no system fonts. Both load on the first call. Images inside the SVG (filter and
 * feature-map tiles) are sampled nearest-neighbour so their pixels stay exact at any scale.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const FONT_FAMILY = 'DejaVu Sans';
const FONT_FILES = ['dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'];
const MAX_SCALE = 8;

type ResvgModule = typeof import('@resvg/resvg-wasm');
interface Renderer {
  Resvg: ResvgModule['Resvg'];
  fonts: Uint8Array[];
}

let renderer: Promise<Renderer> | null = null;

/** resvg's WebAssembly module may be initialised once per process: every caller shares one promise. */
function loadRenderer(): Promise<Renderer> {
  renderer ??= (async () => {
    const resvg = (await import('@resvg/resvg-wasm')) as ResvgModule;
    await resvg.initWasm(await readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    const fonts = await Promise.all(FONT_FILES.map(async (f) => new Uint8Array(await readFile(require.resolve(f)))));
    return { Resvg: resvg.Resvg, fonts };
  })();
  return renderer;
}

export interface SvgToPngOptions {
  /** PNG pixels per SVG unit (default 2, for sharp text on high-density screens); at most 8. */
  scale?: number;
}

/** PNG bytes of `svg` on a white background. */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= MAX_SCALE)) throw new Error(`svgToPng: scale must be a number in (0, ${MAX_SCALE}], got ${scale}`);
  const { Resvg, fonts } = await loadRenderer();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    imageRendering: 1, // optimizeSpeed: nearest neighbour, so pixel tiles are not blurred
    font: { fontBuffers: fonts, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
