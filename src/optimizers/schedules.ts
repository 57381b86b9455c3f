/**
 * Learning-rate schedules (Keras 3 definitions), accepted wherever an optimizer takes a
 * `learningRate`. `at(step)` is the rate for the step numbered `step` (0 for the first update).
 *   ExponentialDecay:       lr0 * rate^(step / decaySteps)   (floor of the exponent with staircase)
 *   PiecewiseConstantDecay: values[i] for boundaries[i-1] < step <= boundaries[i]
 *   CosineDecay:            lr0 * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, T) / T)) + alpha),
 *                           after an optional linear warmup from lr0 to warmupTarget
 * Example: `new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5 }) })`.
 */
export abstract class LearningRateSchedule {
  abstract readonly className: string;
  abstract at(step: number): number;
  abstract getConfig(): Record<string, unknown>;
}

function positive(owner: string, name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`${owner}: ${name} must be a positive number, got ${v}`);
  return v;
}

export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(o: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }) {
    super();
    this.initialLearningRate = positive(this.className, 'initialLearningRate', o.initialLearningRate);
    this.decaySteps = positive(this.className, 'decaySteps', o.decaySteps);
    this.decayRate = positive(this.className, 'decayRate', o.decayRate);
    this.staircase = o.staircase ?? false;
  }

  at(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate * this.decayRate ** (this.staircase ? Math.floor(p) : p);
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase };
  }
}

export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: number[];
  readonly values: number[];

  constructor(o: { boundaries: number[]; values: number[] }) {
    super();
    if (o.values.length !== o.boundaries.length + 1) {
      throw new Error(`PiecewiseConstantDecay: values must have one more element than boundaries, got ${o.values.length} values and ${o.boundaries.length} boundaries`);
    }
    if (o.boundaries.some((b, i) => i > 0 && b <= o.boundaries[i - 1])) throw new Error(`PiecewiseConstantDecay: boundaries must increase, got ${JSON.stringify(o.boundaries)}`);
    this.boundaries = [...o.boundaries];
    this.values = [...o.values];
  }

  at(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i === -1 ? this.values.length - 1 : i];
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: this.boundaries, values: this.values };
  }
}

export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(o: { initialLearningRate: number; decaySteps: number; alpha?: number; warmupTarget?: number | null; warmupSteps?: number }) {
    super();
    this.initialLearningRate = o.initialLearningRate;
    if (!(Number.isFinite(o.initialLearningRate) && o.initialLearningRate >= 0)) throw new Error(`CosineDecay: initialLearningRate must be >= 0, got ${o.initialLearningRate}`);
    this.decaySteps = positive(this.className, 'decaySteps', o.decaySteps);
    this.alpha = o.alpha ?? 0;
    this.warmupTarget = o.warmupTarget ?? null;
    this.warmupSteps = o.warmupSteps ?? 0;
  }

  private decay(step: number, from: number): number {
    const s = Math.min(step, this.decaySteps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * s) / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  at(step: number): number {
    if (this.warmupTarget === null) return this.decay(step, this.initialLearningRate);
    if (step < this.warmupSteps) return this.initialLearningRate + ((this.warmupTarget - this.initialLearningRate) * step) / this.warmupSteps;
    return this.decay(step - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, alpha: this.alpha, warmupTarget: this.warmupTarget, warmupSteps: this.warmupSteps };
  }
}
