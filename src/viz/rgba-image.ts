/** An RGBA picture in memory: what pixel tiles are built as before they are encoded as PNG. */
export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  data: Uint8ClampedArray;
}
