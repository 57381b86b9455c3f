import { LearningRateSchedule } from './schedules.js';
/** Option checks shared by the optimizers, so a typo'd hyperparameter fails at construction. */

/** Throws unless `value` is a finite number in [min, max] (or (min, max] when `openMin`). */
export function checkNumber(owner: string, option: string, value: number, min: number, max = Infinity, openMin = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (openMin ? value > min : value >= min) && value <= max;
  if (!ok) {
    const range = `${openMin ? '(' : '['}${min}, ${max === Infinity ? 'inf)' : `${max}]`}`;
    throw new Error(`${owner}: ${option} must be a number in ${range}, got ${String(value)}`);
  }
  return value;
}

/** The weight decay option: undefined/null means off. */
export function checkWeightDecay(owner: string, value: number | null | undefined): number | null {
  return value === undefined || value === null ? null : checkNumber(owner, 'weightDecay', value, 0);
}

/** A learning rate: a number >= 0 or a schedule (passed through). */
export function checkLearningRate(owner: string, value: number | LearningRateSchedule): number | LearningRateSchedule {
  return value instanceof LearningRateSchedule ? value : checkNumber(owner, 'learningRate', value, 0);
}
