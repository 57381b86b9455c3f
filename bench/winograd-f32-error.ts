/**
 * Float32 error of Winograd F(m x m, 3x3) for choosing the next tile size: the kernels' F(4x4, 3x3)
 * and F(6x6, 3x3) candidates (Cook-Toom matrices from the interpolation points, the last point at
 * infinity), every operation rounded to float32 (Math.fround), summed over C channels as the GEMM
 * does, against the float64 direct 3x3 correlation. Prints the worst error per tile, absolute and
 * relative to the tile's largest output (He-initialised filters, normal inputs).
 *
 *   npm run build && node dist/bench/winograd-f32-error.js
 */
type Matrix = number[][];
type Round = (x: number) => number;

interface Transforms { AT: Matrix; G: Matrix; BT: Matrix; alpha: number }

/** A^T (m x alpha), G (alpha x r), B^T (alpha x alpha) of F(m, r) for alpha - 1 finite points. */
function transforms(m: number, r: number, points: readonly number[]): Transforms {
  const alpha = m + r - 1;
  const last = alpha - 1;
  const AT = Array.from({ length: m }, (_, i) => Array.from({ length: alpha }, (_, j) => (j < last ? points[j]! ** i : i === m - 1 ? 1 : 0)));
  const G = Array.from({ length: alpha }, (_, j) => {
    if (j === last) return Array.from({ length: r }, (_, k) => (k === r - 1 ? 1 : 0));
    let f = 1;
    for (let l = 0; l < last; l++) if (l !== j) f *= points[j]! - points[l]!;
    return Array.from({ length: r }, (_, k) => points[j]! ** k / f);
  });
  // Row j of B^T: the coefficients of prod over the other finite points l of (x - p_l).
  const BT = Array.from({ length: alpha }, (_, j) => {
    let p = [1];
    for (let l = 0; l < last; l++) {
      if (l === j) continue;
      const q = new Array<number>(p.length + 1).fill(0);
      p.forEach((c, i) => { q[i]! += -points[l]! * c; q[i + 1]! += c; });
      p = q;
    }
    while (p.length < alpha) p.push(0);
    return p;
  });
  return { AT, G, BT, alpha };
}

function matVec(M: Matrix, x: readonly number[], round: Round): number[] {
  return M.map((row) => row.reduce((s, c, k) => (c === 0 ? s : round(s + round(c * x[k]!))), 0));
}

/** L X R^T, rounding every operation. */
function sandwich(L: Matrix, X: Matrix, R: Matrix, round: Round): Matrix {
  const columns = X[0]!.map((_, j) => matVec(L, X.map((row) => row[j]!), round));
  return L.map((_, i) => matVec(R, columns.map((col) => col[i]!), round));
}

/** The worst error of one output tile over C channels. */
function tileError(m: number, t: Transforms, C: number, normal: () => number): { err: number; scale: number } {
  const f32 = (M: Matrix): Matrix => M.map((row) => row.map(Math.fround));
  const [AT, G, BT] = [f32(t.AT), f32(t.G), f32(t.BT)];
  const a = t.alpha;
  const d = Array.from({ length: C }, () => Array.from({ length: a }, () => Array.from({ length: a }, () => Math.fround(normal()))));
  const g = Array.from({ length: C }, () => Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => Math.fround(normal() * Math.sqrt(2 / (9 * C))))));
  const M = Array.from({ length: a }, () => new Array<number>(a).fill(0));
  for (let c = 0; c < C; c++) {
    const U = sandwich(G, g[c]!, G, Math.fround), V = sandwich(BT, d[c]!, BT, Math.fround);
    for (let i = 0; i < a; i++) for (let j = 0; j < a; j++) M[i]![j] = Math.fround(M[i]![j]! + Math.fround(U[i]![j]! * V[i]![j]!));
  }
  const Y = sandwich(AT, M, AT, Math.fround);
  let err = 0, scale = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let want = 0;
      for (let c = 0; c < C; c++) for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) want += d[c]![i + p]![j + q]! * g[c]![p]![q]!;
      err = Math.max(err, Math.abs(want - Y[i]![j]!));
      scale = Math.max(scale, Math.abs(want));
    }
  }
  return { err, scale };
}

function seededNormal(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s + 1) / 4294967297; };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

const CANDIDATES: [string, number, number[]][] = [
  ['F(4x4, 3x3) points 0, +-1, +-2', 4, [0, 1, -1, 2, -2]],
  ['F(6x6, 3x3) points 0, +-1, +-2, +-1/2', 6, [0, 1, -1, 2, -2, 0.5, -0.5]],
  ['F(6x6, 3x3) points 0, +-1, +-2, +-3', 6, [0, 1, -1, 2, -2, 3, -3]],
];
const TILES = 40;
for (const C of [32, 64]) {
  for (const [name, m, points] of CANDIDATES) {
    const t = transforms(m, 3, points);
    const normal = seededNormal(12345);
    let worstAbs = 0, worstRel = 0;
    for (let i = 0; i < TILES; i++) {
      const { err, scale } = tileError(m, t, C, normal);
      worstAbs = Math.max(worstAbs, err);
      worstRel = Math.max(worstRel, err / Math.max(scale, 1e-30));
    }
    console.log(`C=${C} ${name}: worst |err| ${worstAbs.toExponential(2)}, worst |err| / tile max ${worstRel.toExponential(2)} (${TILES} tiles)`);
  }
}
