import { useState } from 'react';
import type { Assessment, JsonValue } from '../../core/model.ts';
import {
  assessmentValue,
  currentLabelAssessment,
  formatLabelValue,
  labelValueProblem,
  THUMBS_LABEL,
  type LabelDefinition,
} from '../../core/label-schema.ts';
import { ThumbIcon } from '../components/ThumbIcon.tsx';
import { useLabelFocus } from './label-focus-store.ts';
import './labels.css';

export interface LabelControlsProps {
  /** The experiment's labels (parseLabelSchema(...).labels). */
  labels: readonly LabelDefinition[];
  /** The trace's assessments; each control shows its label's current value. */
  assessments: readonly Assessment[];
  /** Whose value a new one overrides (see currentLabelAssessment). */
  reviewerId: string;
  /** Set a label's value; the caller writes it (e.g. useFeedbackActions' `give`). */
  onSet: (label: LabelDefinition, value: JsonValue) => void;
  disabled?: boolean;
}

/** One control per label: pass/fail, categorical options, a number or a text. Number keys set the focused one. */
export function LabelControls({ labels, assessments, reviewerId, onSet, disabled = false }: LabelControlsProps) {
  const focused = useLabelFocus((s) => s.focused);
  const setFocused = useLabelFocus((s) => s.setFocused);
  const active = labels.some((l) => l.name === focused) ? focused : labels[0]?.name;
  return (
    <div className="label-controls">
      {labels.map((label) => {
        const current = currentLabelAssessment(assessments, label, reviewerId);
        const value = current ? assessmentValue(current) : undefined;
        return (
          <div
            key={`${label.assessmentType}:${label.name}`}
            role="group"
            aria-label={`Label ${label.name}`}
            className={`label-control${active === label.name ? ' is-focused' : ''}`}
            onFocus={() => setFocused(label.name)}
            onPointerDown={() => setFocused(label.name)}
          >
            <div className="label-control-head">
              <strong>{label.name}</strong>
              {label.assessmentType === 'expectation' && <span className="td-chip">expectation</span>}
              <span className="label-control-value" aria-label={`${label.name} value`}>
                {formatLabelValue(label, value)}
              </span>
            </div>
            {label.description && <p className="td-muted label-control-description">{label.description}</p>}
            <LabelInput label={label} value={value} disabled={disabled} onSet={(v) => onSet(label, v)} />
          </div>
        );
      })}
    </div>
  );
}

interface LabelInputProps {
  label: LabelDefinition;
  value: JsonValue | undefined;
  disabled: boolean;
  onSet: (value: JsonValue) => void;
}

function LabelInput({ label, value, disabled, onSet }: LabelInputProps) {
  if (label.kind === 'pass_fail') {
    const thumbs = label.name === THUMBS_LABEL.name;
    return (
      <div className="td-feedback-buttons">
        {[true, false].map((pass, i) => (
          <button
            key={String(pass)}
            type="button"
            aria-pressed={value === pass}
            aria-label={thumbs ? (pass ? 'Thumbs up' : 'Thumbs down') : `${label.name}: ${pass ? 'pass' : 'fail'}`}
            title={`${pass ? 'Pass' : 'Fail'} (${pass ? '+' : '-'} or ${i + 1})`}
            disabled={disabled}
            onClick={() => onSet(pass)}
          >
            {thumbs ? <ThumbIcon down={!pass} /> : pass ? 'Pass' : 'Fail'}
          </button>
        ))}
      </div>
    );
  }
  if (label.kind === 'categorical') {
    return (
      <div className="td-feedback-buttons">
        {(label.options ?? []).map((option, i) => (
          <button
            key={option}
            type="button"
            aria-pressed={value === option}
            title={i < 9 ? `${formatLabelValue(label, option)} (${i + 1})` : undefined}
            disabled={disabled}
            onClick={() => onSet(option)}
          >
            {i < 9 && (
              <kbd className="label-key" aria-hidden="true">
                {i + 1}
              </kbd>
            )}
            {formatLabelValue(label, option)}
          </button>
        ))}
      </div>
    );
  }
  return <TypedLabelInput label={label} value={value} disabled={disabled} onSet={onSet} />;
}

/** Numeric and free-text labels: a field and a Set button (Enter sets). */
function TypedLabelInput({ label, value, disabled, onSet }: LabelInputProps) {
  const [draft, setDraft] = useState('');
  const numeric = label.kind === 'numeric';
  const parsed: JsonValue = numeric ? (draft.trim() === '' ? Number.NaN : Number(draft)) : draft;
  const problem = draft === '' ? null : labelValueProblem(label, parsed);
  const range = numeric
    ? [label.min !== undefined ? `min ${label.min}` : '', label.max !== undefined ? `max ${label.max}` : '']
        .filter(Boolean)
        .join(', ')
    : '';
  return (
    <form
      className="label-typed"
      onSubmit={(event) => {
        event.preventDefault();
        if (draft === '' || problem) return;
        onSet(parsed);
        setDraft('');
      }}
    >
      <input
        aria-label={`${label.name} ${numeric ? 'number' : 'text'}`}
        type={numeric ? 'number' : 'text'}
        min={label.min}
        max={label.max}
        step="any"
        value={draft}
        placeholder={value === undefined ? (range ? `${range}` : '') : formatLabelValue(label, value)}
        onChange={(e) => setDraft(e.target.value)}
        disabled={disabled}
        aria-invalid={problem ? true : undefined}
      />
      <button type="submit" disabled={disabled || draft === '' || problem !== null}>
        Set
      </button>
      {problem && <span className="td-error-text">{problem}</span>}
    </form>
  );
}
