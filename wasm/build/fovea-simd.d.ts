declare namespace __AdaptedExports {
  /** Exported memory */
  export const memory: WebAssembly.Memory;
  /**
   * wasm/assembly/gemm/sgemmU
   * @param mr `i32`
   * @param M `i32`
   * @param N `i32`
   * @param K `i32`
   * @param a `usize`
   * @param lda `i32`
   * @param ta `i32`
   * @param b `usize`
   * @param ldb `i32`
   * @param tb `i32`
   * @param c `usize`
   * @param ldc `i32`
   * @param flags `i32`
   * @param bias `usize`
   * @param ws `usize`
   */
  export function sgemmU(mr: number, M: number, N: number, K: number, a: number, lda: number, ta: number, b: number, ldb: number, tb: number, c: number, ldc: number, flags: number, bias: number, ws: number): void;
  /**
   * wasm/assembly/gemm/sgemmUPacked
   * @param mr `i32`
   * @param M `i32`
   * @param N `i32`
   * @param K `i32`
   * @param a `usize`
   * @param lda `i32`
   * @param ta `i32`
   * @param bp `usize`
   * @param c `usize`
   * @param ldc `i32`
   * @param flags `i32`
   * @param bias `usize`
   * @param ws `usize`
   */
  export function sgemmUPacked(mr: number, M: number, N: number, K: number, a: number, lda: number, ta: number, bp: number, c: number, ldc: number, flags: number, bias: number, ws: number): void;
  /**
   * wasm/assembly/gemm/packB
   * @param cols `i32`
   * @param kc `i32`
   * @param b `usize`
   * @param ldb `i32`
   * @param tb `i32`
   * @param dst `usize`
   */
  export function packB(cols: number, kc: number, b: number, ldb: number, tb: number, dst: number): void;
  /**
   * wasm/assembly/gemm/packBAll
   * @param N `i32`
   * @param K `i32`
   * @param b `usize`
   * @param ldb `i32`
   * @param tb `i32`
   * @param dst `usize`
   */
  export function packBAll(N: number, K: number, b: number, ldb: number, tb: number, dst: number): void;
  /**
   * wasm/assembly/gemm/gemmWorkspaceBytes
   * @returns `i32`
   */
  export function gemmWorkspaceBytes(): number;
  /**
   * wasm/assembly/conv-im2col/im2col
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param dy `i32`
   * @param dx `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param p0 `i32`
   * @param count `i32`
   * @param cols `usize`
   */
  export function im2col(x: number, H: number, W: number, C: number, KH: number, KW: number, sy: number, sx: number, dy: number, dx: number, padT: number, padL: number, OH: number, OW: number, p0: number, count: number, cols: number): void;
  /**
   * wasm/assembly/conv-im2col/col2im
   * @param cols `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param dy `i32`
   * @param dx `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param out `usize`
   */
  export function col2im(cols: number, H: number, W: number, C: number, KH: number, KW: number, sy: number, sx: number, dy: number, dx: number, padT: number, padL: number, OH: number, OW: number, n0: number, n1: number, out: number): void;
  /**
   * wasm/assembly/conv-implicit/convImplicit
   * @param mr `i32`
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param p0 `i32`
   * @param count `i32`
   * @param bp `usize`
   * @param K `i32`
   * @param bias `usize`
   * @param y `usize`
   * @param flags `i32`
   * @param ws `usize`
   */
  export function convImplicit(mr: number, x: number, H: number, W: number, C: number, KH: number, KW: number, sy: number, sx: number, OH: number, OW: number, p0: number, count: number, bp: number, K: number, bias: number, y: number, flags: number, ws: number): void;
  /**
   * wasm/assembly/conv-implicit/convBackpropFilter
   * @param mr `i32`
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param N `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param dy `usize`
   * @param K `i32`
   * @param i0 `i32`
   * @param rows `i32`
   * @param dw `usize`
   * @param flags `i32`
   * @param ws `usize`
   */
  export function convBackpropFilter(mr: number, x: number, H: number, W: number, C: number, KH: number, KW: number, sy: number, sx: number, N: number, OH: number, OW: number, dy: number, K: number, i0: number, rows: number, dw: number, flags: number, ws: number): void;
  /**
   * wasm/assembly/conv-implicit/convFilterWorkspaceBytes
   * @param P `i32`
   * @param K `i32`
   * @returns `i32`
   */
  export function convFilterWorkspaceBytes(P: number, K: number): number;
  /**
   * wasm/assembly/conv-layout/flipFilter
   * @param w `usize`
   * @param KH `i32`
   * @param KW `i32`
   * @param C `i32`
   * @param K `i32`
   * @param out `usize`
   */
  export function flipFilter(w: number, KH: number, KW: number, C: number, K: number, out: number): void;
  /**
   * wasm/assembly/conv-layout/padNHWC
   * @param x `usize`
   * @param N `i32`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param pt `i32`
   * @param pb `i32`
   * @param pl `i32`
   * @param pr `i32`
   * @param y `usize`
   */
  export function padNHWC(x: number, N: number, H: number, W: number, C: number, pt: number, pb: number, pl: number, pr: number, y: number): void;
  /**
   * wasm/assembly/conv-layout/swapFilterIO
   * @param w `usize`
   * @param KH `i32`
   * @param KW `i32`
   * @param C `i32`
   * @param K `i32`
   * @param out `usize`
   */
  export function swapFilterIO(w: number, KH: number, KW: number, C: number, K: number, out: number): void;
  /**
   * wasm/assembly/winograd4/wino4Filter
   * @param g `usize`
   * @param C `i32`
   * @param K `i32`
   * @param U `usize`
   * @param tmp `usize`
   * @param c0 `i32`
   * @param c1 `i32`
   */
  export function wino4Filter(g: number, C: number, K: number, U: number, tmp: number, c0: number, c1: number): void;
  /**
   * wasm/assembly/winograd4/wino4FilterBytes
   * @param C `i32`
   * @param K `i32`
   * @returns `i32`
   */
  export function wino4FilterBytes(C: number, K: number): number;
  /**
   * wasm/assembly/winograd4/wino4FilterTmpBytes
   * @returns `i32`
   */
  export function wino4FilterTmpBytes(): number;
  /**
   * wasm/assembly/winograd4/wino4Forward
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param U `usize`
   * @param K `i32`
   * @param bias `usize`
   * @param y `usize`
   * @param flags `i32`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param chunk `i32`
   * @param ws `usize`
   * @param pooled `usize`
   * @param poolMode `i32`
   * @param res `usize`
   */
  export function wino4Forward(x: number, H: number, W: number, C: number, padT: number, padL: number, OH: number, OW: number, U: number, K: number, bias: number, y: number, flags: number, n0: number, n1: number, chunk: number, ws: number, pooled: number, poolMode: number, res: number): void;
  /**
   * wasm/assembly/winograd4/wino4WorkspaceBytes
   * @param C `i32`
   * @param K `i32`
   * @param chunk `i32`
   * @returns `i32`
   */
  export function wino4WorkspaceBytes(C: number, K: number, chunk: number): number;
  /**
   * wasm/assembly/winograd-mr/winoMRFilter
   * @param g `usize`
   * @param C `i32`
   * @param K `i32`
   * @param m `i32`
   * @param r `i32`
   * @param U `usize`
   * @param tmp `usize`
   * @param c0 `i32`
   * @param c1 `i32`
   */
  export function winoMRFilter(g: number, C: number, K: number, m: number, r: number, U: number, tmp: number, c0: number, c1: number): void;
  /**
   * wasm/assembly/winograd-mr/winoMRFilterBytes
   * @param C `i32`
   * @param K `i32`
   * @param m `i32`
   * @param r `i32`
   * @returns `i32`
   */
  export function winoMRFilterBytes(C: number, K: number, m: number, r: number): number;
  /**
   * wasm/assembly/winograd-mr/winoMRForward
   * @param m `i32`
   * @param r `i32`
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param U `usize`
   * @param K `i32`
   * @param bias `usize`
   * @param y `usize`
   * @param flags `i32`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param chunk `i32`
   * @param ws `usize`
   * @param pooled `usize`
   * @param poolMode `i32`
   */
  export function winoMRForward(m: number, r: number, x: number, H: number, W: number, C: number, padT: number, padL: number, OH: number, OW: number, U: number, K: number, bias: number, y: number, flags: number, n0: number, n1: number, chunk: number, ws: number, pooled: number, poolMode: number): void;
  /**
   * wasm/assembly/winograd-mr/winoMRWorkspaceBytes
   * @param C `i32`
   * @param K `i32`
   * @param m `i32`
   * @param r `i32`
   * @param chunk `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @returns `i32`
   */
  export function winoMRWorkspaceBytes(C: number, K: number, m: number, r: number, chunk: number, OH: number, OW: number): number;
  /**
   * wasm/assembly/winograd4-filter-grad/wino4BackpropFilterPart
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param dy `usize`
   * @param OH `i32`
   * @param OW `i32`
   * @param K `i32`
   * @param N `i32`
   * @param perPart `i32`
   * @param part `i32`
   * @param chunk `i32`
   * @param dUs `usize`
   * @param partStride `usize`
   * @param ws `usize`
   */
  export function wino4BackpropFilterPart(x: number, H: number, W: number, C: number, padT: number, padL: number, dy: number, OH: number, OW: number, K: number, N: number, perPart: number, part: number, chunk: number, dUs: number, partStride: number, ws: number): void;
  /**
   * wasm/assembly/winograd4-filter-grad/wino4FilterGradFinish4
   * @param dUs `usize`
   * @param parts `i32`
   * @param partStride `usize`
   * @param C `i32`
   * @param K `i32`
   * @param dw `usize`
   * @param flags `i32`
   * @param tmp `usize`
   * @param c0 `i32`
   * @param c1 `i32`
   */
  export function wino4FilterGradFinish4(dUs: number, parts: number, partStride: number, C: number, K: number, dw: number, flags: number, tmp: number, c0: number, c1: number): void;
  /**
   * wasm/assembly/winograd4-filter-grad/wino4FilterGradWorkspaceBytes
   * @param C `i32`
   * @param K `i32`
   * @param chunk `i32`
   * @returns `i32`
   */
  export function wino4FilterGradWorkspaceBytes(C: number, K: number, chunk: number): number;
  /**
   * wasm/assembly/winograd4-filter-grad/wino4FilterGradPartBytes
   * @param C `i32`
   * @param K `i32`
   * @returns `i32`
   */
  export function wino4FilterGradPartBytes(C: number, K: number): number;
  /**
   * wasm/assembly/winograd4-input-grad/wino4BackpropInput
   * @param dy `usize`
   * @param OH `i32`
   * @param OW `i32`
   * @param K `i32`
   * @param Ut `usize`
   * @param C `i32`
   * @param dx `usize`
   * @param H `i32`
   * @param W `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param chunk `i32`
   * @param ws `usize`
   */
  export function wino4BackpropInput(dy: number, OH: number, OW: number, K: number, Ut: number, C: number, dx: number, H: number, W: number, padT: number, padL: number, n0: number, n1: number, chunk: number, ws: number): void;
  /**
   * wasm/assembly/winograd4-input-grad/wino4InputGradWorkspaceBytes
   * @param C `i32`
   * @param K `i32`
   * @param chunk `i32`
   * @returns `i32`
   */
  export function wino4InputGradWorkspaceBytes(C: number, K: number, chunk: number): number;
  /**
   * wasm/assembly/winograd25/wino25Filter
   * @param g `usize`
   * @param C `i32`
   * @param K `i32`
   * @param U `usize`
   * @param tmp `usize`
   * @param c0 `i32`
   * @param c1 `i32`
   */
  export function wino25Filter(g: number, C: number, K: number, U: number, tmp: number, c0: number, c1: number): void;
  /**
   * wasm/assembly/winograd25/wino25Forward
   * @param mr `i32`
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param U `usize`
   * @param K `i32`
   * @param bias `usize`
   * @param y `usize`
   * @param flags `i32`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param chunk `i32`
   * @param ws `usize`
   * @param pooled `usize`
   * @param poolMode `i32`
   */
  export function wino25Forward(mr: number, x: number, H: number, W: number, C: number, U: number, K: number, bias: number, y: number, flags: number, n0: number, n1: number, chunk: number, ws: number, pooled: number, poolMode: number): void;
  /**
   * wasm/assembly/winograd25/wino25WorkspaceBytes
   * @param C `i32`
   * @param K `i32`
   * @param chunk `i32`
   * @returns `i32`
   */
  export function wino25WorkspaceBytes(C: number, K: number, chunk: number): number;
  /**
   * wasm/assembly/winograd42/wino42Filter
   * @param g `usize`
   * @param C `i32`
   * @param K `i32`
   * @param U `usize`
   * @param transposed `i32`
   * @param tmp `usize`
   * @param c0 `i32`
   * @param c1 `i32`
   */
  export function wino42Filter(g: number, C: number, K: number, U: number, transposed: number, tmp: number, c0: number, c1: number): void;
  /**
   * wasm/assembly/winograd42/wino42FilterBytes
   * @param C `i32`
   * @param K `i32`
   * @returns `i32`
   */
  export function wino42FilterBytes(C: number, K: number): number;
  /**
   * wasm/assembly/winograd42/wino42Forward
   * @param mr `i32`
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param U `usize`
   * @param K `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param bias `usize`
   * @param y `usize`
   * @param flags `i32`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param chunk `i32`
   * @param ws `usize`
   */
  export function wino42Forward(mr: number, x: number, H: number, W: number, C: number, padT: number, padL: number, U: number, K: number, OH: number, OW: number, bias: number, y: number, flags: number, n0: number, n1: number, chunk: number, ws: number): void;
  /**
   * wasm/assembly/winograd42/wino42WorkspaceBytes
   * @param C `i32`
   * @param K `i32`
   * @param chunk `i32`
   * @returns `i32`
   */
  export function wino42WorkspaceBytes(C: number, K: number, chunk: number): number;
  /**
   * wasm/assembly/winograd42-input-grad/wino42BackpropInput
   * @param mr `i32`
   * @param dy `usize`
   * @param OH `i32`
   * @param OW `i32`
   * @param K `i32`
   * @param Ut `usize`
   * @param C `i32`
   * @param dx `usize`
   * @param H `i32`
   * @param W `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param chunk `i32`
   * @param ws `usize`
   * @param acc `usize`
   */
  export function wino42BackpropInput(mr: number, dy: number, OH: number, OW: number, K: number, Ut: number, C: number, dx: number, H: number, W: number, padT: number, padL: number, n0: number, n1: number, chunk: number, ws: number, acc: number): void;
  /**
   * wasm/assembly/winograd42-input-grad/wino42InputGradWorkspaceBytes
   * @param C `i32`
   * @param K `i32`
   * @param chunk `i32`
   * @returns `i32`
   */
  export function wino42InputGradWorkspaceBytes(C: number, K: number, chunk: number): number;
  /**
   * wasm/assembly/winograd42-filter-grad/wino42BackpropFilterPart
   * @param mr `i32`
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param dy `usize`
   * @param OH `i32`
   * @param OW `i32`
   * @param K `i32`
   * @param N `i32`
   * @param perPart `i32`
   * @param part `i32`
   * @param chunk `i32`
   * @param dUs `usize`
   * @param partStride `usize`
   * @param ws `usize`
   */
  export function wino42BackpropFilterPart(mr: number, x: number, H: number, W: number, C: number, padT: number, padL: number, dy: number, OH: number, OW: number, K: number, N: number, perPart: number, part: number, chunk: number, dUs: number, partStride: number, ws: number): void;
  /**
   * wasm/assembly/winograd42-filter-grad/wino42FilterGradFinish
   * @param dUs `usize`
   * @param parts `i32`
   * @param partStride `usize`
   * @param C `i32`
   * @param K `i32`
   * @param dw `usize`
   * @param tmp `usize`
   * @param c0 `i32`
   * @param c1 `i32`
   */
  export function wino42FilterGradFinish(dUs: number, parts: number, partStride: number, C: number, K: number, dw: number, tmp: number, c0: number, c1: number): void;
  /**
   * wasm/assembly/winograd42-filter-grad/wino42FilterGradFinishBytes
   * @param K `i32`
   * @returns `i32`
   */
  export function wino42FilterGradFinishBytes(K: number): number;
  /**
   * wasm/assembly/winograd42-filter-grad/wino42FilterGradPartBytes
   * @param C `i32`
   * @param K `i32`
   * @returns `i32`
   */
  export function wino42FilterGradPartBytes(C: number, K: number): number;
  /**
   * wasm/assembly/winograd42-filter-grad/wino42FilterGradWorkspaceBytes
   * @param C `i32`
   * @param K `i32`
   * @param chunk `i32`
   * @returns `i32`
   */
  export function wino42FilterGradWorkspaceBytes(C: number, K: number, chunk: number): number;
  /**
   * wasm/assembly/winograd25-input-grad/wino25BackpropInput
   * @param mr `i32`
   * @param dy `usize`
   * @param OH `i32`
   * @param OW `i32`
   * @param K `i32`
   * @param Ut `usize`
   * @param C `i32`
   * @param dx `usize`
   * @param H `i32`
   * @param W `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param chunk `i32`
   * @param ws `usize`
   */
  export function wino25BackpropInput(mr: number, dy: number, OH: number, OW: number, K: number, Ut: number, C: number, dx: number, H: number, W: number, padT: number, padL: number, n0: number, n1: number, chunk: number, ws: number): void;
  /**
   * wasm/assembly/winograd25-input-grad/wino25InputGradWorkspaceBytes
   * @param C `i32`
   * @param K `i32`
   * @param chunk `i32`
   * @returns `i32`
   */
  export function wino25InputGradWorkspaceBytes(C: number, K: number, chunk: number): number;
  /**
   * wasm/assembly/winograd25-filter-grad/wino25BackpropFilterPart
   * @param mr `i32`
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param dy `usize`
   * @param K `i32`
   * @param N `i32`
   * @param perPart `i32`
   * @param part `i32`
   * @param chunk `i32`
   * @param dUs `usize`
   * @param partStride `usize`
   * @param ws `usize`
   */
  export function wino25BackpropFilterPart(mr: number, x: number, H: number, W: number, C: number, dy: number, K: number, N: number, perPart: number, part: number, chunk: number, dUs: number, partStride: number, ws: number): void;
  /**
   * wasm/assembly/winograd25-filter-grad/wino25FilterGradFinish4
   * @param dUs `usize`
   * @param parts `i32`
   * @param partStride `usize`
   * @param C `i32`
   * @param K `i32`
   * @param dw `usize`
   * @param flags `i32`
   * @param tmp `usize`
   * @param c0 `i32`
   * @param c1 `i32`
   */
  export function wino25FilterGradFinish4(dUs: number, parts: number, partStride: number, C: number, K: number, dw: number, flags: number, tmp: number, c0: number, c1: number): void;
  /**
   * wasm/assembly/winograd25-filter-grad/wino25FilterGradWorkspaceBytes
   * @param C `i32`
   * @param K `i32`
   * @param chunk `i32`
   * @returns `i32`
   */
  export function wino25FilterGradWorkspaceBytes(C: number, K: number, chunk: number): number;
  /**
   * wasm/assembly/conv1-direct/conv1Direct
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param w `usize`
   * @param K `i32`
   * @param bias `usize`
   * @param y `usize`
   * @param flags `i32`
   * @param r0 `i32`
   * @param rows `i32`
   * @param pooled `usize`
   * @param poolMode `i32`
   * @param ws `usize`
   */
  export function conv1Direct(x: number, H: number, W: number, KH: number, KW: number, w: number, K: number, bias: number, y: number, flags: number, r0: number, rows: number, pooled: number, poolMode: number, ws: number): void;
  /**
   * wasm/assembly/conv1/conv1BackpropFilterPart
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param dy `usize`
   * @param OH `i32`
   * @param OW `i32`
   * @param K `i32`
   * @param rows `i32`
   * @param perPart `i32`
   * @param part `i32`
   * @param dws `usize`
   * @param partStride `i32`
   */
  export function conv1BackpropFilterPart(x: number, H: number, W: number, KH: number, KW: number, sy: number, sx: number, dy: number, OH: number, OW: number, K: number, rows: number, perPart: number, part: number, dws: number, partStride: number): void;
  /**
   * wasm/assembly/conv1/conv1FilterGradSum
   * @param dws `usize`
   * @param parts `i32`
   * @param partStride `i32`
   * @param n `i32`
   * @param dw `usize`
   */
  export function conv1FilterGradSum(dws: number, parts: number, partStride: number, n: number, dw: number): void;
  /**
   * wasm/assembly/conv1/conv1Forward3x3
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param w `usize`
   * @param K `i32`
   * @param bias `usize`
   * @param y `usize`
   * @param relu `i32`
   * @param r0 `i32`
   * @param rows `i32`
   * @param pooled `usize`
   * @param poolMode `i32`
   * @param ws `usize`
   */
  export function conv1Forward3x3(x: number, H: number, W: number, sy: number, sx: number, w: number, K: number, bias: number, y: number, relu: number, r0: number, rows: number, pooled: number, poolMode: number, ws: number): void;
  /**
   * wasm/assembly/conv1/conv1ForwardStrips
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param w `usize`
   * @param K `i32`
   * @param bias `usize`
   * @param y `usize`
   * @param relu `i32`
   * @param r0 `i32`
   * @param rows `i32`
   * @param pooled `usize`
   * @param poolMode `i32`
   * @param ws `usize`
   */
  export function conv1ForwardStrips(x: number, H: number, W: number, C: number, KH: number, KW: number, sy: number, sx: number, w: number, K: number, bias: number, y: number, relu: number, r0: number, rows: number, pooled: number, poolMode: number, ws: number): void;
  /**
   * wasm/assembly/conv1-winograd/conv1Wino2x2
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param w `usize`
   * @param K `i32`
   * @param bias `usize`
   * @param y `usize`
   * @param relu `i32`
   * @param r0 `i32`
   * @param rows `i32`
   * @param pooled `usize`
   * @param poolMode `i32`
   * @param ws `usize`
   */
  export function conv1Wino2x2(x: number, H: number, W: number, w: number, K: number, bias: number, y: number, relu: number, r0: number, rows: number, pooled: number, poolMode: number, ws: number): void;
  /**
   * wasm/assembly/conv1-winograd/conv1Wino2x2WorkspaceBytes
   * @param W `i32`
   * @param K `i32`
   * @returns `i32`
   */
  export function conv1Wino2x2WorkspaceBytes(W: number, K: number): number;
  /**
   * wasm/assembly/elementwise/binaryF32
   * @param op `i32`
   * @param a `usize`
   * @param b `usize`
   * @param out `usize`
   * @param i0 `i32`
   * @param count `i32`
   * @param mode `i32`
   * @param m `i32`
   */
  export function binaryF32(op: number, a: number, b: number, out: number, i0: number, count: number, mode: number, m: number): void;
  /**
   * wasm/assembly/elementwise/unaryF32
   * @param op `i32`
   * @param x `usize`
   * @param out `usize`
   * @param i0 `i32`
   * @param count `i32`
   * @param alpha `f32`
   */
  export function unaryF32(op: number, x: number, out: number, i0: number, count: number, alpha: number): void;
  /**
   * wasm/assembly/elementwise/unaryGradF32
   * @param op `i32`
   * @param x `usize`
   * @param dy `usize`
   * @param out `usize`
   * @param i0 `i32`
   * @param count `i32`
   * @param alpha `f32`
   */
  export function unaryGradF32(op: number, x: number, dy: number, out: number, i0: number, count: number, alpha: number): void;
  /**
   * wasm/assembly/elementwise/sumRowsF64
   * @param x `usize`
   * @param cols `i32`
   * @param rows `i32`
   * @param r0 `i32`
   * @param nrows `i32`
   * @param part `usize`
   */
  export function sumRowsF64(x: number, cols: number, rows: number, r0: number, nrows: number, part: number): void;
  /**
   * wasm/assembly/elementwise/sumPartsF64
   * @param parts `usize`
   * @param nparts `i32`
   * @param cols `i32`
   * @param out `usize`
   */
  export function sumPartsF64(parts: number, nparts: number, cols: number, out: number): void;
  /**
   * wasm/assembly/elementwise/biasActGradPart
   * @param act `i32`
   * @param dy `usize`
   * @param y `usize`
   * @param dz `usize`
   * @param cols `i32`
   * @param rows `i32`
   * @param r0 `i32`
   * @param nrows `i32`
   * @param part `usize`
   */
  export function biasActGradPart(act: number, dy: number, y: number, dz: number, cols: number, rows: number, r0: number, nrows: number, part: number): void;
  /**
   * wasm/assembly/pool/pool2d
   * @param mode `i32`
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param ph `i32`
   * @param pw `i32`
   * @param sh `i32`
   * @param sw `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param y `usize`
   * @param n0 `i32`
   * @param n1 `i32`
   */
  export function pool2d(mode: number, x: number, H: number, W: number, C: number, ph: number, pw: number, sh: number, sw: number, padT: number, padL: number, OH: number, OW: number, y: number, n0: number, n1: number): void;
  /**
   * wasm/assembly/pool/pool2dGrad
   * @param mode `i32`
   * @param x `usize`
   * @param dy `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param ph `i32`
   * @param pw `i32`
   * @param sh `i32`
   * @param sw `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param dx `usize`
   * @param n0 `i32`
   * @param n1 `i32`
   */
  export function pool2dGrad(mode: number, x: number, dy: number, H: number, W: number, C: number, ph: number, pw: number, sh: number, sw: number, padT: number, padL: number, OH: number, OW: number, dx: number, n0: number, n1: number): void;
  /**
   * wasm/assembly/pool/poolReluBiasGradPart
   * @param mode `i32`
   * @param y `usize`
   * @param dy `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param ph `i32`
   * @param pw `i32`
   * @param sh `i32`
   * @param sw `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param dz `usize`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param parts `usize`
   */
  export function poolReluBiasGradPart(mode: number, y: number, dy: number, H: number, W: number, C: number, ph: number, pw: number, sh: number, sw: number, padT: number, padL: number, OH: number, OW: number, dz: number, n0: number, n1: number, parts: number): void;
  /**
   * wasm/assembly/optimizer/sgdUpdate
   * @param w `usize`
   * @param g `usize`
   * @param m `usize`
   * @param outW `usize`
   * @param outM `usize`
   * @param start `i32`
   * @param n `i32`
   * @param lr `f32`
   * @param momentum `f32`
   * @param nesterov `i32`
   */
  export function sgdUpdate(w: number, g: number, m: number, outW: number, outM: number, start: number, n: number, lr: number, momentum: number, nesterov: number): void;
  /**
   * wasm/assembly/optimizer/rmspropUpdate
   * @param w `usize`
   * @param g `usize`
   * @param v `usize`
   * @param a `usize`
   * @param m `usize`
   * @param outW `usize`
   * @param outV `usize`
   * @param outA `usize`
   * @param outM `usize`
   * @param start `i32`
   * @param n `i32`
   * @param lr `f32`
   * @param rho `f32`
   * @param rho1 `f32`
   * @param eps `f32`
   * @param momentum `f32`
   */
  export function rmspropUpdate(w: number, g: number, v: number, a: number, m: number, outW: number, outV: number, outA: number, outM: number, start: number, n: number, lr: number, rho: number, rho1: number, eps: number, momentum: number): void;
  /**
   * wasm/assembly/optimizer/adamUpdate
   * @param w `usize`
   * @param g `usize`
   * @param m `usize`
   * @param v `usize`
   * @param vh `usize`
   * @param outW `usize`
   * @param outM `usize`
   * @param outV `usize`
   * @param outVh `usize`
   * @param start `i32`
   * @param n `i32`
   * @param lrT `f32`
   * @param beta1c `f32`
   * @param beta2c `f32`
   * @param eps `f32`
   */
  export function adamUpdate(w: number, g: number, m: number, v: number, vh: number, outW: number, outM: number, outV: number, outVh: number, start: number, n: number, lrT: number, beta1c: number, beta2c: number, eps: number): void;
  /**
   * wasm/assembly/optimizer/torchSgdUpdate
   * @param w `usize`
   * @param g `usize`
   * @param b `usize`
   * @param outW `usize`
   * @param outB `usize`
   * @param start `i32`
   * @param n `i32`
   * @param lr `f32`
   * @param momentum `f32`
   * @param damp1 `f32`
   * @param wd `f32`
   * @param decay `i32`
   * @param nesterov `i32`
   * @param first `i32`
   */
  export function torchSgdUpdate(w: number, g: number, b: number, outW: number, outB: number, start: number, n: number, lr: number, momentum: number, damp1: number, wd: number, decay: number, nesterov: number, first: number): void;
  /**
   * wasm/assembly/optimizer/torchRmspropUpdate
   * @param w `usize`
   * @param g `usize`
   * @param s `usize`
   * @param a `usize`
   * @param b `usize`
   * @param outW `usize`
   * @param outS `usize`
   * @param outA `usize`
   * @param outB `usize`
   * @param start `i32`
   * @param n `i32`
   * @param lr `f32`
   * @param rho `f32`
   * @param rho1 `f32`
   * @param eps `f32`
   * @param momentum `f32`
   * @param wd `f32`
   * @param decay `i32`
   */
  export function torchRmspropUpdate(w: number, g: number, s: number, a: number, b: number, outW: number, outS: number, outA: number, outB: number, start: number, n: number, lr: number, rho: number, rho1: number, eps: number, momentum: number, wd: number, decay: number): void;
  /**
   * wasm/assembly/optimizer/torchAdamUpdate
   * @param w `usize`
   * @param g `usize`
   * @param m `usize`
   * @param v `usize`
   * @param vm `usize`
   * @param outW `usize`
   * @param outM `usize`
   * @param outV `usize`
   * @param outVm `usize`
   * @param start `i32`
   * @param n `i32`
   * @param stepSize `f32`
   * @param b1 `f32`
   * @param b1c `f32`
   * @param b2 `f32`
   * @param b2c `f32`
   * @param bias2Sqrt `f32`
   * @param eps `f32`
   * @param wd `f32`
   * @param decay `i32`
   */
  export function torchAdamUpdate(w: number, g: number, m: number, v: number, vm: number, outW: number, outM: number, outV: number, outVm: number, start: number, n: number, stepSize: number, b1: number, b1c: number, b2: number, b2c: number, bias2Sqrt: number, eps: number, wd: number, decay: number): void;
  /**
   * wasm/assembly/depthwise/depthwiseForward
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param dh `i32`
   * @param dw `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param w `usize`
   * @param bias `usize`
   * @param y `usize`
   * @param flags `i32`
   * @param r0 `i32`
   * @param rows `i32`
   */
  export function depthwiseForward(x: number, H: number, W: number, C: number, KH: number, KW: number, sy: number, sx: number, dh: number, dw: number, padT: number, padL: number, OH: number, OW: number, w: number, bias: number, y: number, flags: number, r0: number, rows: number): void;
  /**
   * wasm/assembly/depthwise/depthwiseBackpropInput
   * @param dy `usize`
   * @param OH `i32`
   * @param OW `i32`
   * @param C `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param dh `i32`
   * @param dw `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param H `i32`
   * @param W `i32`
   * @param w `usize`
   * @param dx `usize`
   * @param r0 `i32`
   * @param rows `i32`
   * @param ws `usize`
   */
  export function depthwiseBackpropInput(dy: number, OH: number, OW: number, C: number, KH: number, KW: number, sy: number, sx: number, dh: number, dw: number, padT: number, padL: number, H: number, W: number, w: number, dx: number, r0: number, rows: number, ws: number): void;
  /**
   * wasm/assembly/depthwise/depthwiseInputGradWorkspaceBytes
   * @param W `i32`
   * @returns `i32`
   */
  export function depthwiseInputGradWorkspaceBytes(W: number): number;
  /**
   * wasm/assembly/depthwise/depthwiseBackpropFilterPart
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param dh `i32`
   * @param dw `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param dy `usize`
   * @param OH `i32`
   * @param OW `i32`
   * @param rows `i32`
   * @param perPart `i32`
   * @param part `i32`
   * @param dws `usize`
   * @param partStride `i32`
   */
  export function depthwiseBackpropFilterPart(x: number, H: number, W: number, C: number, KH: number, KW: number, sy: number, sx: number, dh: number, dw: number, padT: number, padL: number, dy: number, OH: number, OW: number, rows: number, perPart: number, part: number, dws: number, partStride: number): void;
  /**
   * wasm/assembly/depthwise/depthwiseFilterGradSum
   * @param dws `usize`
   * @param parts `i32`
   * @param partStride `i32`
   * @param n `i32`
   * @param dw `usize`
   */
  export function depthwiseFilterGradSum(dws: number, parts: number, partStride: number, n: number, dw: number): void;
  /**
   * wasm/assembly/batch-norm/bnStatsPart
   * @param x `usize`
   * @param rows `i32`
   * @param C `i32`
   * @param shift `usize`
   * @param perPart `i32`
   * @param part `i32`
   * @param out `usize`
   */
  export function bnStatsPart(x: number, rows: number, C: number, shift: number, perPart: number, part: number, out: number): void;
  /**
   * wasm/assembly/batch-norm/bnGradSumsPart
   * @param dy `usize`
   * @param x `usize`
   * @param y `usize`
   * @param mean `usize`
   * @param rows `i32`
   * @param C `i32`
   * @param perPart `i32`
   * @param part `i32`
   * @param out `usize`
   * @param act `i32`
   * @param dres `usize`
   */
  export function bnGradSumsPart(dy: number, x: number, y: number, mean: number, rows: number, C: number, perPart: number, part: number, out: number, act: number, dres: number): void;
  /**
   * wasm/assembly/batch-norm/bnApply
   * @param x `usize`
   * @param dy `usize`
   * @param y `usize`
   * @param mean `usize`
   * @param a `usize`
   * @param b `usize`
   * @param k `usize`
   * @param C `i32`
   * @param out `usize`
   * @param r0 `i32`
   * @param nrows `i32`
   * @param act `i32`
   * @param res `usize`
   */
  export function bnApply(x: number, dy: number, y: number, mean: number, a: number, b: number, k: number, C: number, out: number, r0: number, nrows: number, act: number, res: number): void;
  /**
   * wasm/assembly/depthwise-pointwise/depthwisePointwise
   * @param x `usize`
   * @param H `i32`
   * @param W `i32`
   * @param C `i32`
   * @param KH `i32`
   * @param KW `i32`
   * @param sy `i32`
   * @param sx `i32`
   * @param padT `i32`
   * @param padL `i32`
   * @param OH `i32`
   * @param OW `i32`
   * @param w `usize`
   * @param bias `usize`
   * @param flags `i32`
   * @param mr `i32`
   * @param bp `usize`
   * @param K `i32`
   * @param pbias `usize`
   * @param pflags `i32`
   * @param y `usize`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param ws `usize`
   */
  export function depthwisePointwise(x: number, H: number, W: number, C: number, KH: number, KW: number, sy: number, sx: number, padT: number, padL: number, OH: number, OW: number, w: number, bias: number, flags: number, mr: number, bp: number, K: number, pbias: number, pflags: number, y: number, n0: number, n1: number, ws: number): void;
  /**
   * wasm/assembly/depthwise-pointwise/depthwisePointwiseBlocks
   * @param desc `usize`
   * @param nblocks `i32`
   * @param x `usize`
   * @param xImageB `i32`
   * @param y `usize`
   * @param maxB `i32`
   * @param n0 `i32`
   * @param n1 `i32`
   * @param ws `usize`
   * @param stem `usize`
   */
  export function depthwisePointwiseBlocks(desc: number, nblocks: number, x: number, xImageB: number, y: number, maxB: number, n0: number, n1: number, ws: number, stem: number): void;
  /**
   * wasm/assembly/depthwise-pointwise/depthwisePointwiseWorkspaceBytes
   * @param OH `i32`
   * @param OW `i32`
   * @param C `i32`
   * @param K `i32`
   * @returns `i32`
   */
  export function depthwisePointwiseWorkspaceBytes(OH: number, OW: number, C: number, K: number): number;
}
/** Instantiates the compiled WebAssembly module with the given imports. */
export declare function instantiate(module: WebAssembly.Module, imports: {
}): Promise<typeof __AdaptedExports>;
