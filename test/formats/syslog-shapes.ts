/** Syslog lines shared by the tests of the SQL path (syslog-sql.test.ts, test/ingest/bundle-sql.test.ts). */
import fc from 'fast-check';

/** RFC 3164 lines with every header shape the JavaScript parser tells apart. */
export const ODD_3164 = [
  'Dec 31 23:59:59 web01 sshd[812]: Accepted publickey for admin',
  'Jan  1 00:00:00 web01.example.com CRON[4242]: (root) CMD (run-parts)',
  'Jan  1 00:00:01 10.0.0.7 app: from an address',
  'Jan  1 00:00:02 fe80::1 app: from an IPv6 address',
  'Jan  1 00:00:03 kernel: TCP: time wait bucket table overflow',
  'Jan 01 00:00:04 web01 kernel: [ 8123.456789] TCP: time wait bucket table overflow',
  'Jan  1 00:00:04 web01 kernel: [8123.4] TCP: time wait bucket table overflow',
  'Jan  1 00:00:05 web01 kernel: net_ratelimit: 17 callbacks suppressed',
  'Jan  1 00:00:05 web01 kernel[3]: [   12.000001]nf_conntrack: nf_conntrack: table full, dropping packet',
  'Jan  1 00:00:06 web01 kernel: [1234567890123.5] too many digits stay in the message',
  'Jan  1 00:00:06 web01 app[9999999999]: pid too big for an INTEGER',
  'Jan  1 00:00:06 web01 app[12345678901]: eleven digits are not a pid',
  'Jan  1 00:00:07 web01 app[abc]: not a pid',
  'Jan  1 00:00:07 web01 a[1][2]: the last bracket is the pid',
  'Jan  1 00:00:07 web01 [5]: no ident before the pid',
  'Jan  1 00:00:08 web01 app:',
  'Jan  1 00:00:08 web01 app: ',
  'Jan  1 00:00:08 web01   app: spaces after the host',
  'Jan  1 00:00:09 web01',
  'Jan  1 00:00:09 web01 ',
  'Jan  1 00:00:09 web01 : a lone colon is no tag',
  'Jan  1 00:00:10 web01 no tag here, just text: with a colon',
  'Jan  1 00:00:10  two spaces after the stamp',
  'Jan  1 00:00:60 web01 app: a leap second',
  'Feb 30 12:00:00 web01 app: a day February does not have',
  'Jan  1 00:00:11 web01 app: ünïcödé ✓ "quotes" \\ backslash \t tab',
  'Jan  1 00:00:12 WEB02.Example.COM app: upper-case host',
  'Jan  1 00:00:13 web01 kern.info: a facility-looking tag',
  'Jan  1 00:00:13 host.info app: host.info is not facility.level (host is no facility)',
];

const pad = (n: number) => String(n).padStart(2, '0');
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const stamp3164 = fc.record({ m: fc.integer({ min: 0, max: 11 }), d: fc.integer({ min: 1, max: 31 }), h: fc.integer({ min: 0, max: 23 }),
  mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 60 }), zero: fc.boolean() })
  .map((x) => `${months[x.m]} ${x.zero ? pad(x.d) : String(x.d).padStart(2, ' ')} ${pad(x.h)}:${pad(x.mi)}:${pad(x.s)}`);
const stamp3339 = fc.record({ t: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2026, 11, 31) }), f: fc.constantFrom('', '.5', '.123456', '.123456789'),
  z: fc.constantFrom('Z', '+01:00', '-0530', '+14:00') })
  .map((x) => new Date(x.t).toISOString().slice(0, 19) + x.f + x.z);
const word = fc.stringMatching(/^[A-Za-z0-9._:\-\[\]ü✓]{0,12}$/);
const host = fc.constantFrom('web01', 'web01.example.com', '10.0.0.7', 'fe80::1', 'WEB02.Example.COM', 'kernel:', '');
const tag = fc.oneof(
  fc.constantFrom('kernel:', 'kernel[3]:', 'sshd[812]:', 'app[9999999999]:', 'a[1][2]:', '[5]:', ':', 'app:', 'CRON[12]:', 'x[abc]:'),
  word.map((w) => w + ':'), word);
const msg = fc.oneof(
  fc.constantFrom('TCP: time wait bucket table overflow', 'net_ratelimit: 17 callbacks suppressed', 'nf_conntrack: table full, dropping packet',
    '[ 8123.456789] TCP: time wait bucket table overflow', '[12.5]x', 'TCP: too many orphaned sockets', '',
    // repeat summaries (sysklogd's counts the row before it of the same host) and the other eras' lines
    'last message repeated 3 times', 'last message repeated 2 times', 'message repeated 2 times: [ TCP: time wait bucket table overflow]',
    '__ratelimit: 12 callbacks suppressed', 'IPv4: Neighbour table overflow', 'kauditd_printk_skb: 5 callbacks suppressed'),
  fc.array(word, { maxLength: 6 }).map((ws) => ws.join(' ')));
const separator = fc.constantFrom('-- Logs begin at Fri 2022-02-04 09:34:04 UTC, end at Thu 2022-02-10 16:19:19 UTC. --',
  '-- Boot 0123456789abcdef0123456789abcdef --', '-- Boot fedcba9876543210fedcba9876543210 --', '-- Reboot --', '-- No entries --',
  '-- Boot 0123 --', '--', '- a dash line', '', '   ', '  wrapped', '\tx', ' x ', ' ✓');
/** A generated syslog line: either stamp form, every host and tag shape, or a separator / wrapped / blank line. */
export const syslogLine = fc.oneof({ weight: 6, arbitrary: fc.tuple(fc.oneof(stamp3164, stamp3339), host, fc.constantFrom(' ', '  '), tag, fc.constantFrom(' ', ''), msg)
  .map(([st, h, sp, tg, sp2, m]) => `${st} ${h}${h ? sp : ''}${tg}${sp2}${m}`) }, { weight: 1, arbitrary: separator });
