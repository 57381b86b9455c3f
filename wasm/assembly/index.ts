// Entry point of the Fovea WebAssembly kernels: exactly the exports the library calls (the
// micro-benchmarks' extras are in bench.ts). Every export takes byte pointers into the imported
// shared memory; nothing here allocates (the JS side owns the heap layout).
export { sgemmU, sgemmUPacked, packB, packBAll, gemmWorkspaceBytes } from './gemm';
export { im2col, col2im } from './conv-im2col';
export { convImplicit, convBackpropFilter, convFilterWorkspaceBytes } from './conv-implicit';
export { convPointwiseStrided, pointwiseStridedWorkspaceBytes } from './conv-pointwise-strided';
export { flipFilter, padNHWC, swapFilterIO } from './conv-layout';
export { wino4Filter, wino4FilterBytes, wino4FilterTmpBytes, wino4Forward, wino4WorkspaceBytes } from './winograd4';
export { winoMRFilter, winoMRFilterBytes, winoMRForward, winoMRWorkspaceBytes } from './winograd-mr';
export {
  wino4BackpropFilterPart, wino4FilterGradFinish4, wino4FilterGradWorkspaceBytes, wino4FilterGradPartBytes,
} from './winograd4-filter-grad';
export { wino4BackpropInput, wino4InputGradWorkspaceBytes } from './winograd4-input-grad';
export { wino25Filter, wino25Forward, wino25WorkspaceBytes } from './winograd25';
export { wino42Filter, wino42FilterBytes, wino42Forward, wino42WorkspaceBytes } from './winograd42';
export { wino42BackpropInput, wino42InputGradWorkspaceBytes } from './winograd42-input-grad';
export { wino42BackpropFilterPart, wino42FilterGradFinish, wino42FilterGradFinishBytes, wino42FilterGradPartBytes, wino42FilterGradWorkspaceBytes } from './winograd42-filter-grad';
export { wino25BackpropInput, wino25InputGradWorkspaceBytes } from './winograd25-input-grad';
export { wino25BackpropFilterPart, wino25FilterGradFinish4, wino25FilterGradWorkspaceBytes } from './winograd25-filter-grad';
export { conv1Direct } from './conv1-direct';
export { conv1BackpropFilterPart, conv1FilterGradSum, conv1Forward3x3, conv1ForwardStrips } from './conv1';
export { conv1Wino2x2, conv1Wino2x2WorkspaceBytes } from './conv1-winograd';
export { binaryF32, unaryF32, unaryGradF32, sumRowsF64, sumPartsF64, biasActGradPart } from './elementwise';
export { pool2d, pool2dGrad, poolReluBiasGradPart } from './pool';
export { sgdUpdate, rmspropUpdate, adamUpdate, torchSgdUpdate, torchRmspropUpdate, torchAdamUpdate } from './optimizer';
export { depthwiseForward, depthwiseBackpropInput, depthwiseInputGradWorkspaceBytes, depthwiseBackpropFilterPart, depthwiseFilterGradSum } from './depthwise';
export { bnStatsPart, bnGradSumsPart, bnApply } from './batch-norm';
export { depthwisePointwise, depthwisePointwiseBlocks, depthwisePointwiseWorkspaceBytes } from './depthwise-pointwise';
