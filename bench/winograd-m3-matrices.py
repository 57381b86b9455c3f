# Cook-Toom matrices for F(m, 3) with finite points a + infinity; exact rationals, B^T solved.
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

def err2d(m, AT, G, BT, C=32, trials=40, seed=1):
    # float32 2-D Winograd tile (every op rounded) vs float64 direct; He-scaled filters.
    n = m + 2
    f32 = np.float32
    AT32, G32, BT32 = [np.array(M, dtype=f32) for M in (AT, G, BT)]
    rng = np.random.default_rng(seed)
    worst_abs = 0; worst_rel = 0
    for _ in range(trials):
        d = rng.standard_normal((C, n, n)).astype(f32)
        g = (rng.standard_normal((C, 3, 3)) * np.sqrt(2 / (9 * C))).astype(f32)
        U = np.einsum('ij,cjk,lk->cil', G32, g, G32).astype(f32)
        V = np.einsum('ij,cjk,lk->cil', BT32, d, BT32).astype(f32)
        Mm = np.zeros((n, n), dtype=f32)
        for c in range(C): Mm = (Mm + (U[c] * V[c]).astype(f32)).astype(f32)
        Y = (AT32 @ Mm).astype(f32) @ AT32.T
        ref = np.zeros((m, m))
        for c in range(C):
            for i in range(m):
                for j in range(m):
                    ref[i, j] += (g[c].astype(float) * d[c, i:i+3, j:j+3].astype(float)).sum()
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
if __name__ == '__main__':
    for name, (m, pts) in cands.items():
        AT, G, BT = mats(m, pts)
        print(name, 'exact-check', f'{check(m, AT, G, BT):.1e}', 'f32 err C=32', ['%.2e' % v for v in err2d(m, AT, G, BT, 32)], 'C=64', ['%.2e' % v for v in err2d(m, AT, G, BT, 64, 20)])
