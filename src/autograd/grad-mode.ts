/** Whether ops record the graph. Off inside `noGrad` (inference, optimizer updates, backward). */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` without recording gradients (like `torch.no_grad()`). */
export function noGrad<R>(fn: () => R): R {
  const before = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}

/** Runs `fn` with recording on or off (a deferred computation runs in the mode it was asked in). */
export function withGradMode<R>(on: boolean, fn: () => R): R {
  const before = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}
