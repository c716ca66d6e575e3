import { useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SavedView, SavedViewTab, SavedViewVisibility } from '../../core/saved-view.ts';
import { invalidateSavedViews, savedViewApi, savedViewQueries } from '../api/saved-view-queries.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';
import { useSignedInUser } from '../auth/useAuthStatus.ts';
import { navigate, useLocationHref } from '../navigation.ts';
import { useColumnPrefs } from '../traces/useColumnPrefs.ts';
import { captureViewBody, sameViewBody, savedViewHref } from './saved-view-url.ts';
import { useDetailsDismiss } from '../components/useDetailsDismiss.ts';
import './saved-views.css';

/** The address with `saved` set (or removed), keeping every other parameter. */
function withSaved(viewId: string | null): string {
  const url = new URL(window.location.href);
  if (viewId) url.searchParams.set('saved', viewId);
  else url.searchParams.delete('saved');
  return `${url.pathname}?${url.searchParams.toString()}`;
}

/**
 * The saved views of an experiment, in the header of the Traces and Compare tabs: open one, save
 * the current view (as a new one, or over the one opened), rename, delete, make it the
 * experiment's default. The address names the opened view (`saved=`) and still carries every
 * parameter; while the view shown differs from the saved one it is marked "modified", with Save
 * and Revert beside the name.
 */
export function SavedViewPicker({ experimentId, tab }: { experimentId: string; tab: SavedViewTab }) {
  const features = useServerFeatures();
  if (!features.has('saved-views')) return null;
  return <Picker key={experimentId} experimentId={experimentId} tab={tab} />;
}

function Picker({ experimentId, tab }: { experimentId: string; tab: SavedViewTab }) {
  const id = useId();
  const client = useQueryClient();
  const user = useSignedInUser();
  const href = useLocationHref();
  const columns = useColumnPrefs((s) => s.columns);
  const { data: views, error: listError } = useQuery(savedViewQueries.list(experimentId));
  const search = new URL(href, 'http://x').searchParams;
  const savedId = search.get('saved');
  const current = views?.find((v) => v.view_id === savedId);
  const body = captureViewBody(search, tab, columns);
  const modified = current !== undefined && !sameViewBody(current.body, body);

  const details = useRef<HTMLDetailsElement>(null);
  const dismiss = useDetailsDismiss(details);
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<SavedViewVisibility>('shared');
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const close = () => {
    details.current?.removeAttribute('open');
    setConfirmDelete(false);
    setRenaming(null);
  };

  const run = useMutation({
    mutationFn: (action: () => Promise<unknown>) => action(),
    onSettled: () => invalidateSavedViews(client, experimentId),
  });
  const act = (action: () => Promise<unknown>, after?: () => void) =>
    run.mutate(action, { onSuccess: () => after?.() });

  const open = (view: SavedView) => {
    close();
    navigate(savedViewHref(view));
  };
  const saveAs = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    act(
      async () => {
        const view = await savedViewApi.create(experimentId, trimmed, body, user ? visibility : 'shared');
        navigate(withSaved(view.view_id), { replace: true });
      },
      () => {
        setName('');
        close();
      },
    );
  };
  const save = () => current && act(() => savedViewApi.update(experimentId, current.view_id, { body }));
  const revert = () => current && navigate(savedViewHref(current));
  const rename = (event: FormEvent) => {
    event.preventDefault();
    const next = renaming?.trim();
    if (!current || !next) return;
    act(
      () => savedViewApi.update(experimentId, current.view_id, { name: next }),
      () => setRenaming(null),
    );
  };
  const remove = () =>
    current &&
    act(async () => {
      await savedViewApi.remove(experimentId, current.view_id);
      navigate(withSaved(null), { replace: true });
    }, close);
  const toggleDefault = () =>
    current && act(() => savedViewApi.setDefault(experimentId, current.is_default ? null : current.view_id));

  const label = current ? current.name : 'Views';
  const error = run.error ?? listError;
  return (
    <div className="saved-views">
      <details
        ref={details}
        className="saved-views-menu"
        onKeyDown={dismiss}
        onToggle={(e) => {
          // However it closed (Esc, a press outside, an action), a half-done rename or delete starts over.
          if ((e.currentTarget as HTMLDetailsElement).open) return;
          setConfirmDelete(false);
          setRenaming(null);
        }}
      >
        <summary aria-label={current ? `Saved view: ${current.name}${modified ? ' (modified)' : ''}` : 'Saved views'}>
          <span className="saved-views-name">{label}</span>
          {modified && <span className="saved-views-modified">modified</span>}
        </summary>
        <div className="saved-views-panel">
          <h2 id={`${id}-list`} className="saved-views-heading">
            Saved views
          </h2>
          {views && views.length === 0 && <p className="muted">No saved views in this experiment yet.</p>}
          {views && views.length > 0 && (
            <ul className="saved-views-list" aria-labelledby={`${id}-list`}>
              {views.map((view) => (
                <li key={view.view_id}>
                  <a
                    href={savedViewHref(view)}
                    aria-current={view.view_id === savedId ? 'true' : undefined}
                    onClick={(event) => {
                      event.preventDefault();
                      open(view);
                    }}
                  >
                    {view.name}
                  </a>
                  <span className="saved-views-tags">
                    {view.body.tab === 'compare' && <span className="saved-views-tag">Compare</span>}
                    {view.is_default && <span className="saved-views-tag">default</span>}
                    {view.visibility === 'private' && <span className="saved-views-tag">private</span>}
                    {view.owner && view.owner !== user?.username && (
                      <span className="saved-views-owner">by {view.owner}</span>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {current && (
            <div className="saved-views-current" role="group" aria-label={`Manage “${current.name}”`}>
              {renaming === null ? (
                <button type="button" onClick={() => setRenaming(current.name)}>
                  Rename
                </button>
              ) : (
                <form onSubmit={rename} className="saved-views-form">
                  <input
                    aria-label="New name"
                    value={renaming}
                    maxLength={120}
                    onChange={(e) => setRenaming(e.target.value)}
                  />
                  <button type="submit" disabled={!renaming.trim()}>
                    Rename
                  </button>
                  <button type="button" onClick={() => setRenaming(null)}>
                    Cancel
                  </button>
                </form>
              )}
              {current.visibility === 'shared' && (
                <button type="button" onClick={toggleDefault}>
                  {current.is_default ? 'Unset default' : 'Make default'}
                </button>
              )}
              {confirmDelete ? (
                <button type="button" className="danger" onClick={remove}>
                  Delete “{current.name}”
                </button>
              ) : (
                <button type="button" onClick={() => setConfirmDelete(true)}>
                  Delete…
                </button>
              )}
            </div>
          )}
          <form className="saved-views-form" onSubmit={saveAs} aria-label="Save the current view as a new view">
            <input
              aria-label="Name of the new view"
              placeholder="Name"
              value={name}
              maxLength={120}
              onChange={(e) => setName(e.target.value)}
            />
            {user && (
              <select
                aria-label="Who sees the new view"
                value={visibility}
                onChange={(e) => setVisibility(e.target.value as SavedViewVisibility)}
              >
                <option value="shared">Shared</option>
                <option value="private">Only me</option>
              </select>
            )}
            <button type="submit" disabled={!name.trim() || run.isPending}>
              {current ? 'Save as new' : 'Save view'}
            </button>
          </form>
          {error && (
            <p role="alert" className="saved-views-error">
              {error.message}
            </p>
          )}
        </div>
      </details>
      {modified && (
        <>
          <button type="button" onClick={save} disabled={run.isPending}>
            Save
          </button>
          <button type="button" onClick={revert}>
            Revert
          </button>
        </>
      )}
    </div>
  );
}
