import { describe, expect, it } from 'vitest';
import type { FilterDialect } from './ast.ts';
import { checkFilter } from './check-filter.ts';
import { printFilter } from './print-filter.ts';

type Row = [filter: string, dialect: FilterDialect | 'both', expected: string | { code: string; message: string }];

// Accepted rows give the canonical print; rejected rows give the code and MLflow's message prefix.
const ROWS: Row[] = [
  // empty and whitespace
  ['', 'both', ''],
  ['   ', 'both', ''],
  ['AND', 'both', ''],
  // prefixes
  ["status = 'OK'", 'both', "status = 'OK'"],
  ["attribute.status = 'OK'", 'both', "status = 'OK'"],
  ["attributes.status = 'OK'", 'both', "status = 'OK'"],
  ["trace.status = 'OK'", 'both', "status = 'OK'"],
  ["tag.env = 'prod'", 'both', "tag.env = 'prod'"],
  ["tags.env = 'prod'", 'both', "tag.env = 'prod'"],
  ["metadata.env = 'prod'", 'both', "metadata.env = 'prod'"],
  ["request_metadata.env = 'prod'", 'both', "metadata.env = 'prod'"],
  ["span.name = 'llm'", 'both', "span.name = 'llm'"],
  ["feedback.relevance = 'yes'", 'both', "feedback.relevance = 'yes'"],
  ["expectation.answer = '42'", 'both', "expectation.answer = '42'"],
  ["issue.id = 'hallucination'", 'both', "issue.id = 'hallucination'"],
  [
    "assessment.x = 'a'",
    'both',
    { code: 'invalid-entity-type', message: "Invalid entity type 'assessment'. Valid values are {" },
  ],
  ["TAG.env = 'a'", 'both', { code: 'invalid-entity-type', message: "Invalid entity type 'TAG'. Valid values are" }],
  ["Trace.status = 'a'", 'both', { code: 'invalid-entity-type', message: "Invalid entity type 'Trace'." }],
  ["run.x = 'a'", 'both', { code: 'invalid-entity-type', message: "Invalid entity type 'run'." }],
  ["`trace.status` = 'OK'", 'both', { code: 'invalid-entity-type', message: "Invalid entity type '`trace'." }],
  [
    '"tag".k = \'v\'',
    'both',
    { code: 'invalid-entity-type', message: 'Invalid entity type \'"tag"\'. Valid values are {' },
  ],
  [
    '"tag"."k" = \'v\'',
    'both',
    { code: 'invalid-entity-type', message: 'Invalid entity type \'"tag"\'. Valid values are {' },
  ],
  // attribute keys, aliases and remaps
  [
    "state = 'OK'",
    'both',
    { code: 'invalid-attribute-key', message: "Invalid attribute key 'state' specified. Valid keys are '{" },
  ],
  ["trace_id = 'x'", 'both', { code: 'invalid-attribute-key', message: "Invalid attribute key 'trace_id' specified." }],
  ["STATUS = 'OK'", 'both', { code: 'invalid-attribute-key', message: "Invalid attribute key 'STATUS' specified." }],
  ['timestamp > 100', 'both', 'timestamp_ms > 100'],
  ['timestamp_ms >= 100', 'both', 'timestamp_ms >= 100'],
  ['execution_time < 5.5', 'both', 'execution_time_ms < 5.5'],
  ['end_time <= -1', 'both', 'end_time_ms <= -1'],
  ["timestamp_ms = '100'", 'both', "timestamp_ms = '100'"],
  ["request_id = 'tr-1'", 'both', "request_id = 'tr-1'"],
  ["client_request_id != 'c'", 'both', "client_request_id != 'c'"],
  ["name = 'chat'", 'both', "name = 'chat'"],
  ["tag.`mlflow.traceName` = 'chat'", 'both', "name = 'chat'"],
  ["tag.name = 'chat'", 'both', "name = 'chat'"],
  ["tag.NAME = 'chat'", 'both', "name = 'chat'"],
  ["issue.name = 'chat'", 'both', "name = 'chat'"],
  ["run_id = 'r1'", 'both', "run_id = 'r1'"],
  ["metadata.mlflow.sourceRun = 'r1'", 'both', "run_id = 'r1'"],
  ["trace.text LIKE '%hi%'", 'both', "span.content LIKE '%hi%'"],
  ["feedback.text ILIKE '%hi%'", 'both', "span.content ILIKE '%hi%'"],
  ["text LIKE '%hi%'", 'mlflow', { code: 'reserved-word', message: "Invalid clause(s) in filter string: 'text'" }],
  ["text LIKE '%hi%'", 'extended', "span.content LIKE '%hi%'"],
  ["prompt = 'qa/3'", 'both', "prompt = 'qa/3'"],
  // keys: first dot, backticks, quotes
  ["metadata.mlflow.trace.session = 'abc'", 'both', "metadata.`mlflow.trace.session` = 'abc'"],
  ["metadata.`mlflow.trace.session` = 'abc'", 'both', "metadata.`mlflow.trace.session` = 'abc'"],
  ['tag."my key" = \'v\'', 'both', "tag.`my key` = 'v'"],
  ["tag.'k' = 'v'", 'both', "tag.k = 'v'"],
  ['"status" = \'OK\'', 'both', "status = 'OK'"],
  ["tag.my-key = 'v'", 'both', { code: 'unquoted-key', message: "Invalid clause(s) in filter string: 'tag.my-key'" }],
  ["span.attributes.`gen_ai.model` = 'gpt'", 'both', "span.attributes.`gen_ai.model` = 'gpt'"],
  ["span.attributes.gen_ai.model = 'gpt'", 'both', "span.attributes.`gen_ai.model` = 'gpt'"],
  [
    "span.attributes.`` = 'x'",
    'both',
    { code: 'empty-key', message: "Span attribute name cannot be empty after 'attributes.'" },
  ],
  [
    "span.foo = 'x'",
    'both',
    {
      code: 'invalid-span-key',
      message: "Invalid span attribute 'foo'. Supported attributes: name, status, type, attributes.<attribute_name>.",
    },
  ],
  ["feedback.`` = 'x'", 'both', { code: 'empty-key', message: 'Assessment field name cannot be empty' }],
  ["issue.foo = 'x'", 'both', { code: 'invalid-issue-key', message: "Invalid issue attribute 'foo'" }],
  // values
  ['status = "it\'s"', 'both', 'status = "it\'s"'],
  ["status = 'it''s'", 'both', "status = 'it''s'"],
  [
    'tag.env = prod',
    'both',
    {
      code: 'unquoted-value',
      message:
        'Parameter value is either not quoted or unidentified quote types used for string value prod. Use either single or double quotes.',
    },
  ],
  [
    'tag.env = 5',
    'both',
    { code: 'numeric-value', message: "Expected a quoted string value for tag (e.g. 'my-value'). Got value 5" },
  ],
  [
    'metadata.env = 5',
    'both',
    {
      code: 'numeric-value',
      message: "Expected a quoted string value for request_metadata (e.g. 'my-value'). Got value 5",
    },
  ],
  [
    'span.name = 5',
    'both',
    { code: 'numeric-value', message: "Expected a quoted string value for span (e.g. 'my-value'). Got value 5" },
  ],
  [
    'feedback.x = 5',
    'both',
    { code: 'numeric-value', message: "Expected a quoted string value for feedback (e.g. 'my-value'). Got value 5" },
  ],
  ['status = 5', 'both', { code: 'numeric-value', message: "Only the '{" }],
  // quoted non-numbers on numeric attributes: MLflow accepts them (the store compares loosely)
  ["timestamp_ms = 'abc'", 'both', "timestamp_ms = 'abc'"],
  ["execution_time_ms < '0x64'", 'both', "execution_time_ms < '0x64'"],
  ["end_time >= ''", 'both', "end_time_ms >= ''"],
  ["status IN ('OK', 'ERROR')", 'both', "status IN ('OK', 'ERROR')"],
  ["status NOT IN ('OK')", 'both', "status NOT IN ('OK')"],
  [
    'status IN ()',
    'both',
    {
      code: 'empty-list',
      message: 'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
    },
  ],
  [
    "status IN ('OK', 1)",
    'both',
    {
      code: 'invalid-list-item',
      message:
        "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('OK', 1)",
    },
  ],
  [
    "metadata.x IN ('a')",
    'mlflow',
    {
      code: 'list-value',
      message: "Expected a quoted string value for request_metadata (e.g. 'my-value'). Got value ('a')",
    },
  ],
  [
    "feedback.x IN ('a')",
    'both',
    { code: 'list-value', message: "Expected a quoted string value for feedback (e.g. 'my-value'). Got value ('a')" },
  ],
  ["status IN 'OK'", 'both', { code: 'expected-list', message: "Invalid value for comparator 'IN'" }],
  ["status = ('OK')", 'both', { code: 'unexpected-list', message: "Invalid value for comparator '='" }],
  [
    "prompt = 'qa'",
    'both',
    {
      code: 'invalid-prompt-value',
      message: 'Invalid prompts filter value \'qa\'. Expected format: prompt = "name/version"',
    },
  ],
  ["prompt = 'a/b/c'", 'both', { code: 'invalid-prompt-value', message: "Invalid prompts filter value 'a/b/c'." }],
  // comparator table: string attributes
  ...(['=', '!=', 'LIKE', 'ILIKE', 'RLIKE'] as const).map((op): Row => [
    `status ${op.toLowerCase()} 'OK'`,
    'both',
    `status ${op} 'OK'`,
  ]),
  ["status > 'OK'", 'both', { code: 'invalid-comparator', message: "Invalid comparator '>' not one of '{" }],
  ['status IS NULL', 'both', { code: 'invalid-comparator', message: "Invalid comparator 'IS NULL' not one of '{" }],
  // numeric attributes
  ...(['=', '!=', '<', '<=', '>', '>='] as const).map((op): Row => [
    `execution_time_ms ${op} 5`,
    'both',
    `execution_time_ms ${op} 5`,
  ]),
  [
    "timestamp_ms LIKE '1%'",
    'both',
    { code: 'invalid-comparator', message: "Invalid comparator 'LIKE' not one of '{" },
  ],
  ['timestamp_ms == 5', 'both', { code: 'invalid-comparator', message: "Invalid comparator '==' not one of '{" }],
  // tags and metadata
  ...(['=', '!=', 'LIKE', 'ILIKE', 'RLIKE'] as const).flatMap((op): Row[] => [
    [`tag.k ${op} 'v'`, 'both', `tag.k ${op} 'v'`],
    [`metadata.k ${op} 'v'`, 'both', `metadata.k ${op} 'v'`],
  ]),
  ['tag.k is null', 'both', 'tag.k IS NULL'],
  ['metadata.k IS NOT NULL', 'both', 'metadata.k IS NOT NULL'],
  ["tag.k < 'v'", 'both', { code: 'invalid-comparator', message: "Invalid comparator '<' not one of '{" }],
  ["tag.k <> 'v'", 'both', { code: 'invalid-comparator', message: "Invalid comparator '<>' not one of '{" }],
  ["tag.k IN ('v')", 'mlflow', { code: 'invalid-comparator', message: "Invalid comparator 'IN' not one of '{" }],
  ["tag.k IN ('v', 'w')", 'extended', "tag.k IN ('v', 'w')"],
  ["metadata.k NOT IN ('v')", 'extended', "metadata.k NOT IN ('v')"],
  ["name IN ('a')", 'mlflow', { code: 'invalid-comparator', message: "Invalid comparator 'IN' not one of '{" }],
  // spans
  ...(['=', '!=', 'LIKE', 'ILIKE', 'RLIKE'] as const).flatMap((op): Row[] =>
    ['name', 'type', 'status', 'attributes.a'].map((k): Row => [`span.${k} ${op} 'v'`, 'both', `span.${k} ${op} 'v'`]),
  ),
  ["span.type IN ('LLM', 'TOOL')", 'both', "span.type IN ('LLM', 'TOOL')"],
  ["span.attributes.a NOT IN ('x')", 'both', "span.attributes.a NOT IN ('x')"],
  ["span.name < 'v'", 'both', { code: 'invalid-comparator', message: "span.name comparator '<' not one of '{" }],
  ['span.name IS NULL', 'both', { code: 'invalid-comparator', message: "span.name comparator 'IS NULL' not one of" }],
  ["span.content LIKE '%x%'", 'both', "span.content LIKE '%x%'"],
  ["span.content ILIKE '%x%'", 'both', "span.content ILIKE '%x%'"],
  [
    "span.content = 'x'",
    'both',
    { code: 'invalid-comparator', message: "span.content comparator '=' not one of '{'LIKE', 'ILIKE'}'" },
  ],
  ["span.content RLIKE 'x'", 'both', { code: 'invalid-comparator', message: "span.content comparator 'RLIKE'" }],
  // assessments
  ...(['=', '!=', 'LIKE', 'ILIKE', 'RLIKE'] as const).flatMap((op): Row[] => [
    [`feedback.q ${op} 'v'`, 'both', `feedback.q ${op} 'v'`],
    [`expectation.q ${op} 'v'`, 'both', `expectation.q ${op} 'v'`],
  ]),
  ['feedback.q IS NULL', 'both', 'feedback.q IS NULL'],
  ['expectation.q IS NOT NULL', 'both', 'expectation.q IS NOT NULL'],
  ["feedback.q > 'v'", 'both', { code: 'invalid-comparator', message: "assessment.q comparator '>' not one of '{" }],
  ["issue.id != 'x'", 'both', { code: 'invalid-comparator', message: "issue.id comparator '!=' not one of '{'='}'" }],
  [
    "prompt LIKE 'a/1'",
    'both',
    {
      code: 'invalid-comparator',
      message:
        "Invalid comparator 'LIKE' for prompts filter. Only '=' is supported with format: prompt = \"name/version\"",
    },
  ],
  // AND, OR, NOT, parentheses
  ["status = 'OK' and tag.a = 'b'", 'both', "status = 'OK' AND tag.a = 'b'"],
  ["AND status = 'OK' AND", 'both', "status = 'OK'"],
  ["status = 'OK' AND AND tag.a = 'b'", 'both', "status = 'OK' AND tag.a = 'b'"],
  ["status = 'OK' tag.a = 'b'", 'both', "status = 'OK' AND tag.a = 'b'"],
  [
    "status = 'OK' OR tag.a = 'b'",
    'mlflow',
    { code: 'invalid-clause', message: "Invalid clause(s) in filter string: 'OR'" },
  ],
  [
    "status = 'OK' or tag.a = 'b' OR tag.c = 'd'",
    'mlflow',
    { code: 'invalid-clause', message: "Invalid clause(s) in filter string: 'or', 'OR'" },
  ],
  ["NOT status = 'OK'", 'mlflow', { code: 'invalid-clause', message: "Invalid clause(s) in filter string: 'NOT'" }],
  [
    "(status = 'OK')",
    'mlflow',
    { code: 'invalid-clause', message: "Invalid clause(s) in filter string: '(status = 'OK')'" },
  ],
  ["status = 'OK' OR tag.a = 'b'", 'extended', "status = 'OK' OR tag.a = 'b'"],
  [
    "(status = 'OK' OR tag.a = 'b') AND NOT (tag.c = 'd' AND tag.e = 'f')",
    'extended',
    "(status = 'OK' OR tag.a = 'b') AND NOT (tag.c = 'd' AND tag.e = 'f')",
  ],
  ["((status = 'OK'))", 'extended', "status = 'OK'"],
  ["not not status = 'OK'", 'extended', "NOT NOT status = 'OK'"],
  ["status = 'OK' AND tag.a = 'b' OR tag.c = 'd'", 'extended', "status = 'OK' AND tag.a = 'b' OR tag.c = 'd'"],
  // syntax errors
  [
    "status = 'OK'; tag.a = 'b'",
    'both',
    {
      code: 'multiple-statements',
      message:
        "Search filter contained multiple expression \"status = 'OK'; tag.a = 'b'\". Provide AND-ed expression list.",
    },
  ],
  ['status', 'both', { code: 'expected-operator', message: "Invalid clause(s) in filter string: 'status'" }],
  ['status =', 'both', { code: 'expected-value', message: 'Invalid clause(s) in filter string: ' }],
  ["status = 'OK", 'both', { code: 'unterminated-string', message: 'Invalid clause(s) in filter string: ' }],
  [
    "status BETWEEN 'a' AND 'b'",
    'both',
    { code: 'expected-operator', message: 'Invalid clause(s) in filter string: ' },
  ],
  ["(status = 'OK'", 'extended', { code: 'missing-rparen', message: 'Invalid clause(s) in filter string: ' }],
  ["status = 'OK')", 'extended', { code: 'unmatched-rparen', message: "Invalid clause(s) in filter string: ')'" }],
  ["status = 'OK' # x", 'both', { code: 'unexpected-character', message: "Invalid clause(s) in filter string: '#'" }],
  ["'status' = 'OK'", 'both', { code: 'invalid-clause', message: 'Invalid clause(s) in filter string: ' }],
  ['OR', 'extended', { code: 'expected-identifier', message: "Invalid clause(s) in filter string: 'OR'" }],
  ['NOT', 'extended', { code: 'expected-identifier', message: "Invalid clause(s) in filter string: 'NOT'" }],
  ['()', 'extended', { code: 'expected-identifier', message: "Invalid clause(s) in filter string: '()'" }],
];

// Rows whose whole message is MLflow's (no Python set in it), compared exactly rather than by prefix.
const EXACT: [filter: string, dialect: FilterDialect | 'both', code: string, message: string][] = [
  // trailing junk names the token, as sqlparse leaves it outside the comparison
  ["status = 'OK' 5", 'both', 'invalid-clause', "Invalid clause(s) in filter string: '5'"],
  ["status = 'OK' 'x'", 'both', 'invalid-clause', "Invalid clause(s) in filter string: ''x''"],
  ["status = 'OK' ,", 'both', 'invalid-clause', "Invalid clause(s) in filter string: ','"],
  ['execution_time_ms > 1.5.5', 'both', 'invalid-clause', "Invalid clause(s) in filter string: '.5'"],
  ["status = 'OK' 5 AND tag.a = 'b'", 'both', 'invalid-clause', "Invalid clause(s) in filter string: '5'"],
  // a dangling OR / NOT is named once
  ["status = 'OK' OR", 'mlflow', 'expected-identifier', "Invalid clause(s) in filter string: 'OR'"],
  ["status = 'OK' OR", 'extended', 'expected-identifier', "Invalid clause(s) in filter string: 'OR'"],
  ["OR status = 'OK'", 'both', 'expected-identifier', "Invalid clause(s) in filter string: 'OR'"],
  [
    "status = 'OK' or or tag.a = 'b'",
    'mlflow',
    'expected-identifier',
    "Invalid clause(s) in filter string: 'or', 'or'",
  ],
  ["status = 'OK' AND NOT", 'both', 'expected-identifier', "Invalid clause(s) in filter string: 'NOT'"],
  // a ';' that ends the only statement is an invalid clause; a second statement is "multiple expression"
  ["tag.k = 'v';", 'both', 'invalid-clause', "Invalid clause(s) in filter string: ';'"],
  ["tag.k = 'v' ;  \n", 'both', 'invalid-clause', "Invalid clause(s) in filter string: ';'"],
  [';', 'both', 'invalid-clause', "Invalid clause(s) in filter string: ';'"],
  [
    "tag.k = 'v';;",
    'both',
    'multiple-statements',
    'Search filter contained multiple expression "tag.k = \'v\';;". Provide AND-ed expression list.',
  ],
  [
    "; tag.k = 'v'",
    'both',
    'multiple-statements',
    'Search filter contained multiple expression "; tag.k = \'v\'". Provide AND-ed expression list.',
  ],
  ["tag.k = 'v; x'", 'both', 'ok', "tag.k = 'v; x'"],
];

describe('checkFilter', () => {
  for (const [filter, dialectSpec, expected] of ROWS) {
    const dialects: FilterDialect[] = dialectSpec === 'both' ? ['mlflow', 'extended'] : [dialectSpec];
    for (const dialect of dialects) {
      it(`${dialect}: ${filter}`, () => {
        const r = checkFilter(filter, dialect);
        const prefixLength = typeof expected === 'string' ? 0 : expected.message.length;
        const got = r.ok
          ? printFilter(r.expr)
          : {
              code: r.diagnostic.code,
              message: r.diagnostic.message.slice(0, prefixLength),
              inRange:
                r.diagnostic.from >= 0 && r.diagnostic.from <= r.diagnostic.to && r.diagnostic.to <= filter.length,
            };
        expect(got).toEqual(typeof expected === 'string' ? expected : { ...expected, inRange: true });
      });
    }
  }

  for (const [filter, dialectSpec, code, message] of EXACT) {
    const dialects: FilterDialect[] = dialectSpec === 'both' ? ['mlflow', 'extended'] : [dialectSpec];
    for (const dialect of dialects) {
      it(`${dialect}, exact message: ${JSON.stringify(filter)}`, () => {
        const r = checkFilter(filter, dialect);
        expect(
          r.ok
            ? { code: 'ok', message: printFilter(r.expr) }
            : { code: r.diagnostic.code, message: r.diagnostic.message },
        ).toEqual({ code, message });
      });
    }
  }
});
