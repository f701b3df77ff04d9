import { expect } from 'vitest';
import type { Store } from '../../src/store/db.js';
import type { RcaReport } from '../../src/rca/findings.js';
import { runSql } from '../../src/report/catalogue.js';
import { EVIDENCE_STREAMS, type OverflowKind } from '../../src/signatures.js';

/**
 * The invariant of the root cause (issue 15, point 1): nothing the evidence shows vanishes.
 *
 * - Counters: per host, namespace and evidence stream, the counter the rca reads (the best one
 *   the namespace has) is accounted for exactly: the findings that name it sum to the highest
 *   value any snapshot of it saw (a cumulative counter since boot; the inputs checked here
 *   have no reboot between snapshots), read straight from counter_samples.
 * - Logged lines: per host and kind, the findings' logged lines and suppressed counts sum to
 *   what the log views count once across copies (overflow_episodes, plus lines with no usable
 *   time when nothing of the kind is dated on the host).
 *
 * Returns what was checked, so a test can also say it checked something.
 */
export async function expectAccounted(store: Store, rca: RcaReport): Promise<{ counters: number; kinds: number }> {
  const counters = (await runSql(store,
    `SELECT host, netns, name, max(value) AS top, count(*) AS samples FROM counter_samples
     WHERE semantics = 'cumulative' AND name IN (${EVIDENCE_STREAMS.flatMap((s) => s.counters).map((n) => `'${n}'`).join(', ')})
     GROUP BY ALL`)).rows;
  let checked = 0;
  for (const s of EVIDENCE_STREAMS) {
    const present = counters.filter((c) => s.counters.includes(String(c.name)));
    const keys = new Set(present.map((c) => `${c.host}\u0000${c.netns}`));
    for (const key of keys) {
      const [host, netns] = key.split('\u0000') as [string, string];
      // the stream's best counter this namespace has
      const c = s.counters.map((n) => present.find((x) => x.host === host && x.netns === netns && x.name === n)).find(Boolean)!;
      const found = rca.findings.filter((f) => f.host === host && (f.netns ?? '') === netns && f.events.counter === c.name);
      const sum = found.reduce((a, f) => a + (f.events.counter_delta ?? 0), 0);
      expect(sum, `${host} ${netns || '(root)'} ${c.name}: findings ${found.map((f) => `${f.kind}@${f.start ?? 'undated'}=${f.events.counter_delta}`).join(', ')}`).toBe(Number(c.top));
      for (const f of found) expect(s.kinds, `${host} ${c.name} → ${f.kind}`).toContain(f.kind);
      checked++;
    }
  }
  const logged = (await runSql(store,
    `WITH dated AS (SELECT host, kind, sum(logged) AS logged, sum(suppressed) AS suppressed FROM overflow_episodes GROUP BY ALL),
     undated AS (
       SELECT host, kind, max(lines) AS logged, max(supp) AS suppressed FROM (
         SELECT host, kind, source_id, coalesce(sum(count) FILTER (WHERE NOT suppressed), 0) AS lines, coalesce(sum(count) FILTER (WHERE suppressed), 0) AS supp
         FROM overflow_events WHERE ts IS NULL AND kind <> 'unattributed' AND host IS NOT NULL GROUP BY ALL)
       GROUP BY ALL)
     SELECT host, kind, logged, suppressed FROM dated
     UNION ALL
     SELECT u.host, u.kind, u.logged, u.suppressed FROM undated u WHERE NOT EXISTS (SELECT 1 FROM dated d WHERE d.host = u.host AND d.kind = u.kind)`)).rows;
  for (const l of logged) {
    const found = rca.findings.filter((f) => f.host === l.host && f.kind === (l.kind as OverflowKind));
    expect([found.reduce((a, f) => a + f.events.logged, 0), found.reduce((a, f) => a + f.events.suppressed, 0)], `${l.host} ${l.kind} logged, suppressed`)
      .toEqual([Number(l.logged), Number(l.suppressed)]);
  }
  // and no finding of a logged kind without lines or counts behind it
  for (const f of rca.findings) expect(f.events.logged + (f.events.counter_delta ?? 0), `${f.host} ${f.kind} ${f.start}`).toBeGreaterThan(0);
  return { counters: checked, kinds: logged.length };
}
