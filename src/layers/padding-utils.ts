/** Keras's forms of a 2-D padding/cropping amount, resolved to [[top, bottom], [left, right]]. */
export type PairSpec = number | [number, number] | [[number, number], [number, number]];

export function resolvePairs(spec: PairSpec, name: string, where: string): [[number, number], [number, number]] {
  let out: [[number, number], [number, number]];
  if (typeof spec === 'number') out = [[spec, spec], [spec, spec]];
  else if (typeof spec[0] === 'number') out = [[spec[0], spec[0]], [spec[1] as number, spec[1] as number]];
  else out = [[...spec[0]] as [number, number], [...(spec[1] as [number, number])] as [number, number]];
  if (!out.flat().every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`${where}: ${name} must be an integer >= 0, a pair of them or a pair of pairs, got ${JSON.stringify(spec)}`);
  }
  return out;
}
