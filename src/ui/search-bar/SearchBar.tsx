export interface SearchBarProps {
  experimentId: string;
  /** The committed (applied) filter, canonical text. */
  value: string;
  /** Called with the canonical text of the filter when the person applies it (Enter). */
  onCommit: (filter: string) => void;
}

export function SearchBar({ value }: SearchBarProps) {
  return <input aria-label="Filter traces" defaultValue={value} readOnly />;
}
