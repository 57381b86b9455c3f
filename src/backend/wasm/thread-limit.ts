/**
 * The most threads the wasm backend runs (the main one included): the pool's job header holds one
 * workspace pointer per thread in a fixed block of this many slots. Its own module so a page can
 * check a requested thread count before the pool's code is loaded.
 */
export const MAX_THREADS = 6;
