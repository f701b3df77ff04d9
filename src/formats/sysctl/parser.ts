/**
 * `sysctl -a` output, sysctl.conf / sysctl.d files, and single `/proc/sys/...` files.
 *
 *   net.ipv4.tcp_max_tw_buckets = 262144
 *   net.ipv4.ip_local_port_range = 32768	60999          (tab between values)
 *   sysctl: permission denied on key 'fs.protected_fifos'
 *   -net.ipv4.tcp_tw_reuse=1                            (sysctl.conf: `-` = ignore errors)
 *   net/ipv4/conf/eth0.100/rp_filter = 2                 (slash-separated key)
 */
import type { LineParser, ParseContext, SysctlRow } from '../../model.js';
import { BaseLineParser } from '../kit/lines.js';
import { parseStampLine } from '../kit/stamps.js';

const ASSIGN = /^(-?)\s*([^\s=#;]+)\s*=(.*)$/;

/**
 * sysctl's own key convention: components are joined with `.`, and a `.` inside a component
 * (a VLAN interface `eth0.100`) is printed as `/`. A key written with `/` separators
 * (`net/ipv4/conf/eth0.100/rp_filter`) is converted the same way.
 */
export function normaliseSysctlKey(key: string): string {
  const firstSep = key.search(/[./]/);
  if (firstSep < 0 || key[firstSep] === '.') return key;
  return key.split('/').filter((p) => p !== '').map((p) => p.replace(/\./g, '/')).join('.');
}

/** Multi-value settings (`32768\t60999`) are compared as text: one space between values. */
function normaliseValue(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}

class SysctlParser extends BaseLineParser<SysctlRow> {
  constructor(private readonly ctx: ParseContext, private readonly origin: 'sysctl-a' | 'sysctl.conf') {
    super(ctx.file);
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    const t = text.trim();
    if (t === '') return;
    if (this.origin === 'sysctl.conf' && (t.startsWith('#') || t.startsWith(';'))) return;
    if (t.startsWith('sysctl:')) {
      // Keys root cannot read (stable_secret, cad_pid): sysctl says so and goes on.
      this.skip('sysctl-error', lineNo, text, 'key = value');
      return;
    }
    const m = ASSIGN.exec(t);
    if (!m || (m[1] === '-' && this.origin !== 'sysctl.conf')) {
      // A stamp line of a snapshot log: sysctls carry no time, so it is just a separator.
      if (parseStampLine(t, this.ctx.tz, this.ctx.tzAssumed)) return;
      this.skip('sysctl-bad-line', lineNo, text, 'key = value');
      return;
    }
    this.rows.push({
      host: this.ctx.host,
      name: normaliseSysctlKey(m[2]!),
      value: normaliseValue(m[3]!),
      origin: this.origin,
      netns: this.ctx.netns ?? null,
    });
  }
}

export function createSysctlParser(ctx: ParseContext, origin: 'sysctl-a' | 'sysctl.conf'): LineParser<SysctlRow> {
  return new SysctlParser(ctx, origin);
}

/**
 * A sosreport copy of one `/proc/sys` file: `proc/sys/net/ipv4/tcp_max_tw_buckets` holding
 * `65536\n` → `{ name: 'net.ipv4.tcp_max_tw_buckets', value: '65536' }`; null when the path
 * is not under proc/sys.
 */
export function sysctlFromProcPath(path: string, content: string): { name: string; value: string } | null {
  const p = path.replace(/\\/g, '/');
  const m = /(?:^|\/)proc\/sys\/(.+)$/.exec(p);
  if (!m) return null;
  const parts = m[1]!.split('/').filter((x) => x !== '');
  if (parts.length === 0) return null;
  return { name: parts.map((x) => x.replace(/\./g, '/')).join('.'), value: normaliseValue(content) };
}

const ROOTS = '(?:net|kernel|vm|fs|dev|user|abi|debug|sunrpc|crypto|fscache)';
const KEY_LINE = new RegExp(`^-?${ROOTS}[./][\\w./*:@-]+\\s*=`);
const COMMENTED_KEY = new RegExp(`^[#;]\\s*${ROOTS}\\.[\\w./*:@-]+\\s*=`);

/** sysctl -a output or a sysctl.conf, judged by the first ~64 KiB. */
export function looksLikeSysctl(head: string): boolean {
  let keys = 0;
  let other = 0;
  let commented = 0;
  for (const raw of head.split('\n').slice(0, 2000)) {
    const l = raw.trim();
    if (l === '') continue;
    if (KEY_LINE.test(l)) keys++;
    else if (COMMENTED_KEY.test(l)) commented++;
    else if (!l.startsWith('#') && !l.startsWith(';') && !l.startsWith('sysctl:')) other++;
  }
  if (keys > 0) return keys >= 4 * other;
  return commented > 0 && other === 0;
}
