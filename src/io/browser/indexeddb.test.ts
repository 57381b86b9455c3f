import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bits, randomInput, smallCnn } from '../io-test-util.js';
import { loadModel, saveModel } from '../model-io.js';
import { type IdbFactoryLike, type IdbRequestLike, indexedDbHandler } from './indexeddb.js';
import { Sequential } from '../../models/sequential.js';

/** An in-memory IndexedDB with the asynchronous callback protocol of the real one. */
function fakeIndexedDb(): IdbFactoryLike & { stores: Map<string, Map<string, unknown>> } {
  const stores = new Map<string, Map<string, unknown>>();
  const later = (fn: () => void) => setTimeout(fn, 0);
  const request = <T>(result: () => T): IdbRequestLike<T> => {
    const r: IdbRequestLike<T> = { result: undefined as T, error: null, onsuccess: null, onerror: null };
    later(() => {
      r.result = result();
      r.onsuccess?.({});
    });
    return r;
  };
  const db = {
    objectStoreNames: { contains: (n: string) => stores.has(n) },
    createObjectStore: (n: string) => stores.set(n, new Map()),
    close: () => {},
    transaction(store: string) {
      const tx = {
        oncomplete: null as ((e: unknown) => void) | null, onerror: null, onabort: null, error: null,
        objectStore: () => ({
          put: (value: { name: string }) => request(() => void stores.get(store)?.set(value.name, structuredClone(value))),
          get: (key: string) => request(() => structuredClone(stores.get(store)?.get(key))),
        }),
      };
      later(() => later(() => tx.oncomplete?.({})));
      return tx;
    },
  };
  return {
    stores,
    open() {
      const r = { result: db, error: null, onsuccess: null, onerror: null, onupgradeneeded: null } as unknown as ReturnType<IdbFactoryLike['open']>;
      later(() => {
        if (!stores.has('models')) r.onupgradeneeded?.({});
        r.onsuccess?.({});
      });
      return r;
    },
  };
}

test('indexeddb handler round-trips a model through a (fake) IndexedDB', async () => {
  const idb = fakeIndexedDb();
  const model = smallCnn(6);
  const result = await saveModel(model, indexedDbHandler('mnist-v1', idb));
  assert.deepEqual(result.locations, ['indexeddb://mnist-v1']);
  assert.equal(idb.stores.get('models')?.size, 1);
  const loaded = await loadModel(indexedDbHandler('mnist-v1', idb));
  assert.ok(loaded instanceof Sequential);
  const x = randomInput(2, [8, 8, 2], 3);
  assert.deepEqual(bits(loaded.predict(x).dataSync()), bits(model.predict(x).dataSync()));
  await assert.rejects(loadModel(indexedDbHandler('other', idb)), /indexeddb:\/\/other: no model saved under this name/);
});

test('the indexeddb:// route needs IndexedDB only when used, and says so', async () => {
  await assert.rejects(loadModel('indexeddb://m'), /IndexedDB is not available here/);
});
