import { memo, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { completionAt, explainFilter, type Diagnostic } from '../../core/filter/index.ts';
import { traceHref } from '../app-url.ts';
import { catalogQueries } from '../api/catalog-queries.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';
import { useDraftFilter } from './draft-filter-store.ts';
import { searchMode } from './search-mode.ts';
import { useFilterFacts } from './useFilterFacts.ts';
import { navigate } from '../navigation.ts';
import { FilterHighlight } from './FilterHighlight.tsx';
import { EXTENDED_NEEDED, interpretInput, type Interpretation } from './interpret-input.ts';
import { readRecentFilters, rememberFilter } from './recent-filters.ts';
import { mergeValues, suggestionsFor, valueKeyAt, type Suggestion } from './suggestions.ts';
import { useDebouncedValue } from './useDebouncedValue.ts';
import { SuggestionList } from './SuggestionList.tsx';
import './search-bar.css';

export interface SearchBarProps {
  experimentId: string;
  /** The committed (applied) filter, canonical text. */
  value: string;
  /** Called with the canonical text of the filter when the person applies it (Enter). */
  onCommit: (filter: string) => void;
}

const NO_KEYS: never[] = [];
const NO_DIAGNOSTICS: Diagnostic[] = [];
/** Wait this long after the last keystroke before asking the server for values by prefix. */
const PREFIX_DEBOUNCE_MS = 150;

/** Opens a pasted trace id: beside the table on the Traces page, as its own page elsewhere. */
function openTrace(traceId: string, experimentId: string) {
  if (window.location.pathname.startsWith('/traces') || window.location.pathname === '/') {
    const search = new URLSearchParams(window.location.search);
    search.set('trace', traceId);
    navigate(`/traces?${search.toString()}`);
  } else navigate(traceHref(traceId, experimentId));
}

/** What Enter will do with the draft, and where a text search matches loosely. */
function pendingText(interpretation: Interpretation): string {
  if (interpretation.kind === 'trace') return 'Press Enter to open this trace, Esc to restore.';
  if (interpretation.kind !== 'text') return 'Press Enter to apply, Esc to restore.';
  const loose = [
    interpretation.wildcards && '% and _ match any characters',
    interpretation.looseQuotes && 'quotes and backslashes match any characters',
  ].filter(Boolean);
  return `Press Enter to search trace text, Esc to restore.${loose.length > 0 ? ` In a text search, ${loose.join('; ')}.` : ''}`;
}

// Memoised: the page re-renders as result pages arrive, and the bar has nothing to update then.
export const SearchBar = memo(function SearchBar({ experimentId, value, onCommit }: SearchBarProps) {
  const id = useId();
  const listboxId = `${id}-listbox`;
  const messageId = `${id}-message`;
  // The draft lives in a store with the applied filter it was edited from, so that the page can
  // mark results stale exactly when the bar shows something else. It follows the applied filter
  // whenever that changes from outside (quick filters, clicked values, back/forward): a draft of
  // another filter is not shown.
  const storedText = useDraftFilter((s) => s.text);
  const storedBase = useDraftFilter((s) => s.base);
  const setDraftState = useDraftFilter((s) => s.setDraft);
  const draft = storedBase === value ? storedText : value;
  const setDraft = (text: string) => setDraftState(text, value);
  const [cursor, setCursor] = useState(value.length);
  const [menu, setMenu] = useState<'closed' | 'suggest' | 'recent'>('closed');
  const [activeOption, setActiveOption] = useState(-1);
  const [refused, setRefused] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const pendingCursor = useRef<number | null>(null);

  const features = useServerFeatures();
  const dialect = features.dialect;
  const dirty = draft !== value;
  // The experiment's keys, span types and names and assessment names feed both the menu and the
  // "did you mean" fixes: fetched once the person starts typing, not with the page.
  const facts = useFilterFacts(experimentId, menu !== 'closed' || dirty, draft);
  const { data: keys } = useQuery({
    ...catalogQueries.keys(experimentId),
    enabled: (menu !== 'closed' || dirty) && features.has('keys'),
  });
  const situation = useMemo(() => completionAt(draft, cursor, { dialect }), [draft, cursor, dialect]);
  const valueKey = valueKeyAt(situation);
  const valueKind = valueKey?.kind ?? 'metadata';
  const valueField = valueKey?.key ?? '';
  const wantValues = valueKey !== null && menu === 'suggest';
  // The most frequent values open the menu at once; the typed prefix then reaches the rare ones
  // (a user or session id among thousands), asked for once typing pauses.
  const { data: topValues } = useQuery({
    ...catalogQueries.values(experimentId, valueKind, valueField),
    enabled: wantValues && features.has('values'),
  });
  const typedPrefix = valueKey?.prefix ?? '';
  const prefix = useDebouncedValue(typedPrefix, PREFIX_DEBOUNCE_MS);
  const { data: prefixValues } = useQuery({
    ...catalogQueries.values(experimentId, valueKind, valueField, prefix),
    enabled: wantValues && features.has('values') && typedPrefix !== '' && prefix !== '',
    // While a longer prefix loads, keep the shorter prefix's values (for the same key only).
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[3] === valueKind && previousQuery.queryKey[4] === valueField ? previous : undefined,
  });
  const values = useMemo(
    () => mergeValues(topValues, typedPrefix !== '' ? prefixValues : undefined),
    [topValues, prefixValues, typedPrefix],
  );

  const interpretation = useMemo(() => interpretInput(draft, dialect), [draft, dialect]);
  // Free text and trace ids are not filters; do not underline them as broken ones.
  const showDiagnostics = interpretation.kind === 'invalid' || interpretation.kind === 'filter';
  const diagnostics = useMemo(
    () => (showDiagnostics ? explainFilter(draft, { dialect, facts }) : NO_DIAGNOSTICS),
    [showDiagnostics, draft, dialect, facts],
  );
  const firstError = diagnostics.find((d) => d.severity === 'error');
  // A warning (a key no trace has, a status in the wrong case…) is shown when there is no error.
  const shown: Diagnostic | undefined = firstError ?? diagnostics.find((d) => d.severity === 'warning' && d.fix);

  // An empty bar offers the recent filters first: one ArrowDown + Enter re-applies one.
  const recentMode = menu === 'recent' || (menu === 'suggest' && draft.trim() === '' && readRecentFilters().length > 0);
  const options: Suggestion[] = useMemo(() => {
    if (recentMode)
      return readRecentFilters().map((f) => ({
        label: f,
        insert: f,
        from: 0,
        to: Number.MAX_SAFE_INTEGER,
        detail: 'recent',
      }));
    if (menu === 'suggest')
      return suggestionsFor(situation, { keys: keys ?? NO_KEYS, values: valueKey ? values : [], facts }, dialect);
    return [];
  }, [menu, recentMode, situation, keys, values, valueKey, dialect, facts]);
  const expanded = options.length > 0;

  // After inserting a suggestion, put the caret after it (React has just rewritten the value).
  useLayoutEffect(() => {
    if (pendingCursor.current !== null && inputRef.current) {
      inputRef.current.setSelectionRange(pendingCursor.current, pendingCursor.current);
      pendingCursor.current = null;
    }
  });

  const edit = (text: string, caret: number) => {
    setDraft(text);
    setCursor(caret);
    setRefused(null);
    setActiveOption(-1);
  };

  const commit = (text: string) => {
    const result = interpretInput(text, dialect);
    if (result.kind === 'trace') {
      setMenu('closed');
      setDraft(value);
      openTrace(result.traceId, experimentId);
      return;
    }
    if (result.kind === 'invalid') {
      setMenu('closed');
      setRefused(result.needsExtended ? EXTENDED_NEEDED : result.diagnostic.message);
      return;
    }
    setMenu('closed');
    setRefused(null);
    setDraftState(result.text, result.text);
    rememberFilter(result.text);
    onCommit(result.text);
  };

  // One click: the fixed text is applied at once when it is a filter that runs, else it is put in
  // the bar for the next fix.
  const applyFix = (fix: NonNullable<Diagnostic['fix']>) => {
    const fixed = draft.slice(0, fix.from) + fix.insert + draft.slice(fix.to);
    if (interpretInput(fixed, dialect).kind === 'filter') commit(fixed);
    else edit(fixed, fix.from + fix.insert.length);
  };

  const accept = (option: Suggestion) => {
    if (recentMode) {
      commit(option.insert);
      return;
    }
    const to = Math.min(option.to, draft.length);
    const rest = draft.slice(to);
    const text =
      draft.slice(0, option.from) + option.insert + rest.replace(/^\s+/, option.insert.endsWith(' ') ? '' : ' ');
    const caret = option.from + option.insert.length;
    pendingCursor.current = caret;
    edit(text, caret);
    setMenu('suggest');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!expanded) {
        setMenu(draft.trim() === '' || menu === 'closed' ? 'recent' : 'suggest');
        setActiveOption(0);
      } else setActiveOption((i) => (i + 1) % options.length);
    } else if (event.key === 'ArrowUp' && expanded) {
      event.preventDefault();
      setActiveOption((i) => (i <= 0 ? options.length - 1 : i - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (expanded && activeOption >= 0) accept(options[activeOption]);
      else commit(draft);
    } else if (event.key === 'Tab' && expanded && !event.shiftKey && situation.kind !== 'none' && !recentMode) {
      event.preventDefault();
      accept(options[Math.max(0, activeOption)]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (expanded) setMenu('closed');
      else {
        setDraft(value);
        setRefused(null);
      }
    }
  };

  const message = refused ?? (shown && draft.trim() !== '' ? shown.message : null);
  const isError = refused !== null || shown?.severity === 'error';
  // A refusal (Enter on a broken filter) keeps the fix when it is the same diagnostic.
  const sameAsShown = refused === null || refused === shown?.message;
  const hint = sameAsShown ? shown?.hint : undefined;
  const fix = sameAsShown ? shown?.fix : undefined;
  const mode = searchMode(interpretation, draft);

  return (
    <div className="search-bar">
      <label htmlFor={id} className="search-label">
        Filter
      </label>
      <div className={`search-field${message && isError ? ' invalid' : ''}`}>
        <FilterHighlight text={draft} diagnostics={diagnostics} inputRef={inputRef} />
        <input
          ref={inputRef}
          id={id}
          role="combobox"
          aria-expanded={expanded}
          aria-controls={listboxId}
          aria-autocomplete="list"
          aria-activedescendant={expanded && activeOption >= 0 ? `${listboxId}-${activeOption}` : undefined}
          aria-describedby={messageId}
          aria-invalid={message && isError ? true : undefined}
          className="search-input"
          spellCheck={false}
          autoComplete="off"
          placeholder="metadata.environment = 'prod' AND execution_time_ms > 1000 — or type text, or paste a trace id"
          value={draft}
          onChange={(event) => {
            edit(event.target.value, event.target.selectionStart ?? event.target.value.length);
            setMenu('suggest');
          }}
          onSelect={(event) => setCursor(event.currentTarget.selectionStart ?? draft.length)}
          onFocus={() => draft === '' && setMenu('recent')}
          onBlur={() => setMenu('closed')}
          onKeyDown={onKeyDown}
        />
      </div>
      <button type="button" className="primary" onClick={() => commit(draft)} disabled={!dirty && !refused}>
        Apply
      </button>
      <div id={messageId} className="search-message" role={refused ? 'alert' : 'status'} aria-live="polite">
        {mode && (
          <span className={`search-mode ${mode.kind}`} data-testid="search-mode">
            {mode.label}
          </span>
        )}
        {message && (
          <>
            {/* MLflow's message lists every valid key; the hint and the fix say what matters. */}
            <span className={isError ? 'search-error' : 'search-warning'} title={message}>
              {message.replace(/ Valid (keys|values) are .*$/s, '')}
            </span>
            {hint && <span className="search-hint"> — {hint}</span>}
            {fix && (
              <button
                type="button"
                className="search-fix"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => applyFix(fix)}
              >
                Fix:{' '}
                {fix.insert.trim() === '' ? 'remove' : `${fix.from === fix.to ? 'add' : 'use'} ${fix.insert.trim()}`}
              </button>
            )}
          </>
        )}
        {!message && dirty && <span className="search-pending">{pendingText(interpretation)}</span>}
      </div>
      {/* Below the message row, so the menu never covers an error or its fix. */}
      {expanded && <SuggestionList id={listboxId} options={options} active={activeOption} onPick={accept} />}
    </div>
  );
});
