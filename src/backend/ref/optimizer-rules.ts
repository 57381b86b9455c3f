/**
 * The update equations of the ApplyOptimizer kernel, in one place: the reference kernel runs them,
 * the wasm kernel (wasm/assembly/optimizer.ts) repeats them op for op, and the optimizers' docs
 * point here. w is the variable, g its gradient; slot names are those of `optimizerSlots`.
 *
 * Keras 3 (src/optimizers; decoupled weight decay is applied by the Optimizer base before these):
 *   sgd        s = lr * g;  momentum 0: w = w - s
 *              else momentum = momentum * mom - s;  w = w + (nesterov ? momentum * mom - s : mom)
 *   rmsprop    velocity = rho * velocity + (1 - rho) * g^2
 *              centered: average_gradient = rho * avg + (1 - rho) * g;  d = velocity - avg^2 + eps
 *              else d = velocity + eps
 *              inc = lr * g / sqrt(d);  momentum > 0: mom = momentum * mom + inc;  w = w - mom
 *              else w = w - inc
 *   adam       lrT = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 *              momentum = m + (g - m) * (1 - beta1);  velocity = v + (g^2 - v) * (1 - beta2)
 *              amsgrad: velocity_hat = max(velocity_hat, velocity) replaces velocity below
 *              w = w - lrT * m / (sqrt(v) + eps)
 * PyTorch (src/nn/optim), all with g' = weightDecay != 0 ? g + weightDecay * w : g:
 *   torchSgd   momentum > 0: buf = firstStep ? g' : momentum * buf + (1 - dampening) * g'
 *                            g' = nesterov ? g' + momentum * buf : buf
 *              w = w - lr * g'
 *   torchRmsprop  sq = rho * sq + (1 - rho) * g'^2
 *              centered: ga = rho * ga + (1 - rho) * g';  d = sqrt(sq - ga^2) + eps,  else sqrt(sq) + eps
 *              momentum > 0: buf = momentum * buf + g' / d;  w = w - lr * buf,  else w = w - lr * g' / d
 *   torchAdam  m = beta1 * m + (1 - beta1) * g';  v = beta2 * v + (1 - beta2) * g'^2
 *              amsgrad: vMax = max(vMax, v) replaces v below
 *              w = w - (m / (sqrt(v) / sqrt(1 - beta2^t) + eps)) * (lr / (1 - beta1^t))
 *
 * Rounding: constants (including 1 - rho, lrT, ...) are computed in float64 and rounded to
 * float32 once (`updateConstants`), and every operation is rounded to float32 (`f`) in the order
 * written, exactly as the unfused ops did, so fused and unfused updates agree bit for bit. max is
 * the NaN-propagating `maximum` of the Binary kernel.
 */
import type { OptimizerUpdate } from '../kernels.js';

const f = Math.fround;

type Update<R extends OptimizerUpdate['rule']> = Extract<OptimizerUpdate, { rule: R }>;

/** The float32 constants of an update, in the order the wasm exports take them. */
export function updateConstants(u: OptimizerUpdate): number[] {
  switch (u.rule) {
    case 'sgd': return [u.learningRate, u.momentum].map(f);
    case 'rmsprop': return [u.learningRate, u.rho, 1 - u.rho, u.epsilon, u.momentum].map(f);
    case 'adam': {
      const lrT = (u.learningRate * Math.sqrt(1 - u.beta2 ** u.step)) / (1 - u.beta1 ** u.step);
      return [lrT, 1 - u.beta1, 1 - u.beta2, u.epsilon].map(f);
    }
    case 'torchSgd': return [u.learningRate, u.momentum, 1 - u.dampening, u.weightDecay].map(f);
    case 'torchRmsprop': return [u.learningRate, u.rho, 1 - u.rho, u.epsilon, u.momentum, u.weightDecay].map(f);
    case 'torchAdam': {
      const { beta1: b1, beta2: b2, step: t } = u;
      return [u.learningRate / (1 - b1 ** t), b1, 1 - b1, b2, 1 - b2, Math.sqrt(1 - b2 ** t), u.epsilon, u.weightDecay].map(f);
    }
  }
}

/** One update's arrays: w, g and the slots by name; the new w and slots are written to `out`. */
export interface UpdateArrays {
  w: Float32Array;
  g: Float32Array;
  slots: Record<string, Float32Array>;
  out: { w: Float32Array; slots: Record<string, Float32Array> };
}

/** Runs update `u` over every element. */
export function applyUpdate(u: OptimizerUpdate, a: UpdateArrays): void {
  switch (u.rule) {
    case 'sgd': return sgd(u, a);
    case 'rmsprop': return rmsprop(u, a);
    case 'adam': return adam(u, a);
    case 'torchSgd': return torchSgd(u, a);
    case 'torchRmsprop': return torchRmsprop(u, a);
    case 'torchAdam': return torchAdam(u, a);
  }
}

/** max(a, b), NaN-propagating like the Binary kernel's maximum. */
const max = (a: number, b: number): number => (a > b || a !== a ? a : b);

function sgd(u: Update<'sgd'>, { w, g, slots, out }: UpdateArrays): void {
  const [lr, momentum] = updateConstants(u);
  const [m, newM] = [slots.momentum, out.slots.momentum];
  for (let i = 0; i < w.length; i++) {
    const s = f(g[i] * lr);
    if (!(u.momentum > 0)) {
      out.w[i] = f(w[i] - s);
      continue;
    }
    const mi = (newM[i] = f(f(m[i] * momentum) - s));
    out.w[i] = f(w[i] + (u.nesterov ? f(f(mi * momentum) - s) : mi));
  }
}

function rmsprop(u: Update<'rmsprop'>, { w, g, slots, out }: UpdateArrays): void {
  const [lr, rho, rho1, eps, momentum] = updateConstants(u);
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const v = (out.slots.velocity[i] = f(f(slots.velocity[i] * rho) + f(f(gi * gi) * rho1)));
    let d: number;
    if (u.centered) {
      const avg = (out.slots.average_gradient[i] = f(f(slots.average_gradient[i] * rho) + f(gi * rho1)));
      d = f(f(v - f(avg * avg)) + eps);
    } else {
      d = f(v + eps);
    }
    const inc = f(f(gi * lr) / f(Math.sqrt(d)));
    if (u.momentum > 0) {
      const mom = (out.slots.momentum[i] = f(f(slots.momentum[i] * momentum) + inc));
      out.w[i] = f(w[i] - mom);
    } else {
      out.w[i] = f(w[i] - inc);
    }
  }
}

function adam(u: Update<'adam'>, { w, g, slots, out }: UpdateArrays): void {
  const [lrT, beta1c, beta2c, eps] = updateConstants(u);
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const m = (out.slots.momentum[i] = f(slots.momentum[i] + f(f(gi - slots.momentum[i]) * beta1c)));
    let v = (out.slots.velocity[i] = f(slots.velocity[i] + f(f(f(gi * gi) - slots.velocity[i]) * beta2c)));
    if (u.amsgrad) v = out.slots.velocity_hat[i] = max(slots.velocity_hat[i], v);
    out.w[i] = f(w[i] - f(f(m * lrT) / f(f(Math.sqrt(v)) + eps)));
  }
}

/** PyTorch's L2 weight decay: g + weightDecay * w (skipped at 0, as PyTorch does). */
function decayed(gi: number, wi: number, weightDecay: number, wd32: number): number {
  return weightDecay !== 0 ? f(gi + f(wi * wd32)) : gi;
}

function torchSgd(u: Update<'torchSgd'>, { w, g, slots, out }: UpdateArrays): void {
  const [lr, momentum, damp1, wd] = updateConstants(u);
  for (let i = 0; i < w.length; i++) {
    let gi = decayed(g[i], w[i], u.weightDecay, wd);
    if (u.momentum > 0) {
      const buf = (out.slots.momentumBuffer[i] = u.firstStep ? gi : f(f(slots.momentumBuffer[i] * momentum) + f(gi * damp1)));
      gi = u.nesterov ? f(gi + f(buf * momentum)) : buf;
    }
    out.w[i] = f(w[i] - f(gi * lr));
  }
}

function torchRmsprop(u: Update<'torchRmsprop'>, { w, g, slots, out }: UpdateArrays): void {
  const [lr, rho, rho1, eps, momentum, wd] = updateConstants(u);
  for (let i = 0; i < w.length; i++) {
    const gi = decayed(g[i], w[i], u.weightDecay, wd);
    let spread = (out.slots.squareAvg[i] = f(f(slots.squareAvg[i] * rho) + f(f(gi * gi) * rho1)));
    if (u.centered) {
      const avg = (out.slots.gradAvg[i] = f(f(slots.gradAvg[i] * rho) + f(gi * rho1)));
      spread = f(spread - f(avg * avg));
    }
    const scaled = f(gi / f(f(Math.sqrt(spread)) + eps));
    if (u.momentum > 0) {
      const buf = (out.slots.momentumBuffer[i] = f(f(slots.momentumBuffer[i] * momentum) + scaled));
      out.w[i] = f(w[i] - f(buf * lr));
    } else {
      out.w[i] = f(w[i] - f(scaled * lr));
    }
  }
}

function torchAdam(u: Update<'torchAdam'>, { w, g, slots, out }: UpdateArrays): void {
  const [stepSize, beta1, beta1c, beta2, beta2c, bias2Sqrt, eps, wd] = updateConstants(u);
  for (let i = 0; i < w.length; i++) {
    const gi = decayed(g[i], w[i], u.weightDecay, wd);
    const m = (out.slots.expAvg[i] = f(f(slots.expAvg[i] * beta1) + f(gi * beta1c)));
    let v = (out.slots.expAvgSq[i] = f(f(slots.expAvgSq[i] * beta2) + f(f(gi * gi) * beta2c)));
    if (u.amsgrad) v = out.slots.maxExpAvgSq[i] = max(slots.maxExpAvgSq[i], v);
    const d = f(f(f(Math.sqrt(v)) / bias2Sqrt) + eps);
    out.w[i] = f(w[i] - f(f(m / d) * stepSize));
  }
}
