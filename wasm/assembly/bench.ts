// The micro-benchmarks' kernel module (bench/wasm-*.ts): the library's exports plus earlier
// algorithms and building blocks they are compared with. Built to wasm/build/fovea-bench.wasm,
// never shipped or loaded by the library.
export * from './index';
export { sgemm, packA } from './gemm';
export { mk4x8, mk5x8, mk6x8 } from './microkernels';
export { wino4BackpropFilter } from './winograd4-filter-grad';
export { winoFilter, winoFilterBytes, winoForward, winoWorkspaceBytes } from './winograd2';

/** Does nothing: measures thread dispatch latency. */
export function nop(): void {}
