/**
 * An append-only TensorBoard event file: `events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2` in
 * its folder, starting with the file-version event ('brain.Event:2'), then one TFRecord-framed
 * Event per scalar or histogram. Each record goes out in one write, so a reader (TensorBoard
 * polls the file while training runs) sees whole records, and at worst a torn last one.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { encodeEvent, type Histogram, type TfEvent } from '../../callbacks/event-proto.js';
import { encodeTfRecord } from '../../callbacks/tfrecord.js';

let fileCounter = 0;

export class EventFileWriter {
  readonly path: string;
  private handle: FileHandle | null = null;
  private pending: Promise<void> = Promise.resolve();

  constructor(readonly dir: string) {
    const seconds = Math.floor(Date.now() / 1000);
    this.path = join(dir, `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${fileCounter++}.v2`);
  }

  private async file(): Promise<FileHandle> {
    if (this.handle !== null) return this.handle;
    await mkdir(this.dir, { recursive: true });
    const handle = await open(this.path, 'a');
    this.handle = handle;
    await handle.write(encodeTfRecord(encodeEvent({ wallTime: Date.now() / 1000, step: 0, fileVersion: 'brain.Event:2' })));
    return handle;
  }

  /** Queues one event; writes happen in call order. */
  private add(event: TfEvent): Promise<void> {
    const bytes = encodeTfRecord(encodeEvent(event));
    this.pending = this.pending.then(async () => {
      await (await this.file()).write(bytes);
    });
    return this.pending;
  }

  scalars(values: Readonly<Record<string, number>>, step: number): Promise<void> {
    const value = Object.entries(values).map(([tag, simpleValue]) => ({ tag, simpleValue }));
    if (value.length === 0) return this.pending;
    return this.add({ wallTime: Date.now() / 1000, step, summary: { value } });
  }

  histograms(values: ReadonlyMap<string, Histogram>, step: number): Promise<void> {
    const value = [...values].map(([tag, histo]) => ({ tag, histo }));
    if (value.length === 0) return this.pending;
    return this.add({ wallTime: Date.now() / 1000, step, summary: { value } });
  }

  async close(): Promise<void> {
    await this.pending;
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}
