import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { FilterFacts } from '../../core/filter/index.ts';
import { catalogQueries } from '../api/catalog-queries.ts';
import { factQueries } from '../api/fact-queries.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';

/**
 * What the experiment's data says about the filter's words: tag and metadata keys (the key
 * catalog, when the server has it), span types and names, feedback and expectation names. Fetched
 * only when `enabled` (something is typed or a search came back empty), then cached for minutes.
 */
export function useFilterFacts(experimentId: string, enabled: boolean): FilterFacts {
  const features = useServerFeatures();
  const on = enabled && features.known;
  const keys = useQuery({ ...catalogQueries.keys(experimentId), enabled: on && features.has('keys') });
  const spanTypes = useQuery({ ...factQueries.spans(experimentId, 'span_type'), enabled: on });
  const spanNames = useQuery({ ...factQueries.spans(experimentId, 'span_name'), enabled: on });
  const feedback = useQuery({ ...factQueries.assessmentNames(experimentId, 'feedback'), enabled: on });
  const expectation = useQuery({ ...factQueries.assessmentNames(experimentId, 'expectation'), enabled: on });
  return useMemo(
    () => ({
      keys: keys.data,
      spanTypes: spanTypes.data,
      spanNames: spanNames.data,
      feedbackNames: feedback.data,
      expectationNames: expectation.data,
    }),
    [keys.data, spanTypes.data, spanNames.data, feedback.data, expectation.data],
  );
}
