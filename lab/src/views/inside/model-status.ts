/**
 * What the See inside view can do with the current model, in words for the learner: nothing (no
 * model), not with MNIST images (another input shape), or look inside it, trained or not.
 * Whether a model is trained comes from the reason the shell gave with it; at first sight (no
 * reason yet) a model whose optimizer has taken steps counts as trained.
 */
import type { Sequential } from 'fovea';

export type ModelReason = 'built' | 'trained' | 'loaded';

export interface ModelStatus {
  /** True when a drawing can go through the model. */
  usable: boolean;
  kind: 'info' | 'warn';
  text: string;
}

const shapeText = (shape: readonly (number | null)[]): string => `[${shape.map((d) => d ?? 'batch').join(', ')}]`;

function shapes(model: Sequential): { input: readonly (number | null)[]; output: readonly (number | null)[] } | string {
  try {
    return { input: model.input.shape, output: model.output.shape };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export function modelStatus(model: Sequential | null, reason: ModelReason | null): ModelStatus {
  if (model === null) return { usable: false, kind: 'warn', text: 'No model yet: build one in the Build view (or load one in Save), then draw a digit here.' };
  const s = shapes(model);
  if (typeof s === 'string') return { usable: false, kind: 'warn', text: `The model cannot run yet: ${s}` };
  const [, h, w, c] = s.input;
  if (s.input.length !== 4 || h !== 28 || w !== 28 || c !== 1) {
    return { usable: false, kind: 'warn', text: `This model takes inputs of shape ${shapeText(s.input)}; drawings are MNIST images, [batch, 28, 28, 1].` };
  }
  const classes = s.output[s.output.length - 1];
  if (s.output.length !== 2 || classes !== 10) {
    return { usable: false, kind: 'warn', text: `This model outputs shape ${shapeText(s.output)}; the digit probabilities need 10 outputs, [batch, 10].` };
  }
  const trained = reason === null ? (model.optimizer?.iterations ?? 0) > 0 : reason !== 'built';
  if (!trained) {
    return { usable: true, kind: 'warn', text: `"${model.name}" is untrained: its weights are still random, so its answers and filters are noise. Train it in the Train view, then come back.` };
  }
  return { usable: true, kind: 'info', text: `"${model.name}", ${model.layers.length} layers, ${reason === 'loaded' ? 'loaded from a file' : 'trained'}.` };
}
