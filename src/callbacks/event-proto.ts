/**
 * The part of TensorFlow's `event.proto` / `summary.proto` that TensorBoard event files need, as a
 * protobufjs descriptor (field numbers as in TensorFlow): Event { wall_time, step, file_version |
 * summary }, Summary { repeated Value { tag, simple_value | histo } } and HistogramProto.
 */
import protobuf from 'protobufjs/light.js';

const f = (type: string, id: number, options?: Record<string, unknown>) => ({ type, id, ...options });
const packed = { rule: 'repeated', options: { packed: true } };

const DESCRIPTOR = {
  nested: {
    tensorboard: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['fileVersion', 'summary'] } },
          fields: { wallTime: f('double', 1), step: f('int64', 2), fileVersion: f('string', 3), summary: f('Summary', 5) },
        },
        Summary: {
          fields: { value: f('Value', 1, { rule: 'repeated' }) },
          nested: {
            Value: {
              oneofs: { value: { oneof: ['simpleValue', 'histo'] } },
              fields: { tag: f('string', 1), simpleValue: f('float', 2), histo: f('HistogramProto', 5) },
            },
          },
        },
        HistogramProto: {
          fields: {
            min: f('double', 1), max: f('double', 2), num: f('double', 3), sum: f('double', 4), sumSquares: f('double', 5),
            bucketLimit: f('double', 6, packed), bucket: f('double', 7, packed),
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(DESCRIPTOR);
export const EventType = root.lookupType('tensorboard.Event');

export interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

export type SummaryValue = { tag: string; simpleValue: number } | { tag: string; histo: Histogram };

export interface TfEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  summary?: { value: SummaryValue[] };
}

export function encodeEvent(event: TfEvent): Uint8Array {
  const message = EventType.fromObject(event);
  return EventType.encode(message).finish();
}

export function decodeEvent(bytes: Uint8Array): TfEvent {
  const event = EventType.toObject(EventType.decode(bytes), { longs: Number, defaults: false, oneofs: false }) as Partial<TfEvent>;
  // proto3 leaves zeros out of the wire format: step 0 decodes as absent.
  return { ...event, wallTime: event.wallTime ?? 0, step: event.step ?? 0 };
}

/**
 * A histogram of `values` with `bins` equal-width buckets between min and max (each bucket's
 * right edge in bucketLimit, as TensorBoard reads HistogramProto).
 */
export function histogramOf(values: ArrayLike<number>, bins = 30): Histogram {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    sumSquares += v * v;
  }
  if (values.length === 0) return { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  const k = max > min ? bins : 1;
  const width = (max - min) / k;
  const bucket = new Array<number>(k).fill(0);
  for (let i = 0; i < values.length; i++) bucket[Math.min(k - 1, width > 0 ? Math.floor((values[i] - min) / width) : 0)]++;
  const bucketLimit = bucket.map((_, j) => (j === k - 1 ? max : min + (j + 1) * width));
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}
