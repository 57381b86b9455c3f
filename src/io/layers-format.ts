/**
 * The TensorFlow.js layers format on "files" (name -> bytes): `model.json` holds the topology and
 * `weightsManifest` [{ paths, weights }]; each group's weights are concatenated and cut into
 * shards (`group1-shard1of2.bin`, ...), so a weight may straddle two shards. Reading accepts the
 * tfjs dialect and the Python converter's (`modelTopology.model_config`, `training_config`).
 * Shards are read with a byte cap derived from the manifest, so a wrong file never gets read whole.
 */
import { concatBytes, describeValue, encodeJson, isRecord, parseJsonBytes, toBytes } from './bytes.js';
import { ModelFormatError } from './model-format-error.js';
import type { ModelArtifacts, WeightSpec, WeightsManifestGroup } from './types.js';
import { type CheckedSpec, checkSpecs, totalBytes } from './weight-specs.js';
import { layoutWeights } from './weights-codec.js';

export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** Reads one weight file named in the manifest; must refuse (throw) files larger than `maxBytes`. */
export type ShardReader = (path: string, maxBytes: number) => Promise<Uint8Array>;

export interface ModelFiles {
  /** model.json's bytes. */
  modelJson: Uint8Array;
  /** Shard name -> bytes. */
  shards: Map<string, Uint8Array>;
}

function shardNames(group: number, count: number, prefix: string, suffix: string): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}group${group}-shard${i + 1}of${count}${suffix}.bin`);
}

function cut(data: Uint8Array, shardBytes: number): Uint8Array[] {
  if (data.byteLength === 0) return [];
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.byteLength; at += shardBytes) out.push(data.slice(at, at + shardBytes));
  return out;
}

export interface ToFilesOptions {
  shardSizeBytes?: number;
  /** Prepended to shard names (TensorFlow.js downloads use `<name>.`). */
  shardPrefix?: string;
  /** Inserted before `.bin` (folder saves name each save's shards apart: `group1-shard1of2.<save id>.bin`). */
  shardSuffix?: string;
}

/** model.json and shards for `artifacts`: group 1 holds the model weights, group 2 the optimizer's. */
export function artifactsToFiles(artifacts: ModelArtifacts, options: ToFilesOptions = {}): ModelFiles {
  const shardBytes = options.shardSizeBytes ?? DEFAULT_SHARD_BYTES;
  if (!Number.isSafeInteger(shardBytes) || shardBytes < 1) throw new Error(`saveModel: shardSizeBytes must be a positive integer, got ${shardBytes}`);
  const data = toBytes(artifacts.weightData, 'weightData');
  const layout = layoutWeights(artifacts.weightSpecs, data, 'weightData');
  const manifest: WeightsManifestGroup[] = [];
  const shards = new Map<string, Uint8Array>();
  for (const group of ['model', 'optimizer'] as const) {
    const members = layout.filter(({ spec }) => (spec.group ?? 'model') === group);
    if (members.length === 0) continue;
    const bytes = concatBytes(members.map(({ spec, offset }) => data.subarray(offset, offset + spec.byteLength)));
    const pieces = cut(bytes, shardBytes);
    const names = shardNames(manifest.length + 1, pieces.length, options.shardPrefix ?? '', options.shardSuffix ?? '');
    names.forEach((n, i) => shards.set(n, pieces[i]));
    manifest.push({ paths: names, weights: members.map(({ spec }) => publicSpec(spec)) });
  }
  const json = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: manifest,
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  return { modelJson: encodeJson(json), shards };
}

function publicSpec(spec: CheckedSpec): WeightSpec {
  const { size: _s, byteLength: _b, ...rest } = spec;
  return rest;
}

/** A manifest path as a plain relative file name: no absolute paths, schemes or '..'. */
export function checkShardPath(path: unknown, file: string): string {
  if (typeof path !== 'string') throw new ModelFormatError(file, `weightsManifest paths must be strings, got ${describeValue(path)}`);
  const p = path.replace(/^(\.\/)+/, '');
  if (p === '' || p.startsWith('/') || p.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(p) || p.split('/').some((s) => s === '..' || s === '' || s === '.')) {
    throw new ModelFormatError(file, `weightsManifest path ${JSON.stringify(path)} must be a relative file name inside the model's folder`);
  }
  return p;
}

interface ParsedGroup {
  paths: string[];
  specs: CheckedSpec[];
}

function parseManifest(raw: unknown, file: string): ParsedGroup[] {
  if (!Array.isArray(raw)) throw new ModelFormatError(file, `weightsManifest must be an array, got ${describeValue(raw)}`);
  const groups = raw.map((g, i) => {
    if (!isRecord(g) || !Array.isArray(g.paths)) throw new ModelFormatError(file, `weightsManifest[${i}] must be { paths: string[], weights: [...] }, got ${describeValue(g)}`);
    return { paths: g.paths.map((p) => checkShardPath(p, file)), specs: checkSpecs(g.weights, file) };
  });
  // Names must be unique across groups too: the weights are matched by name.
  checkSpecs(groups.flatMap((g) => g.specs), file);
  return groups;
}

/** The bytes of one group, reading its shards in order with the remaining byte budget as a cap. */
async function readGroup(group: ParsedGroup, index: number, read: ShardReader, file: string, where: (path: string) => string): Promise<Uint8Array> {
  const need = totalBytes(group.specs);
  if (need > 0 && group.paths.length === 0) throw new ModelFormatError(file, `weightsManifest[${index}] lists weights of ${need} bytes but no shard files`);
  const parts: Uint8Array[] = [];
  let have = 0;
  for (const path of group.paths) {
    const part = await read(path, need - have);
    if (part.byteLength > need - have) {
      throw new ModelFormatError(where(path), `has ${part.byteLength} bytes, more than the ${need - have} bytes the manifest leaves for it (group ${index + 1} needs ${need} bytes in all)`);
    }
    parts.push(part);
    have += part.byteLength;
  }
  if (have < need) {
    let end = 0;
    const missing = group.specs.find((s) => (end += s.byteLength) > have) as CheckedSpec;
    throw new ModelFormatError(where(group.paths[group.paths.length - 1]),
      `weight group ${index + 1} (${group.paths.join(', ')}) holds ${have} bytes, the manifest needs ${need}: weight '${missing.name}' ${JSON.stringify(missing.shape)} ends at byte ${end} (file truncated?)`);
  }
  return concatBytes(parts);
}

function checkModelJson(json: unknown, file: string): Record<string, unknown> {
  if (!isRecord(json)) throw new ModelFormatError(file, `must hold a JSON object, got ${describeValue(json)}`);
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new ModelFormatError(file, `format ${describeValue(json.format)} is not supported; Fovea reads 'layers-model' files`);
  }
  if (!isRecord(json.modelTopology)) throw new ModelFormatError(file, `modelTopology must be an object, got ${describeValue(json.modelTopology)}`);
  if (json.trainingConfig !== undefined && json.trainingConfig !== null && !isRecord(json.trainingConfig)) {
    throw new ModelFormatError(file, `trainingConfig must be an object, got ${describeValue(json.trainingConfig)}`);
  }
  if (json.userDefinedMetadata !== undefined && !isRecord(json.userDefinedMetadata)) {
    throw new ModelFormatError(file, `userDefinedMetadata must be an object, got ${describeValue(json.userDefinedMetadata)}`);
  }
  return json;
}

/**
 * Artifacts from model.json's bytes and a reader for its shards, after checking both. `where`
 * turns a manifest path into the name errors should show (e.g. the full path on disk).
 */
export async function filesToArtifacts(modelJson: Uint8Array, read: ShardReader, file = 'model.json', where = (path: string) => path): Promise<ModelArtifacts> {
  const json = checkModelJson(parseJsonBytes(modelJson, file), file);
  const groups = parseManifest(json.weightsManifest ?? [], file);
  const data: Uint8Array[] = [];
  for (const [i, g] of groups.entries()) data.push(await readGroup(g, i, read, file, where));
  const topology = json.modelTopology as Record<string, unknown>;
  const training = json.trainingConfig ?? (isRecord(topology.training_config) ? topology.training_config : undefined);
  return {
    modelTopology: topology,
    weightSpecs: groups.flatMap((g) => g.specs.map(publicSpec)),
    weightData: concatBytes(data),
    format: 'layers-model',
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : undefined,
    convertedBy: typeof json.convertedBy === 'string' ? json.convertedBy : null,
    ...(isRecord(training) ? { trainingConfig: training } : {}),
    ...(isRecord(json.userDefinedMetadata) ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  };
}

/** A ShardReader over files held in memory. */
export function memoryShardReader(shards: ReadonlyMap<string, Uint8Array>): ShardReader {
  const byName = new Map([...shards].map(([k, v]) => [k.replace(/^(\.\/)+/, ''), v]));
  return async (path) => {
    const bytes = byName.get(path);
    if (bytes === undefined) throw new ModelFormatError(path, `weight file is missing (have: ${[...byName.keys()].join(', ') || 'none'})`);
    return bytes;
  };
}
