/**
 * The photos the Kernels view offers without an upload. They are served beside this module
 * (new URL(..., import.meta.url), which bundlers also follow); photos/README.md gives their source
 * and licence.
 */
export interface BundledPhoto {
  id: string;
  title: string;
  credit: string;
  url: URL;
}

export const PHOTOS: readonly BundledPhoto[] = [
  { id: 'chelsea', title: 'Chelsea the cat', credit: 'Photo: Stefan van der Walt, CC0 (scikit-image sample data)', url: new URL('./photos/chelsea.jpg', import.meta.url) },
  { id: 'camera', title: 'Photographer (grey)', credit: 'Photo: Lav Varshney, CC0 (scikit-image sample data)', url: new URL('./photos/camera.jpg', import.meta.url) },
];
