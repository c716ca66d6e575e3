import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { FilterFacts } from '../../core/filter/index.ts';
import { catalogQueries } from '../api/catalog-queries.ts';
import { factQueries } from '../api/fact-queries.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';

/**
 * What the experiment's data says about the filter's words: tag and metadata keys (the key
 * catalog, when the server has it), span types and names, feedback and expectation names. Fetched
 * only when `enabled` (something is typed or a search came back empty), and the span and
 * assessment aggregations only once `text` mentions `span.`, `feedback.` or `expectation.`: they
 * scan more rows than the catalog and must not compete with the search itself. Cached for minutes.
 */
export function useFilterFacts(experimentId: string, enabled: boolean, text: string): FilterFacts {
  const features = useServerFeatures();
  const on = enabled && features.known;
  const spans = on && /\bspan\./i.test(text);
  const keys = useQuery({ ...catalogQueries.keys(experimentId), enabled: on && features.has('keys') });
  const spanTypes = useQuery({ ...factQueries.spans(experimentId, 'span_type'), enabled: spans });
  const spanNames = useQuery({ ...factQueries.spans(experimentId, 'span_name'), enabled: spans });
  const feedback = useQuery({
    ...factQueries.assessmentNames(experimentId, 'feedback'),
    enabled: on && /\bfeedback\./i.test(text),
  });
  const expectation = useQuery({
    ...factQueries.assessmentNames(experimentId, 'expectation'),
    enabled: on && /\bexpectation\./i.test(text),
  });
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
