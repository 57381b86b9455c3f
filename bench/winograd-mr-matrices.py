# Winograd F(m x m, r x r) matrices (Cook-Toom, exact rationals) for wasm/assembly/winograd-mr*.ts:
# A^T and G from the finite points a plus infinity, B^T solved from the bilinear identity. Prints
# each candidate's float32 error on a 2-D tile (every operation rounded, He-scaled filters) against
# float64 direct correlation; with --generate prints winograd-mr-transforms.ts's generated part.
#
#   /usr/bin/python3 bench/winograd-mr-matrices.py [--generate]
from fractions import Fraction as Fr
import itertools, sys
import numpy as np

def mats(m, pts, r=3):
    n = m + r - 1
    assert len(pts) == n - 1
    # A^T: m x n, G: n x r
    AT = [[pts[j] ** i if j < n - 1 else Fr(int(i == m - 1)) for j in range(n)] for i in range(m)]
    G = []
    for j in range(n - 1):
        f = Fr(1)
        for l in range(n - 1):
            if l != j: f *= pts[j] - pts[l]
        G.append([pts[j] ** k / f for k in range(r)])
    G.append([Fr(int(k == r - 1)) for k in range(r)])
    # Solve B^T column p: sum_j AT[i][j] G[j][k] BT[j][p] = [p == i + k]
    BT = [[None] * n for _ in range(n)]
    rows = [[AT[i][j] * G[j][k] for j in range(n)] for i in range(m) for k in range(r)]
    for p in range(n):
        rhs = [Fr(int(p == i + k)) for i in range(m) for k in range(r)]
        sol = solve(rows, rhs, n)
        for j in range(n): BT[j][p] = sol[j]
    return AT, G, BT

def solve(A, b, n):
    # Gaussian elimination over rationals on an overdetermined consistent system.
    M = [row[:] + [bb] for row, bb in zip(A, b)]
    piv = []
    r = 0
    for c in range(n):
        pr = next((i for i in range(r, len(M)) if M[i][c] != 0), None)
        if pr is None: continue
        M[r], M[pr] = M[pr], M[r]
        for i in range(len(M)):
            if i != r and M[i][c] != 0:
                f = M[i][c] / M[r][c]
                M[i] = [x - f * y for x, y in zip(M[i], M[r])]
        piv.append(c); r += 1
    for i in range(r, len(M)): assert M[i][n] == 0, 'inconsistent'
    x = [Fr(0)] * n
    for i, c in enumerate(piv): x[c] = M[i][n] / M[i][c]
    assert len(piv) == n
    return x

def check(m, AT, G, BT, r=3):
    n = m + r - 1
    rng = np.random.default_rng(0)
    d = rng.standard_normal(n); g = rng.standard_normal(r)
    y = np.array(AT, dtype=float) @ ((np.array(G, dtype=float) @ g) * (np.array(BT, dtype=float) @ d))
    ref = np.array([sum(g[k] * d[i + k] for k in range(r)) for i in range(m)])
    return np.abs(y - ref).max()

def err2d(m, AT, G, BT, C=32, trials=40, seed=1, r=3):
    # float32 2-D Winograd tile (every op rounded) vs float64 direct; He-scaled filters.
    n = m + r - 1
    f32 = np.float32
    AT32, G32, BT32 = [np.array(M, dtype=f32) for M in (AT, G, BT)]
    rng = np.random.default_rng(seed)
    worst_abs = 0; worst_rel = 0
    for _ in range(trials):
        d = rng.standard_normal((C, n, n)).astype(f32)
        g = (rng.standard_normal((C, r, r)) * np.sqrt(2 / (r * r * C))).astype(f32)
        U = np.einsum('ij,cjk,lk->cil', G32, g, G32).astype(f32)
        V = np.einsum('ij,cjk,lk->cil', BT32, d, BT32).astype(f32)
        Mm = np.zeros((n, n), dtype=f32)
        for c in range(C): Mm = (Mm + (U[c] * V[c]).astype(f32)).astype(f32)
        Y = (AT32 @ Mm).astype(f32) @ AT32.T
        ref = np.zeros((m, m))
        for c in range(C):
            for i in range(m):
                for j in range(m):
                    ref[i, j] += (g[c].astype(float) * d[c, i:i+r, j:j+r].astype(float)).sum()
        e = np.abs(Y.astype(float) - ref).max()
        worst_abs = max(worst_abs, e); worst_rel = max(worst_rel, e / np.abs(ref).max())
    return worst_abs, worst_rel

H = Fr(1, 2)
cands = {
    'F4 (0,1,-1,2,-2)': (4, [Fr(0), Fr(1), Fr(-1), Fr(2), Fr(-2)]),
    'F5 (0,1,-1,2,-2,1/2)': (5, [Fr(0), Fr(1), Fr(-1), Fr(2), Fr(-2), H]),
    'F5 (0,1,-1,1/2,-1/2,2)': (5, [Fr(0), Fr(1), Fr(-1), H, -H, Fr(2)]),
    'F5 (0,1,-1,2,-2,-1/2)': (5, [Fr(0), Fr(1), Fr(-1), Fr(2), Fr(-2), -H]),
    'F3 (0,1,-1,2)': (3, [Fr(0), Fr(1), Fr(-1), Fr(2)]),
    'F3 (0,1,-1,1/2)': (3, [Fr(0), Fr(1), Fr(-1), H]),
    'F3 (0,1,-1,-2)': (3, [Fr(0), Fr(1), Fr(-1), Fr(-2)]),
}
FOUR_BY_FIVE = (4, [Fr(0), Fr(1), Fr(-1), Fr(2), Fr(-2), H, -H])

def lit(c):
    v = float(c)
    s = repr(v)
    if c.denominator != 1 and float(Fr(v)) != c:  # not exactly representable: write the fraction
        return f'<f32>({c.numerator}.0 / {c.denominator}.0)'
    return f'<f32>{s}'

def expr(row, names):
    terms = [(c, nm) for c, nm in zip(row, names) if c != 0]
    # start with a +-1 term if any (no multiply), else the first term multiplied
    terms.sort(key=lambda t: 0 if abs(t[0]) == 1 else 1)
    c0, n0 = terms[0]
    rest = terms[1:]
    if c0 == 1: e = n0
    elif c0 == -1 and rest and rest[0][0] == 1:
        # -a + b as b - a: the same value, without V8's three-instruction negation
        e = f'f32x4.sub({rest[0][1]}, {n0})'
        rest = rest[1:]
    elif c0 == -1: e = f'f32x4.neg({n0})'
    else: e = f'f32x4.mul(f32x4.splat({lit(c0)}), {n0})'
    for c, nm in rest:
        if c == 1: e = f'f32x4.add({e}, {nm})'
        elif c == -1: e = f'f32x4.sub({e}, {nm})'
        else: e = f'fma(f32x4.splat({lit(c)}), {nm}, {e})'
    return e

def gen(tag, m, pts, taps=3):
    AT, G, BT = mats(m, pts, taps)
    n = m + taps - 1
    r = taps
    out = []
    d = [f'd{i}' for i in range(n)]
    loads = '\n'.join(f'  const d{i} = v128.load(p + {i} * ps);' if i else '  const d0 = v128.load(p);' for i in range(n))
    # input transform
    out.append(f'/** o = B^T d for F({m}x{m}, {taps}x{taps}): {n} vectors at p (stride ps) to q (stride qs). */')
    out.append('// @ts-ignore: decorator')
    out.append(f'@inline export function bt{n}(p: usize, ps: usize, q: usize, qs: usize): void {{')
    out.append(loads)
    for r in range(n):
        out.append(f'  v128.store(q + {r} * qs, {expr(BT[r], d)});')
    out.append('}\n')
    # filter transform on 4 lanes: 3 -> n
    g = [f'g{i}' for i in range(taps)]
    out.append(f'/** o = G g for F({m}x{m}, {taps}x{taps}): {taps} vectors to {n} at dst (stride bytes apart). */')
    out.append('// @ts-ignore: decorator')
    out.append(f'@inline export function g{n}(' + ', '.join(f'{x}: v128' for x in g) + ', dst: usize, stride: usize): void {')
    for r in range(n):
        out.append(f'  v128.store(dst + {r} * stride, {expr(G[r], g)});')
    out.append('}\n')
    # output transform: n -> m, plain
    out.append(f'/** o = A^T m for F({m}x{m}, {taps}x{taps}): {n} vectors at p (stride ps) to {m} at q (stride qs). */')
    out.append('// @ts-ignore: decorator')
    out.append(f'@inline export function at{n}(p: usize, ps: usize, q: usize, qs: usize): void {{')
    out.append(loads)
    for r in range(m):
        out.append(f'  v128.store(q + {r} * qs, {expr(AT[r], d)});')
    out.append('}\n')
    out.append(f'/** at{n} plus the bias bv, then relu when `relu`. */')
    out.append('// @ts-ignore: decorator')
    out.append(f'@inline export function at{n}Out(p: usize, ps: usize, q: usize, qs: usize, bv: v128, relu: bool): void {{')
    out.append(loads)
    for r in range(m):
        out.append(f'  const o{r} = f32x4.add({expr(AT[r], d)}, bv);')
        out.append(f'  v128.store(q + {r} * qs, relu ? relu4(o{r}) : o{r});')
    out.append('}\n')
    return '\n'.join(out)


if __name__ == '__main__':
    if '--generate' in sys.argv:
        print('// ---- generated: do not edit by hand ----\n')
        print(gen('F5', *cands['F5 (0,1,-1,2,-2,-1/2)']))
        print(gen('F3', *cands['F3 (0,1,-1,-2)']))
        print(gen('F4r5', *FOUR_BY_FIVE, 5))
        sys.exit(0)
    for name, (m, pts) in cands.items():
        AT, G, BT = mats(m, pts)
        print(name, 'exact-check', f'{check(m, AT, G, BT):.1e}', 'f32 err C=32', ['%.2e' % v for v in err2d(m, AT, G, BT, 32)], 'C=64', ['%.2e' % v for v in err2d(m, AT, G, BT, 64, 20)])
    for name, (m, pts) in {'F2x2,5x5 (0,1,-1,2,-2)': (2, [Fr(0), Fr(1), Fr(-1), Fr(2), Fr(-2)]), 'F4x4,5x5 (0,1,-1,2,-2,1/2,-1/2)': FOUR_BY_FIVE}.items():
        AT, G, BT = mats(m, pts, 5)
        print(name, 'exact-check', f'{check(m, AT, G, BT, 5):.1e}', 'f32 err C=20', ['%.2e' % v for v in err2d(m, AT, G, BT, 20, 30, r=5)])
