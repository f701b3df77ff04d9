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
        steps: { group: string; name: string; shape?: string; code: number; floor_parts?: Record<string, { wall: number; cpu: number }> }[];
        checks: { ok: boolean; name?: string }[]; failures: unknown[]; targets: { target: string; floor?: string | null }[];
      };
      expect(r.failures).toEqual([]);
      expect(r.steps.filter((s) => s.code !== 0)).toEqual([]);
      expect([...new Set(r.steps.map((s) => s.group))].sort()).toEqual(['analysis', 'bigfleet', 'bigfleet-xz', 'fleet', 'floors', 'growth', 'journal', 'slab', 'sosreport', 'syslog']);
      // issue 21's shapes: two syslog generators, three journal ones (+ the export format), the
      // sosreport with its references, growth series
      expect(r.steps.filter((s) => s.name === 'bundlescope ingest').map((s) => `${s.group} ${s.shape ?? ''}`.trim())).toEqual([
        'syslog central', 'syslog short', 'journal full', 'journal short', 'journal container', 'slab',
      ]);
      expect(r.steps.filter((s) => s.group === 'sosreport').map((s) => s.name)).toEqual(['bundlescope ingest + rca', 'bundlescope report log_search (first read: matches the log copies)', 'xz -dc > /dev/null', 'duckdb read_csv (raw log lines)']);
      expect(r.steps.filter((s) => s.group === 'growth').map((s) => s.name)).toEqual(['syslog 5,000 lines', 'syslog 20,000 lines', 'journal 2,000 entries', 'journal 5,000 entries']);
      // the floors: an ingest of one line, and each syslog and journal shape's parts timed alone
      const floors = r.steps.filter((s) => s.group === 'floors');
      expect(floors.map((s) => `${s.name} ${s.shape ?? ''}`.trim())).toEqual(['bundlescope ingest of one line', 'node + importing DuckDB',
        'node + DuckDB + a new database\'s schema',
        ...['central', 'short'].map((x) => `syslog ingest, parts timed alone ${x}`), ...['full', 'short', 'container'].map((x) => `journal ingest, parts timed alone ${x}`)]);
      for (const f of floors.slice(3)) {
        expect(Object.keys(f.floor_parts!)).toEqual(f.name.startsWith('syslog') ? ['hash', 'read', 'parse', 'store'] : ['hash', 'insert', 'number']);
        for (const p of Object.values(f.floor_parts!)) expect(p.wall).toBeGreaterThan(0);
      }
      // every syslog and journal target against DuckDB's readers gets its floor (lnav's, without lnav, none)
      expect(r.targets.filter((t) => /DuckDB storing the raw lines|read_json/.test(t.target)).map((t) => /at best \d/.test(t.floor ?? ''))).toEqual([true, true, true, true, true]);
      expect(r.targets.filter((t) => t.target.startsWith('growth')).map((t) => /without the fixed start-up.*(node \+ importing DuckDB alone take \d.*a new database made ready \(schema, views, catalogue\) \d|not a fixed cost)/.test(t.floor ?? ''))).toEqual([true, true]);
      // the export format of two generators' entries (short, container), each against the JSON of the same entries
      expect(r.steps.filter((s) => s.name === 'bundlescope ingest (export format)').map((s) => s.shape)).toEqual(['short', 'container']);
      expect(r.targets.filter((t) => t.target.startsWith('journal export')).map((t) => t.target)).toEqual([
        'journal export (short entries): ≤ 1.5× the JSON of the same entries', 'journal export (container entries): ≤ 1.5× the JSON of the same entries']);
      expect(r.checks.length).toBe(51);
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
      expect(text).toContain('| target | result | met | measured floor (this run) |');
      expect(text.endsWith('hand-written history\n')).toBe(true);
    } finally {
      t.cleanup();
    }
  }, 600_000);
});
