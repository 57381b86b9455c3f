/**
 * The typed wasm boundary: the shipped kernel modules export exactly the generated declarations
 * (no benchmark-only exports), a module whose exports disagree with them is refused at load, the
 * named-argument calls map to the right positions, and the shared codes are the kernels' own.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { packageRoot } from '../src/cli/package-root.js';
import { WasmContext } from '../src/backend/wasm/context.js';
import * as codes from '../src/backend/wasm/generated/codes.js';
import { KERNEL_PARAMS, type KernelExports } from '../src/backend/wasm/generated/kernel-exports.js';
import { WasmHeap } from '../src/backend/wasm/heap.js';
import { checkExports, createMemory } from '../src/backend/wasm/loader.js';
import { instantiateKernelModule } from '../src/backend/wasm/wasm-objects.js';

const moduleFile = (name: string) => `${packageRoot()}/wasm/build/${name}.wasm`;

describe('wasm boundary', () => {
  for (const variant of ['fovea-simd', 'fovea-relaxed']) {
    it(`${variant}.wasm exports exactly the declared kernels`, (t) => {
      const bytes = readFileSync(moduleFile(variant));
      if (!WebAssembly.validate(bytes)) {
        t.skip(`this engine does not validate ${variant}.wasm (relaxed SIMD needs a newer one)`);
        return;
      }
      const exported = WebAssembly.Module.exports(new WebAssembly.Module(bytes))
        .filter((e) => e.kind === 'function').map((e) => e.name).sort();
      assert.deepEqual(exported, Object.keys(KERNEL_PARAMS).sort());
    });
  }

  it('the benchmark module has the extras, the shipped one does not', () => {
    const bench = new WebAssembly.Module(readFileSync(moduleFile('fovea-bench')));
    const names = WebAssembly.Module.exports(bench).map((e) => e.name);
    for (const extra of ['nop', 'sgemm', 'winoForward']) {
      assert.ok(names.includes(extra), extra);
      assert.ok(!(extra in KERNEL_PARAMS), `${extra} must not be declared for the library`);
    }
  });

  it('refuses a module whose export arity differs from the declarations', () => {
    const memory = createMemory();
    const real = instantiateKernelModule(new WebAssembly.Module(readFileSync(moduleFile('fovea-simd'))), memory);
    assert.doesNotThrow(() => checkExports(real));
    const stale = { ...real, pool2d: (a: number, b: number) => a + b };
    assert.throws(() => checkExports(stale), /export 'pool2d' takes 2 arguments, the declarations say 16/);
    const { sgemmU: _dropped, ...missing } = real;
    assert.throws(() => checkExports(missing), /export 'sgemmU' is missing/);
  });

  it('named arguments reach the kernel in its parameter order, chunk arguments move per chunk', () => {
    const seen: number[][] = [];
    const fake = Object.fromEntries(Object.entries(KERNEL_PARAMS).map(([name]) => [name, (...a: number[]) => {
      if (name === 'padNHWC') seen.push(a);
      return 0;
    }])) as unknown as KernelExports;
    const ctx = new WasmContext(fake, new WasmHeap(createMemory()), null, 1);
    ctx.parallel('padNHWC', { x: 1000, N: 0, H: 5, W: 6, C: 7, pt: 1, pb: 2, pl: 3, pr: 4, y: 2000 }, {
      total: 3, grain: 1, chunk: { N: [0, 1] }, work: 0,
    });
    // One thread runs the whole range in one call: N = 0 + 1 * 3.
    assert.deepEqual(seen, [[1000, 3, 5, 6, 7, 1, 2, 3, 4, 2000]]);
    assert.throws(() => ctx.call('sumPartsF64', { parts: 1, nparts: 2, cols: 3 } as never), /called without argument 'out'/);
  });

  it('the generated codes are the AssemblyScript table', () => {
    const source = readFileSync(`${packageRoot()}/wasm/assembly/codes.ts`, 'utf8');
    const table = Object.fromEntries([...source.matchAll(/export const (\w+) = (-?\d+);/g)].map((m) => [m[1], Number(m[2])]));
    assert.deepEqual({ ...codes }, table);
    assert.ok(Object.keys(table).length >= 30);
  });
});
