import { isValidZone } from '../time.js';

/**
 * Small host-fact readers for sosreport files. Each takes the file's text and returns the fact
 * or null; none throws.
 */

/** `hostname` output: first non-empty line. */
export function parseHostname(text: string): string | null {
  const l = text.split('\n').map((s) => s.trim()).find((s) => s !== '');
  if (!l || /\s/.test(l) || l.length > 253) return null;
  return l;
}

/** `uname -a`: `Linux web01 5.4.0-99-generic #112-Ubuntu SMP Thu Feb 3 13:50:55 UTC 2022 x86_64 …` → release, node. */
export function parseUname(text: string): { kernel: string; node: string } | null {
  const m = /^\s*Linux\s+(\S+)\s+(\S+)/m.exec(text);
  return m ? { node: m[1]!, kernel: m[2]! } : null;
}

/** `timedatectl`: `Time zone: Europe/Berlin (CET, +0100)` → zone. */
export function parseTimedatectl(text: string): string | null {
  const m = /^\s*Time zone:\s*([A-Za-z0-9_+\-/]+)/m.exec(text);
  if (!m || m[1] === 'n/a') return null;
  return isValidZone(m[1]!) ? m[1]! : null;
}

/** etc/localtime link target `../usr/share/zoneinfo/Europe/Berlin` → zone. */
export function zoneFromLocaltimeTarget(target: string): string | null {
  const i = target.indexOf('zoneinfo/');
  if (i < 0) return null;
  let z = target.slice(i + 'zoneinfo/'.length);
  z = z.replace(/^(posix|right)\//, '');
  return isValidZone(z) ? z : null;
}

/** etc/timezone (Debian): `Europe/Berlin`. */
export function parseEtcTimezone(text: string): string | null {
  const z = text.trim().split('\n')[0]?.trim() ?? '';
  return z && isValidZone(z) ? z : null;
}

/** etc/sysconfig/clock (RHEL 5/6): `ZONE="America/Chicago"`. */
export function parseSysconfigClock(text: string): string | null {
  const m = /^\s*ZONE\s*=\s*"?([^"\s]+)"?/m.exec(text);
  return m && isValidZone(m[1]!) ? m[1]! : null;
}

/** Known POSIX TZ rules of TZif footers → an IANA zone with the same rules. */
const POSIX_RULES: Record<string, string> = {
  'UTC0': 'UTC', 'GMT0': 'UTC',
  'CET-1CEST,M3.5.0,M10.5.0/3': 'Europe/Berlin',
  'EET-2EEST,M3.5.0/3,M10.5.0/4': 'Europe/Helsinki',
  'GMT0BST,M3.5.0/1,M10.5.0': 'Europe/London',
  'WET0WEST,M3.5.0/1,M10.5.0': 'Europe/Lisbon',
  'EST5EDT,M3.2.0,M11.1.0': 'America/New_York',
  'CST6CDT,M3.2.0,M11.1.0': 'America/Chicago',
  'MST7MDT,M3.2.0,M11.1.0': 'America/Denver',
  'MST7': 'America/Phoenix',
  'PST8PDT,M3.2.0,M11.1.0': 'America/Los_Angeles',
  'JST-9': 'Asia/Tokyo', 'KST-9': 'Asia/Seoul', 'CST-8': 'Asia/Shanghai', 'HKT-8': 'Asia/Hong_Kong',
  'IST-5:30': 'Asia/Kolkata', 'SGT-8': 'Asia/Singapore', '<+08>-8': 'Asia/Singapore',
  'AEST-10AEDT,M10.1.0,M4.1.0/3': 'Australia/Sydney', 'MSK-3': 'Europe/Moscow',
  '<-03>3': 'America/Sao_Paulo',
};

/** A copied (not linked) etc/localtime: the TZif v2+ footer holds a POSIX TZ rule on its last line. */
export function zoneFromTzif(data: Buffer): string | null {
  if (data.length < 44 || data.toString('latin1', 0, 4) !== 'TZif') return null;
  const text = data.toString('latin1');
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  const start = text.lastIndexOf('\n', end - 1);
  if (start < 0) return null;
  const rule = text.slice(start + 1, end);
  if (POSIX_RULES[rule]) return POSIX_RULES[rule]!;
  // A fixed offset with no DST: `<+04>-4` or `XYZ-3` → Etc/GMT-4 (signs inverted in both).
  const m = /^(?:<[^>]+>|[A-Za-z]{3,})(-?\d{1,2})$/.exec(rule);
  if (m) {
    const h = Number(m[1]);
    return h === 0 ? 'UTC' : `Etc/GMT${h > 0 ? '+' : '-'}${Math.abs(h)}`;
  }
  return null;
}

/** Zone from the offset between `date` and `date --utc` (whole hours only; valid at that instant). */
export function zoneFromOffsetMinutes(offsetMin: number): string | null {
  const q = Math.round(offsetMin / 15) * 15;
  if (q === 0) return 'UTC';
  if (q % 60 !== 0) return null;
  const h = q / 60;
  return `Etc/GMT${h > 0 ? '-' : '+'}${Math.abs(h)}`;
}

/** proc/stat `btime 1741000870` → epoch seconds. */
export function parseBtime(text: string): number | null {
  const m = /^btime\s+(\d+)\s*$/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** proc/uptime `350735.47 1395902.99` → seconds. */
export function parseProcUptime(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s/.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * `uptime` output → seconds since boot (minute precision):
 * ` 14:20:02 up 12 days,  3:04,  1 user,  load average: …`, `up 47 min,`, `up 1 day, 5 min,`.
 */
export function parseUptime(text: string): number | null {
  const m = /\bup\s+(.*?),\s+(?:\d+\s+users?|load average)/.exec(text);
  if (!m) return null;
  let s = 0;
  let matched = false;
  for (const part of m[1]!.split(',')) {
    const p = part.trim();
    let x: RegExpExecArray | null;
    if ((x = /^(\d+)\s+days?$/.exec(p))) { s += Number(x[1]) * 86400; matched = true; }
    else if ((x = /^(\d+):(\d{2})$/.exec(p))) { s += Number(x[1]) * 3600 + Number(x[2]) * 60; matched = true; }
    else if ((x = /^(\d+)\s+min(?:ute)?s?$/.exec(p))) { s += Number(x[1]) * 60; matched = true; }
    else if ((x = /^(\d+)\s+(?:hrs?|hours?)$/.exec(p))) { s += Number(x[1]) * 3600; matched = true; }
    else if ((x = /^(\d+)\s+secs?$/.exec(p))) { s += Number(x[1]); matched = true; }
  }
  return matched ? s : null;
}

/** The resolution of an `uptime` output in seconds: 60 (`up 3:04`, `up 47 min`), 1 when it counts seconds. */
export function uptimeResolution(text: string): number {
  const m = /\bup\s+(.*?),\s+(?:\d+\s+users?|load average)/.exec(text);
  return m && /\d+\s+secs?\b/.test(m[1]!) ? 1 : 60;
}

/** etc/redhat-release or os-release PRETTY_NAME. */
export function parseRelease(text: string, osRelease: boolean): string | null {
  if (osRelease) {
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(text);
    return m ? m[1]!.trim() : null;
  }
  const l = text.split('\n')[0]?.trim();
  return l ? l : null;
}

/**
 * sos 4.x manifest: per-command epoch start (and end) times by file path, and the top-level start
 * and end times (`2026-03-09 14:20:02.118433`: local, no zone).
 */
export function parseManifest(text: string): {
  commandTimes: Map<string, number>; commandEnds: Map<string, number>; startLocal: string | null; endLocal: string | null; version: string | null;
} | null {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof j !== 'object' || j === null) return null;
  const root = j as Record<string, unknown>;
  const commandTimes = new Map<string, number>();
  const commandEnds = new Map<string, number>();
  const comps = root.components as Record<string, unknown> | undefined;
  const report = comps?.report as Record<string, unknown> | undefined;
  const plugins = report?.plugins as Record<string, unknown> | undefined;
  if (plugins && typeof plugins === 'object') {
    for (const p of Object.values(plugins)) {
      const cmds = (p as Record<string, unknown>)?.commands;
      if (!Array.isArray(cmds)) continue;
      for (const c of cmds) {
        const fp = (c as Record<string, unknown>)?.filepath;
        const st = (c as Record<string, unknown>)?.start_time;
        const en = (c as Record<string, unknown>)?.end_time;
        if (typeof fp === 'string' && typeof st === 'number' && Number.isFinite(st)) {
          commandTimes.set(fp, st);
          if (typeof en === 'number' && Number.isFinite(en) && en >= st) commandEnds.set(fp, en);
        }
      }
    }
  }
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { commandTimes, commandEnds, startLocal: str(root.start_time), endLocal: str(root.end_time), version: str(root.version) };
}

/** Seconds from the manifest's top-level start_time to its end_time (both local, no zone), or null. */
export function manifestRunSeconds(startLocal: string | null, endLocal: string | null): number | null {
  const parse = (t: string | null) => {
    const m = t ? /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(t.trim()) : null;
    if (!m) return null;
    const us = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
    return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) * 1000 + us;
  };
  const a = parse(startLocal);
  const b = parse(endLocal);
  if (a == null || b == null || b < a) return null;
  return (b - a) / 1e6;
}

/** Host from a sosreport archive/directory name: sosreport-<host>[-<case>]-<date>-<rand> / legacy. */
export function hostFromBundleName(name: string): string | null {
  const base = name.replace(/^.*\//, '').replace(/\.(tar(\.(xz|gz|bz2|zst))?|tgz|txz)$/, '').replace(/-obfuscated$/, '');
  let m = /^sosreport-(.+)-\d{4}-\d{2}-\d{2}-[a-z]{7}$/.exec(base);
  if (m) return m[1]!;
  m = /^sosreport-([^.]+?)(?:\.[\w-]+)?-\d{14}$/.exec(base);
  if (m) return m[1]!;
  return null;
}
