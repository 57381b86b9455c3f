const { measureBundle } = await import('/work/main/bench/bundle-size.mjs');
