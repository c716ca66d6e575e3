// The explorer's saved views (extension endpoints under EXTENSION_PREFIX, documented in
// src/server/README.md). Who may do what, beyond each route's row in auth/route-rules.ts:
// - read on the experiment lists and opens its shared views and the caller's own private ones;
// - edit creates views and updates or deletes the caller's own;
// - manage also updates or deletes anyone's shared view and sets the experiment's default;
// - only a view's owner changes its visibility. A private view of someone else is answered as
//   not found, so its existence does not leak. Without --auth every view is shared and open.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  checkSavedViewBody,
  checkSavedViewName,
  type SavedView,
  type SavedViewVisibility,
} from '../../core/saved-view.ts';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import { invalidParameter, notFound } from '../errors.ts';
import { permissionDenied } from '../auth/auth-service.ts';
import { bothPrefixes, field, readRequest, requireString, type RequestFields } from '../routes/mlflow-request.ts';
import { parseExperimentIds } from '../routes/search-request.ts';
import { experimentNotFound, invalidExperimentId } from '../storage/rules/mlflow-errors.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import type { SavedViewStore, StoredSavedView } from './saved-view-store.ts';

/** Views one experiment may hold (all owners), and so the most a list answers. */
export const MAX_VIEWS_PER_EXPERIMENT = 500;

const toWire = (v: StoredSavedView): SavedView => ({
  view_id: v.viewId,
  experiment_id: v.experimentId,
  name: v.name,
  visibility: v.visibility,
  owner: v.owner,
  is_default: v.isDefault,
  body: JSON.parse(v.body) as SavedView['body'],
  created_time_ms: v.createdMs,
  updated_time_ms: v.updatedMs,
});

function checked<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw invalidParameter(result.message);
  return result.value;
}

const viewerOf = (request: FastifyRequest): string | null => request.auth?.principal.user.username ?? null;

function visibilityOf(fields: RequestFields, request: FastifyRequest): SavedViewVisibility | undefined {
  const value = field(fields, 'visibility');
  if (value === undefined || value === null) return undefined;
  if (value !== 'shared' && value !== 'private')
    throw invalidParameter(`Invalid visibility '${String(value).slice(0, 50)}': expected 'shared' or 'private'.`);
  if (value === 'private' && !request.auth)
    throw invalidParameter('Private views need a server started with --auth; without it every view is shared.');
  return value;
}

function viewIdOf(fields: RequestFields): string {
  const id = requireString(fields, 'view_id');
  if (!/^sv-[0-9a-f]{1,64}$/.test(id)) throw notFound(`No saved view with id '${id.slice(0, 100)}'.`);
  return id;
}

export async function savedViewRoutes(
  app: FastifyInstance,
  { store, views }: { store: TraceStore; views: SavedViewStore },
): Promise<void> {
  /** The request's experiment (canonical id), which must exist. */
  async function experimentOf(fields: RequestFields): Promise<string> {
    const raw = requireString(fields, 'experiment_id');
    const { ids } = parseExperimentIds([raw]);
    if (ids.length !== 1) throw invalidExperimentId(raw);
    const id = String(ids[0]);
    if (!(await store.getExperiment(id))) throw experimentNotFound(id);
    return id;
  }

  /** A view the caller may see (shared, or their own), else not found. */
  async function visibleView(request: FastifyRequest, experimentId: string, viewId: string) {
    const view = await views.get(experimentId, viewId);
    if (!view || (view.visibility === 'private' && view.owner !== viewerOf(request)))
      throw notFound(`No saved view with id '${viewId}' in experiment ${experimentId}.`);
    return view;
  }

  /** Changing or deleting someone else's view needs manage on the experiment. */
  async function requireChangeable(request: FastifyRequest, view: StoredSavedView): Promise<void> {
    const auth = request.auth;
    if (!auth || view.owner === auth.principal.user.username) return;
    if (!(await auth.can(view.experimentId, 'manage')))
      throw permissionDenied("Only the view's owner, or someone who manages the experiment, may change it.");
  }

  for (const base of bothPrefixes(EXTENSION_PREFIX)) {
    app.get(`${base}/saved-views/list`, async (request) => {
      const experimentId = await experimentOf(readRequest(request));
      const list = await views.list(experimentId, viewerOf(request), MAX_VIEWS_PER_EXPERIMENT);
      return { views: list.map(toWire) };
    });

    app.get(`${base}/saved-views/get`, async (request) => {
      const fields = readRequest(request);
      const experimentId = await experimentOf(fields);
      return { view: toWire(await visibleView(request, experimentId, viewIdOf(fields))) };
    });

    app.post(`${base}/saved-views/create`, async (request) => {
      const fields = readRequest(request);
      const experimentId = await experimentOf(fields);
      const name = checked(checkSavedViewName(field(fields, 'name')));
      const body = checked(checkSavedViewBody(field(fields, 'body')));
      const visibility = visibilityOf(fields, request) ?? 'shared';
      if ((await views.count(experimentId)) >= MAX_VIEWS_PER_EXPERIMENT)
        throw invalidParameter(
          `An experiment holds at most ${MAX_VIEWS_PER_EXPERIMENT} saved views; delete some first.`,
        );
      const now = Date.now();
      const view: StoredSavedView = {
        viewId: `sv-${randomBytes(12).toString('hex')}`,
        experimentId,
        name,
        owner: viewerOf(request),
        visibility,
        body: JSON.stringify(body),
        isDefault: false,
        createdMs: now,
        updatedMs: now,
      };
      await views.create(view);
      return { view: toWire(view) };
    });

    app.post(`${base}/saved-views/update`, async (request) => {
      const fields = readRequest(request);
      const experimentId = await experimentOf(fields);
      const view = await visibleView(request, experimentId, viewIdOf(fields));
      await requireChangeable(request, view);
      const rawName = field(fields, 'name');
      const name = rawName === undefined ? undefined : checked(checkSavedViewName(rawName));
      const rawBody = field(fields, 'body');
      const body = rawBody === undefined ? undefined : JSON.stringify(checked(checkSavedViewBody(rawBody)));
      const visibility = visibilityOf(fields, request);
      if (visibility !== undefined && visibility !== view.visibility) {
        if (request.auth && view.owner !== viewerOf(request))
          throw permissionDenied("Only the view's owner may change who sees it.");
        if (visibility === 'private' && view.isDefault)
          throw invalidParameter("The experiment's default view must stay shared; choose another default first.");
      }
      const updatedMs = Date.now();
      await views.update(experimentId, view.viewId, { name, visibility, body, updatedMs });
      return { view: toWire((await views.get(experimentId, view.viewId)) ?? view) };
    });

    app.post(`${base}/saved-views/delete`, async (request) => {
      const fields = readRequest(request);
      const experimentId = await experimentOf(fields);
      const view = await visibleView(request, experimentId, viewIdOf(fields));
      await requireChangeable(request, view);
      await views.delete(experimentId, view.viewId);
      return {};
    });

    app.post(`${base}/saved-views/set-default`, async (request) => {
      const fields = readRequest(request);
      const experimentId = await experimentOf(fields);
      const raw = field(fields, 'view_id');
      if (raw === undefined || raw === null || raw === '') {
        await views.setDefault(experimentId, null);
        return {};
      }
      const view = await visibleView(request, experimentId, viewIdOf(fields));
      if (view.visibility !== 'shared')
        throw invalidParameter(
          "The experiment's default view must be shared: everyone opening the experiment sees it.",
        );
      if (!(await views.setDefault(experimentId, view.viewId)))
        throw notFound(`No saved view with id '${view.viewId}' in experiment ${experimentId}.`);
      return {};
    });
  }
}
