// What one commit changed, as every engine reports it to listeners after COMMIT (the metrics
// accelerator keeps its in-memory columns current from this alone; see metrics-accelerator.ts).

export interface StoreChange {
  /** Traces whose row, tags, metadata or spans were written. */
  traces: Set<string>;
  /** Some assessment was created, updated, deleted, overridden or restored. */
  assessments: boolean;
  /** Rows were removed or loaded in bulk: anything derived from the tables must start over. */
  reset: boolean;
}

export type ChangeListener = (change: StoreChange) => void;

export function emptyChange(): StoreChange {
  return { traces: new Set(), assessments: false, reset: false };
}

/** What one write operation declares it changes (merged into the commit's StoreChange). */
export interface WriteDeclaration {
  traces?: Iterable<string>;
  assessments?: boolean;
  reset?: boolean;
}

export function mergeChange(into: StoreChange, add: WriteDeclaration): void {
  for (const id of add.traces ?? []) into.traces.add(id);
  if (add.assessments) into.assessments = true;
  if (add.reset) into.reset = true;
}

export function isEmptyChange(change: StoreChange): boolean {
  return change.traces.size === 0 && !change.assessments && !change.reset;
}
