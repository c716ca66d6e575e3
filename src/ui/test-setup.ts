import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { useDraftFilter } from './search-bar/draft-filter-store.ts';

afterEach(() => {
  cleanup();
  // Module-level stores outlive a test: start each one with an empty search bar.
  useDraftFilter.setState({ text: '', base: '' });
});
