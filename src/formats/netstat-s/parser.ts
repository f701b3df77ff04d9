/**
 * net-tools `netstat -s` text, and snapshot logs of it (a stamp line before each dump):
 *
 *   Tcp:
 *       90002 active connection openings
 *       136 segments retransmitted
 *   TcpExt:
 *       6350 times the listen queue of a socket overflowed
 *       TCPTimeWaitOverflow: 27360
 *
 * Sections sit at column 0, entries are indented. net-tools prints a sentence for the counters
 * in its tables and `Name: value` for the others; for TcpExt (and every `Name: value` entry) it
 * leaves out zero counters, so an absent counter means 0 **or** a kernel without it — rows are
 * only stored for what is printed. Sentences are mapped to nstat names through
 * NETSTAT_S_SENTENCES; a sentence not in it is reported (`unmapped-sentence`) and skipped.
 */
import type { CounterSampleRow, LineParser, ParseContext } from '../../model.js';
import { CounterParser } from '../kit/counters.js';

export interface NetstatSSentence {
  /** Section the entry appears under; `Icmp:in` / `Icmp:out` for the ICMP histograms. */
  section: string;
  /** The printed text with `N` for the value (case, a trailing dot and spacing do not matter). */
  sentence: string;
  /** Canonical (nstat) name. */
  name: string;
}

/** Sentence-to-counter map of net-tools `statistics.c` (current and ≤ 1.60 wordings). */
export const NETSTAT_S_SENTENCES: readonly NetstatSSentence[] = [
  // Ip
  { section: 'Ip', sentence: 'N total packets received', name: 'IpInReceives' },
  { section: 'Ip', sentence: 'N forwarded', name: 'IpForwDatagrams' },
  { section: 'Ip', sentence: 'N incoming packets discarded', name: 'IpInDiscards' },
  { section: 'Ip', sentence: 'N incoming packets delivered', name: 'IpInDelivers' },
  { section: 'Ip', sentence: 'N requests sent out', name: 'IpOutRequests' },
  { section: 'Ip', sentence: 'N with invalid headers', name: 'IpInHdrErrors' },
  { section: 'Ip', sentence: 'N with invalid addresses', name: 'IpInAddrErrors' },
  { section: 'Ip', sentence: 'N with unknown protocol', name: 'IpInUnknownProtos' },
  { section: 'Ip', sentence: 'N outgoing packets dropped', name: 'IpOutDiscards' },
  { section: 'Ip', sentence: 'N dropped because of missing route', name: 'IpOutNoRoutes' },
  { section: 'Ip', sentence: 'N fragments dropped after timeout', name: 'IpReasmTimeout' },
  { section: 'Ip', sentence: 'N reassemblies required', name: 'IpReasmReqds' },
  { section: 'Ip', sentence: 'N packets reassembled ok', name: 'IpReasmOKs' },
  { section: 'Ip', sentence: 'N packet reassemblies failed', name: 'IpReasmFails' },
  { section: 'Ip', sentence: 'N outgoing packets fragmented ok', name: 'IpFragOKs' },
  { section: 'Ip', sentence: 'N outgoing packets failed fragmentation', name: 'IpFragFails' },
  { section: 'Ip', sentence: 'N fragments created', name: 'IpFragCreates' },
  { section: 'Ip', sentence: 'Default TTL is N', name: 'IpDefaultTTL' },
  // Icmp
  { section: 'Icmp', sentence: 'N ICMP messages received', name: 'IcmpInMsgs' },
  { section: 'Icmp', sentence: 'N input ICMP message failed', name: 'IcmpInErrors' },
  { section: 'Icmp', sentence: 'N ICMP messages sent', name: 'IcmpOutMsgs' },
  { section: 'Icmp', sentence: 'N ICMP messages failed', name: 'IcmpOutErrors' },
  { section: 'Icmp:in', sentence: 'destination unreachable: N', name: 'IcmpInDestUnreachs' },
  { section: 'Icmp:in', sentence: 'timeout in transit: N', name: 'IcmpInTimeExcds' },
  { section: 'Icmp:in', sentence: 'wrong parameters: N', name: 'IcmpInParmProbs' },
  { section: 'Icmp:in', sentence: 'source quenches: N', name: 'IcmpInSrcQuenchs' },
  { section: 'Icmp:in', sentence: 'redirects: N', name: 'IcmpInRedirects' },
  { section: 'Icmp:in', sentence: 'echo requests: N', name: 'IcmpInEchos' },
  { section: 'Icmp:in', sentence: 'echo replies: N', name: 'IcmpInEchoReps' },
  { section: 'Icmp:in', sentence: 'timestamp request: N', name: 'IcmpInTimestamps' },
  { section: 'Icmp:in', sentence: 'timestamp reply: N', name: 'IcmpInTimestampReps' },
  { section: 'Icmp:in', sentence: 'address mask request: N', name: 'IcmpInAddrMasks' },
  { section: 'Icmp:in', sentence: 'address mask replies: N', name: 'IcmpInAddrMaskReps' },
  { section: 'Icmp:out', sentence: 'destination unreachable: N', name: 'IcmpOutDestUnreachs' },
  { section: 'Icmp:out', sentence: 'time exceeded: N', name: 'IcmpOutTimeExcds' },
  { section: 'Icmp:out', sentence: 'wrong parameters: N', name: 'IcmpOutParmProbs' },
  { section: 'Icmp:out', sentence: 'source quench: N', name: 'IcmpOutSrcQuenchs' },
  { section: 'Icmp:out', sentence: 'redirect: N', name: 'IcmpOutRedirects' },
  { section: 'Icmp:out', sentence: 'echo requests: N', name: 'IcmpOutEchos' },
  { section: 'Icmp:out', sentence: 'echo replies: N', name: 'IcmpOutEchoReps' },
  { section: 'Icmp:out', sentence: 'timestamp requests: N', name: 'IcmpOutTimestamps' },
  { section: 'Icmp:out', sentence: 'timestamp replies: N', name: 'IcmpOutTimestampReps' },
  { section: 'Icmp:out', sentence: 'address mask requests: N', name: 'IcmpOutAddrMasks' },
  { section: 'Icmp:out', sentence: 'address mask replies: N', name: 'IcmpOutAddrMaskReps' },
  // Tcp
  { section: 'Tcp', sentence: 'N active connection openings', name: 'TcpActiveOpens' },
  { section: 'Tcp', sentence: 'N active connections openings', name: 'TcpActiveOpens' }, // net-tools ≤ 1.60
  { section: 'Tcp', sentence: 'N passive connection openings', name: 'TcpPassiveOpens' },
  { section: 'Tcp', sentence: 'N failed connection attempts', name: 'TcpAttemptFails' },
  { section: 'Tcp', sentence: 'N connection resets received', name: 'TcpEstabResets' },
  { section: 'Tcp', sentence: 'N connections established', name: 'TcpCurrEstab' },
  { section: 'Tcp', sentence: 'N segments received', name: 'TcpInSegs' },
  { section: 'Tcp', sentence: 'N segments sent out', name: 'TcpOutSegs' },
  { section: 'Tcp', sentence: 'N segments send out', name: 'TcpOutSegs' }, // net-tools ≤ 1.60
  { section: 'Tcp', sentence: 'N segments retransmitted', name: 'TcpRetransSegs' },
  { section: 'Tcp', sentence: 'N segments retransmited', name: 'TcpRetransSegs' }, // net-tools ≤ 1.60
  { section: 'Tcp', sentence: 'N bad segments received', name: 'TcpInErrs' },
  { section: 'Tcp', sentence: 'N resets sent', name: 'TcpOutRsts' },
  // Udp
  { section: 'Udp', sentence: 'N packets received', name: 'UdpInDatagrams' },
  { section: 'Udp', sentence: 'N packets to unknown port received', name: 'UdpNoPorts' },
  { section: 'Udp', sentence: 'N packet receive errors', name: 'UdpInErrors' },
  { section: 'Udp', sentence: 'N packets sent', name: 'UdpOutDatagrams' },
  { section: 'Udp', sentence: 'N receive buffer errors', name: 'UdpRcvbufErrors' },
  { section: 'Udp', sentence: 'N send buffer errors', name: 'UdpSndbufErrors' },
  // TcpExt
  { section: 'TcpExt', sentence: 'N SYN cookies sent', name: 'TcpExtSyncookiesSent' },
  { section: 'TcpExt', sentence: 'N SYN cookies received', name: 'TcpExtSyncookiesRecv' },
  { section: 'TcpExt', sentence: 'N invalid SYN cookies received', name: 'TcpExtSyncookiesFailed' },
  { section: 'TcpExt', sentence: 'N resets received for embryonic SYN_RECV sockets', name: 'TcpExtEmbryonicRsts' },
  { section: 'TcpExt', sentence: 'N packets pruned from receive queue because of socket buffer overrun', name: 'TcpExtPruneCalled' },
  { section: 'TcpExt', sentence: 'N packets pruned from receive queue', name: 'TcpExtRcvPruned' },
  { section: 'TcpExt', sentence: 'N packets dropped from out-of-order queue because of socket buffer overrun', name: 'TcpExtOfoPruned' },
  { section: 'TcpExt', sentence: 'N ICMP packets dropped because they were out-of-window', name: 'TcpExtOutOfWindowIcmps' },
  { section: 'TcpExt', sentence: 'N ICMP packets dropped because socket was locked', name: 'TcpExtLockDroppedIcmps' },
  { section: 'TcpExt', sentence: 'N TCP sockets finished time wait in fast timer', name: 'TcpExtTW' },
  { section: 'TcpExt', sentence: 'N TCP sockets finished time wait in slow timer', name: 'TcpExtTWKilled' },
  { section: 'TcpExt', sentence: 'N time wait sockets recycled by time stamp', name: 'TcpExtTWRecycled' },
  { section: 'TcpExt', sentence: 'N active connections rejected because of time stamp', name: 'TcpExtPAWSActive' },
  { section: 'TcpExt', sentence: 'N passive connections rejected because of time stamp', name: 'TcpExtPAWSPassive' },
  { section: 'TcpExt', sentence: 'N packets rejects in established connections because of timestamp', name: 'TcpExtPAWSEstab' },
  { section: 'TcpExt', sentence: 'N packetes rejected in established connections because of timestamp', name: 'TcpExtPAWSEstab' },
  { section: 'TcpExt', sentence: 'N packets rejected in established connections because of timestamp', name: 'TcpExtPAWSEstab' }, // net-tools 2.10
  { section: 'TcpExt', sentence: 'N delayed acks sent', name: 'TcpExtDelayedACKs' },
  { section: 'TcpExt', sentence: 'N delayed acks further delayed because of locked socket', name: 'TcpExtDelayedACKLocked' },
  { section: 'TcpExt', sentence: 'Quick ack mode was activated N times', name: 'TcpExtDelayedACKLost' },
  { section: 'TcpExt', sentence: 'N times the listen queue of a socket overflowed', name: 'TcpExtListenOverflows' },
  { section: 'TcpExt', sentence: 'N SYNs to LISTEN sockets dropped', name: 'TcpExtListenDrops' },
  { section: 'TcpExt', sentence: 'N SYNs to LISTEN sockets ignored', name: 'TcpExtListenDrops' }, // older wording
  { section: 'TcpExt', sentence: 'N packets directly queued to recvmsg prequeue', name: 'TcpExtTCPPrequeued' },
  { section: 'TcpExt', sentence: 'N bytes directly in process context from backlog', name: 'TcpExtTCPDirectCopyFromBacklog' },
  { section: 'TcpExt', sentence: 'N bytes directly received in process context from prequeue', name: 'TcpExtTCPDirectCopyFromPrequeue' },
  { section: 'TcpExt', sentence: 'N packets directly received from backlog', name: 'TcpExtTCPDirectCopyFromBacklog' }, // older
  { section: 'TcpExt', sentence: 'N packets directly received from prequeue', name: 'TcpExtTCPDirectCopyFromPrequeue' }, // older
  { section: 'TcpExt', sentence: 'N packets dropped from prequeue', name: 'TcpExtTCPPrequeueDropped' },
  { section: 'TcpExt', sentence: 'N packet headers predicted', name: 'TcpExtTCPHPHits' },
  { section: 'TcpExt', sentence: 'N packets header predicted', name: 'TcpExtTCPHPHits' }, // older
  { section: 'TcpExt', sentence: 'N packet headers predicted and directly queued to user', name: 'TcpExtTCPHPHitsToUser' },
  { section: 'TcpExt', sentence: 'N packets header predicted and directly queued to user', name: 'TcpExtTCPHPHitsToUser' }, // older
  { section: 'TcpExt', sentence: 'N acknowledgments not containing data payload received', name: 'TcpExtTCPPureAcks' },
  { section: 'TcpExt', sentence: 'N acknowledgments not containing data received', name: 'TcpExtTCPPureAcks' }, // older
  { section: 'TcpExt', sentence: 'N predicted acknowledgments', name: 'TcpExtTCPHPAcks' },
  { section: 'TcpExt', sentence: 'N times recovered from packet loss due to fast retransmit', name: 'TcpExtTCPRenoRecovery' },
  { section: 'TcpExt', sentence: 'N times recovered from packet loss by selective acknowledgements', name: 'TcpExtTCPSackRecovery' },
  { section: 'TcpExt', sentence: 'N bad SACK blocks received', name: 'TcpExtTCPSACKReneging' },
  { section: 'TcpExt', sentence: 'Detected reordering N times using FACK', name: 'TcpExtTCPFACKReorder' },
  { section: 'TcpExt', sentence: 'Detected reordering N times using SACK', name: 'TcpExtTCPSACKReorder' },
  { section: 'TcpExt', sentence: 'Detected reordering N times using reno fast retransmit', name: 'TcpExtTCPRenoReorder' },
  { section: 'TcpExt', sentence: 'Detected reordering N times using time stamp', name: 'TcpExtTCPTSReorder' },
  { section: 'TcpExt', sentence: 'N congestion windows fully recovered without slow start', name: 'TcpExtTCPFullUndo' },
  { section: 'TcpExt', sentence: 'N congestion windows partially recovered using Hoe heuristic', name: 'TcpExtTCPPartialUndo' },
  { section: 'TcpExt', sentence: 'N congestion windows recovered without slow start by DSACK', name: 'TcpExtTCPDSACKUndo' },
  { section: 'TcpExt', sentence: 'N congestion window recovered without slow start using DSACK', name: 'TcpExtTCPDSACKUndo' },
  { section: 'TcpExt', sentence: 'N congestion windows recovered without slow start after partial ack', name: 'TcpExtTCPLossUndo' },
  { section: 'TcpExt', sentence: 'N TCP data loss events', name: 'TcpExtTCPLoss' },
  { section: 'TcpExt', sentence: 'N timeouts after reno fast retransmit', name: 'TcpExtTCPRenoFailures' },
  { section: 'TcpExt', sentence: 'N timeouts after SACK recovery', name: 'TcpExtTCPSackFailures' },
  { section: 'TcpExt', sentence: 'N timeouts in loss state', name: 'TcpExtTCPLossFailures' },
  { section: 'TcpExt', sentence: 'N fast retransmits', name: 'TcpExtTCPFastRetrans' },
  { section: 'TcpExt', sentence: 'N forward retransmits', name: 'TcpExtTCPForwardRetrans' },
  { section: 'TcpExt', sentence: 'N retransmits in slow start', name: 'TcpExtTCPSlowStartRetrans' },
  { section: 'TcpExt', sentence: 'N other TCP timeouts', name: 'TcpExtTCPTimeouts' },
  { section: 'TcpExt', sentence: 'N classic Reno fast retransmits failed', name: 'TcpExtTCPRenoRecoveryFail' },
  { section: 'TcpExt', sentence: 'N SACK retransmits failed', name: 'TcpExtTCPSackRecoveryFail' },
  { section: 'TcpExt', sentence: 'N times receiver scheduled too late for direct processing', name: 'TcpExtTCPSchedulerFailed' },
  { section: 'TcpExt', sentence: 'N packets collapsed in receive queue due to low socket buffer', name: 'TcpExtTCPRcvCollapsed' },
  { section: 'TcpExt', sentence: 'N DSACKs sent for old packets', name: 'TcpExtTCPDSACKOldSent' },
  { section: 'TcpExt', sentence: 'N DSACKs sent for out of order packets', name: 'TcpExtTCPDSACKOfoSent' },
  { section: 'TcpExt', sentence: 'N DSACKs received', name: 'TcpExtTCPDSACKRecv' },
  { section: 'TcpExt', sentence: 'N DSACKs for out of order packets received', name: 'TcpExtTCPDSACKOfoRecv' },
  { section: 'TcpExt', sentence: 'N connections reset due to unexpected SYN', name: 'TcpExtTCPAbortOnSyn' },
  { section: 'TcpExt', sentence: 'N connections reset due to unexpected data', name: 'TcpExtTCPAbortOnData' },
  { section: 'TcpExt', sentence: 'N connections reset due to early user close', name: 'TcpExtTCPAbortOnClose' },
  { section: 'TcpExt', sentence: 'N connections aborted due to memory pressure', name: 'TcpExtTCPAbortOnMemory' },
  { section: 'TcpExt', sentence: 'N connections aborted due to timeout', name: 'TcpExtTCPAbortOnTimeout' },
  { section: 'TcpExt', sentence: 'N connections aborted after user close in linger timeout', name: 'TcpExtTCPAbortOnLinger' },
  { section: 'TcpExt', sentence: 'N times unable to send RST due to no memory', name: 'TcpExtTCPAbortFailed' },
  { section: 'TcpExt', sentence: 'TCP ran low on memory N times', name: 'TcpExtTCPMemoryPressures' },
  { section: 'TcpExt', sentence: 'Ran N times out of system memory during packet sending', name: 'TcpExtSockMallocOOM' },
  // netstat -s -6
  { section: 'Ip6', sentence: 'N total packets received', name: 'Ip6InReceives' },
  { section: 'Ip6', sentence: 'N forwarded', name: 'Ip6OutForwDatagrams' },
  { section: 'Ip6', sentence: 'N incoming packets discarded', name: 'Ip6InDiscards' },
  { section: 'Ip6', sentence: 'N incoming packets delivered', name: 'Ip6InDelivers' },
  { section: 'Ip6', sentence: 'N requests sent out', name: 'Ip6OutRequests' },
  { section: 'Ip6', sentence: 'N with invalid headers', name: 'Ip6InHdrErrors' },
  { section: 'Ip6', sentence: 'N with invalid addresses', name: 'Ip6InAddrErrors' },
  { section: 'Ip6', sentence: 'N with unknown protocol', name: 'Ip6InUnknownProtos' },
  { section: 'Ip6', sentence: 'N with packets too big', name: 'Ip6InTooBigErrors' },
  { section: 'Ip6', sentence: 'N with truncated packets', name: 'Ip6InTruncatedPkts' },
  { section: 'Ip6', sentence: 'N incoming packets with no route', name: 'Ip6InNoRoutes' },
  { section: 'Ip6', sentence: 'N incoming multicast packets', name: 'Ip6InMcastPkts' },
  { section: 'Ip6', sentence: 'N outgoing multicast packets', name: 'Ip6OutMcastPkts' },
  { section: 'Ip6', sentence: 'N outgoing packets dropped', name: 'Ip6OutDiscards' },
  { section: 'Ip6', sentence: 'N dropped because of missing route', name: 'Ip6OutNoRoutes' },
  { section: 'Ip6', sentence: 'N fragments dropped after timeout', name: 'Ip6ReasmTimeout' },
  { section: 'Ip6', sentence: 'N reassemblies required', name: 'Ip6ReasmReqds' },
  { section: 'Ip6', sentence: 'N packets reassembled ok', name: 'Ip6ReasmOKs' },
  { section: 'Ip6', sentence: 'N packet reassemblies failed', name: 'Ip6ReasmFails' },
  { section: 'Ip6', sentence: 'N outgoing packets fragmented ok', name: 'Ip6FragOKs' },
  { section: 'Ip6', sentence: 'N outgoing packets failed fragmentation', name: 'Ip6FragFails' },
  { section: 'Ip6', sentence: 'N fragments created', name: 'Ip6FragCreates' },
  { section: 'Icmp6', sentence: 'N ICMP messages received', name: 'Icmp6InMsgs' },
  { section: 'Icmp6', sentence: 'N input ICMP message failed', name: 'Icmp6InErrors' },
  { section: 'Icmp6', sentence: 'N ICMP messages sent', name: 'Icmp6OutMsgs' },
  { section: 'Udp6', sentence: 'N packets received', name: 'Udp6InDatagrams' },
  { section: 'Udp6', sentence: 'N packets to unknown port received', name: 'Udp6NoPorts' },
  { section: 'Udp6', sentence: 'N packet receive errors', name: 'Udp6InErrors' },
  { section: 'Udp6', sentence: 'N packets sent', name: 'Udp6OutDatagrams' },
];

/** Sentence text → lookup key: the value becomes `n`, case, spacing and a final dot are dropped. */
function sentenceKey(section: string, text: string): string {
  const s = text.trim().replace(/\.$/, '').replace(/\s+/g, ' ').toLowerCase();
  return `${section}|${s}`;
}

const SENTENCES = new Map(NETSTAT_S_SENTENCES.map((e) => [sentenceKey(e.section, e.sentence), e.name]));

const SECTION = /^([A-Za-z][A-Za-z0-9]*):\s*$/;
const HISTOGRAM = /^\s+ICMP (input|output) histogram:\s*$/;
const NAME_VALUE = /^\s+([A-Za-z][A-Za-z0-9_]*):\s+(-?\d+)\s*$/;
const NUMBER = /\b\d+\b/;

class NetstatSParser extends CounterParser {
  private section: string | null = null;
  private histogram: 'in' | 'out' | null = null;

  constructor(ctx: ParseContext) {
    super(ctx, 'netstat-s');
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    if (text.trim() === '') return;
    if (this.takeStamp(text)) {
      this.section = null;
      this.histogram = null;
      return;
    }
    if (this.failedCommand(text, lineNo)) return;
    const sec = SECTION.exec(text);
    if (sec) {
      this.section = sec[1]!;
      this.histogram = null;
      return;
    }
    if (!/^\s/.test(text)) {
      this.skip('unrecognised-line', lineNo, text, 'a section name at column 0 ("Tcp:") or an indented entry');
      return;
    }
    const h = HISTOGRAM.exec(text);
    if (h) {
      this.histogram = h[1] === 'input' ? 'in' : 'out';
      return;
    }
    if (!this.section) {
      this.skip('no-section', lineNo, text, 'a section line ("Tcp:", "TcpExt:" …) before the entries');
      return;
    }
    this.entry(this.section, text, lineNo);
  }

  private entry(section: string, text: string, lineNo: number): void {
    const num = NUMBER.exec(text);
    if (!num) {
      // e.g. a command line pasted into the capture (`    netstat -s`)
      this.skip('unrecognised-line', lineNo, text, 'an entry with a value ("N …" sentence or "Name: N")');
      return;
    }
    const value = Number(num[0]);
    const key = text.slice(0, num.index) + 'N' + text.slice(num.index + num[0].length);
    if (this.histogram) {
      const name = SENTENCES.get(sentenceKey(`${section}:${this.histogram}`, key));
      if (name) {
        this.emit(name, value, lineNo, text);
        return;
      }
    }
    const nv = NAME_VALUE.exec(text);
    if (nv) {
      this.emit(section + nv[1]!, Number(nv[2]), lineNo, text);
      return;
    }
    const name = SENTENCES.get(sentenceKey(section, key));
    if (name) {
      this.emit(name, value, lineNo, text);
      return;
    }
    this.skip('unmapped-sentence', lineNo, text, `a ${section} sentence listed in NETSTAT_S_SENTENCES or "Name: N"`);
  }
}

/** net-tools `netstat -s` text (or a snapshot log of it); origin 'netstat-s'. */
export function createNetstatSParser(ctx: ParseContext): LineParser<CounterSampleRow> {
  return new NetstatSParser(ctx);
}

/** A `Tcp:`-style section line and an indented netstat -s entry, in the first ~64 KiB. */
export function looksLikeNetstatS(head: string): boolean {
  const section = /^(?:Ip|Icmp|IcmpMsg|Tcp|Udp|UdpLite|TcpExt|IpExt|MPTcpExt|Ip6|Icmp6|Udp6|UdpLite6|Sctp):[ \t]*$/m;
  const entry = /^[ \t]+(?:\d+ [A-Za-z]|[A-Za-z][A-Za-z0-9]*: \d+[ \t]*$|Quick ack mode|Detected reordering|TCP ran low)/m;
  return section.test(head) && entry.test(head);
}
