/** Types shared by the layer base and the symbolic graph (kept apart to avoid an import cycle). */
export type SymbolicShape = readonly (number | null)[];
