/**
 * The exchange types of model I/O. A model is saved as `ModelArtifacts` (Keras topology JSON plus
 * one flat byte buffer of weights described by `weightSpecs`), which an `IOHandler` turns into
 * storage: files (model.json + shards), IndexedDB records, downloads. The shapes of these types
 * follow the TensorFlow.js layers format so its artifacts pass through unchanged.
 */

/** Element types a saved weight may decode to. */
export type WeightDType = 'float32' | 'int32';

/** Storage types of quantized float32 weights (TensorFlow.js converter `--quantize_*`). */
export type QuantizedDType = 'uint8' | 'uint16' | 'float16';

/**
 * A quantized weight is stored as `dtype`; uint8/uint16 values v decode to `v * scale + min`,
 * float16 values decode to the nearest float32 (exactly).
 */
export interface Quantization {
  dtype: QuantizedDType;
  scale?: number;
  min?: number;
}

/** 'model' weights are the layers'; 'optimizer' weights are the optimizer's state. */
export type WeightGroup = 'model' | 'optimizer';

export interface WeightSpec {
  /** `<layer>/<weight>` for model weights (`conv2d/kernel`), as TensorFlow.js and Keras name them. */
  name: string;
  shape: number[];
  dtype: WeightDType;
  group?: WeightGroup;
  quantization?: Quantization;
}

/** One entry of model.json's `weightsManifest`: the shard files of a group and the weights they hold. */
export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** Keras's JSON form of anything serializable: `{ class_name, config }`. */
export interface KerasJson {
  class_name: string;
  config: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ModelArtifacts {
  /** The Keras topology (snake_case keys), possibly nested as `{ model_config: ... }` (Python converter). */
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  /** Every weight's bytes, concatenated in `weightSpecs` order (ArrayBuffer[]: TensorFlow.js >= 4.10 may split it). */
  weightData: Uint8Array | ArrayBuffer | ArrayBuffer[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  /** Keras `training_config`: loss, metrics, optimizer_config. Present when the optimizer was saved. */
  trainingConfig?: Record<string, unknown>;
  /** TensorFlow.js's `userDefinedMetadata`: a JSON object kept with the model (e.g. class names). */
  userDefinedMetadata?: Record<string, unknown>;
}

/** What a handler reports after saving. */
export interface SaveResult {
  /** Where the model went: file paths, an IndexedDB key, download names. */
  locations: string[];
  modelTopologyBytes: number;
  weightDataBytes: number;
}

export interface HandlerSaveOptions {
  /** Largest weight shard in bytes for file-based handlers (default 4 MiB, as TensorFlow.js). */
  shardSizeBytes?: number;
}

/** Moves artifacts to and from one storage place. A handler may support only one direction. */
export interface IOHandler {
  /** Names the place, for error messages. */
  readonly description: string;
  save?(artifacts: ModelArtifacts, options?: HandlerSaveOptions): Promise<SaveResult>;
  load?(): Promise<ModelArtifacts>;
}
