/**
 * `npm run bench -- --quick` in the suite, so the benchmark script cannot rot: it generates tiny
 * inputs, runs every bundlescope step and DuckDB's readers (lnav is left out: CI does not install
 * it), and checks every count against what the generators wrote. No timing is judged here.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, tempDir } from '../helpers.js';

describe.skipIf(!existsSync(join(REPO, 'dist', 'cli.js')))('bench --quick', () => {
  it('runs every step and every count check passes', () => {
    const t = tempDir('bundlescope-bench-');
    try {
      execFileSync(process.execPath, [join(REPO, 'bench', 'run.mjs'), '--quick', '--no-lnav', '--data', t.dir], { cwd: REPO, stdio: 'pipe' });
      const r = JSON.parse(readFileSync(join(t.dir, 'results.json'), 'utf8')) as {
        steps: { group: string; name: string; shape?: string; code: number }[]; checks: { ok: boolean; name?: string }[]; failures: unknown[];
      };
      expect(r.failures).toEqual([]);
      expect(r.steps.filter((s) => s.code !== 0)).toEqual([]);
      expect([...new Set(r.steps.map((s) => s.group))].sort()).toEqual(['analysis', 'bigfleet', 'bigfleet-xz', 'fleet', 'growth', 'journal', 'slab', 'sosreport', 'syslog']);
      // issue 21's shapes: two syslog generators, three journal ones (+ the export format), the
      // sosreport with its references, growth series
      expect(r.steps.filter((s) => s.name === 'bundlescope ingest').map((s) => `${s.group} ${s.shape ?? ''}`.trim())).toEqual([
        'syslog central', 'syslog short', 'journal full', 'journal short', 'journal container', 'slab',
      ]);
      expect(r.steps.filter((s) => s.group === 'sosreport').map((s) => s.name)).toEqual(['bundlescope ingest + rca', 'xz -dc > /dev/null', 'duckdb read_csv (raw log lines)']);
      expect(r.steps.filter((s) => s.group === 'growth').map((s) => s.name)).toEqual(['syslog 5,000 lines', 'syslog 20,000 lines', 'journal 2,000 entries', 'journal 5,000 entries']);
      expect(r.checks.length).toBe(43);
      expect(r.checks.filter((c) => !c.ok)).toEqual([]);
      // The tables go between the markers of a BENCHMARKS file, replacing the previous ones.
      const out = join(t.dir, 'BENCHMARKS.md');
      writeFileSync(out, '# Benchmarks\n\n## Results\n\nhand-written history\n');
      for (let i = 0; i < 2; i++) {
        execFileSync(process.execPath, [join(REPO, 'bench', 'run.mjs'), '--render', join(t.dir, 'results.json'), '--benchmarks', out], { cwd: REPO, stdio: 'pipe' });
      }
      const text = readFileSync(out, 'utf8');
      expect(text.match(/bench:latest:start/g)!.length).toBe(1);
      expect(text).toContain('| syslog | bundlescope ingest |');
      expect(text.endsWith('hand-written history\n')).toBe(true);
    } finally {
      t.cleanup();
    }
  }, 600_000);
});
