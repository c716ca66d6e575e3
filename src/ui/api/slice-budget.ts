// Long work on the main thread in slices, so that input and painting run between them (a frozen tab
// is a task of seconds; slices of ~12 ms keep a click's delay under a frame or two).

interface SliceBudget {
  /** Yields to the browser if the current slice has run for its budget; otherwise returns at once. */
  maybeYield: () => Promise<void>;
}

const SLICE_MS = 12;

function yieldToMain(): Promise<void> {
  // scheduler.yield (Chromium) resumes ahead of other queued tasks; elsewhere a macrotask.
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function sliceBudget(): SliceBudget {
  let sliceStart = performance.now();
  return {
    maybeYield: async () => {
      if (performance.now() - sliceStart < SLICE_MS) return;
      await yieldToMain();
      sliceStart = performance.now();
    },
  };
}

/** Runs a generator that yields at safe points (e.g. core's spanTreeSteps) in slices; returns its result. */
export async function runSliced<T>(steps: Generator<void, T>): Promise<T> {
  const budget = sliceBudget();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await budget.maybeYield();
  }
}
