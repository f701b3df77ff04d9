/**
 * Text of a network namespace's counters as a 6.18 kernel and its tools print them, from one set
 * of values, so every view of an instant agrees: `/proc/net/netstat`, `/proc/net/snmp`,
 * `/proc/net/snmp6`, `/proc/net/sockstat`, iproute2 `nstat -az` and net-tools 2.10 `netstat -s`.
 *
 * Column lists: `net/ipv4/proc.c` as of 6.17/6.18 (TcpExt gained BeyondWindow, TSEcrRejected,
 * PAWSOldAck and PAWSTimewait after PAWSEstab in 6.15–6.17; Ip OutTransmits in 6.3; Icmp
 * OutRateLimitGlobal/Host in 6.9). MPTcpExt is the 6.9 list (later kernels append a few).
 * netstat -s follows net-tools 2.10 `statistics.c`: its tables are looked up with bsearch, and
 * some are out of order, so a few known counters come out as `Name: value` (Ip `Forwarding: 2`)
 * — reproduced here with the same lookup.
 */

/** Values by nstat name (`TcpActiveOpens`, `TcpExtTW`, `IcmpMsgInType3`, `Ip6InReceives`); absent = 0. */
export type Counters = Record<string, number>;

const words = (s: string) => s.trim().split(/\s+/);

export const IP_COLS = words(`Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos
  InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails
  FragCreates OutTransmits`);
const ICMP_TYPES = words('DestUnreachs TimeExcds ParmProbs SrcQuenchs Redirects Echos EchoReps Timestamps TimestampReps AddrMasks AddrMaskReps');
export const ICMP_COLS = [
  'InMsgs', 'InErrors', 'InCsumErrors', ...ICMP_TYPES.map((t) => `In${t}`),
  'OutMsgs', 'OutErrors', 'OutRateLimitGlobal', 'OutRateLimitHost', ...ICMP_TYPES.map((t) => `Out${t}`),
];
export const TCP_COLS = words(`RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab
  InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors`);
export const UDP_COLS = words('InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors');
export const TCPEXT_COLS = words(`SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned
  OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSActive PAWSEstab BeyondWindow TSEcrRejected PAWSOldAck
  PAWSTimewait DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits TCPPureAcks TCPHPAcks
  TCPRenoRecovery TCPSackRecovery TCPSACKReneging TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo
  TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures TCPSackFailures TCPLossFailures TCPFastRetrans
  TCPSlowStartRetrans TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail TCPRcvCollapsed
  TCPBacklogCoalesce TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose
  TCPAbortOnMemory TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono
  TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure
  TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogDrop PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop
  IPReversePathFilter TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce TCPOFOQueue
  TCPOFODrop TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail TCPFastOpenPassive
  TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd TCPFastOpenBlackhole TCPSpuriousRtxHostQueues
  BusyPollRxPackets TCPAutoCorking TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans
  TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect TCPHystartDelayCwnd TCPACKSkippedSynRecv
  TCPACKSkippedPAWS TCPACKSkippedSeq TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe
  TCPKeepAlive TCPMTUPFail TCPMTUPSuccess TCPDelivered TCPDeliveredCE TCPAckCompressed TCPZeroWindowDrop TCPRcvQDrop
  TCPWqueueTooBig TCPFastOpenPassiveAltKey TcpTimeoutRehash TcpDuplicateDataRehash TCPDSACKRecvSegs TCPDSACKIgnoredDubious
  TCPMigrateReqSuccess TCPMigrateReqFailure TCPPLBRehash TCPAORequired TCPAOBad TCPAOKeyNotFound TCPAOGood
  TCPAODroppedIcmps`);
export const IPEXT_COLS = words(`InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets
  InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps`);
export const MPTCPEXT_COLS = words(`MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX MPCapableFallbackACK
  MPCapableFallbackSYNACK MPCapableSYNTXDrop MPCapableSYNTXDisabled MPCapableEndpAttempt MPFallbackTokenInit MPTCPRetrans
  MPJoinNoTokenFound MPJoinSynRx MPJoinSynBackupRx MPJoinSynAckRx MPJoinSynAckBackupRx MPJoinSynAckHMacFailure MPJoinAckRx
  MPJoinAckHMacFailure MPJoinSynTx MPJoinSynTxCreatSkErr MPJoinSynTxBindErr MPJoinSynTxConnectErr DSSNotMatching
  DSSCorruptionFallback DSSCorruptionReset InfiniteMapTx InfiniteMapRx DSSNoMatchTCP DataCsumErr OFOQueueTail OFOQueue
  OFOMerge NoDSSInWindow DuplicateData AddAddr AddAddrTx AddAddrTxDrop EchoAdd EchoAddTx EchoAddTxDrop PortAdd AddAddrDrop
  MPJoinPortSynRx MPJoinPortSynAckRx MPJoinPortAckRx MismatchPortSynRx MismatchPortAckRx RmAddr RmAddrDrop RmAddrTx
  RmAddrTxDrop RmSubflow MPPrioTx MPPrioRx MPFailTx MPFailRx MPFastcloseTx MPFastcloseRx MPRstTx MPRstRx RcvPruned
  SubflowStale SubflowRecover SndWndShared RcvWndShared RcvWndConflictUpdate RcvWndConflict MPCurrEstab Blackhole`);
const ICMP6_TYPES = words(`DestUnreachs PktTooBigs TimeExcds ParmProblems Echos EchoReplies GroupMembQueries GroupMembResponses
  GroupMembReductions RouterSolicits RouterAdvertisements NeighborSolicits NeighborAdvertisements Redirects MLDv2Reports`);
export const SNMP6_NAMES = [
  ...words(`InReceives InHdrErrors InTooBigErrors InNoRoutes InAddrErrors InUnknownProtos InTruncatedPkts InDiscards InDelivers
    OutForwDatagrams OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates
    InMcastPkts OutMcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InNoECTPkts InECT1Pkts
    InECT0Pkts InCEPkts OutTransmits`).map((n) => `Ip6${n}`),
  ...['InMsgs', 'InErrors', 'OutMsgs', 'OutErrors', 'InCsumErrors', 'OutRateLimitHost'].map((n) => `Icmp6${n}`),
  ...ICMP6_TYPES.map((t) => `Icmp6In${t}`), ...ICMP6_TYPES.map((t) => `Icmp6Out${t}`),
  ...UDP_COLS.map((n) => `Udp6${n}`),
  ...UDP_COLS.filter((n) => n !== 'IgnoredMulti').map((n) => `UdpLite6${n}`),
];

/** Values no cumulative counter has: constants and the one gauge of /proc/net/snmp. */
export const FIXED: Counters = { IpForwarding: 2, IpDefaultTTL: 64, TcpRtoAlgorithm: 1, TcpRtoMin: 200, TcpRtoMax: 120000, TcpMaxConn: -1 };
/** Not counters: what the kernel prints as a current value (nstat leaves these out). */
export const GAUGE_NAMES = new Set(['TcpCurrEstab']);
const NSTAT_USELESS = new Set(['IpForwarding', 'IpDefaultTTL', 'TcpRtoAlgorithm', 'TcpRtoMin', 'TcpRtoMax', 'TcpMaxConn', 'TcpCurrEstab']);

const v = (c: Counters, name: string) => c[name] ?? FIXED[name] ?? 0;

/** IcmpMsg columns present: the kernel prints only message types with a non-zero count. */
function icmpMsgCols(c: Counters): string[] {
  const types = (dir: 'In' | 'Out') => Object.keys(c).filter((n) => n.startsWith(`IcmpMsg${dir}Type`) && c[n]! > 0)
    .map((n) => Number(n.slice(`IcmpMsg${dir}Type`.length))).sort((a, b) => a - b).map((t) => `${dir}Type${t}`);
  // the kernel walks the 512 slots in order: In types 0..255, then Out types (slot | 0x100)
  return [...types('In'), ...types('Out')];
}

function pairs(prefix: string, cols: string[], c: Counters): string {
  return `${prefix}: ${cols.join(' ')}\n${prefix}: ${cols.map((n) => v(c, prefix + n)).join(' ')}\n`;
}

/** `/proc/net/snmp`. */
export function procNetSnmp(c: Counters): string {
  const msg = icmpMsgCols(c);
  return pairs('Ip', IP_COLS, c) + pairs('Icmp', ICMP_COLS, c) + (msg.length ? pairs('IcmpMsg', msg, c) : '') +
    pairs('Tcp', TCP_COLS, c) + pairs('Udp', UDP_COLS, c) + pairs('UdpLite', UDP_COLS, c);
}

/** `/proc/net/netstat` (with MPTCP, as RHEL 10 builds it). */
export function procNetNetstat(c: Counters): string {
  return pairs('TcpExt', TCPEXT_COLS, c) + pairs('IpExt', IPEXT_COLS, c) + pairs('MPTcpExt', MPTCPEXT_COLS, c);
}

/** snmp6 names with the per-type ICMPv6 lines (`Icmp6OutType133`) after the named ICMPv6 ones, as the kernel prints them. */
function snmp6Names(c: Counters): string[] {
  const types = (dir: 'In' | 'Out') => Object.keys(c).filter((n) => n.startsWith(`Icmp6${dir}Type`) && c[n]! > 0)
    .map((n) => Number(n.slice(`Icmp6${dir}Type`.length))).sort((a, b) => a - b).map((t) => `Icmp6${dir}Type${t}`);
  const afterIcmp = SNMP6_NAMES.findIndex((n) => n.startsWith('Udp6'));
  return [...SNMP6_NAMES.slice(0, afterIcmp), ...types('In'), ...types('Out'), ...SNMP6_NAMES.slice(afterIcmp)];
}

/** `/proc/net/snmp6` (`%-32s\t%lu`). */
export function procNetSnmp6(c: Counters): string {
  return snmp6Names(c).map((n) => `${n.padEnd(32)}\t${v(c, n)}\n`).join('');
}

/** Every name nstat prints, in its order: snmp, snmp6, netstat. */
function nstatNames(c: Counters, withIpv6: boolean): string[] {
  const msg = icmpMsgCols(c);
  return [
    ...IP_COLS.map((n) => `Ip${n}`), ...ICMP_COLS.map((n) => `Icmp${n}`), ...msg.map((n) => `IcmpMsg${n}`),
    ...TCP_COLS.map((n) => `Tcp${n}`), ...UDP_COLS.map((n) => `Udp${n}`), ...UDP_COLS.map((n) => `UdpLite${n}`),
    ...(withIpv6 ? snmp6Names(c) : []),
    ...TCPEXT_COLS.map((n) => `TcpExt${n}`), ...IPEXT_COLS.map((n) => `IpExt${n}`), ...MPTCPEXT_COLS.map((n) => `MPTcpExt${n}`),
  ].filter((n) => !NSTAT_USELESS.has(n));
}

/** `nstat -az` / `nstat -zas` (`%-32s%-16llu%6.1f`; rates 0.0 without a running nstat daemon). */
export function nstatText(c: Counters, withIpv6 = true): string {
  return '#kernel\n' + nstatNames(c, withIpv6).map((n) => `${n.padEnd(32)}${String(v(c, n)).padEnd(16)}${'0.0'.padStart(6)}\n`).join('');
}

/** How many values one `nstat -az` dump prints for these counters. */
export function nstatCount(c: Counters, withIpv6 = true): number {
  return nstatNames(c, withIpv6).length;
}

/** How many values one `cat /proc/net/netstat /proc/net/snmp` prints. */
export function procNetCount(c: Counters): number {
  return TCPEXT_COLS.length + IPEXT_COLS.length + MPTCPEXT_COLS.length + IP_COLS.length + ICMP_COLS.length +
    icmpMsgCols(c).length + TCP_COLS.length + 2 * UDP_COLS.length;
}

export interface Sockstat {
  used: number;
  tcpInuse: number;
  orphan: number;
  tw: number;
  alloc: number;
  mem: number;
  udpInuse: number;
  udpMem: number;
}

/** `/proc/net/sockstat` (inuse, tw, used per namespace; orphan, alloc, mem are host-wide). */
export function sockstatText(s: Sockstat): string {
  return `sockets: used ${s.used}\nTCP: inuse ${s.tcpInuse} orphan ${s.orphan} tw ${s.tw} alloc ${s.alloc} mem ${s.mem}\n` +
    `UDP: inuse ${s.udpInuse} mem ${s.udpMem}\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n`;
}

// ---- net-tools 2.10 `netstat -s` --------------------------------------------------------------

type Kind = 'number' | 'opt' | 'static' | 'in' | 'out';
type Entry = [title: string, out: string, kind: Kind];

// The tables in the order net-tools 2.10 has them ("Keep the entries sorted!" — not all are).
const IPTAB: Entry[] = [
  ['DefaultTTL', 'Default TTL is %', 'static'], ['Forwarding', 'Forwarding is %', 'static'], ['ForwDatagrams', '% forwarded', 'number'],
  ['FragCreates', '% fragments created', 'opt'], ['FragFails', '% outgoing packets failed fragmentation', 'opt'],
  ['FragOKs', '% outgoing packets fragmented ok', 'opt'], ['InAddrErrors', '% with invalid addresses', 'opt'],
  ['InDelivers', '% incoming packets delivered', 'number'], ['InDiscards', '% incoming packets discarded', 'number'],
  ['InHdrErrors', '% with invalid headers', 'opt'], ['InReceives', '% total packets received', 'number'],
  ['InUnknownProtos', '% with unknown protocol', 'opt'], ['OutDiscards', '% outgoing packets dropped', 'opt'],
  ['OutNoRoutes', '% dropped because of missing route', 'opt'], ['OutRequests', '% requests sent out', 'number'],
  ['ReasmFails', '% packet reassemblies failed', 'opt'], ['ReasmOKs', '% packets reassembled ok', 'opt'],
  ['ReasmReqds', '% reassemblies required', 'opt'], ['ReasmTimeout', '% fragments dropped after timeout', 'opt'],
];
const ICMPTAB: Entry[] = [
  ['InAddrMaskReps', 'address mask replies: %', 'in'], ['InAddrMasks', 'address mask request: %', 'in'],
  ['InDestUnreachs', 'destination unreachable: %', 'in'], ['InEchoReps', 'echo replies: %', 'in'], ['InEchos', 'echo requests: %', 'in'],
  ['InErrors', '% input ICMP message failed', 'number'], ['InMsgs', '% ICMP messages received', 'number'],
  ['InParmProbs', 'wrong parameters: %', 'in'], ['InRedirects', 'redirects: %', 'in'], ['InSrcQuenchs', 'source quenches: %', 'in'],
  ['InTimeExcds', 'timeout in transit: %', 'in'], ['InTimestampReps', 'timestamp reply: %', 'in'], ['InTimestamps', 'timestamp request: %', 'in'],
  ['OutAddrMaskReps', 'address mask replies: %', 'out'], ['OutAddrMasks', 'address mask requests: %', 'out'],
  ['OutDestUnreachs', 'destination unreachable: %', 'out'], ['OutEchoReps', 'echo replies: %', 'out'], ['OutEchos', 'echo requests: %', 'out'],
  ['OutErrors', '% ICMP messages failed', 'number'], ['OutMsgs', '% ICMP messages sent', 'number'],
  ['OutParmProbs', 'wrong parameters: %', 'out'], ['OutRedirects', 'redirect: %', 'out'], ['OutSrcQuenchs', 'source quench: %', 'out'],
  ['OutTimeExcds', 'time exceeded: %', 'out'], ['OutTimestampReps', 'timestamp replies: %', 'out'], ['OutTimestamps', 'timestamp requests: %', 'out'],
];
const TCPTAB: Entry[] = [
  ['ActiveOpens', '% active connection openings', 'number'], ['AttemptFails', '% failed connection attempts', 'number'],
  ['CurrEstab', '% connections established', 'number'], ['EstabResets', '% connection resets received', 'number'],
  ['InErrs', '% bad segments received', 'number'], ['InSegs', '% segments received', 'number'], ['MaxConn', '', 'number'],
  ['OutRsts', '% resets sent', 'number'], ['OutSegs', '% segments sent out', 'number'], ['PassiveOpens', '% passive connection openings', 'number'],
  ['RetransSegs', '% segments retransmitted', 'number'], ['RtoAlgorithm', 'RTO algorithm is %', 'static'], ['RtoMax', '', 'number'], ['RtoMin', '', 'number'],
];
const UDPTAB: Entry[] = [
  ['InDatagrams', '% packets received', 'number'], ['InErrors', '% packet receive errors', 'number'],
  ['NoPorts', '% packets to unknown port received', 'number'], ['OutDatagrams', '% packets sent', 'number'],
  ['RcvbufErrors', '% receive buffer errors', 'number'], ['SndbufErrors', '% send buffer errors', 'number'],
];
const TCPEXTTAB: Entry[] = ([
  ['DelayedACKLocked', '% delayed acks further delayed because of locked socket'], ['DelayedACKLost', 'Quick ack mode was activated % times'],
  ['DelayedACKs', '% delayed acks sent'], ['EmbryonicRsts', '% resets received for embryonic SYN_RECV sockets'],
  ['ListenDrops', '% SYNs to LISTEN sockets dropped'], ['ListenOverflows', '% times the listen queue of a socket overflowed'],
  ['LockDroppedIcmps', '% ICMP packets dropped because socket was locked'],
  ['OfoPruned', '% packets dropped from out-of-order queue because of socket buffer overrun'],
  ['OutOfWindowIcmps', '% ICMP packets dropped because they were out-of-window'],
  ['PAWSActive', '% active connections rejected because of time stamp'],
  ['PAWSEstab', '% packets rejected in established connections because of timestamp'],
  ['PAWSPassive', '% passive connections rejected because of time stamp'],
  ['PruneCalled', '% packets pruned from receive queue because of socket buffer overrun'], ['RcvPruned', '% packets pruned from receive queue'],
  ['SockMallocOOM', 'Ran % times out of system memory during packet sending'], ['SyncookiesFailed', '% invalid SYN cookies received'],
  ['SyncookiesRecv', '% SYN cookies received'], ['SyncookiesSent', '% SYN cookies sent'],
  ['TCPAbortFailed', '% times unable to send RST due to no memory'], ['TCPAbortOnClose', '% connections reset due to early user close'],
  ['TCPAbortOnData', '% connections reset due to unexpected data'], ['TCPAbortOnLinger', '% connections aborted after user close in linger timeout'],
  ['TCPAbortOnMemory', '% connections aborted due to memory pressure'], ['TCPAbortOnSyn', '% connections reset due to unexpected SYN'],
  ['TCPAbortOnTimeout', '% connections aborted due to timeout'],
  ['TCPDirectCopyFromBacklog', '% bytes directly in process context from backlog'],
  ['TCPDirectCopyFromPrequeue', '% bytes directly received in process context from prequeue'],
  ['TCPDSACKOfoRecv', '% DSACKs for out of order packets received'], ['TCPDSACKOfoSent', '% DSACKs sent for out of order packets'],
  ['TCPDSACKOldSent', '% DSACKs sent for old packets'], ['TCPDSACKRecv', '% DSACKs received'],
  ['TCPDSackUndo', '% congestion window recovered without slow start using DSACK'],
  ['TCPDSACKUndo', '% congestion windows recovered without slow start by DSACK'], ['TCPFACKReorder', 'Detected reordering % times using FACK'],
  ['TCPFastRetrans', '% fast retransmits'], ['TCPForwardRetrans', '% forward retransmits'],
  ['TCPFullUndo', '% congestion windows fully recovered without slow start'], ['TCPHPAcks', '% predicted acknowledgments'],
  ['TCPHPHits', '% packet headers predicted', 'number'], ['TCPHPHitsToUser', '% packet headers predicted and directly queued to user'],
  ['TCPLossFailures', '% timeouts in loss state'], ['TCPLoss', '% TCP data loss events'],
  ['TCPLossUndo', '% congestion windows recovered without slow start after partial ack'], ['TCPLostRetransmits', '% retransmits lost'],
  ['TCPMemoryPressures', 'TCP ran low on memory % times'], ['TCPPartialUndo', '% congestion windows partially recovered using Hoe heuristic'],
  ['TCPPrequeued', '% packets directly queued to recvmsg prequeue'], ['TCPPrequeueDropped', '% packets dropped from prequeue'],
  ['TCPPureAcks', '% acknowledgments not containing data payload received'],
  ['TCPRcvCollapsed', '% packets collapsed in receive queue due to low socket buffer'], ['TCPRenoFailures', '% timeouts after reno fast retransmit'],
  ['TCPRenoRecoveryFailed', '% reno fast retransmits failed'], ['TCPRenoRecoveryFail', '% classic Reno fast retransmits failed'],
  ['TCPRenoRecovery', '% times recovered from packet loss due to fast retransmit'],
  ['TCPRenoReorder', 'Detected reordering % times using reno fast retransmit'], ['TCPSackFailures', '% timeouts after SACK recovery'],
  ['TCPSackRecoveryFail', '% SACK retransmits failed'], ['TCPSackRecovery', '% times recovered from packet loss by selective acknowledgements'],
  ['TCPSACKReneging', '% bad SACK blocks received'], ['TCPSACKReorder', 'Detected reordering % times using SACK'],
  ['TCPSchedulerFailed', '% times receiver scheduled too late for direct processing'], ['TCPSlowStartRetrans', '% retransmits in slow start'],
  ['TCPTimeouts', '% other TCP timeouts'], ['TCPTSReorder', 'Detected reordering % times using time stamp'],
  ['TWKilled', '% TCP sockets finished time wait in slow timer'], ['TW', '% TCP sockets finished time wait in fast timer'],
  ['TWRecycled', '% time wait sockets recycled by time stamp'],
] as [string, string, Kind?][]).map(([t, o, k]) => [t, o, k ?? 'opt']);

const TABLES: Record<string, Entry[]> = { Ip: IPTAB, Icmp: ICMPTAB, Tcp: TCPTAB, Udp: UDPTAB, TcpExt: TCPEXTTAB };

/** C strcmp on ASCII names. */
const strcmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** glibc bsearch: on a table that is not sorted it misses some keys, as netstat does. */
function bsearch(table: Entry[], key: string): Entry | null {
  let l = 0;
  let u = table.length;
  while (l < u) {
    const idx = (l + u) >> 1;
    const cmp = strcmp(key, table[idx]![0]);
    if (cmp < 0) u = idx;
    else if (cmp > 0) l = idx + 1;
    else return table[idx]!;
  }
  return null;
}

/** net-tools 2.10 `netstat -s` of these counters (sections of /proc/net/snmp, then /proc/net/netstat). */
export function netstatS(c: Counters): string {
  const out: string[] = [];
  const indent = { number: 4, opt: 4, static: 4, in: 8, out: 8 } as const;
  let state: 'number' | 'opt' | 'in' | 'out' = 'number';
  const section = (prefix: string, cols: string[]) => {
    out.push(`${prefix}:`);
    const table = TABLES[prefix];
    // newtable() resets the state only for sections it has a table for
    if (table) state = 'number';
    for (const col of cols) {
      const val = v(c, prefix + col);
      const ent = table ? bsearch(table, col) : null;
      if (!ent) {
        if (val !== 0) out.push(`${' '.repeat(indent[state])}${col}: ${val}`);
        continue;
      }
      const [, text, kind] = ent;
      if (kind === 'static' || text === '') continue;
      if ((kind === 'in' || kind === 'out') && state !== kind) {
        out.push(`${' '.repeat(indent[state])}ICMP ${kind === 'in' ? 'input' : 'output'} histogram:`);
      }
      if (kind === 'number' || val !== 0) out.push(`${' '.repeat(indent[kind])}${text.replace('%', String(val))}`);
      state = kind;
    }
  };
  section('Ip', IP_COLS);
  section('Icmp', ICMP_COLS);
  const msg = icmpMsgCols(c);
  if (msg.length) section('IcmpMsg', msg);
  section('Tcp', TCP_COLS);
  section('Udp', UDP_COLS);
  section('UdpLite', UDP_COLS);
  section('TcpExt', TCPEXT_COLS);
  section('IpExt', IPEXT_COLS);
  section('MPTcpExt', MPTCPEXT_COLS);
  return out.join('\n') + '\n';
}

/** `/proc/net/sockstat6` of a namespace with no IPv6 sockets. */
export const SOCKSTAT6_EMPTY = 'TCP6: inuse 0\nUDP6: inuse 0\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n';

/**
 * iproute2 `ss -s`: derived from sockstat (no IPv6 sockets here) and Tcp CurrEstab. Inside a
 * namespace it mixes scopes as the kernel does: `alloc` is host-wide, `tw` the namespace's.
 */
export function ssSummary(s: Sockstat, currEstab: number): string {
  const row = (name: string, total: number, ip: number, ip6: number) =>
    `${name}\t  ${String(total).padEnd(9)} ${String(ip).padEnd(9)} ${String(ip6).padEnd(9)}`;
  return [
    `Total: ${s.used}`,
    `TCP:   ${s.alloc + s.tw} (estab ${currEstab}, closed ${s.alloc - (s.tcpInuse - s.tw)}, orphaned ${s.orphan}, timewait ${s.tw})`,
    '',
    'Transport Total     IP        IPv6',
    row('RAW', 0, 0, 0), row('UDP', s.udpInuse, s.udpInuse, 0), row('TCP', s.tcpInuse, s.tcpInuse, 0),
    row('INET', s.udpInuse + s.tcpInuse, s.udpInuse + s.tcpInuse, 0), row('FRAG', 0, 0, 0),
  ].join('\n') + '\n';
}
