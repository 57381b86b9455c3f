/**
 * The one error every name registry (activations, losses, metrics, optimizers, initializers,
 * padding, data formats) throws for a name it does not know: it names the option, where it was
 * given, and the closest valid name, so a typo read from a file or written in JavaScript is as
 * quick to fix as one the TypeScript compiler catches.
 */

/** Edit distance (insertions, deletions, substitutions) between two strings, with one row of memory. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The valid name closest to `name` (case and `_` ignored, so 'leakyrelu' finds 'leaky_relu'; among
 * equally close ones, the one spelled most alike: 'channels_lst' finds 'channels_last', not
 * 'channelsLast'), or null when even the closest needs more edits than a typo would (more than a
 * third of the name, at least 2).
 */
export function closestName(name: string, valid: readonly string[]): string | null {
  const key = (s: string) => s.toLowerCase().replace(/_/g, '');
  let best: string | null = null;
  let bestDistance = Infinity;
  let bestSpelling = Infinity;
  for (const candidate of valid) {
    const distance = editDistance(key(name), key(candidate));
    const spelling = editDistance(name, candidate);
    if (distance < bestDistance || (distance === bestDistance && spelling < bestSpelling)) {
      [best, bestDistance, bestSpelling] = [candidate, distance, spelling];
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

/**
 * `Unknown activation 'relux' in layer "conv2d": did you mean 'relu'?`, or, with nothing close,
 * the list of valid names. `where` says where the name was given (`layer "conv2d"`, `compile`).
 */
export function unknownNameError(option: string, name: unknown, valid: readonly string[], where?: string): Error {
  const written = typeof name === 'string' ? `'${name}'` : `${JSON.stringify(name) ?? String(name)} (${typeof name})`;
  const context = where === undefined ? '' : ` in ${where}`;
  const suggestion = typeof name === 'string' ? closestName(name, valid) : null;
  const hint = suggestion !== null ? `did you mean '${suggestion}'?` : `valid names: ${valid.map((v) => `'${v}'`).join(', ')}`;
  return new Error(`Unknown ${option} ${written}${context}: ${hint}`);
}
