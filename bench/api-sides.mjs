// What the API benches (api-ab.mjs, api-best.mjs) open per built checkout: its dist imported as
// its own wasm backend (separate engine and instance), the zoo model by name, and the same seeded
// synthetic MNIST-shaped data on every side: eight training batches of 64 and 1,024 images.
export async function openApiSide(root, name, { threads, modelName }) {
  await import(`${root}/dist/src/node/install-collector.js`);
  const { engine } = await import(`${root}/dist/src/backend/engine.js`);
  const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
  const { benchProgram, benchModelsByName } = await import(`${root}/dist/src/cli/bench-models.js`);
  const { tensor } = await import(`${root}/dist/src/ops/create.js`);
  const { toCategorical } = await import(`${root}/dist/src/data/to-categorical.js`);
  const { Random } = await import(`${root}/dist/src/tensor/random.js`);
  registerWasmBackend({ name, threads, priority: 0 });
  engine.setBackend(name);
  const [model] = benchModelsByName(modelName);
  const rng = new Random(3);
  const batches = Array.from({ length: 8 }, () => [tensor(Float32Array.from({ length: 64 * 784 }, () => rng.uniform()), [64, 28, 28, 1]), toCategorical(Int32Array.from({ length: 64 }, () => rng.int(10)), 10)]);
  const images = tensor(Float32Array.from({ length: 1024 * 784 }, () => rng.uniform()), [1024, 28, 28, 1]);
  /** The API's program with a training step over the batches in turn and a batch-256 prediction of the images. */
  function calls(api) {
    const { program } = benchProgram(model, api, 1234);
    const prepared = batches.map(([x, y]) => program.prepare(x, y));
    let s = 0;
    return { train: () => program.trainStep(...prepared[s++ % prepared.length]), infer: () => program.predict(images, 256).dataSync() };
  }
  // Each side's backend is made active before its block runs; its engine for observers.
  return { use: () => engine.setBackend(name), calls, engine };
}
