import { describe, expect, it } from 'vitest';
import { parseDateOutput, parseStampLine } from '../../../src/formats/kit/stamps.js';
import { isoUtc, LocalClock } from '../../../src/time.js';

const BERLIN = 'Europe/Berlin';

function stamp(line: string, tz = BERLIN, assumed?: boolean): [string | null, string] | null {
  const r = parseStampLine(line, tz, assumed);
  return r ? [isoUtc(r.us), r.quality] : null;
}

describe('parseDateOutput', () => {
  it('reads `date` with a zone abbreviation in the host zone', () => {
    expect(isoUtc(parseDateOutput('Mon Mar  9 14:20:02 CET 2026', BERLIN))).toBe('2026-03-09T13:20:02Z');
    expect(isoUtc(parseDateOutput('Mon Mar  9 13:20:02 UTC 2026', BERLIN))).toBe('2026-03-09T13:20:02Z');
    expect(isoUtc(parseDateOutput('Thu Feb 10 09:51:32 UTC 2022', 'UTC'))).toBe('2022-02-10T09:51:32Z');
  });

  it('reads the en_US form with AM/PM, and date -R', () => {
    expect(isoUtc(parseDateOutput('Mon 09 Mar 2026 02:20:02 PM CET', BERLIN))).toBe('2026-03-09T13:20:02Z');
    expect(isoUtc(parseDateOutput('Mon 09 Mar 2026 12:20:02 AM CET', BERLIN))).toBe('2026-03-08T23:20:02Z');
    expect(isoUtc(parseDateOutput('Mon, 09 Mar 2026 14:20:02 +0100', 'UTC'))).toBe('2026-03-09T13:20:02Z');
  });

  it('lets the abbreviation pick the pass through the repeated autumn hour', () => {
    expect(isoUtc(parseDateOutput('Sun Oct 25 02:30:00 CEST 2026', BERLIN))).toBe('2026-10-25T00:30:00Z');
    expect(isoUtc(parseDateOutput('Sun Oct 25 02:30:00 CET 2026', BERLIN))).toBe('2026-10-25T01:30:00Z');
    expect(isoUtc(parseDateOutput('Sun Nov  1 01:30:00 EST 2026', 'America/New_York'))).toBe('2026-11-01T06:30:00Z');
    expect(isoUtc(parseDateOutput('Sun Nov  1 01:30:00 EDT 2026', 'America/New_York'))).toBe('2026-11-01T05:30:00Z');
  });

  it('uses an unambiguous abbreviation when the host zone is unknown (UTC)', () => {
    expect(isoUtc(parseDateOutput('Mon Mar  9 14:20:02 CET 2026', 'UTC'))).toBe('2026-03-09T13:20:02Z');
  });

  it('reads an unknown zone name as UTC rather than throwing', () => {
    expect(isoUtc(parseDateOutput('Mon Mar  9 14:20:02 XYZ 2026', 'Not/AZone'))).toBe('2026-03-09T14:20:02Z');
  });

  it('rejects other text', () => {
    expect(parseDateOutput('Mon Foo  9 14:20:02 CET 2026', BERLIN)).toBeNull();
    expect(parseDateOutput('Mon Mar  9 25:20:02 CET 2026', BERLIN)).toBeNull();
    expect(parseDateOutput('2026-03-09 14:20:02', BERLIN)).toBeNull();
  });
});

describe('parseStampLine', () => {
  it('accepts every stamp form of snapshot logs', () => {
    expect(stamp('Mon Mar  9 14:20:02 CET 2026')).toEqual(['2026-03-09T13:20:02Z', 'local+tz']);
    expect(stamp('Mon Mar  9 13:20:02 UTC 2026')).toEqual(['2026-03-09T13:20:02Z', 'exact']);
    expect(stamp('2025-03-02T08:41:10+01:00')).toEqual(['2025-03-02T07:41:10Z', 'exact']);
    expect(stamp('2025-03-02T08:41:10Z')).toEqual(['2025-03-02T08:41:10Z', 'exact']);
    expect(stamp('2025-03-02 08:41:10')).toEqual(['2025-03-02T07:41:10Z', 'local+tz']);
    expect(stamp('2025-03-02 08:41:10.250 UTC')).toEqual(['2025-03-02T08:41:10.25Z', 'exact']);
    expect(stamp('1741000870')).toEqual(['2025-03-03T11:21:10Z', 'exact']);
    expect(stamp('1741000870.123')).toEqual(['2025-03-03T11:21:10.123Z', 'exact']);
    expect(stamp('==== 2025-03-02 08:41:10 ====')).toEqual(['2025-03-02T07:41:10Z', 'local+tz']);
    expect(stamp('--- Mon Mar  2 08:41:10 UTC 2025 ---')).toEqual(['2025-03-02T08:41:10Z', 'exact']);
    expect(stamp('### 2025-03-02T08:41:10+01:00 ###')).toEqual(['2025-03-02T07:41:10Z', 'exact']);
    expect(stamp('zzz ***Mon Mar  2 08:41:10 UTC 2025')).toEqual(['2025-03-02T08:41:10Z', 'exact']);
    expect(stamp('Timestamp: 2025-03-02 08:41:10')).toEqual(['2025-03-02T07:41:10Z', 'local+tz']);
    expect(stamp('# date: Mon Mar  2 08:41:10 UTC 2025')).toEqual(['2025-03-02T08:41:10Z', 'exact']);
  });

  it('marks local stamps assumed-utc when the zone is a guess', () => {
    expect(stamp('2025-03-02 08:41:10', 'UTC', true)).toEqual(['2025-03-02T08:41:10Z', 'assumed-utc']);
    expect(stamp('1741000870', 'UTC', true)).toEqual(['2025-03-03T11:21:10Z', 'exact']);
  });

  it('keeps local stamps in file order through the repeated hour with a clock', () => {
    const clock = new LocalClock(BERLIN);
    const seq = ['2026-10-25 02:10:00', '2026-10-25 02:50:00', '2026-10-25 02:10:00', '2026-10-25 02:50:00']
      .map((l) => isoUtc(parseStampLine(l, BERLIN, false, clock)!.us));
    expect(seq).toEqual(['2026-10-25T00:10:00Z', '2026-10-25T00:50:00Z', '2026-10-25T01:10:00Z', '2026-10-25T01:50:00Z']);
  });

  it('returns null for data and header lines', () => {
    for (const l of [
      '# name            <active_objs> <num_objs> <objsize>',
      'slabinfo - version: 2.1',
      'TCP: inuse 312 orphan 4 tw 27950 alloc 330 mem 1196',
      '0000a3f1  00000000 00000000',
      '12345',
      '174100087012345',
      '',
      '----',
      'tw_sock_TCP        31840  31984    256   16    1 : tunables    0    0    0 : slabdata   1999   1999      0',
    ]) expect(parseStampLine(l, BERLIN)).toBeNull();
  });
});
