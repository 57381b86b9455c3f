// The micro-kernel for a tile of `mr` rows (4, 5 or 6), one dispatcher per A-operand layout
// (microkernels.ts): C implicit conv rows, I indirect rows, T transposed, X gathered transposed.
import { mkC4x8, mkC5x8, mkC6x8, mkI4x8, mkI5x8, mkI6x8, mkT4x8, mkT5x8, mkT6x8, mkX4x8, mkX5x8, mkX6x8 } from './microkernels';

// @ts-ignore: decorator
@inline export function kernelC(mr: i32, nseg: i32, kc: i32, rows: usize, seg: usize, b: usize, c: usize, ldc: usize, flags: i32, bias: usize): void {
  if (mr == 4) mkC4x8(nseg, kc, rows, seg, b, c, ldc, flags, bias);
  else if (mr == 5) mkC5x8(nseg, kc, rows, seg, b, c, ldc, flags, bias);
  else mkC6x8(nseg, kc, rows, seg, b, c, ldc, flags, bias);
}

// @ts-ignore: decorator
@inline export function kernelI(mr: i32, kc: i32, rows: usize, b: usize, c: usize, ldc: usize, flags: i32, bias: usize): void {
  if (mr == 4) mkI4x8(kc, rows, 0, b, c, ldc, flags, bias);
  else if (mr == 5) mkI5x8(kc, rows, 0, b, c, ldc, flags, bias);
  else mkI6x8(kc, rows, 0, b, c, ldc, flags, bias);
}

// @ts-ignore: decorator
@inline export function kernelT(mr: i32, kc: i32, a: usize, lda: usize, b: usize, c: usize, ldc: usize, flags: i32): void {
  if (mr == 4) mkT4x8(kc, a, lda, b, c, ldc, flags, 0);
  else if (mr == 5) mkT5x8(kc, a, lda, b, c, ldc, flags, 0);
  else mkT6x8(kc, a, lda, b, c, ldc, flags, 0);
}

// @ts-ignore: decorator
@inline export function kernelX(mr: i32, kc: i32, tbl: usize, off: usize, b: usize, c: usize, ldc: usize, flags: i32): void {
  if (mr == 4) mkX4x8(kc, tbl, off, b, c, ldc, flags, 0);
  else if (mr == 5) mkX5x8(kc, tbl, off, b, c, ldc, flags, 0);
  else mkX6x8(kc, tbl, off, b, c, ldc, flags, 0);
}
