import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/formats/kit/lines.js';
import { createSysctlParser, looksLikeSysctl, normaliseSysctlKey, sysctlFromProcPath } from '../../src/formats/sysctl/parser.js';
import type { ParseContext } from '../../src/model.js';
import { REALWORLD as REAL, describeRealworld } from '../helpers.js';

const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({ file: 'sysctl_-a', host: 'web01', tz: 'UTC', ...over });

describe('sysctl -a', () => {
  it('reads key = value, normalises whitespace in values, reports sysctl errors', () => {
    const text = [
      'net.ipv4.tcp_max_tw_buckets = 262144',
      'net.ipv4.ip_local_port_range = 32768\t60999',
      'kernel.domainname = (none)',
      'dev.cdrom.info = drive name:\t',
      "sysctl: permission denied on key 'fs.protected_fifos'",
      'sysctl: reading key "net.ipv6.conf.all.stable_secret"',
      'net.ipv4.conf.eth0/100.rp_filter = 2',
      'garbage without an equals sign',
    ].join('\n');
    const r = parseText(createSysctlParser(ctx({ netns: 'ns1' }), 'sysctl-a'), text);
    expect(r.rows).toEqual([
      { host: 'web01', name: 'net.ipv4.tcp_max_tw_buckets', value: '262144', origin: 'sysctl-a', netns: 'ns1' },
      { host: 'web01', name: 'net.ipv4.ip_local_port_range', value: '32768 60999', origin: 'sysctl-a', netns: 'ns1' },
      { host: 'web01', name: 'kernel.domainname', value: '(none)', origin: 'sysctl-a', netns: 'ns1' },
      { host: 'web01', name: 'dev.cdrom.info', value: 'drive name:', origin: 'sysctl-a', netns: 'ns1' },
      { host: 'web01', name: 'net.ipv4.conf.eth0/100.rp_filter', value: '2', origin: 'sysctl-a', netns: 'ns1' },
    ]);
    expect(r.issues.map((i) => [i.code, i.line, i.severity])).toEqual([
      ['sysctl-error', 5, 'warning'], ['sysctl-error', 6, 'warning'], ['sysctl-bad-line', 8, 'warning'],
    ]);
    expect(r.linesSkipped).toBe(3);
  });

  it('treats stamp lines of a snapshot log as separators', () => {
    const r = parseText(createSysctlParser(ctx(), 'sysctl-a'),
      'Mon Mar  9 14:20:02 UTC 2026\nnet.ipv4.tcp_max_tw_buckets = 262144\n');
    expect(r.rows.map((x) => [x.name, x.value])).toEqual([['net.ipv4.tcp_max_tw_buckets', '262144']]);
    expect(r.issues).toEqual([]);
  });
});

describe('sysctl.conf', () => {
  it('reads key=value forms, comments, the leading dash and slash keys', () => {
    const text = [
      '# raise the TIME_WAIT limit',
      '; old style comment',
      'net.ipv4.tcp_max_tw_buckets=1440000',
      '  net.ipv4.tcp_tw_reuse = 1  ',
      '-net.ipv4.tcp_tw_recycle = 0',
      'net/ipv4/conf/eth0.100/rp_filter = 2',
      'net.ipv4.conf.*.rp_filter = 1',
      'net.core.somaxconn 4096',
    ].join('\n');
    const r = parseText(createSysctlParser(ctx({ file: 'etc/sysctl.conf' }), 'sysctl.conf'), text);
    expect(r.rows.map((x) => [x.name, x.value, x.origin])).toEqual([
      ['net.ipv4.tcp_max_tw_buckets', '1440000', 'sysctl.conf'],
      ['net.ipv4.tcp_tw_reuse', '1', 'sysctl.conf'],
      ['net.ipv4.tcp_tw_recycle', '0', 'sysctl.conf'],
      ['net.ipv4.conf.eth0/100.rp_filter', '2', 'sysctl.conf'],
      ['net.ipv4.conf.*.rp_filter', '1', 'sysctl.conf'],
    ]);
    expect(r.issues.map((i) => [i.code, i.line, i.file])).toEqual([['sysctl-bad-line', 8, 'etc/sysctl.conf']]);
  });
});

describe('keys and /proc/sys files', () => {
  it('normalises slash keys like sysctl does', () => {
    expect(normaliseSysctlKey('net/ipv4/tcp_max_tw_buckets')).toBe('net.ipv4.tcp_max_tw_buckets');
    expect(normaliseSysctlKey('/net/ipv4/conf/eth0.100/rp_filter')).toBe('net.ipv4.conf.eth0/100.rp_filter');
    expect(normaliseSysctlKey('net.ipv4.conf.eth0/100.rp_filter')).toBe('net.ipv4.conf.eth0/100.rp_filter');
  });

  it('maps a proc/sys path and its content', () => {
    expect(sysctlFromProcPath('proc/sys/net/ipv4/tcp_max_tw_buckets', '65536\n'))
      .toEqual({ name: 'net.ipv4.tcp_max_tw_buckets', value: '65536' });
    expect(sysctlFromProcPath('sosreport-web01/proc/sys/net/ipv4/tcp_mem', '21180\t28243\t42360\n'))
      .toEqual({ name: 'net.ipv4.tcp_mem', value: '21180 28243 42360' });
    expect(sysctlFromProcPath('/proc/sys/net/ipv4/conf/eth0.100/rp_filter', '1'))
      .toEqual({ name: 'net.ipv4.conf.eth0/100.rp_filter', value: '1' });
    expect(sysctlFromProcPath('proc/net/sockstat', 'x')).toBeNull();
    expect(sysctlFromProcPath('proc/sys/', 'x')).toBeNull();
  });
});

describe('looksLikeSysctl', () => {
  it('knows sysctl output and conf files, not other key=value text', () => {
    expect(looksLikeSysctl('abi.vsyscall32 = 1\nkernel.pid_max = 4194304\nnet.ipv4.tcp_max_tw_buckets = 65536\n')).toBe(true);
    expect(looksLikeSysctl("sysctl: permission denied on key 'fs.protected_fifos'\nfs.file-max = 9223372036854775807\n")).toBe(true);
    expect(looksLikeSysctl('#\n# /etc/sysctl.conf\n#net.ipv4.ip_forward=1\n')).toBe(true);
    expect(looksLikeSysctl('[main]\nplugins=1\ngpgcheck=1\n')).toBe(false);
    expect(looksLikeSysctl('TCP: inuse 312 orphan 4 tw 27950 alloc 330 mem 1196\n')).toBe(false);
    expect(looksLikeSysctl('slabinfo - version: 2.1\n')).toBe(false);
  });
});

describeRealworld('real-world sysctl files', () => {
  const parse = (rel: string, origin: 'sysctl-a' | 'sysctl.conf') =>
    parseText(createSysctlParser(ctx({ file: rel }), origin), readFileSync(REAL + rel, 'utf8'));

  it('parses sysctl -a captures', () => {
    const expected: Record<string, [number, number, string]> = {
      kubernetes: [1120, 0, '16384'], openstack: [3392, 0, '65536'], rabbitmq: [775, 12, '65536'], vault: [775, 12, '65536'],
    };
    for (const [h, [rows, errors, tw]] of Object.entries(expected)) {
      const f = `hotsos/${h}/sos_commands/kernel/sysctl_-a`;
      expect(looksLikeSysctl(readFileSync(REAL + f, 'utf8').slice(0, 65536)), f).toBe(true);
      const r = parse(f, 'sysctl-a');
      expect(r.rows.length, f).toBe(rows);
      expect(r.issues.length, f).toBe(errors);
      expect(r.issues.every((i) => i.code === 'sysctl-error'), f).toBe(true);
      expect(r.rows.find((x) => x.name === 'net.ipv4.tcp_max_tw_buckets')?.value, f).toBe(tw);
      expect(r.rows.find((x) => x.name === 'net.ipv4.ip_local_port_range')?.value, f).toBe('32768 60999');
    }
    const k = parse('hotsos/kubernetes/sos_commands/kernel/sysctl_-a', 'sysctl-a');
    expect(k.rows.find((x) => x.name === 'net.ipv4.tcp_mem')?.value).toBe('45588 60787 91176');
    const v = parse('hotsos/vault/sos_commands/kernel/sysctl_-a', 'sysctl-a');
    expect(v.issues[0]!.text).toBe('sysctl: unable to open directory "/proc/sys/fs/binfmt_misc/"');
  });

  it('parses the all-comment Ubuntu sysctl.conf to nothing, without issues', () => {
    for (const h of ['kubernetes', 'openstack', 'rabbitmq', 'vault']) {
      const r = parse(`hotsos/${h}/etc/sysctl.conf`, 'sysctl.conf');
      expect(r.rows).toEqual([]);
      expect(r.issues).toEqual([]);
      expect(r.linesRead).toBe(68);
    }
  });

  it('reads the tcp_max_orphans / tcp_mem snippets as proc/sys files', () => {
    const orphans = readFileSync(REAL + 'snippets/geekgao-articles-7_proc_sys_net_ipv4_tcp_max_orphans', 'utf8');
    expect(sysctlFromProcPath('proc/sys/net/ipv4/tcp_max_orphans', orphans)).toEqual({ name: 'net.ipv4.tcp_max_orphans', value: '65536' });
    const mem = readFileSync(REAL + 'snippets/geekgao-articles-7_proc_sys_net_ipv4_tcp_mem', 'utf8');
    expect(sysctlFromProcPath('proc/sys/net/ipv4/tcp_mem', mem)).toEqual({ name: 'net.ipv4.tcp_mem', value: '21180 28243 42360' });
  });
});
