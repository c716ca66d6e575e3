import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, METADATA } from '../../src/core/model.ts';
import { generateDemo } from './generate-demo.ts';
import { summarizeDemo } from './summarize-demo.ts';

const NOW = Date.parse('2026-03-15T12:00:00Z');
const traces = generateDemo({ seed: 42, traces: 3000, nowMs: NOW });
const summary = summarizeDemo(traces);

describe('generateDemo', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateDemo({ seed: 42, traces: 200, nowMs: NOW })).toEqual(
      generateDemo({ seed: 42, traces: 200, nowMs: NOW }),
    );
    expect(generateDemo({ seed: 7, traces: 200, nowMs: NOW })).not.toEqual(
      generateDemo({ seed: 42, traces: 200, nowMs: NOW }),
    );
  });

  it('makes the promised population: traces, users, sessions of 1–8 turns, last 14 days', () => {
    expect(summary.traces).toBe(3000);
    expect(summary.users).toBeGreaterThan(120);
    expect(summary.users).toBeLessThanOrEqual(150);
    expect(summary.sessions).toBeGreaterThan(500);
    expect(summary.sessions).toBeLessThan(700);
    const turns = new Map<string, number>();
    for (const t of traces) turns.set(t.metadata[METADATA.session], (turns.get(t.metadata[METADATA.session]) ?? 0) + 1);
    expect(Math.max(...turns.values())).toBeLessThanOrEqual(8);
    expect(Math.min(...traces.map((t) => t.startMs))).toBeGreaterThanOrEqual(NOW - 14 * 86_400_000);
    expect(Math.max(...traces.map((t) => t.startMs))).toBeLessThan(NOW);
    expect(new Set(traces.map((t) => t.clientRequestId)).size).toBe(3000);
  });

  it('rolls versions out in order with clearly different error rates and latency', () => {
    const v = summary.byVersion;
    expect(Object.keys(v)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect(v['1.1.0'].errorRate).toBeGreaterThan(2 * v['1.0.0'].errorRate);
    expect(v['1.0.0'].errorRate).toBeGreaterThan(v['1.2.0'].errorRate);
    expect(v['1.1.0'].p50Ms).toBeGreaterThan(v['1.0.0'].p50Ms);
    expect(v['1.0.0'].p50Ms).toBeGreaterThan(v['1.2.0'].p50Ms);
    expect(v['1.1.0'].feedbackDownRate).toBeGreaterThan(v['1.0.0'].feedbackDownRate);
    const production = traces.filter((t) => t.metadata[CONTEXT_KEYS.environment] === 'production');
    const firstSeen = (version: string) =>
      Math.min(...production.filter((t) => t.metadata[CONTEXT_KEYS.appVersion] === version).map((t) => t.startMs));
    expect(firstSeen('1.0.0')).toBeLessThan(firstSeen('1.1.0'));
    expect(firstSeen('1.1.0')).toBeLessThan(firstSeen('1.2.0'));
  });

  it('covers environments, regions, deployments, the streaming flag and tags', () => {
    const values = (key: string) => new Set(traces.map((t) => t.metadata[key]));
    expect(values(CONTEXT_KEYS.environment)).toEqual(new Set(['development', 'staging', 'production']));
    expect(values(CONTEXT_KEYS.region).size).toBeGreaterThanOrEqual(4);
    expect(values(CONTEXT_KEYS.deploymentId).size).toBeGreaterThanOrEqual(10);
    expect(summary.byStreaming.on.p50Ms).toBeLessThan(summary.byStreaming.off.p50Ms * 0.85);
    expect(new Set(traces.map((t) => t.tags.query_category)).size).toBe(6);
    expect(new Set(traces.map((t) => t.tags.customer_tier))).toEqual(new Set(['free', 'pro', 'enterprise']));
  });

  it('nests agent → retriever → embedding, chat model and tool spans; errors carry an error on a span and the root', () => {
    const types = new Set(traces.flatMap((t) => t.spans.map((s) => s.type)));
    for (const type of ['AGENT', 'RETRIEVER', 'EMBEDDING', 'CHAT_MODEL', 'TOOL']) expect(types).toContain(type);
    const badParents = traces.filter(
      (t) => t.spans[0].parent !== undefined || t.spans.slice(1).some((s, i) => s.parent === undefined || s.parent > i),
    );
    expect(badParents).toEqual([]);
    const failed = traces.filter((t) => t.state === 'ERROR');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.filter((t) => !t.spans[0].error || !t.spans.slice(1).some((s) => s.error))).toEqual([]);
    expect(traces.filter((t) => t.state === 'OK' && t.spans.some((s) => s.error))).toEqual([]);
    expect(traces.filter((t) => t.spans.some((s) => s.tokenUsage)).length).toBeGreaterThan(2500);
  });

  it('puts feedback on about 15% of traces, with comments, and some expectations', () => {
    expect(summary.feedback / summary.traces).toBeGreaterThan(0.12);
    expect(summary.feedback / summary.traces).toBeLessThan(0.18);
    expect(traces.filter((t) => t.feedback?.rationale).length).toBeGreaterThan(summary.feedback * 0.6);
    expect(summary.expectations).toBeGreaterThan(50);
  });
});
