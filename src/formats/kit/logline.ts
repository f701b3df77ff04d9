/**
 * What the log formats (syslog, dmesg, the journal readers and their SQL loaders) share about a
 * log line: syslog facility and severity names, and the printk stamp `[ 8123.456789]` the kernel
 * puts before its messages. (Taken out of dmesg's parser, which owned them although five other
 * files used them.)
 */

const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, ntp: 12, security: 13, audit: 13, console: 14, alert: 14, clock: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};
const PRIORITIES: Record<string, number> = {
  emerg: 0, panic: 0, alert: 1, crit: 2, err: 3, error: 3, warn: 4, warning: 4, notice: 5, info: 6, debug: 7,
};

/** Syslog facility name (`kern`, `daemon`, `local7`) → number, or null. */
export function facilityNumber(name: string): number | null {
  return Object.hasOwn(FACILITIES, name) ? FACILITIES[name]! : null;
}

/** The facility and severity names facilityNumber / priorityNumber know. */
export const FACILITY_NAMES: readonly string[] = Object.keys(FACILITIES);
export const PRIORITY_NAMES: readonly string[] = Object.keys(PRIORITIES);

/** Syslog severity name (`info`, `warn`, `err`) → number, or null. */
export function priorityNumber(name: string): number | null {
  return Object.hasOwn(PRIORITIES, name) ? PRIORITIES[name]! : null;
}

/** Digits of a fraction → microseconds (`4567` → 456700; more than 6 digits are cut). */
export function fractionMicros(text: string, start: number, end: number): number {
  let us = 0;
  let n = 0;
  for (let i = start; i < end && n < 6; i++, n++) us = us * 10 + (text.charCodeAt(i) - 48);
  for (; n < 6; n++) us *= 10;
  return us;
}

/** A printk stamp `[ 8123.456789]` starting at text[i]: µs since boot and the index after `] `. */
export function readPrintkStamp(text: string, i: number): { us: number; end: number } | null {
  if (text.charCodeAt(i) !== 91) return null; // [
  let j = i + 1;
  const n = text.length;
  while (j < n && text.charCodeAt(j) === 32) j++;
  let secs = 0;
  const intStart = j;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) break;
    secs = secs * 10 + (c - 48);
    j++;
  }
  if (j === intStart || j - intStart > 12 || text.charCodeAt(j) !== 46) return null; // .
  const fracStart = ++j;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) break;
    j++;
  }
  if (j === fracStart || text.charCodeAt(j) !== 93) return null; // ]
  const us = secs * 1_000_000 + fractionMicros(text, fracStart, j);
  j++;
  if (text.charCodeAt(j) === 32) j++;
  return { us, end: j };
}
