#!/usr/bin/env node
/**
 * Opt-in check that Fovea's browser build runs in a real headless Chromium: the wasm backend on
 * Web Workers (2 threads) over shared memory, conv2d and its gradients against the ref backend,
 * a few training steps of the seed CNN and inference throughput. Not part of `npm test`.
 * Needs /usr/bin/chromium (scripts/install-browser.sh), `npm install --no-save playwright-core`
 * and a build (`npm run build`). Exits 0 when every check passes, 1 on a failure, 2 when a
 * prerequisite is missing.
 */
import { missingPrerequisite, withPage } from './browser-server.mjs';

function fail(code, message) {
  console.error(`browser-check: ${message}`);
  process.exit(code);
}

async function main() {
  const missing = await missingPrerequisite();
  if (missing !== null) fail(2, missing);
  await withPage('scripts/browser-check.html', async (page, browser) => {
    const r = await page.evaluate(() => window.foveaCheck());
    report(await browser.version(), r);
  });
}

/** Prints the results and sets the exit code from the checks. */
function report(version, r) {
  console.log(`Chromium ${version}; crossOriginIsolated ${r.crossOriginIsolated}; WebAssembly SIMD ${r.features.simd}, shared memory ${r.features.threads}`);
  const checks = [
    ['crossOriginIsolated', r.crossOriginIsolated === true],
    ['WebAssembly SIMD and shared memory', r.features.simd && r.features.threads],
  ];
  if (r.backend !== undefined) {
    console.log(`backend ${r.backend}, ${r.threads} threads (Web Workers), ${r.variant} kernels; ${r.parallelJobs} kernels split across threads`);
    console.log(`conv2d [8,13,13,32] * [3,3,32,64] vs ref, max rel err: y ${r.conv.y.toExponential(2)}, dX ${r.conv.dx.toExponential(2)}, dW ${r.conv.dw.toExponential(2)}`);
    console.log(`seed CNN, 20 steps of batch 64: loss ${r.lossBefore.toFixed(4)} -> ${r.lossAfter.toFixed(4)} (${Math.round(r.trainSamplesPerSec)} samples/s)`);
    console.log(`inference, 1,024 images at batch 256: ${Math.round(r.inferSamplesPerSec)} samples/s (best of 3)`);
    checks.push(
      ["backend is 'wasm' with 2 threads", r.backend === 'wasm' && r.threads === 2],
      ['kernels split across threads', r.parallelJobs > 0],
      ['conv2d y, dX, dW within 1e-4 of ref', Math.max(r.conv.y, r.conv.dx, r.conv.dw) <= 1e-4],
      ['training loss decreased', r.lossAfter < r.lossBefore],
    );
  }
  for (const [name, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  const failed = checks.filter(([, ok]) => !ok).length;
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((e) => fail(1, e instanceof Error ? e.message : String(e)));
