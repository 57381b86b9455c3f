// Entry point of the Fovea WebAssembly kernels. Every export takes byte pointers into the
// imported shared memory; nothing here allocates (the JS side owns the heap layout).
export { sgemm, sgemmU, packA, packB, gemmWorkspaceBytes } from './gemm';
export { mk4x8, mk5x8, mk6x8 } from './microkernels';

/** Does nothing: used to measure thread dispatch latency. */
export function nop(): void {}
export {
  col2im, wino4BackpropFilter, wino4BackpropFilterPart, wino4FilterGradFinish4, wino4FilterGradWorkspaceBytes,
  wino4FilterGradPartBytes, wino4Filter, wino4FilterBytes, wino4Forward, wino4WorkspaceBytes, padNHWC, flipFilter,
  im2col, convImplicit, conv1Direct, convBackpropFilter, convFilterWorkspaceBytes, winoFilter, winoFilterBytes,
  winoForward, winoWorkspaceBytes, swapFilterIO, wino4BackpropInput, wino4InputGradWorkspaceBytes,
} from './conv';
export { conv1BackpropFilterPart, conv1FilterGradSum, conv1Forward3x3 } from './conv1';
export { binaryF32, unaryF32, unaryGradF32, sumRowsF64, sumPartsF64, biasActGradPart } from './elementwise';
export { pool2d, pool2dGrad, poolReluBiasGradPart } from './pool';
export { sgdUpdate, rmspropUpdate, adamUpdate, torchSgdUpdate, torchRmspropUpdate, torchAdamUpdate } from './optimizer';
