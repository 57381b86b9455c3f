/**
 * What the fusion tests share: a fused op's result against the unfused chain it replaces, within
 * `tol` relative to the larger of the reference's largest magnitude and 1e-6.
 */
import assert from 'node:assert/strict';
import * as nn from '../src/nn/index.js';
import { add } from '../src/ops/binary.js';
import type { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

export function assertClose(a: Tensor, b: Tensor, tol: number, what: string): void {
  assert.deepEqual(a.shape, b.shape, what);
  const x = a.dataSync(), y = b.dataSync();
  let worst = 0, scale = 1e-6;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  assert.ok(worst <= tol * scale, `${what}: max difference ${worst} (scale ${scale})`);
}

/**
 * A fused model's gradients against the unfused model's, each within `tol` (assertClose). A
 * conv's bias before a batch norm in training has an exact zero gradient when fused (convBnTrain:
 * the norm removes it, so the loss does not depend on it); the unfused chain's is then rounding
 * noise, at most `tol` times the largest gradient of the model. Returns how many of the fused
 * gradients were exactly zero.
 */
export function assertGradientsClose(fused: readonly (Tensor | null)[], plain: readonly (Tensor | null)[], tol: number, what: string): number {
  assert.equal(fused.length, plain.length, what);
  let scale = 1e-6;
  for (const p of plain) if (p !== null) for (const v of p.dataSync()) scale = Math.max(scale, Math.abs(v));
  let zero = 0;
  fused.forEach((f, i) => {
    const p = plain[i]!;
    assert.ok(f !== null, `${what} ${i}: none fused`);
    if (!f.dataSync().every((v) => v === 0)) return assertClose(f, p, tol, `${what} ${i}`);
    zero++;
    let worst = 0;
    for (const v of p.dataSync()) worst = Math.max(worst, Math.abs(v));
    assert.ok(worst <= tol * scale, `${what} ${i}: zero fused, unfused ${worst} against the model's largest ${scale}`);
  });
  return zero;
}

/**
 * A residual block written by hand, as torch_zoo's BasicBlock is (identity shortcut, conv biases
 * kept): relu(bn2(conv2(relu(bn1(conv1(x))))) + x). `norm` makes each batch norm, in order.
 */
export class ResidualBlock extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;

  constructor(c: number, rng: Random, norm: (c: number) => nn.BatchNorm2d = (n) => new nn.BatchNorm2d(n)) {
    super();
    this.conv1 = new nn.Conv2d(c, c, 3, { padding: 1, rng });
    this.bn1 = norm(c);
    this.conv2 = new nn.Conv2d(c, c, 3, { padding: 1, rng });
    this.bn2 = norm(c);
  }

  forward(x: Tensor): Tensor {
    const h = nn.F.relu(this.bn1.forward(this.conv1.forward(x)));
    return nn.F.relu(add(this.bn2.forward(this.conv2.forward(h)), x));
  }
}
