import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TraceInfo } from '../../core/model.ts';
import { setOwnKey } from '../../core/own-key.ts';
import { traceDetailQueries } from '../api/trace-detail-queries.ts';
import { invalidateTraceLists } from '../api/invalidate-trace-lists.ts';
import { deleteTraceTag, setTraceTag } from '../api/trace-tag-api.ts';

export type TagChange = { kind: 'set'; key: string; value: string } | { kind: 'delete'; key: string };

/**
 * Tag edits show at once (optimistic) and roll back if the server refuses; the caller shows
 * `error` with the change that failed. Settled changes re-read the trace through the factory key.
 */
export function useTagMutations(traceId: string) {
  const queryClient = useQueryClient();
  const key = traceDetailQueries.infoKey(traceId);
  return useMutation<unknown, Error, TagChange, { previous: TraceInfo | undefined }>({
    mutationFn: (change) =>
      change.kind === 'set' ? setTraceTag(traceId, change.key, change.value) : deleteTraceTag(traceId, change.key),
    onMutate: async (change) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<TraceInfo>(key);
      if (previous) {
        const tags = { ...previous.tags };
        if (change.kind === 'set') setOwnKey(tags, change.key, change.value);
        else delete tags[change.key];
        queryClient.setQueryData<TraceInfo>(key, { ...previous, tags });
      }
      return { previous };
    },
    onError: (_error, _change, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
    },
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: key }), invalidateTraceLists(queryClient)]),
  });
}
