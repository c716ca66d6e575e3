import type { SavedViewVisibility } from '../../core/saved-view.ts';

/** A saved view as stored: the body is the checked JSON text (core/saved-view.ts). */
export interface StoredSavedView {
  viewId: string;
  experimentId: string;
  name: string;
  /** The saving user's name; null on a server without auth. */
  owner: string | null;
  visibility: SavedViewVisibility;
  body: string;
  isDefault: boolean;
  createdMs: number;
  updatedMs: number;
}

export interface SavedViewChange {
  name?: string;
  visibility?: SavedViewVisibility;
  body?: string;
  updatedMs: number;
}

/**
 * The explorer's saved views, per experiment. Only storage: who may see or change a view is
 * decided by the routes (saved-view-routes.ts), so each engine adds SQL only. Every method is
 * scoped by experiment: a view id from another experiment is not found.
 */
export interface SavedViewStore {
  /** Shared views and `viewer`'s private ones (none when viewer is null), by name, at most `limit`. */
  list(experimentId: string, viewer: string | null, limit: number): Promise<StoredSavedView[]>;
  get(experimentId: string, viewId: string): Promise<StoredSavedView | undefined>;
  /** Views of an experiment (all owners), to bound how many one experiment holds. */
  count(experimentId: string): Promise<number>;
  create(view: StoredSavedView): Promise<void>;
  update(experimentId: string, viewId: string, change: SavedViewChange): Promise<boolean>;
  delete(experimentId: string, viewId: string): Promise<boolean>;
  /** Makes this view the experiment's only default; null clears it. false when the view is unknown. */
  setDefault(experimentId: string, viewId: string | null): Promise<boolean>;
  close(): Promise<void>;
}
