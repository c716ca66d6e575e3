import { createContext } from 'react';

/**
 * Whether the enclosing grid row is the active one. Buttons inside cells join the tab order only
 * in that row, so the grid stays one tab stop however many rows are loaded.
 */
export const RowActiveContext = createContext(false);
