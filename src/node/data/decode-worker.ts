/**
 * A decoding worker of DecodePool: decodes each job's files straight into the job's shared slot
 * (no buffer allocated or transferred per batch) and replies when done.
 */
import { parentPort } from 'node:worker_threads';
import { decodeImagesInto } from './decode-image.js';
import type { DecodeJob, DecodeReply } from './decode-pool.js';
import { ImageFileError } from './image-file.js';

parentPort!.on('message', (job: DecodeJob) => {
  let reply: DecodeReply;
  try {
    decodeImagesInto(job.paths, job.names, job.options, new Float32Array(job.slot));
    reply = { id: job.id };
  } catch (e) {
    const error = e instanceof ImageFileError ? { message: e.message, file: e.file, reason: e.reason } : { message: (e as Error).message };
    reply = { id: job.id, error };
  }
  parentPort!.postMessage(reply);
});
