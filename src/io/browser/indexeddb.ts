/**
 * `indexeddb://<name>`: models stored in the browser's IndexedDB (database 'fovea_models', one
 * record per model). The IndexedDB factory is looked up when a save or load runs, never at import,
 * so this module loads anywhere; tests pass a small fake factory.
 */
import { toBytes } from '../bytes.js';
import { saveResult } from '../memory-handlers.js';
import type { IOHandler, ModelArtifacts } from '../types.js';

export const INDEXEDDB_SCHEME = 'indexeddb://';
const DATABASE = 'fovea_models';
const STORE = 'models';

/** The parts of the IndexedDB API this handler uses (structural, so no DOM types are needed). */
export interface IdbRequestLike<T> {
  result: T;
  error: unknown;
  onsuccess: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export interface IdbOpenRequestLike extends IdbRequestLike<IdbDatabaseLike> {
  onupgradeneeded: ((event: unknown) => void) | null;
}
export interface IdbDatabaseLike {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options: { keyPath: string }): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): IdbTransactionLike;
  close(): void;
}
export interface IdbTransactionLike {
  objectStore(name: string): IdbObjectStoreLike;
  oncomplete: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onabort: ((event: unknown) => void) | null;
  error: unknown;
}
export interface IdbObjectStoreLike {
  put(value: unknown): IdbRequestLike<unknown>;
  get(key: string): IdbRequestLike<unknown>;
}
export interface IdbFactoryLike {
  open(name: string, version?: number): IdbOpenRequestLike;
}

interface StoredModel {
  name: string;
  artifacts: ModelArtifacts;
  savedAt: string;
}

function defaultFactory(): IdbFactoryLike {
  const factory = (globalThis as { indexedDB?: IdbFactoryLike }).indexedDB;
  if (factory === undefined) throw new Error(`${INDEXEDDB_SCHEME}: IndexedDB is not available here (it exists in browsers); pass a factory to indexedDbHandler`);
  return factory;
}

function openDatabase(factory: IdbFactoryLike): Promise<IdbDatabaseLike> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'name' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`${INDEXEDDB_SCHEME}: cannot open database '${DATABASE}': ${String(request.error)}`));
  });
}

/** Runs one request in a transaction and resolves with its result once the transaction completes. */
async function run<T>(factory: IdbFactoryLike, mode: 'readonly' | 'readwrite', act: (store: IdbObjectStoreLike) => IdbRequestLike<T>): Promise<T> {
  const db = await openDatabase(factory);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = act(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = tx.onabort = () => reject(new Error(`${INDEXEDDB_SCHEME}: transaction failed: ${String(tx.error ?? request.error)}`));
    });
  } finally {
    db.close();
  }
}

/** A handler for the model `name` in IndexedDB. */
export function indexedDbHandler(name: string, factory?: IdbFactoryLike): IOHandler {
  if (name.length === 0) throw new Error(`${INDEXEDDB_SCHEME}: the model name must not be empty`);
  const where = `${INDEXEDDB_SCHEME}${name}`;
  return {
    description: where,
    save: async (artifacts) => {
      const bytes = toBytes(artifacts.weightData, where);
      // A copy in its own ArrayBuffer: the record must not keep a view into a larger buffer.
      const record: StoredModel = { name, artifacts: { ...artifacts, weightData: bytes.slice().buffer }, savedAt: new Date().toISOString() };
      await run(factory ?? defaultFactory(), 'readwrite', (store) => store.put(record));
      return saveResult([where], artifacts, JSON.stringify(artifacts.modelTopology).length);
    },
    load: async () => {
      const record = await run(factory ?? defaultFactory(), 'readonly', (store) => store.get(name));
      const artifacts = (record as Partial<StoredModel> | undefined)?.artifacts;
      if (artifacts === undefined) throw new Error(`${where}: no model saved under this name`);
      return artifacts;
    },
  };
}

export function indexedDbRouter(target: string): IOHandler | null {
  return target.startsWith(INDEXEDDB_SCHEME) ? indexedDbHandler(target.slice(INDEXEDDB_SCHEME.length)) : null;
}
