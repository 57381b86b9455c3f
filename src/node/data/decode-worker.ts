/** A decoding worker of DecodePool: decodes each job's files and posts the pixels back (transferred). */
import { parentPort } from 'node:worker_threads';
import { decodeImageFiles } from './decode-image.js';
import type { DecodeJob, DecodeReply } from './decode-pool.js';
import { ImageFileError } from './image-file.js';

parentPort!.on('message', (job: DecodeJob) => {
  let reply: DecodeReply;
  try {
    const pixels = decodeImageFiles(job.paths, job.names, job.options);
    parentPort!.postMessage({ id: job.id, pixels } satisfies DecodeReply, [pixels.buffer as ArrayBuffer]);
    return;
  } catch (e) {
    const error = e instanceof ImageFileError ? { message: e.message, file: e.file, reason: e.reason } : { message: (e as Error).message };
    reply = { id: job.id, error };
  }
  parentPort!.postMessage(reply);
});
