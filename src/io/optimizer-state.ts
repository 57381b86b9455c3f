/**
 * Optimizer state as extra weights, so training resumes exactly where it stopped: the step count
 * (`iter`, int32, first, as TensorFlow.js writes it) and every slot variable (`<weight>/<slot>`,
 * e.g. `conv2d/kernel/momentum`), grouped by slot name in model weight order. The optimizer
 * itself is recorded in Keras's `training_config` with the loss and metrics.
 */
import { tensor } from '../ops/create.js';
import { Adam, AdamW, type Optimizer, RMSprop, SGD } from '../optimizers/index.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import { Variable } from '../tensor/variable.js';
import { describeValue, isRecord } from './bytes.js';
import { camelKeys, snakeKeys } from './json-case.js';
import { ModelFormatError } from './model-format-error.js';
import type { NamedWeight } from './weights-codec.js';

type SlotMap = ReadonlyMap<Variable, ReadonlyMap<string, Variable>>;

function slotsOf(optimizer: Optimizer): SlotMap {
  return optimizer.slotVariables();
}

/** `iter` then each slot of each weight, ready to encode with group 'optimizer'. */
export function optimizerWeights(optimizer: Optimizer, modelWeights: readonly Variable[]): NamedWeight[] {
  const slots = slotsOf(optimizer);
  const slotNames = [...new Set([...slots.values()].flatMap((m) => [...m.keys()]))];
  const out: NamedWeight[] = [{ name: 'iter', shape: [], dtype: 'int32', values: Int32Array.of(optimizer.iterations), group: 'optimizer' }];
  for (const slot of slotNames) {
    for (const w of modelWeights) {
      const v = slots.get(w)?.get(slot);
      if (v !== undefined) out.push({ name: `${w.name}/${slot}`, shape: [...v.shape], dtype: v.dtype, values: v.dataSync(), group: 'optimizer' });
    }
  }
  return out;
}

const OPTIMIZERS: Record<string, (config: Record<string, unknown>) => Optimizer> = {
  SGD: (c) => new SGD(c),
  RMSprop: (c) => new RMSprop(c),
  RMSProp: (c) => new RMSprop(c), // TensorFlow.js's spelling
  Adam: (c) => new Adam(c),
  AdamW: (c) => new AdamW(c),
};

/**
 * The slots each optimizer keeps. State under any other name (TensorFlow.js's Adam writes 'm' and
 * 'v' for a different update rule) would be ignored while training silently restarts, so it is refused.
 */
const SLOT_NAMES: Record<string, readonly string[]> = {
  SGD: ['momentum'],
  RMSprop: ['velocity', 'average_gradient', 'momentum'],
  Adam: ['momentum', 'velocity', 'velocity_hat'],
  AdamW: ['momentum', 'velocity', 'velocity_hat'],
};

export function optimizerConfig(optimizer: Optimizer): Record<string, unknown> {
  const { name, ...config } = optimizer.getConfig();
  return { class_name: name, config: snakeKeys(config) };
}

/** A new optimizer from `optimizer_config` ({ class_name, config }). */
export function optimizerFromConfig(raw: unknown, file: string): Optimizer {
  if (!isRecord(raw) || typeof raw.class_name !== 'string' || !isRecord(raw.config)) {
    throw new ModelFormatError(file, `training_config.optimizer_config must be { class_name, config }, got ${describeValue(raw)}`);
  }
  const make = OPTIMIZERS[raw.class_name];
  if (make === undefined) throw new ModelFormatError(file, `optimizer '${raw.class_name}' is not supported; expected one of ${Object.keys(OPTIMIZERS).join(', ')}`);
  const { name: _name, ...config } = camelKeys(raw.config, file) as Record<string, unknown>;
  try {
    return make(config);
  } catch (e) {
    throw new ModelFormatError(file, `optimizer_config of ${raw.class_name}: ${(e as Error).message}`, { cause: e });
  }
}

interface SlotValue {
  weight: Variable;
  slot: string;
  saved: NamedWeight;
}

/** Pairs each saved slot with its model weight, checking names, shapes and dtypes. */
function matchSlots(saved: readonly NamedWeight[], modelWeights: readonly Variable[], file: string): SlotValue[] {
  const byName = new Map(modelWeights.map((w) => [w.name, w]));
  return saved.map((s) => {
    const cut = s.name.lastIndexOf('/');
    const weight = cut > 0 ? byName.get(s.name.slice(0, cut)) : undefined;
    if (weight === undefined) throw new ModelFormatError(file, `optimizer weight '${s.name}' belongs to no model weight (expected '<weight name>/<slot>')`);
    if (!shapesEqual(s.shape, weight.shape) || s.dtype !== weight.dtype) {
      throw new ModelFormatError(file, `optimizer weight '${s.name}': expected ${shapeToString(weight.shape)} ${weight.dtype} like '${weight.name}', got ${shapeToString(s.shape)} ${s.dtype}`);
    }
    return { weight, slot: s.name.slice(cut + 1), saved: s };
  });
}

function checkSlotNames(optimizer: Optimizer, slots: readonly SlotValue[], file: string): void {
  const className = optimizer.getConfig().name as string;
  const known = SLOT_NAMES[className] ?? [];
  const unknown = slots.find((s) => !known.includes(s.slot));
  if (unknown !== undefined) {
    throw new ModelFormatError(file, `optimizer weight '${unknown.saved.name}': '${unknown.slot}' is not a state of ${className} (expected ${known.join(', ')})`);
  }
}

/**
 * Checks the saved optimizer weights against the model, then returns the function that installs
 * them (so nothing is changed unless everything fits).
 */
export function prepareOptimizerState(optimizer: Optimizer, saved: readonly NamedWeight[], modelWeights: readonly Variable[], file: string): () => void {
  const iter = saved.find((w) => w.name === 'iter');
  if (iter === undefined || iter.dtype !== 'int32' || iter.shape.length !== 0 || iter.values[0] < 0) {
    throw new ModelFormatError(file, `optimizer weights need 'iter', a non-negative int32 scalar; got ${iter === undefined ? 'none' : `${shapeToString(iter.shape)} ${iter.dtype} ${iter.values[0]}`}`);
  }
  const slots = matchSlots(saved.filter((w) => w !== iter), modelWeights, file);
  checkSlotNames(optimizer, slots, file);
  return () => {
    optimizer.iterations = iter.values[0];
    for (const { weight, slot, saved: s } of slots) optimizer.restoreSlot(weight, slot, tensor(s.values, s.shape, s.dtype));
  };
}
