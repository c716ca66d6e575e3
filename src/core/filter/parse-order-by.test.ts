import { describe, expect, it } from 'vitest';
import { parseOrderBy } from './parse-order-by.ts';

const TS_DESC = { field: { kind: 'attribute', key: 'timestamp_ms' }, ascending: false };
const ID_ASC = { field: { kind: 'attribute', key: 'request_id' }, ascending: true };

describe('parseOrderBy', () => {
  it.each([
    [[], [TS_DESC, ID_ASC]],
    [['timestamp'], [{ field: { kind: 'attribute', key: 'timestamp_ms' }, ascending: true }, ID_ASC]],
    [['timestamp_ms desc'], [TS_DESC, ID_ASC]],
    [
      ['execution_time DESC'],
      [{ field: { kind: 'attribute', key: 'execution_time_ms' }, ascending: false }, TS_DESC, ID_ASC],
    ],
    [['request_id DESC'], [{ field: { kind: 'attribute', key: 'request_id' }, ascending: false }, TS_DESC]],
    [
      ['status', 'experiment_id Asc'],
      [
        { field: { kind: 'attribute', key: 'status' }, ascending: true },
        { field: { kind: 'attribute', key: 'experiment_id' }, ascending: true },
        TS_DESC,
        ID_ASC,
      ],
    ],
    [['name'], [{ field: { kind: 'tag', key: 'mlflow.traceName' }, ascending: true }, TS_DESC, ID_ASC]],
    [['run_id DESC'], [{ field: { kind: 'metadata', key: 'mlflow.sourceRun' }, ascending: false }, TS_DESC, ID_ASC]],
    [['tags.env'], [{ field: { kind: 'tag', key: 'env' }, ascending: true }, TS_DESC, ID_ASC]],
    [
      ['metadata.`mlflow.trace.session` DESC'],
      [{ field: { kind: 'metadata', key: 'mlflow.trace.session' }, ascending: false }, TS_DESC, ID_ASC],
    ],
    [['end_time'], [{ field: { kind: 'attribute', key: 'end_time_ms' }, ascending: true }, TS_DESC, ID_ASC]],
    // The feedback extension; a feedback called `name` is not the trace name.
    [['feedback.name DESC'], [{ field: { kind: 'feedback', key: 'name' }, ascending: false }, TS_DESC, ID_ASC]],
    [['feedback.`a.b`'], [{ field: { kind: 'feedback', key: 'a.b' }, ascending: true }, TS_DESC, ID_ASC]],
  ])('accepts %j', (list, terms) => {
    expect(parseOrderBy(list)).toEqual({ ok: true, terms });
  });

  it.each([
    [['timestamp UP'], "Invalid ordering key in order_by clause 'timestamp UP'."],
    [['timestamp DESC x'], "Invalid order_by clause 'timestamp DESC x'. Could not be parsed."],
    [['client_request_id'], "Invalid attribute key 'client_request_id' specified. Valid keys are '{"],
    [['foo.bar'], "Invalid entity type 'foo'. Valid values are"],
    [['span.name'], "Invalid identifier type 'span'"],
    [['expectation.x'], "Invalid identifier type 'expectation'"],
    [['feedback.``'], "Invalid feedback name '' in order_by"],
    [['feedback.x', 'feedback.x DESC'], '`order_by` contains duplicate fields'],
    [['timestamp', 'timestamp_ms DESC'], "`order_by` contains duplicate fields: ['timestamp', 'timestamp_ms DESC']"],
  ])('rejects %j', (list, prefix) => {
    const r = parseOrderBy(list);
    expect(r.ok ? '' : r.message.slice(0, prefix.length)).toBe(prefix);
  });
});
