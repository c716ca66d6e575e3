// Issue 17 journeys: a categorical label beside 👍/👎; selecting rows (range, whole filtered set),
// bulk tags and labels, Undo — each checked through the API, not only on screen.
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './console-guard.ts';
import { expectNoSeriousAxeFindings } from './axe.ts';
import { createExperiment, logFeedback, logTrace, uniqueName } from './fixtures/seed-api.ts';

interface WireAssessment {
  assessment_id: string;
  assessment_name: string;
  source: { source_id?: string };
  feedback?: { value?: unknown };
  expectation?: { value?: unknown };
  rationale?: string;
  valid: boolean;
  overrides?: string;
}
interface WireInfo {
  trace_id: string;
  tags: Record<string, string>;
  assessments?: WireAssessment[];
}

async function search(request: APIRequestContext, experimentId: string, filter?: string): Promise<WireInfo[]> {
  const response = await request.post('/api/3.0/mlflow/traces/search', {
    data: {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
      filter,
      max_results: 500,
    },
  });
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { traces?: WireInfo[] }).traces ?? [];
}

async function traceInfo(request: APIRequestContext, traceId: string): Promise<WireInfo> {
  const response = await request.get(`/api/3.0/mlflow/traces/${traceId}`);
  return ((await response.json()) as { trace: { trace_info: WireInfo } }).trace.trace_info;
}

const rows = (page: Page) => page.getByRole('grid', { name: 'Traces' }).locator('.grid-body [role="row"]');

test('a categorical label defined in the Labels dialog sits beside 👍/👎, which keeps its own name', async ({
  page,
  request,
}) => {
  // Axe scans take tens of seconds on a loaded machine.
  test.setTimeout(120_000);
  const experimentId = await createExperiment(request, uniqueName('labels-schema'));
  const traceId = await logTrace(request, experimentId, {
    name: 'answer',
    startMs: Date.now() - 5_000,
    durationMs: 50,
  });
  await page.goto(`/traces/${traceId}?experiment=${experimentId}`);
  await page.getByRole('textbox', { name: 'Reviewer id' }).fill('ann@example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Thumbs up' }).click();
  await expect(page.getByRole('list', { name: 'Assessments' })).toContainText('thumbs up');

  await page.getByRole('button', { name: 'Labels', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Labels of this experiment' });
  await dialog.getByRole('button', { name: 'Add label' }).click();
  // The new label's legend is its name, so the name is typed last.
  const fresh = dialog.getByRole('group', { name: 'New label' });
  await fresh.getByRole('textbox', { name: /Options/ }).fill('friendly, neutral, rude');
  await fresh.getByRole('textbox', { name: 'Description' }).fill('How the answer sounds');
  await fresh.getByRole('textbox', { name: 'Name' }).fill('tone');
  await expectNoSeriousAxeFindings(page, 'the Labels dialog');
  await dialog.getByRole('button', { name: 'Save labels' }).click();
  await expect(dialog).toBeHidden();

  // The schema is an experiment tag any MLflow client can read.
  const experiment = await (await request.get(`/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`)).json();
  const schemaTag = (experiment.experiment.tags as { key: string; value: string }[]).find(
    (t) => t.key === 'trace_explorer.label_schemas',
  );
  expect(JSON.parse(schemaTag!.value).labels.map((l: { name: string }) => l.name)).toEqual([
    'user_satisfaction',
    'correctness',
    'tone',
  ]);

  // One control per label; 👍/👎 still there and still pressed; the new label takes a value by number key.
  const tone = page.getByRole('group', { name: 'Label tone' });
  await expect(tone).toBeVisible();
  await expect(page.getByRole('button', { name: 'Thumbs up' })).toHaveAttribute('aria-pressed', 'true');
  await tone.getByRole('button', { name: /neutral/ }).focus();
  await page.evaluate(() => (document.activeElement as HTMLElement).blur());
  await page.keyboard.press('3');
  await expect(tone.getByRole('button', { name: /rude/ })).toHaveAttribute('aria-pressed', 'true');
  await page
    .getByRole('group', { name: 'Label correctness' })
    .getByRole('button', { name: /partially correct/ })
    .click();
  await expect(
    page.getByRole('group', { name: 'Label correctness' }).getByRole('button', { name: /partially correct/ }),
  ).toHaveAttribute('aria-pressed', 'true');

  const valid = (await traceInfo(request, traceId)).assessments!.filter((a) => a.valid);
  expect(Object.fromEntries(valid.map((a) => [a.assessment_name, a.feedback?.value]))).toEqual({
    user_satisfaction: true,
    tone: 'rude',
    correctness: 'partially_correct',
  });
  await page.screenshot({ path: '/tmp/labels-detail-1280.png' });
});

test('select a range and a whole filtered set, bulk-tag and bulk-label them, and Undo restores everything', async ({
  page,
  request,
}) => {
  // About 60 s on a quiet machine; axe scans dominate.
  test.setTimeout(180_000);
  const experimentId = await createExperiment(request, uniqueName('labels-bulk'));
  const now = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    ids.push(
      await logTrace(request, experimentId, {
        name: `t${i}`,
        startMs: now - 60_000 - i * 1000,
        durationMs: 50,
        state: i % 3 === 0 ? 'ERROR' : 'OK',
        metadata: { environment: i % 2 === 0 ? 'production' : 'staging' },
        tags: i === 1 ? { batch: 'before' } : {},
      }),
    );
  }
  // ann already said "correct" on one production trace: the bulk label overrides it, Undo must bring it back.
  const annCorrect = await logFeedback(request, ids[2], { name: 'correctness', value: 'correct', sourceId: 'ann' });
  await page.goto(`/traces?experiment=${experimentId}`);
  await page.evaluate(() => localStorage.setItem('trace-explorer:feedback.reviewer-id', '"ann"'));
  await page.reload();
  await expect(rows(page)).toHaveCount(12);

  // A range: tick row 1, shift-click row 4 (newest first = ids[0..3]).
  await page.getByRole('checkbox', { name: `Select trace ${ids[0]}` }).click();
  await page.getByRole('checkbox', { name: `Select trace ${ids[3]}` }).click({ modifiers: ['Shift'] });
  const bar = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bar.getByRole('status').first()).toHaveText('4 traces selected');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: '/tmp/labels-bulk-selected-1280.png' });
  await expectNoSeriousAxeFindings(page, 'traces with a selection');

  await bar.getByRole('button', { name: 'Tag…' }).click();
  await bar.getByRole('textbox', { name: 'Tag key' }).fill('batch');
  await bar.getByRole('textbox', { name: 'Tag value' }).fill('reviewed');
  await bar.getByRole('button', { name: 'Tag 4 traces' }).click();
  await expect(bar).toContainText('Tagged batch=reviewed on 4 traces.');
  const tagged = async () =>
    (await search(request, experimentId, "tag.batch = 'reviewed'")).map((t) => t.trace_id).sort();
  expect(await tagged()).toEqual(ids.slice(0, 4).sort());
  await bar.getByRole('button', { name: 'Undo' }).click();
  await expect(bar).toContainText('Undone on 4 traces.');
  expect(await tagged()).toEqual([]);
  // ids[1] had batch=before: Undo put that value back rather than removing the tag.
  expect((await traceInfo(request, ids[1])).tags.batch).toBe('before');

  // Esc clears; x ticks the highlighted row from the keyboard.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('checkbox', { name: `Select trace ${ids[0]}` })).not.toBeChecked();
  await expect(bar.getByText('selected')).toHaveCount(0);
  await page.getByRole('grid', { name: 'Traces' }).focus();
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await expect(page.getByRole('checkbox', { name: `Select trace ${ids[1]}` })).toBeChecked();
  await page.keyboard.press('Escape');

  // A whole filtered set: production traces (6), selected on the server by the filter.
  await page.goto(`/traces?experiment=${experimentId}&q=${encodeURIComponent("metadata.environment = 'production'")}`);
  await expect(rows(page)).toHaveCount(6);
  await page.getByRole('checkbox', { name: `Select trace ${ids[0]}` }).click();
  await bar.getByRole('button', { name: 'Select all 6 matching traces' }).click();
  await expect(bar.getByRole('status').first()).toHaveText('All 6 matching traces selected');
  await bar.getByRole('button', { name: 'Label…' }).click();
  await bar.getByRole('combobox', { name: 'Label', exact: true }).selectOption('correctness');
  await bar.getByRole('combobox', { name: 'Value', exact: true }).selectOption('incorrect');
  await bar.getByRole('textbox', { name: 'Comment (optional)' }).fill('bulk pass');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: '/tmp/labels-bulk-label-1440.png' });
  await bar.getByRole('button', { name: 'Label 6 traces' }).click();
  await expect(bar).toContainText('Set correctness = incorrect on 6 traces.');

  const production = await search(request, experimentId, "metadata.environment = 'production'");
  for (const trace of production) {
    const valid = trace.assessments!.filter((a) => a.valid && a.assessment_name === 'correctness');
    expect(valid.map((a) => [a.feedback?.value, a.rationale, a.source.source_id])).toEqual([
      ['incorrect', 'bulk pass', 'ann'],
    ]);
  }
  const staging = await search(request, experimentId, "metadata.environment = 'staging'");
  expect(staging.flatMap((t) => t.assessments ?? [])).toEqual([]);
  const overridden = (await traceInfo(request, ids[2])).assessments!.find((a) => a.assessment_id === annCorrect)!;
  expect(overridden.valid).toBe(false);

  await bar.getByRole('button', { name: 'Undo' }).click();
  await expect(bar).toContainText('Undone on 6 traces.');
  const restored = (await traceInfo(request, ids[2])).assessments!;
  expect(restored.map((a) => [a.assessment_id, a.valid, a.feedback?.value])).toEqual([[annCorrect, true, 'correct']]);
  for (const trace of await search(request, experimentId, "metadata.environment = 'production'")) {
    if (trace.trace_id !== ids[2]) expect(trace.assessments ?? []).toEqual([]);
  }

  // ? lists every shortcut.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Select or unselect the highlighted trace');
  await page.screenshot({ path: '/tmp/labels-shortcuts-1440.png' });
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

test('grouped by session, shift ranges and Shift+x run over the expanded groups in display order', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const experimentId = await createExperiment(request, uniqueName('labels-bulk-grouped'));
  const now = Date.now();
  // Sessions of 4, 3 and 2 traces: grouped by count they list a, b, c; each group newest first.
  const sessions: Record<string, string[]> = { 'session-a': [], 'session-b': [], 'session-c': [] };
  const sizes: [string, number][] = [
    ['session-a', 4],
    ['session-b', 3],
    ['session-c', 2],
  ];
  let n = 0;
  for (const [session, size] of sizes)
    for (let i = 0; i < size; i++)
      sessions[session].push(
        await logTrace(request, experimentId, {
          name: `${session}-turn-${i}`,
          startMs: now - 60_000 - n++ * 1000,
          durationMs: 40,
          metadata: { 'mlflow.trace.session': session },
        }),
      );
  const [a, b, c] = [sessions['session-a'], sessions['session-b'], sessions['session-c']];
  const box = (id: string) => page.getByRole('checkbox', { name: `Select trace ${id}` });
  const groupGrid = (session: string) =>
    page.getByRole('grid', { name: new RegExp(`mlflow\\.trace\\.session is ${session}$`) });

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/traces?experiment=${experimentId}&group=session`);
  // a and c expanded, b left collapsed: b's traces are not on screen, so no range may take them.
  await page.getByRole('button', { name: /^session-a/ }).click();
  await page.getByRole('button', { name: /^session-c/ }).click();
  await expect(groupGrid('session-a').locator('.grid-body [role="row"]')).toHaveCount(4);
  await expect(groupGrid('session-c').locator('.grid-body [role="row"]')).toHaveCount(2);

  // Tick a's second row, shift-click c's first: a[1..3] and c[0], in the order shown.
  await box(a[1]).click();
  await box(c[0]).click({ modifiers: ['Shift'] });
  const bar = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bar.getByRole('status').first()).toHaveText('4 traces selected');
  for (const id of [a[1], a[2], a[3], c[0]]) await expect(box(id)).toBeChecked();
  for (const id of [a[0], c[1]]) await expect(box(id)).not.toBeChecked();
  await page.screenshot({ path: '/tmp/grouped-range-1440.png' });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: '/tmp/grouped-range-1280.png' });

  // The bulk action reaches exactly those traces (checked through the API).
  await bar.getByRole('button', { name: 'Tag…' }).click();
  await bar.getByRole('textbox', { name: 'Tag key' }).fill('batch');
  await bar.getByRole('textbox', { name: 'Tag value' }).fill('grouped');
  await bar.getByRole('button', { name: 'Tag 4 traces' }).click();
  await expect(bar).toContainText('Tagged batch=grouped on 4 traces.');
  const tagged = (await search(request, experimentId, "tag.batch = 'grouped'")).map((t) => t.trace_id).sort();
  expect(tagged).toEqual([a[1], a[2], a[3], c[0]].sort());

  // Keyboard: x in a's grid ticks its first row; in c's grid ↓ then Shift+x takes the range a[0] … c[1].
  await page.keyboard.press('Escape');
  await expect(box(a[1])).not.toBeChecked();
  await groupGrid('session-a').focus();
  await page.keyboard.press('x');
  await expect(box(a[0])).toBeChecked();
  await groupGrid('session-c').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+X');
  await expect(bar.getByRole('status').first()).toHaveText('6 traces selected');
  for (const id of [...a, ...c]) await expect(box(id)).toBeChecked();

  // Expanding b puts its rows between a's and c's: a range from a's last row to c's first now takes them.
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: /^session-b/ }).click();
  await expect(groupGrid('session-b').locator('.grid-body [role="row"]')).toHaveCount(3);
  await box(a[3]).click();
  await box(c[0]).click({ modifiers: ['Shift'] });
  await expect(bar.getByRole('status').first()).toHaveText('5 traces selected');
  for (const id of [a[3], ...b, c[0]]) await expect(box(id)).toBeChecked();

  // A group's header box ticks that group's rows only.
  await bar.getByRole('button', { name: 'Clear' }).click();
  await groupGrid('session-c').getByRole('checkbox', { name: 'Select all loaded traces' }).click();
  await expect(bar.getByRole('status').first()).toHaveText('2 traces selected');
  for (const id of c) await expect(box(id)).toBeChecked();
  await expect(box(b[0])).not.toBeChecked();
});
