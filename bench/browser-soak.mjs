#!/usr/bin/env node
/**
 * The memory soak's PyTorch-style `for await` loop in headless Chromium (wasm backend, 2 Web
 * Workers): live tensors and backend bytes at its start, quarters and end.
 *
 *   node bench/browser-soak.mjs [--steps 10000] [--no-nudge] [--json]
 *
 * --no-nudge turns off the external-memory nudge (tensor/reclamation.ts), to see what it adds.
 *
 * Needs Chromium (scripts/install-browser.sh), playwright-core and `npm run build`; exits 2 when
 * one is missing.
 */
import { parseArgs } from 'node:util';
import { missingPrerequisite, withPage } from '../scripts/browser-server.mjs';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '10000' }, json: { type: 'boolean', default: false }, 'no-nudge': { type: 'boolean', default: false } } });
const missing = await missingPrerequisite();
if (missing !== null) {
  console.error(`browser-soak: ${missing}`);
  process.exit(2);
}
const steps = Number(values.steps);
const result = await withPage('bench/browser-soak.html', (page) => page.evaluate((o) => window.foveaSoak(o), { steps, nudge: !values['no-nudge'] }));
if (values.json) {
  console.log(JSON.stringify({ style: 'nn', where: 'chromium', nudge: !values['no-nudge'], steps, ...result }));
} else {
  console.log(`nn (for await) in Chromium${values['no-nudge'] ? ', no nudge' : ''}: ${steps} steps in ${result.seconds.toFixed(1)} s on ${result.backend}, ${result.threads} threads`);
  for (const m of result.samples) console.log(`  step ${String(m.step).padStart(6)}: ${String(m.tensors).padStart(5)} tensors, backend ${m.backendMB.toFixed(1).padStart(7)} MB`);
}
