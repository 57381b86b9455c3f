/**
 * The one error type of model loading: every problem found in a file (truncated, corrupted,
 * mismatched) ends in a ModelFormatError whose message names the file, the weight and what was
 * expected versus found, so callers and tests can tell "bad file" from a bug.
 */
export class ModelFormatError extends Error {
  /** The file or source the problem is in ('model.json', 'group1-shard1of2.bin', 'weights.safetensors'). */
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.name = 'ModelFormatError';
    this.file = file;
  }
}

/** Runs `fn`, turning any error it throws into a ModelFormatError about `file` (kept as the cause). */
export function rethrowAs<T>(file: string, context: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    throw new ModelFormatError(file, `${context}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
