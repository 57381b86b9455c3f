/**
 * Choosing the photo: a bundled one or an upload. Each choice is decoded and handed to `onPhoto`;
 * a file that does not decode is reported through `onError` and the photo already shown stays.
 */
import { el } from '../../widgets/el.js';
import { type FoveaImage, ImageDecodeError, decodeImage } from './decode-image.js';
import { PHOTOS } from './photos.js';

export interface PhotoPicker {
  elements: HTMLElement[];
  /** Loads the first bundled photo. */
  start(): Promise<void>;
}

async function fetchPhoto(url: URL, title: string): Promise<FoveaImage> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.href} answered HTTP ${response.status}`);
  return decodeImage(await response.blob(), title);
}

export function photoPicker(onPhoto: (photo: FoveaImage, credit: string) => void, onError: (message: string) => void): PhotoPicker {
  const select = el('select', { 'data-control': 'photo' }, ...PHOTOS.map((p) => el('option', { value: p.id }, p.title)), el('option', { value: 'upload', disabled: true }, 'Your photo'));
  const upload = el('input', { type: 'file', accept: 'image/*', 'data-control': 'upload' });

  /** Decodes with `load` and shows the result; false (and a message) when it does not load. */
  async function use(load: () => Promise<FoveaImage>, credit: string): Promise<boolean> {
    try {
      onPhoto(await load(), credit);
      return true;
    } catch (e) {
      onError(e instanceof ImageDecodeError ? e.message : `Could not load the photo: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  const bundled = async (id: string) => {
    const p = PHOTOS.find((q) => q.id === id) ?? PHOTOS[0];
    await use(() => fetchPhoto(p.url, p.title), p.credit);
  };
  select.addEventListener('change', () => void bundled(select.value));
  upload.addEventListener('change', () => {
    const file = upload.files?.[0];
    if (file === undefined) return;
    void use(() => decodeImage(file, file.name), `Your photo "${file.name}"`).then((loaded) => {
      if (loaded) select.value = 'upload';
    });
  });
  return {
    elements: [el('label', { class: 'lab-field' }, 'Photo ', select), el('label', { class: 'lab-field' }, 'or upload ', upload)],
    start: () => bundled(PHOTOS[0].id),
  };
}
