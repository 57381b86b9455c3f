/**
 * The reverse pass: topological order from the output back to the leaves, one gradient rule per
 * recorded op, gradients summed where a tensor feeds several ops.
 */
import { engine } from '../backend/engine.js';
import { shapeToString, shapesEqual } from '../tensor/shape.js';
import type { GradNode, Tensor } from '../tensor/tensor.js';
import { withScope } from '../tensor/scope.js';
import { noGrad } from './grad-mode.js';
import { sharesStoredOrder } from '../ops/unary.js';

/**
 * Results whose graph a `backward()` freed carry `graphFreed` (tensor.ts). Freeing drops their
 * gradient rules (and the tensors those rules saved) so memory does not grow per step; the flag
 * lets a second pass through the same graph fail loudly, as PyTorch's does, instead of silently
 * computing no gradient. (A WeakSet of them before: an ephemeron per result per step, about 30 per
 * seed-CNN step, each visited by every scavenge while its tensor lived.)
 */
function assertNotFreed(t: Tensor, where: string): void {
  if (!t.graphFreed) return;
  throw new Error(
    `${where}: Trying to backward through the graph a second time (or through a result of a graph that an earlier backward() ` +
      'freed). The graph is freed when backward() returns; call backward({ retainGraph: true }) the first time if you need to backward through it again',
  );
}

/** Every tensor `root` depends on through recorded ops, inputs before the ops that use them. */
function topologicalOrder(root: Tensor, where: string): Tensor[] {
  assertNotFreed(root, where);
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
      assertNotFreed(input, where);
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

function accumulate(grads: Map<Tensor, Tensor>, t: Tensor, g: Tensor, op: string): void {
  if (!shapesEqual(g.shape, t.shape)) {
    throw new Error(`autograd: the gradient rule of ${op} returned shape ${shapeToString(g.shape)} for an input of shape ${shapeToString(t.shape)}`);
  }
  const prev = grads.get(t);
  grads.set(t, prev === undefined ? g : addGradients(prev, g));
}

/**
 * The gradient waiting for the input a rule can add into (GradNode.backwardInto), and whose entry
 * it is (`from`, which the rule's result replaces), or null: no such rule, nothing gathered yet, or
 * the input also sits in another slot of the op (its other slot's gradient would then be left out
 * of the sum). When the input is a view (GradNode.view) with nothing gathered itself, the gradient
 * its source gathered, seen through the view: the rule's result then goes to the view, and the
 * view's own rule takes it back to the source, whose entry it replaces.
 */
function heldForRule(node: GradNode, grads: Map<Tensor, Tensor>): { held: Tensor; from: Tensor } | null {
  if (node.backwardInto === undefined) return null;
  const input = node.inputs[node.backwardInto.into];
  const inOneSlot = (t: Tensor) => node.inputs.indexOf(t) === node.inputs.lastIndexOf(t);
  if (input === undefined || !input.needsGrad || node.inputs.indexOf(input) !== node.backwardInto.into || !inOneSlot(input)) return null;
  const own = grads.get(input);
  if (own !== undefined) return { held: own, from: input };
  const view = input.gradNode?.view, source = input.gradNode?.inputs[0];
  if (view === undefined || source === undefined || node.inputs.includes(source)) return null;
  const gathered = grads.get(source);
  const held = gathered === undefined ? null : view(gathered);
  return held === null ? null : { held, from: source };
}

/** a + b; gradients that share a permuted stored order (conv weights' HWIO) are added in it. */
function addGradients(a: Tensor, b: Tensor): Tensor {
  return sharesStoredOrder([a, b]) ? engine.runElementwiseInLayout('Binary', { a, b }, { op: 'add' }, a) : engine.runKernel('Binary', { a, b }, { op: 'add' });
}

/**
 * Gradients of `y` with respect to each of `xs` (zeros-free: an x that `y` does not depend on
 * gets null). `dy` defaults to ones, so `y` is usually a scalar loss.
 */
export function gradients(y: Tensor, xs: readonly Tensor[], dy?: Tensor): (Tensor | null)[] {
  return gradientsAlong(y, xs, dy, null);
}

/** `gradients`, walking `order` (y's topological order, when the caller has it) instead of finding it again. */
function gradientsAlong(y: Tensor, xs: readonly Tensor[], dy: Tensor | undefined, walked: Tensor[] | null): (Tensor | null)[] {
  // Read first, outside noGrad: an x whose value is still deferred (tensor.ts) is computed, in its
  // own recording mode, before the walk, so the walk sees the graph through it.
  const asked = xs.map((x) => x.needsGrad);
  return noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(y, dy ?? onesLike(y));
    const order = walked ?? topologicalOrder(y, 'gradients');
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const node = t.gradNode;
      const g = grads.get(t);
      if (node === null || g === undefined) continue;
      const held = heldForRule(node, grads);
      const inputGrads = held === null ? node.backward(g) : node.backwardInto!.backward(g, held.held);
      node.inputs.forEach((input, k) => {
        const ig = inputGrads[k];
        if (ig === null || ig === undefined || !input.needsGrad) return;
        // The rule added the gradient already gathered: its result replaces it.
        if (held !== null && k === node.backwardInto!.into) grads.delete(held.from);
        accumulate(grads, input, ig, node.op);
      });
    }
    return xs.map((x, i) => (asked[i] ? grads.get(x) ?? null : null));
  });
}

export interface BackwardOptions {
  /**
   * Keep the graph after the pass so a second `backward()` can go through it again (PyTorch's
   * `retain_graph=True`). Without it the graph is freed and a second pass throws.
   */
  retainGraph?: boolean;
}

/**
 * PyTorch-style: adds d(y)/d(leaf) into `leaf.grad` for every leaf with `requiresGrad`, then frees
 * the graph (its saved tensors) so memory does not grow with each step. Every tensor the reverse
 * pass makes besides the new `.grad`s is internal, so it is released at once, not left for the
 * garbage collector.
 *
 * `dy` (the gradient of some later scalar with respect to `y`) may be left out only when `y` has
 * a single element, as in PyTorch: the implicit gradient of a non-scalar would be an arbitrary sum.
 */
export function backward(y: Tensor, dy?: Tensor | null, options: BackwardOptions = {}): void {
  checkBackwardRoot(y, dy ?? null);
  const order = topologicalOrder(y, 'backward');
  const leaves = order.filter((t) => t.requiresGrad && t.gradNode === null);
  withScope(() => {
    // The leaves are read and computed already, so the walk above is the one gradients() would make.
    const grads = gradientsAlong(y, leaves, dy ?? undefined, order);
    const given = new Set<Tensor>();
    return noGrad(() =>
      leaves.map((leaf, i) => {
        let g = grads[i];
        const held = leaf.peekGrad();
        // One tensor can be the gradient of two leaves (add's rule passes dy to both inputs): each
        // leaf owns its gradient and frees it when it is replaced, so the second gets a copy, as
        // PyTorch's AccumulateGrad copies a gradient something else still holds.
        if (g !== null && g !== dy && held === null && given.has(g)) g = engine.runKernel('Cast', { x: g }, { dtype: g.dtype });
        if (g !== null) given.add(g);
        // The gradient given as dy (a leaf differentiated directly) stays the caller's tensor.
        if (g !== null && g === dy) leaf.grad = held === null ? g : addGradients(held, g);
        else if (g !== null) leaf.setOwnGrad(held === null ? g : addGradients(held, g));
        return leaf.peekGrad();
      }),
    );
  });
  if (options.retainGraph === true) return;
  for (const t of order) {
    if (t.gradNode === null) continue;
    for (const o of t.gradNode.owned ?? []) o.release();
    releaseInternalConstants(t.gradNode.inputs);
    t.gradNode = null;
    t.graphFreed = true;
    if (t.internal) t.release();
    else t.handBack();
  }
}

/**
 * Releases the internal inputs that need no gradient (an op's relabelled view of the input image
 * or of a frozen weight, ops/channels-last.ts, nn/functional.ts): the walk above does not reach
 * them, and only the graph being freed held them. (`internal` first: reading `gradNode` of a
 * deferred tensor would compute it.)
 */
function releaseInternalConstants(inputs: readonly Tensor[]): void {
  for (const input of inputs) if (input.internal && input.gradNode === null) input.release();
}

/** PyTorch's checks before a pass: something to differentiate, and a gradient to start from. */
function checkBackwardRoot(y: Tensor, dy: Tensor | null): void {
  assertNotFreed(y, 'backward');
  if (!y.needsGrad) {
    throw new Error(
      `backward: the tensor (shape ${shapeToString(y.shape)}) does not require grad and has no recorded graph; ` +
        'set requiresGrad = true on the leaves before computing it, outside noGrad()',
    );
  }
  if (dy === null && y.size !== 1) {
    throw new Error(
      `backward: grad can be implicitly created only for scalar outputs; this tensor has shape ${shapeToString(y.shape)}. ` +
        'Reduce it first (y.sum().backward()) or pass the gradient: y.backward(gradient)',
    );
  }
  if (dy !== null && !shapesEqual(dy.shape, y.shape)) {
    throw new Error(`backward: gradient of shape ${shapeToString(dy.shape)} given for an output of shape ${shapeToString(y.shape)}; expected the same shape`);
  }
}

function onesLike(t: Tensor): Tensor {
  const values = t.dtype === 'int32' ? new Int32Array(t.size).fill(1) : new Float32Array(t.size).fill(1);
  return engine.makeTensor(values, t.shape, t.dtype);
}
