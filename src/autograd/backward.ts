/**
 * The reverse pass: topological order from the output back to the leaves, one gradient rule per
 * recorded op, gradients summed where a tensor feeds several ops.
 */
import { engine } from '../backend/engine.js';
import { shapeToString, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { withScope } from '../tensor/scope.js';
import { noGrad } from './grad-mode.js';

/** Every tensor `root` depends on through recorded ops, inputs before the ops that use them. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative DFS: deep networks would overflow the call stack with recursion.
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, next] = top;
    const inputs = t.gradNode?.inputs ?? [];
    if (next < inputs.length) {
      top[1]++;
      const input = inputs[next];
      if (input.needsGrad && !seen.has(input)) {
        seen.add(input);
        stack.push([input, 0]);
      }
    } else {
      order.push(t);
      stack.pop();
    }
  }
  return order;
}

/** How many recorded input edges use each tensor (a tensor used twice by one op counts twice). */
function consumerCounts(order: readonly Tensor[]): Map<Tensor, number> {
  const counts = new Map<Tensor, number>();
  for (const t of order) {
    for (const input of t.gradNode?.inputs ?? []) {
      if (input.needsGrad) counts.set(input, (counts.get(input) ?? 0) + 1);
    }
  }
  return counts;
}

function accumulate(grads: Map<Tensor, Tensor>, t: Tensor, g: Tensor, op: string): void {
  if (!shapesEqual(g.shape, t.shape)) {
    throw new Error(`autograd: the gradient rule of ${op} returned shape ${shapeToString(g.shape)} for an input of shape ${shapeToString(t.shape)}`);
  }
  const prev = grads.get(t);
  grads.set(t, prev === undefined ? g : engine.runKernel('Binary', { a: prev, b: g }, { op: 'add' }));
}

/**
 * Gradients of `y` with respect to each of `xs` (zeros-free: an x that `y` does not depend on
 * gets null). `dy` defaults to ones, so `y` is usually a scalar loss.
 */
export function gradients(y: Tensor, xs: readonly Tensor[], dy?: Tensor): (Tensor | null)[] {
  return noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(y, dy ?? onesLike(y));
    const order = topologicalOrder(y);
    const consumers = consumerCounts(order);
    const requested = new Set(xs);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const node = t.gradNode;
      const g = grads.get(t);
      if (node === null || g === undefined) continue;
      const inputGrads = node.backward(g, {
        gradFeedsOnlyProducer: (k) => {
          const input = node.inputs[k];
          return input !== undefined && input.gradNode !== null && consumers.get(input) === 1 && !requested.has(input);
        },
      });
      node.inputs.forEach((input, k) => {
        const ig = inputGrads[k];
        if (ig !== null && ig !== undefined && input.needsGrad) accumulate(grads, input, ig, node.op);
      });
    }
    return xs.map((x) => grads.get(x) ?? null);
  });
}

/**
 * PyTorch-style: adds d(y)/d(leaf) into `leaf.grad` for every leaf with `requiresGrad`, then frees
 * the graph (its saved tensors) so memory does not grow with each step. Every tensor the reverse
 * pass makes besides the new `.grad`s is internal, so it is released at once, not left for the
 * garbage collector.
 */
export function backward(y: Tensor, dy?: Tensor): void {
  const leaves = topologicalOrder(y).filter((t) => t.requiresGrad && t.gradNode === null);
  withScope(() => {
    const grads = gradients(y, leaves, dy);
    return noGrad(() =>
      leaves.map((leaf, i) => {
        const g = grads[i];
        if (g !== null) leaf.grad = leaf.grad === null ? g : engine.runKernel('Binary', { a: leaf.grad, b: g }, { op: 'add' });
        return leaf.grad;
      }),
    );
  });
  for (const t of topologicalOrder(y)) t.gradNode = null;
}

function onesLike(t: Tensor): Tensor {
  const values = t.dtype === 'int32' ? new Int32Array(t.size).fill(1) : new Float32Array(t.size).fill(1);
  return engine.makeTensor(values, t.shape, t.dtype);
}
