/**
 * `downloads://<name>`: saves model.json and its weight shard as files the user downloads
 * (`<name>.json`, `<name>.group1-shard1of1.bin`), and `browserFiles` loads them back from the
 * File objects of an `<input type="file" multiple>`. Files go to a sink: by default a Blob and a
 * temporary link clicked in the page, looked up only when a save runs; tests pass their own.
 */
import { artifactsToFiles, filesToArtifacts } from '../layers-format.js';
import { saveResult } from '../memory-handlers.js';
import { ModelFormatError } from '../model-format-error.js';
import type { IOHandler } from '../types.js';

export const DOWNLOADS_SCHEME = 'downloads://';

export interface DownloadFile {
  name: string;
  bytes: Uint8Array;
  mimeType: string;
}

export type DownloadSink = (file: DownloadFile) => void | Promise<void>;

interface BrowserGlobals {
  document?: { createElement(tag: 'a'): { href: string; download: string; click(): void } };
  Blob?: new (parts: Uint8Array[], options: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
}

/** Downloads through a Blob URL and a clicked link (browsers only). */
export function browserDownloadSink(file: DownloadFile): void {
  const g = globalThis as BrowserGlobals;
  if (g.document === undefined || g.Blob === undefined || g.URL === undefined) {
    throw new Error(`${DOWNLOADS_SCHEME}: needs a browser page (document, Blob, URL); pass a sink to downloadsHandler elsewhere`);
  }
  const url = g.URL.createObjectURL(new g.Blob([file.bytes], { type: file.mimeType }));
  const link = g.document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.click();
  // Revoked later: revoking synchronously can cancel the download in some browsers.
  setTimeout(() => g.URL?.revokeObjectURL(url), 1000);
}

/** A save-only handler producing `<name>.json` and its shard(s). */
export function downloadsHandler(name = 'model', sink: DownloadSink = browserDownloadSink): IOHandler {
  if (name.length === 0 || /[\\/]/.test(name)) throw new Error(`${DOWNLOADS_SCHEME}: name must be a plain file name, got ${JSON.stringify(name)}`);
  return {
    description: `${DOWNLOADS_SCHEME}${name}`,
    save: async (artifacts) => {
      // One shard per group: a download of many small files would be a burden to the user.
      const files = artifactsToFiles(artifacts, { shardSizeBytes: Number.MAX_SAFE_INTEGER, shardPrefix: `${name}.` });
      await sink({ name: `${name}.json`, bytes: files.modelJson, mimeType: 'application/json' });
      for (const [shard, bytes] of files.shards) await sink({ name: shard, bytes, mimeType: 'application/octet-stream' });
      return saveResult([`${name}.json`, ...files.shards.keys()], artifacts, files.modelJson.byteLength);
    },
  };
}

export function downloadsRouter(target: string): IOHandler | null {
  return target.startsWith(DOWNLOADS_SCHEME) ? downloadsHandler(target.slice(DOWNLOADS_SCHEME.length) || 'model') : null;
}

/** What `browserFiles` needs of a File (structural, so tests can pass plain objects). */
export interface FileLike {
  readonly name: string;
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Loads from user-chosen files: exactly one `.json` (model.json) plus the weight files it names. */
export function browserFiles(files: readonly FileLike[]): IOHandler {
  return {
    description: 'uploaded files',
    load: async () => {
      const json = files.filter((f) => f.name.endsWith('.json'));
      if (json.length !== 1) throw new ModelFormatError('upload', `expected exactly one .json file among the uploaded files, got ${json.length} (${files.map((f) => f.name).join(', ')})`);
      const byName = new Map(files.map((f) => [f.name, f]));
      const modelJson = new Uint8Array(await json[0].arrayBuffer());
      return filesToArtifacts(modelJson, async (path, maxBytes) => {
        // Uploads are flat: a manifest path 'dir/x.bin' matches the uploaded 'x.bin'.
        const file = byName.get(path.slice(path.lastIndexOf('/') + 1));
        if (file === undefined) throw new ModelFormatError(path, `weight file was not among the uploaded files (${files.map((f) => f.name).join(', ')})`);
        if (file.size > maxBytes) throw new ModelFormatError(path, `has ${file.size} bytes, more than the ${maxBytes} bytes the manifest leaves for it`);
        return new Uint8Array(await file.arrayBuffer());
      }, json[0].name);
    },
  };
}
