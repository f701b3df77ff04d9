import type { Issue } from '../model.js';
import type { Load } from '../store/load.js';
import { issue } from '../formats/kit/lines.js';

/**
 * A sosreport taken inside a network namespace (sos run under `ip netns exec NAME`) shows that
 * namespace's counters twice: in its root view (proc/net/*, netstat -s, nstat, ss, sysctl -a)
 * and in its `ip netns exec NAME …` outputs. Namespaces have their own counters, so two views
 * of one host that hold the same cumulative counters at the same instant (the same collection)
 * are one namespace: the root view is NAME's, and its rows are labelled so — one finding for
 * one incident, with NAME's own limits.
 *
 * Same means: at least MIN_COUNTERS counters of 100 or more in both views, and nearly all of
 * them equal within what a busy namespace adds in the seconds between two commands of one sos
 * run (0.5 % or 2). Two different namespaces do not share several such counters.
 */
const MIN_COUNTERS = 5;
const MIN_VALUE = 100;

/** Relabels a bundle's root view as the namespace it is (see above); returns the note that says so, on the bundle `path`. */
export async function unifyNamespaceViews(load: Load, bundleId: number, path: string): Promise<Issue | null> {
  const members = load.membersOf(bundleId);
  if (!members.some((m) => m.netns !== '') || !members.some((m) => m.netns === '')) return null;
  await load.flushAll();
  const ids = members.map((m) => m.id).join(', ');
  const r = await load.conn.runAndReadAll(
    `WITH v AS (
       SELECT netns, name, max(value) AS value FROM counter_samples
       WHERE source_id IN (${ids}) AND semantics = 'cumulative'
       GROUP BY netns, name
     ), pairs AS (
       SELECT n.netns, count(*) AS common,
         count(*) FILTER (WHERE abs(r.value - n.value) <= greatest(2, 0.005 * greatest(r.value, n.value))) AS same
       FROM v r JOIN v n ON n.name = r.name AND r.netns = '' AND n.netns <> ''
       WHERE least(r.value, n.value) >= ${MIN_VALUE}
       GROUP BY n.netns
     )
     SELECT netns, common, same FROM pairs
     WHERE common >= ${MIN_COUNTERS} AND same >= 0.9 * common
     ORDER BY same DESC, netns`);
  const rows = r.getRows();
  // Two namespaces both equal to the root view cannot be told apart: leave it as it is.
  if (rows.length !== 1) return null;
  const netns = String(rows[0]![0]);
  await load.relabelNetns(members.filter((m) => m.netns === '').map((m) => m.id), netns);
  const counters = Number(rows[0]![2]);
  return issue('note', path, null,
    `the root view of this sosreport is network namespace ${netns}: ${counters} cumulative counters equal those of its \`ip netns exec ${netns}\` outputs (sos ran inside it), so its counters, settings and sockets are that namespace's`, '', 'warning');
}
