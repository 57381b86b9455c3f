/**
 * A test hook between the files of a save. The kill tests install a hook that stops the save at a
 * chosen step and waits there to be SIGKILLed, so every point inside a save gets killed once.
 * Without a hook (always, outside tests) a step costs one comparison.
 */

/** Called with a short name of what was just done ('shard written', 'manifest renamed', ...). */
export type SaveStepHook = (step: string) => void | Promise<void>;

let hook: SaveStepHook | null = null;

/** Installs (or with null removes) the hook; for tests only. */
export function setSaveStepHook(next: SaveStepHook | null): void {
  hook = next;
}

export async function saveStep(step: string): Promise<void> {
  if (hook !== null) await hook(step);
}
