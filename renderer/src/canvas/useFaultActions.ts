/** Starting and healing faults from the diagram, with the toolbar's duration applied. */
import { useCallback } from "react";
import { useActions, useAppStore } from "../app-context";
import type { EngineCommandInput } from "../../../shared/engine/commands";
import { brokerFault, linkFaults, memberFault, parseFaultDuration, partitionPreset, producerFault, producerToClusterFault, type BrokerFaultKind, type LinkFaultKind, type MemberFaultKind, type PartitionPreset, type ProducerFaultKind } from "./fault-commands";
import { edgeEndpoints } from "./selectors";

export function useFaultActions() {
  const actions = useActions();
  const store = useAppStore();

  const duration = useCallback((): number | undefined | null => {
    const parsed = parseFaultDuration(store.getState().faultDuration);
    if (typeof parsed === "string") {
      store.getState().pushToast("error", parsed);
      return null;
    }
    return parsed.ms;
  }, [store]);

  const run = useCallback(
    async (commands: EngineCommandInput[]) => {
      let last: string | null = null;
      for (const command of commands) {
        const message = await actions.command(command);
        if (message === null) return;
        last = message;
      }
      if (last && commands.length > 1) store.getState().pushToast("info", `${commands.length} faults started`);
    },
    [actions, store],
  );

  const brokerAction = useCallback(
    async (kind: BrokerFaultKind, brokerId: number) => {
      const ms = duration();
      if (ms === null) return;
      const name = store.getState().brokersById[brokerId]?.name ?? `broker-${brokerId}`;
      await run([brokerFault(kind, name, ms)]);
    },
    [duration, run, store],
  );

  /** A lifecycle or isolation fault on a node named directly (a KRaft controller; a sink's outage is its crash). */
  const nodeAction = useCallback(
    async (kind: BrokerFaultKind, name: string) => {
      const ms = duration();
      if (ms === null) return;
      await run([brokerFault(kind, name, ms)]);
    },
    [duration, run],
  );

  /** A sink's outage: down (a crash of it) for the toolbar's duration, or until healed. */
  const sinkOutage = useCallback((sinkId: string) => nodeAction("crash", sinkId), [nodeAction]);

  /** A consumer group member's crash, pause or stall, for the toolbar's duration or until healed. */
  const memberAction = useCallback(
    async (kind: MemberFaultKind, member: string) => {
      const ms = duration();
      if (ms === null) return;
      await run([memberFault(kind, member, ms)]);
    },
    [duration, run],
  );

  /** A producer's load spike or hot key, for the toolbar's duration or until healed. */
  const producerAction = useCallback(
    async (kind: ProducerFaultKind, producer: string) => {
      const ms = duration();
      if (ms === null) return;
      await run([producerFault(kind, producer, ms)]);
    },
    [duration, run],
  );

  /** Heal every active fault that names this node. */
  const healNode = useCallback(
    async (name: string) => {
      const faults = store.getState().frame?.faults.filter((f) => f.healedAtMs === null && f.targets.some((t) => t === name || t.split(/[{},|↔→]/).includes(name))) ?? [];
      await run(faults.map((f): EngineCommandInput => ({ type: "heal", faultId: f.id })));
    },
    [run, store],
  );

  const linkAction = useCallback(
    async (kind: LinkFaultKind, edgeId: string) => {
      const ms = duration();
      if (ms === null) return;
      const state = store.getState();
      const ends = edgeEndpoints(state, edgeId);
      if (!ends) return;
      if (edgeId.startsWith("produce:")) {
        await run([producerToClusterFault(kind, ends.from[0]!, ms)]);
        return;
      }
      if (ends.from.length === 0 || ends.to.length === 0) {
        state.pushToast("info", "No client uses this link right now.");
        return;
      }
      await run(linkFaults(kind, ends.from, ends.to, ms));
    },
    [duration, run, store],
  );

  /** Heal active link faults between this edge's ends. */
  const healLink = useCallback(
    async (edgeId: string) => {
      const state = store.getState();
      const ends = edgeEndpoints(state, edgeId);
      if (!ends) return;
      const names = [...ends.from, ...ends.to, "all"];
      const linkKinds = new Set(["cut", "slow-link", "lossy-link"]);
      const faults = state.frame?.faults.filter((f) => f.healedAtMs === null && linkKinds.has(f.kind) && f.targets.some((t) => names.some((n) => t.split(/[,↔→]/).includes(n)))) ?? [];
      if (faults.length === 0) state.pushToast("info", "No link fault on this edge.");
      await run(faults.map((f): EngineCommandInput => ({ type: "heal", faultId: f.id })));
    },
    [run, store],
  );

  const preset = useCallback(
    async (which: PartitionPreset) => {
      const ms = duration();
      if (ms === null) return;
      const state = store.getState();
      const brokers = (state.frame?.brokers ?? []).map((b) => b.name);
      const focus = state.selection?.kind === "broker" ? state.brokersById[state.selection.id]?.name : undefined;
      const command = partitionPreset(which, brokers, ms, { focus });
      if (typeof command === "string") {
        state.pushToast("error", command);
        return;
      }
      await run([command]);
    },
    [duration, run, store],
  );

  const healAll = useCallback(async () => {
    await run([{ type: "healAll" }]);
  }, [run]);

  return { brokerAction, nodeAction, sinkOutage, memberAction, producerAction, healNode, linkAction, healLink, preset, healAll };
}
