import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { QueueItem, QueueProgress } from '../../core/review-queue.ts';
import { traceDetailQueries } from '../api/trace-detail-queries.ts';
import {
  claimNext,
  completeItem,
  releaseItem,
  reviewQueueQueries,
  skipItem,
  type QueueRef,
} from '../api/review-queue-api.ts';

export interface QueueSession {
  /** undefined while the first item loads; null when nothing is left for this reviewer. */
  current: QueueItem | null | undefined;
  progress: QueueProgress | undefined;
  error: string | undefined;
  /** True while a Done or Skip is being answered without a prefetched item to show. */
  busy: boolean;
  done: () => void;
  skip: () => void;
}

/**
 * Works a queue item by item. While one item is on screen the next one is already claimed (so no
 * other reviewer takes it) and its trace and spans are in the query cache, so Done shows it at once;
 * the completion is written in the background. The server's claim keeps reviewers apart.
 */
export function useQueueSession(ref: QueueRef, reviewer: string, enabled: boolean): QueueSession {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState<QueueItem | null | undefined>(undefined);
  const [progress, setProgress] = useState<QueueProgress>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const upcoming = useRef<Promise<QueueItem | null> | null>(null);
  const currentRef = useRef<QueueItem | null | undefined>(undefined);
  const advancing = useRef(false);
  const { experimentId, queueId } = ref;

  const show = useCallback((item: QueueItem | null | undefined) => {
    currentRef.current = item;
    setCurrent(item);
  }, []);

  const prefetchTrace = useCallback(
    (traceId: string) => {
      void queryClient.prefetchQuery(traceDetailQueries.info(traceId));
      void queryClient.prefetchQuery(traceDetailQueries.spans(traceId));
    },
    [queryClient],
  );

  /** Claims the item after the one on screen, passing over `exclude`. */
  const claimUpcoming = useCallback(
    (exclude: string[]) => {
      const claim = claimNext({ experimentId, queueId }, reviewer, exclude).then((answer) => {
        setProgress(answer.progress);
        if (answer.item) prefetchTrace(answer.item.trace_id);
        return answer.item ?? null;
      });
      claim.catch(() => undefined);
      upcoming.current = claim;
    },
    [experimentId, queueId, reviewer, prefetchTrace],
  );

  useEffect(() => {
    if (!enabled) return;
    // A new queue or reviewer remounts the page (App keys it by queue), so the state starts empty here.
    let cancelled = false;
    upcoming.current = null;
    claimNext({ experimentId, queueId }, reviewer).then(
      (answer) => {
        if (cancelled) return;
        setProgress(answer.progress);
        show(answer.item ?? null);
        if (answer.item) claimUpcoming([answer.item.trace_id]);
      },
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
      // Give back the prefetched claim so another reviewer need not wait for its lease to end.
      const pending = upcoming.current;
      upcoming.current = null;
      void pending?.then((item) => {
        if (item) void releaseItem({ experimentId, queueId }, item.trace_id, reviewer).catch(() => undefined);
      });
      void queryClient.invalidateQueries({ queryKey: reviewQueueQueries.all() });
    };
  }, [enabled, experimentId, queueId, reviewer, claimUpcoming, show, queryClient]);

  const advance = useCallback(
    async (action: 'complete' | 'skip') => {
      const item = currentRef.current;
      if (!item || advancing.current) return;
      advancing.current = true;
      setError(undefined);
      const write = (action === 'complete' ? completeItem : skipItem)(
        { experimentId, queueId },
        item.trace_id,
        reviewer,
      ).then((answer) => setProgress(answer.progress));
      // The write finishes in the background: the reviewer may go on (and press Done again) meanwhile.
      write.catch((e: Error) => setError(`Could not record ${item.trace_id}: ${e.message}`));
      try {
        const pending = upcoming.current;
        upcoming.current = null;
        let next = pending ? await pending.catch(() => null) : null;
        if (!next) {
          // Nothing was waiting: once the write is in, ask again (a skipped item comes back last,
          // and a live queue may have grown).
          setBusy(true);
          await write;
          next = (await claimNext({ experimentId, queueId }, reviewer)).item ?? null;
        }
        show(next);
        if (next) claimUpcoming([next.trace_id, item.trace_id]);
      } catch (e) {
        setError((e as Error).message);
      } finally {
        setBusy(false);
        advancing.current = false;
      }
    },
    [experimentId, queueId, reviewer, claimUpcoming, show],
  );

  return {
    current,
    progress,
    error,
    busy,
    done: useCallback(() => void advance('complete'), [advance]),
    skip: useCallback(() => void advance('skip'), [advance]),
  };
}
