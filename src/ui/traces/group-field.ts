import { CONTEXT_KEYS, METADATA } from '../../core/model.ts';
import type { ClauseField } from '../../core/filter-clause.ts';
import type { GroupBy } from './traces-url.ts';

/** The tag or metadata key a grouping splits on (null for no grouping). */
export function groupField(group: GroupBy): ClauseField | null {
  switch (group.kind) {
    case 'none':
      return null;
    case 'session':
      return { kind: 'metadata', key: METADATA.session };
    case 'user':
      return { kind: 'metadata', key: METADATA.user };
    case 'version':
      return { kind: 'metadata', key: CONTEXT_KEYS.appVersion };
    case 'tag':
    case 'metadata':
      return { kind: group.kind, key: group.key };
  }
}
