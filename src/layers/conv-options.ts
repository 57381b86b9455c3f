/**
 * The options every Keras convolution layer shares (Conv1D, Conv2D, DepthwiseConv2D,
 * SeparableConv2D, Conv2DTranspose), resolved once into canonical values, and their config form.
 */
import { type ActivationName, getActivation, type ResolvedActivation } from './activations.js';
import { type Constraint, type ConstraintSpec, getConstraint, serializeConstraint } from './constraints.js';
import { type LayerDataFormat, type LayerPadding, normalizeDataFormat, normalizePadding, normalizePair } from './conv-utils.js';
import { getInitializer, type Initializer, type InitializerName, type InitializerSpec, serializeInitializer } from './initializers.js';
import type { LayerArgs } from './layer.js';
import { getRegularizer, type RegularizerSpec, serializeRegularizer, type Regularizer } from './regularizers.js';

export type InitializerArg = InitializerName | InitializerSpec | Initializer;
export type DataFormatArg = LayerDataFormat | 'channels_last' | 'channels_first';

export interface BaseConvOptions extends LayerArgs {
  strides?: number | [number, number];
  padding?: LayerPadding;
  /** 'channelsLast' (default) or 'channelsFirst'; Keras's snake_case spellings work too. */
  dataFormat?: DataFormatArg;
  dilationRate?: number | [number, number];
  activation?: ActivationName | null;
  useBias?: boolean;
  biasInitializer?: InitializerArg;
  biasRegularizer?: RegularizerSpec | null;
  activityRegularizer?: RegularizerSpec | null;
  biasConstraint?: ConstraintSpec | null;
}

/** One weight's initializer, regularizer and constraint. */
export interface WeightSpec {
  initializer: Initializer;
  regularizer: Regularizer | null;
  constraint: Constraint | null;
}

export interface ResolvedConv {
  strides: [number, number];
  padding: LayerPadding;
  dataFormat: LayerDataFormat;
  dilationRate: [number, number];
  activation: ResolvedActivation;
  useBias: boolean;
  bias: WeightSpec;
  activityRegularizer: Regularizer | null;
}

/** `where` names the layer in errors (`Layer "dense" (Dense)`). */
export function weightSpec(init: InitializerArg | undefined, fallback: InitializerName, reg?: RegularizerSpec | null, con?: ConstraintSpec | null, where?: string): WeightSpec {
  return { initializer: getInitializer(init ?? fallback, where), regularizer: getRegularizer(reg, where), constraint: getConstraint(con, where) };
}

/** Validates and resolves the shared options; `where` names the layer in errors. */
export function resolveConvOptions(o: BaseConvOptions, where: string): ResolvedConv {
  const strides = normalizePair(o.strides ?? 1, 'strides', where);
  const dilationRate = normalizePair(o.dilationRate ?? 1, 'dilationRate', where);
  // Keras rejects this combination too: the strided, dilated kernel is not supported.
  if (strides.some((s) => s > 1) && dilationRate.some((d) => d > 1)) {
    throw new Error(`${where}: strides > 1 cannot be combined with dilationRate > 1 (got strides [${strides.join(', ')}], dilationRate [${dilationRate.join(', ')}])`);
  }
  return {
    strides,
    dilationRate,
    padding: normalizePadding(o.padding, where),
    dataFormat: normalizeDataFormat(o.dataFormat, where),
    activation: getActivation(o.activation, where),
    useBias: o.useBias ?? true,
    bias: weightSpec(o.biasInitializer, 'zeros', o.biasRegularizer, o.biasConstraint, where),
    activityRegularizer: getRegularizer(o.activityRegularizer, where),
  };
}

export function positiveInt(v: number, name: string, where: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** A weight spec as config entries: `{ kernelInitializer, kernelRegularizer, kernelConstraint }`. */
export function weightConfig(prefix: string, w: WeightSpec): Record<string, unknown> {
  return {
    [`${prefix}Initializer`]: serializeInitializer(w.initializer),
    [`${prefix}Regularizer`]: serializeRegularizer(w.regularizer),
    [`${prefix}Constraint`]: serializeConstraint(w.constraint),
  };
}

export function convConfig(c: ResolvedConv): Record<string, unknown> {
  return {
    strides: c.strides, padding: c.padding, dataFormat: c.dataFormat, dilationRate: c.dilationRate,
    activation: c.activation.name, useBias: c.useBias, ...weightConfig('bias', c.bias),
    activityRegularizer: serializeRegularizer(c.activityRegularizer),
  };
}
