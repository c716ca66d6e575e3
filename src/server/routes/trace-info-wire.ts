// TraceInfoV3 as MLflow serialises it (docs/mlflow-contract.md §2.1): TraceInfo.to_proto truncates metadata
// keys and values to 250 characters (_truncate_request_metadata) and tag keys to 250 and tag
// values to 4096 (_truncate_tags). Storage keeps the full text, so filters and the server's own
// reads (e.g. mlflow.trace.sizeStats) see it; only responses are cut.
import type { TraceInfo } from '../../core/model.ts';
import { setOwnKey } from '../../core/own-key.ts';

export const MAX_METADATA_CHARS = 250;
export const MAX_TAG_KEY_CHARS = 250;
export const MAX_TAG_VALUE_CHARS = 4096;

/** The first `max` characters as Python counts them (code points, so a surrogate pair is never split). */
export function truncateCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  let i = 0;
  for (let count = 0; count < max && i < text.length; count++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    i += pair ? 2 : 1;
  }
  return text.slice(0, i);
}

function truncateMap(map: Record<string, string>, maxKey: number, maxValue: number): Record<string, string> {
  // Most maps need nothing: answer the same object without copying.
  let needed = false;
  for (const key in map) {
    if (key.length > maxKey || map[key].length > maxValue) {
      needed = true;
      break;
    }
  }
  if (!needed) return map;
  const out: Record<string, string> = {};
  // As Python's dict comprehension: when two keys truncate to the same text, the later one wins.
  for (const [key, value] of Object.entries(map))
    setOwnKey(out, truncateCodePoints(key, maxKey), truncateCodePoints(value, maxValue));
  return out;
}

export function toWireTraceInfo(info: TraceInfo): TraceInfo {
  const metadata = truncateMap(info.trace_metadata, MAX_METADATA_CHARS, MAX_METADATA_CHARS);
  const tags = truncateMap(info.tags, MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS);
  return metadata === info.trace_metadata && tags === info.tags ? info : { ...info, trace_metadata: metadata, tags };
}
