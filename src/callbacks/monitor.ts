/**
 * The "is this value better?" rule the monitoring callbacks share (EarlyStopping, ModelCheckpoint,
 * ReduceLROnPlateau): a mode 'min' or 'max' chosen by the user or, with 'auto', from the name of
 * the monitored value.
 */
export type MonitorMode = 'auto' | 'min' | 'max';

export function checkMode(who: string, mode: string): MonitorMode {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new Error(`${who}: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
  return mode;
}

/**
 * ModelCheckpoint's and ReduceLROnPlateau's 'auto' (as Keras): maximise when the name contains
 * 'acc' (or starts with 'fmeasure'), minimise anything else.
 */
export function directionByName(monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return monitor.includes('acc') || monitor.startsWith('fmeasure') ? 'max' : 'min';
}

const UP = /acc|auc|precision|recall|f1|fbeta|iou|r2|cosine_similarity/;
const DOWN = /loss|error|crossentropy|hinge|^mse$|^mae$|^mape$|^msle$|kl|poisson|logcosh/;

/**
 * EarlyStopping's 'auto' (as Keras, which asks the metric for its direction): loss and error-like
 * metrics are minimised, accuracy-like ones maximised; anything else needs an explicit mode.
 */
export function directionByMetric(who: string, monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (DOWN.test(name)) return 'min';
  if (UP.test(name)) return 'max';
  throw new Error(`${who}: cannot tell whether '${monitor}' should be minimised or maximised; pass mode: 'min' or mode: 'max'`);
}

/** `a` beats `b` by more than `minDelta` in the given direction. */
export function improves(direction: 'min' | 'max', a: number, b: number, minDelta = 0): boolean {
  return direction === 'min' ? a < b - minDelta : a > b + minDelta;
}

/** The monitored value from the logs, or undefined with Keras's warning naming the available keys. */
export function monitoredValue(who: string, monitor: string, logs: Record<string, number> | undefined): number | undefined {
  const value = logs?.[monitor];
  if (value === undefined) {
    console.warn(`${who}: conditioned on '${monitor}', which is not available; available metrics are: ${Object.keys(logs ?? {}).join(', ')}`);
  }
  return value;
}
