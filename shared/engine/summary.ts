/** The human-readable summary of a report: what `tributary run` prints. */
import type { Report } from "./report";
import { formatSimTime } from "./events";

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-US") : n.toLocaleString("en-US", { maximumFractionDigits: 1 }));

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join("\n");
}

export function formatSummary(report: Report, maxEvents = 25): string {
  const out: string[] = [];
  out.push(`${report.scenario}  (seed ${report.seed}, ${(report.simulatedMs / 1000).toFixed(1)} s simulated in ${(report.wallMs / 1000).toFixed(2)} s)`);
  out.push("");
  out.push("Messages");
  out.push(
    table([
      ["attempted", fmt(report.produced.attempted)],
      ["acknowledged", fmt(report.produced.acked)],
      ["failed (producer gave up)", fmt(report.produced.failed)],
      ["ACKNOWLEDGED BUT LOST", fmt(report.delivery.ackedLost)],
      ["duplicates in the log", fmt(report.delivery.duplicatesInLog)],
      ["duplicates delivered", fmt(report.delivery.duplicatesDelivered)],
      ["out of order (per partition)", fmt(report.delivery.outOfOrder)],
      // acks=0 counts a write as done when sent: what was still on its way at the end is neither in a log nor lost
      ...(report.delivery.inFlightAtEnd > 0 ? [["in flight at the end (acks=0)", fmt(report.delivery.inFlightAtEnd)] as [string, string]] : []),
      // retention deleting what was committed is policy, not loss: shown when it happened
      ...(report.delivery.deletedByRetention > 0
        ? [
            ["deleted by retention", fmt(report.delivery.deletedByRetention)] as [string, string],
            ["  of which no consumer read", fmt(report.delivery.expiredUnread)] as [string, string],
          ]
        : []),
    ]),
  );
  if (report.delivery.why.length > 0) {
    out.push("");
    out.push("Why");
    for (const line of report.delivery.why) out.push(`  - ${line}`);
  }
  if (Object.keys(report.produced.errors).length > 0) {
    out.push("");
    out.push("Producer errors (retried or final)");
    out.push(table(Object.entries(report.produced.errors).map(([k, v]) => [k, fmt(v)])));
  }
  out.push("");
  out.push("Throughput (msg/s)                         Latency (ms, created → sink)");
  const t = report.throughput;
  const l = report.latencyMs;
  // no message reached a sink (or none was acknowledged): there is no latency to show, not a latency of 0
  const delivered = report.processors.some((p) => p.numInputRows > 0);
  const ms = (value: number, width = 0) => (delivered ? value.toFixed(1) : "n/a").padStart(width);
  const ack = report.produced.acked > 0 ? report.produced.ackLatencyMs.p99.toFixed(1) : "n/a";
  out.push(`  produce ${fmt(t.produceMsgsPerSec).padStart(12)}                          p50 ${ms(l.p50, 9)}   p95 ${ms(l.p95)}`);
  out.push(`  consume ${fmt(t.consumeMsgsPerSec).padStart(12)}                          p99 ${ms(l.p99, 9)}   max ${ms(l.max)}`);
  out.push(`  sink    ${fmt(t.sinkMsgsPerSec).padStart(12)}                          ack p99 ${ack}`);
  if (report.processors.length > 0) {
    out.push("");
    out.push("Consumer groups");
    for (const p of report.processors) {
      out.push(`  ${p.id}: ${fmt(p.numInputRows)} records in ${fmt(p.batches)} polls, ${p.rebalances} rebalance(s), max lag ${fmt(p.maxLagMessages)}, final lag ${fmt(p.finalLagMessages)}`);
      if (p.sink) {
        const open = p.sink.unacknowledged;
        const pending = open.writes > 0 ? ` (${fmt(open.records)} of them in ${fmt(open.writes)} write${open.writes === 1 ? "" : "s"} not yet acknowledged at the end)` : "";
        out.push(`    → sink ${p.sink.id} (${p.sink.kind}, ${fmt(p.sink.recordsPerSec)} records/s, ${p.sink.writeLatencyMs} ms a write): ${fmt(p.sink.records)} records in ${fmt(p.sink.writes)} writes${pending}`);
      }
    }
  }
  if (report.faults.length > 0) {
    out.push("");
    const band = report.recoveryBand;
    const window = `for ${band.windowMs / 1000} s`;
    out.push(
      report.faults.some((f) => f.recoveryMeasuredOn === "acked")
        ? `Faults (recovered = acknowledged throughput within ${band.throughputPct}% of pre-fault, ${window}; no consumer group, so the producers' acknowledgements are measured)`
        : `Faults (recovered = sink throughput within ${band.throughputPct}% and p99 within +${band.p99Pct}% of pre-fault, ${window})`,
    );
    for (const f of report.faults) {
      // a restart is done once the node is back: there is nothing to heal
      const healed = f.kind === "restart" ? "a one-off (nothing to heal)" : f.healedAtMs === null ? "not healed" : `healed ${formatSimTime(f.healedAtMs)}`;
      const next = report.faults.find((g) => g.atMs > f.atMs);
      const recovery =
        f.recoveryStatus === "recovered"
          ? `recovered after ${(f.recoveryMs! / 1000).toFixed(1)} s`
          : f.recoveryStatus === "no-impact"
            ? "no visible impact"
            : f.recoveryStatus === "no-baseline"
              ? "recovery not measured: no steady traffic in the 10 s before it to compare with"
              : next
                ? `not recovered before the next fault (${formatSimTime(next.atMs)})`
                : "not recovered within the run";
      out.push(`  [${formatSimTime(f.atMs)}] ${f.description}; ${healed}; ${recovery}`);
    }
  }
  const c = report.cluster;
  out.push("");
  out.push(`Cluster: ${c.leaderElections} leader election(s) (${c.uncleanLeaderElections} unclean), ${c.offlinePartitions} offline partition(s), ${c.underMinIsrPartitions} under min ISR at the end`);
  const q = c.quorum;
  if (q.voters.length > 1 || q.active === null) {
    const voters = q.voters.map((v) => `${v.name} ${v.state === "up" ? v.role : v.state}`).join(", ");
    const active = q.active ? `${q.active} active in epoch ${q.epoch}` : "NO ACTIVE CONTROLLER (no fencing, elections or ISR changes)";
    out.push(`  KRaft ${q.voters.length > 1 ? "quorum" : "controller"}: ${active}; ${q.failovers} failover(s)${q.voters.length > 1 ? `; ${voters}` : ""}`);
  }
  for (const b of c.brokers) out.push(`  broker-${b.id}: ${b.state}, leads ${b.LeaderCount}, UnderReplicatedPartitions ${b.UnderReplicatedPartitions}, IsrShrinks ${b.IsrShrinks}, IsrExpands ${b.IsrExpands}, FailedProduceRequests ${b.FailedProduceRequests}, truncated ${fmt(b.truncatedMessages)} msgs` + (b.diskReadMB > 0 ? `, read ${fmt(b.diskReadMB)} MB from disk` : "") + (b.unwrittenMB > 0 ? `, ${fmt(b.unwrittenMB)} MB unwritten` : ""));
  const notable = report.events.filter((e) => e.kind !== "group" && e.kind !== "consumer" ? true : report.events.length <= maxEvents * 2);
  if (notable.length > 0) {
    out.push("");
    out.push("What happened");
    for (const e of notable.slice(0, maxEvents)) out.push(`  [${formatSimTime(e.atMs)}] ${e.text}`);
    if (notable.length > maxEvents) out.push(`  … ${notable.length - maxEvents} more in the JSON report (--json)`);
  }
  return out.join("\n");
}
