import type { Suggestion } from './suggestions.ts';

export function SuggestionList({
  id,
  options,
  active,
  onPick,
}: {
  id: string;
  options: readonly Suggestion[];
  active: number;
  onPick: (option: Suggestion) => void;
}) {
  return (
    <ul id={id} role="listbox" aria-label="Suggestions" className="search-suggestions">
      {options.map((option, i) => (
        <li
          key={`${option.label}-${i}`}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'active' : undefined}
          // Keep focus in the input: a mousedown would blur it and close the menu first.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onPick(option)}
        >
          <span className="option-label mono">{option.label}</span>
          {option.detail && <span className="option-detail">{option.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
