/** Right-click menus: a broker's lifecycle faults, a producer's or a group member's crash, pause or stall, a sink's outage, a link's network faults. */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import type { ContextMenuState } from "../store/ui-slice";
import { selectCanControl } from "../store/connection-slice";
import { edgeEndpoints, edgeHealth } from "./selectors";
import { useFaultActions } from "./useFaultActions";
import { DISK_DEFAULTS, PRODUCER_FAULT_DEFAULTS } from "./fault-commands";
import { voterLabel } from "../shell/Quorum";

const selectMenu = (s: AppState) => s.contextMenu;

export function ContextMenu() {
  const menu = useApp(selectMenu);
  if (!menu) return null;
  return <MenuBody menu={menu} />;
}

function MenuBody({ menu }: { menu: ContextMenuState }) {
  const store = useAppStore();
  const ref = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState({ left: menu.x, top: menu.y });
  const close = useCallback(() => store.getState().openContextMenu(null), [store]);

  // keep the menu on screen near the window's edges
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    setPlace({ left: Math.min(menu.x, window.innerWidth - width - 8), top: Math.min(menu.y, window.innerHeight - height - 8) });
  }, [menu.x, menu.y]);

  useEffect(() => {
    const onDown = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) close();
    };
    window.addEventListener("pointerdown", onDown, true);
    window.addEventListener("blur", close);
    return () => {
      window.removeEventListener("pointerdown", onDown, true);
      window.removeEventListener("blur", close);
    };
  }, [close]);

  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus();
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>("button:not(:disabled)") ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = (index + (event.key === "ArrowDown" ? 1 : -1) + buttons.length) % buttons.length;
      buttons[next]?.focus();
    } else if (event.key === "Escape") {
      event.stopPropagation();
      close();
    }
  };

  return (
    <div ref={ref} className="context-menu" data-testid="context-menu" role="menu" style={place} onKeyDown={onKeyDown} onContextMenu={(e) => e.preventDefault()}>
      {menu.target.kind === "broker" ? (
        <BrokerItems brokerId={menu.target.id} close={close} />
      ) : menu.target.kind === "sink" ? (
        <SinkItems sinkId={menu.target.id} close={close} />
      ) : menu.target.kind === "group" ? (
        <GroupItems groupId={menu.target.id} close={close} />
      ) : menu.target.kind === "producer" ? (
        <ProducerItems producerId={menu.target.id} close={close} />
      ) : menu.target.kind === "controller" ? (
        <ControllerItems name={menu.target.name} close={close} />
      ) : (
        <LinkItems edgeId={menu.target.edgeId} close={close} />
      )}
    </div>
  );
}

function Item({ testId, label, hint, danger, onClick, disabled }: { testId: string; label: string; hint: string; danger?: boolean; disabled?: boolean; onClick: () => void }) {
  return (
    <button type="button" role="menuitem" className={`menu-item${danger ? " danger" : ""}`} data-testid={testId} onClick={onClick} disabled={disabled}>
      <span className="menu-label">{label}</span>
      <span className="menu-hint">{hint}</span>
    </button>
  );
}

const selectDurationLabel = (s: AppState) => s.faultDuration.trim();

function BrokerItems({ brokerId, close }: { brokerId: number; close: () => void }) {
  const broker = useApp(useCallback((s: AppState) => s.brokersById[brokerId], [brokerId]));
  const faulted = useApp(useCallback((s: AppState) => s.frame?.faults.some((f) => f.healedAtMs === null && f.targets.some((t) => t.split(/[{},|↔→]/).includes(`broker-${brokerId}`))) ?? false, [brokerId]));
  const canControl = useApp(selectCanControl);
  const duration = useApp(selectDurationLabel);
  const { brokerAction, healNode } = useFaultActions();
  if (!broker) return null;
  const go = (fn: () => Promise<void>) => () => {
    close();
    void fn();
  };
  const forLabel = duration ? ` for ${duration}` : "";
  return (
    <>
      <div className="menu-title">
        <span className={`state-dot state-${broker.state}`} /> {broker.name} <span className="muted">· {broker.state}</span>
      </div>
      <Item testId="menu-crash" label="Crash" hint={`kill the process${forLabel}; page cache survives`} danger disabled={!canControl} onClick={go(() => brokerAction("crash", brokerId))} />
      <Item testId="menu-shutdown" label="Clean shutdown" hint={`leadership moves first${forLabel}`} disabled={!canControl} onClick={go(() => brokerAction("shutdown", brokerId))} />
      <Item testId="menu-pause" label="Pause" hint={`freeze it, like a long GC${forLabel}`} disabled={!canControl} onClick={go(() => brokerAction("pause", brokerId))} />
      <Item testId="menu-restart" label="Restart" hint="clean shutdown, then start again" disabled={!canControl} onClick={go(() => brokerAction("restart", brokerId))} />
      <Item testId="menu-power-loss" label="Power loss" hint="unflushed page cache is lost" danger disabled={!canControl} onClick={go(() => brokerAction("power-loss", brokerId))} />
      <Item testId="menu-slow-disk" label="Slow disk" hint={`its log disk writes ${DISK_DEFAULTS.diskMBps} MB/s${forLabel}: hidden by the page cache until it fills`} disabled={!canControl} onClick={go(() => brokerAction("slow-disk", brokerId))} />
      <Item testId="menu-disk-full" label="Disk full" hint={`its log disk fills: the broker halts${forLabel ? `, space freed after ${duration}` : " until healed"}`} danger disabled={!canControl} onClick={go(() => brokerAction("disk-full", brokerId))} />
      <div className="menu-separator" />
      <Item testId="menu-isolate" label="Isolate from network" hint={`cut every link${forLabel}`} disabled={!canControl} onClick={go(() => brokerAction("isolate", brokerId))} />
      {faulted && <Item testId="menu-heal" label="Heal" hint="end every fault on this broker" disabled={!canControl} onClick={go(() => healNode(broker.name))} />}
    </>
  );
}

/** A KRaft controller node: its lifecycle faults and isolation; the quorum elects another active one if a majority is left. */
function ControllerItems({ name, close }: { name: string; close: () => void }) {
  const quorum = useApp(useCallback((s: AppState) => s.frame?.controller.quorum, []));
  const faulted = useApp(useCallback((s: AppState) => s.frame?.faults.some((f) => f.healedAtMs === null && f.targets.some((t) => t.split(/[{},|↔→]/).includes(name))) ?? false, [name]));
  const canControl = useApp(selectCanControl);
  const duration = useApp(selectDurationLabel);
  const { nodeAction, healNode } = useFaultActions();
  const voter = quorum?.voters.find((v) => v.name === name);
  if (!quorum || !voter) return null;
  const go = (fn: () => Promise<void>) => () => {
    close();
    void fn();
  };
  const forLabel = duration ? ` for ${duration}` : "";
  const single = quorum.voters.length === 1;
  const active = quorum.active === name;
  const after = single ? "no metadata changes (fencing, elections) until it is back" : active ? "the other voters elect a new active controller" : "the quorum goes on if a majority is left";
  return (
    <>
      <div className="menu-title">
        <span className={`state-dot state-${voter.state}`} /> {name} <span className="muted">· {voterLabel(voter, active)}</span>
      </div>
      <Item testId="menu-crash" label="Crash" hint={`kill the process${forLabel}: ${after}`} danger disabled={!canControl} onClick={go(() => nodeAction("crash", name))} />
      <Item testId="menu-shutdown" label="Clean shutdown" hint={active && !single ? `it resigns first, so the election starts at once${forLabel}` : `stop it${forLabel}`} disabled={!canControl} onClick={go(() => nodeAction("shutdown", name))} />
      <Item testId="menu-pause" label="Pause" hint={`freeze it, like a long GC${forLabel}`} disabled={!canControl} onClick={go(() => nodeAction("pause", name))} />
      <Item testId="menu-restart" label="Restart" hint="clean shutdown, then start again" disabled={!canControl} onClick={go(() => nodeAction("restart", name))} />
      <div className="menu-separator" />
      <Item testId="menu-isolate" label="Isolate from network" hint={`cut every link${forLabel}`} disabled={!canControl} onClick={go(() => nodeAction("isolate", name))} />
      {faulted && <Item testId="menu-heal" label="Heal" hint={`end every fault on ${name}`} disabled={!canControl} onClick={go(() => healNode(name))} />}
    </>
  );
}

function ProducerItems({ producerId, close }: { producerId: string; close: () => void }) {
  const producer = useApp(useCallback((s: AppState) => s.frame?.producers.find((p) => p.id === producerId), [producerId]));
  const faulted = useApp(useCallback((s: AppState) => s.frame?.faults.some((f) => f.healedAtMs === null && f.targets.some((t) => t.split(/[{},|↔→]/).includes(producerId))) ?? false, [producerId]));
  const canControl = useApp(selectCanControl);
  const duration = useApp(selectDurationLabel);
  const { memberAction, producerAction, healNode } = useFaultActions();
  if (!producer) return null;
  const go = (fn: () => Promise<void>) => () => {
    close();
    void fn();
  };
  const forLabel = duration ? ` for ${duration}` : "";
  return (
    <>
      <div className="menu-title">
        <span className={`state-dot ${producer.up ? "state-up" : "state-down"}`} /> {producerId} <span className="muted">· producer · {producer.up ? "up" : "down"}</span>
      </div>
      <Item testId="menu-pause" label="Pause" hint={`freeze it, like a long GC${forLabel}: it sends nothing, records wait and go out when it thaws`} disabled={!canControl} onClick={go(() => memberAction("pause", producerId))} />
      <Item testId="menu-crash" label="Crash" hint={`kill it${forLabel}: what it had not sent is gone, neither acknowledged nor failed`} danger disabled={!canControl} onClick={go(() => memberAction("crash", producerId))} />
      <div className="menu-separator" />
      <Item testId="menu-load-spike" label={`Load spike ×${PRODUCER_FAULT_DEFAULTS.factor}`} hint={`${PRODUCER_FAULT_DEFAULTS.factor} times the records a second${forLabel}`} disabled={!canControl} onClick={go(() => producerAction("load-spike", producerId))} />
      <Item testId="menu-hot-key" label="Hot key" hint={`${Math.round(PRODUCER_FAULT_DEFAULTS.share * 100)}% of its records carry key ${PRODUCER_FAULT_DEFAULTS.key}${forLabel}: one partition takes them all`} disabled={!canControl} onClick={go(() => producerAction("hot-key", producerId))} />
      {faulted && <Item testId="menu-heal" label="Heal" hint="end every fault on this producer" disabled={!canControl} onClick={go(() => healNode(producerId))} />}
    </>
  );
}

/** Member rows the group menu shows before its list scrolls (the CSS height of .menu-members.scrolls fits them). */
const MENU_ROWS = 6;

function GroupItems({ groupId, close }: { groupId: string; close: () => void }) {
  const group = useApp(useCallback((s: AppState) => s.groupsById[groupId], [groupId]));
  // strings, so the menu re-renders only when they change: every consumer process of the group (in the
  // group or not right now), and those of them an active fault names
  const memberKey = useApp(useCallback((s: AppState) => (s.frame?.consumers ?? []).filter((c) => c.group === groupId).map((c) => c.id).join("\n"), [groupId]));
  const faultedKey = useApp(
    useCallback(
      (s: AppState) => {
        const active = (s.frame?.faults ?? []).filter((f) => f.healedAtMs === null);
        return (s.frame?.consumers ?? []).filter((c) => c.group === groupId && active.some((f) => f.targets.includes(c.id))).map((c) => c.id).join("\n");
      },
      [groupId],
    ),
  );
  const canControl = useApp(selectCanControl);
  const duration = useApp(selectDurationLabel);
  const { memberAction, healNode } = useFaultActions();
  if (!group) return null;
  const go = (fn: () => Promise<void>) => () => {
    close();
    void fn();
  };
  const forLabel = duration ? ` for ${duration}` : "";
  const members = memberKey ? memberKey.split("\n") : [];
  const faulted = faultedKey ? faultedKey.split("\n") : [];
  return (
    <>
      <div className="menu-title">
        {groupId} <span className="muted">· {group.state} · {members.length} consumer{members.length === 1 ? "" : "s"}</span>
      </div>
      <div className="menu-note" data-testid="menu-member-legend">
        <b>Stall</b>: its application thread blocks, heartbeats go on; only max.poll.interval.ms notices. <b>Pause</b>: frozen like a long GC; session.timeout.ms notices. <b>Crash</b>: killed.{forLabel ? ` Each${forLabel}.` : ""}
      </div>
      {members.length === 0 && <div className="menu-note muted">no consumers yet</div>}
      {/* every member, however many: past MENU_ROWS the list scrolls */}
      <div className={`menu-members${members.length > MENU_ROWS ? " scrolls" : ""}`} data-testid="menu-members">
        {members.map((member) => (
          <div key={member} className="menu-member" data-testid={`menu-member-${member}`}>
            <span className="menu-member-name">{member}</span>
            <MemberButton testId={`menu-stall-${member}`} label="Stall" title={`block ${member}'s application thread${forLabel}`} disabled={!canControl} onClick={go(() => memberAction("stall", member))} />
            <MemberButton testId={`menu-pause-${member}`} label="Pause" title={`freeze ${member}${forLabel}, like a long GC`} disabled={!canControl} onClick={go(() => memberAction("pause", member))} />
            <MemberButton testId={`menu-crash-${member}`} label="Crash" title={`kill ${member}${forLabel}`} danger disabled={!canControl} onClick={go(() => memberAction("crash", member))} />
          </div>
        ))}
      </div>
      {members.length > MENU_ROWS && <div className="menu-note muted">scroll for all {members.length}</div>}
      {faulted.length > 0 && (
        <Item
          testId="menu-heal"
          label="Heal"
          hint={`end the faults on ${faulted.join(", ")}`}
          disabled={!canControl}
          onClick={go(async () => {
            for (const member of faulted) await healNode(member);
          })}
        />
      )}
    </>
  );
}

function MemberButton({ testId, label, title, danger, disabled, onClick }: { testId: string; label: string; title: string; danger?: boolean; disabled?: boolean; onClick: () => void }) {
  return (
    <button type="button" role="menuitem" className={`menu-chip${danger ? " danger" : ""}`} data-testid={testId} title={title} disabled={disabled} onClick={onClick}>
      {label}
    </button>
  );
}

function SinkItems({ sinkId, close }: { sinkId: string; close: () => void }) {
  const sink = useApp(useCallback((s: AppState) => s.frame?.sinks?.find((k) => k.id === sinkId), [sinkId]));
  const faulted = useApp(useCallback((s: AppState) => s.frame?.faults.some((f) => f.healedAtMs === null && f.targets.includes(sinkId)) ?? false, [sinkId]));
  const canControl = useApp(selectCanControl);
  const duration = useApp(selectDurationLabel);
  const { sinkOutage, healNode } = useFaultActions();
  const go = (fn: () => Promise<void>) => () => {
    close();
    void fn();
  };
  const forLabel = duration ? ` for ${duration}` : "";
  const state = sink ? (sink.up ? "up" : "down") : "not started";
  return (
    <>
      <div className="menu-title">
        {sinkId} <span className="muted">· {sink ? `${sink.kind} · ${state}` : state}</span>
      </div>
      <Item testId="menu-outage" label="Outage" hint={`takes no writes${forLabel}; ${sink?.from ?? "its group"} waits on them`} danger disabled={!canControl || !sink?.up} onClick={go(() => sinkOutage(sinkId))} />
      {faulted && <Item testId="menu-heal" label="Heal" hint="bring it back: blocked writes go through" disabled={!canControl} onClick={go(() => healNode(sinkId))} />}
    </>
  );
}

function LinkItems({ edgeId, close }: { edgeId: string; close: () => void }) {
  const label = useApp(useCallback((s: AppState) => edgeEndpoints(s, edgeId)?.label ?? "link", [edgeId]));
  const health = useApp(useCallback((s: AppState) => edgeHealth(s, edgeId), [edgeId]));
  const canControl = useApp(selectCanControl);
  const duration = useApp(selectDurationLabel);
  const { linkAction, healLink } = useFaultActions();
  const go = (fn: () => Promise<void>) => () => {
    close();
    void fn();
  };
  const forLabel = duration ? ` for ${duration}` : "";
  return (
    <>
      <div className="menu-title">{label}</div>
      <Item testId="menu-cut" label="Cut link" hint={`nothing gets through${forLabel}`} danger disabled={!canControl} onClick={go(() => linkAction("cut", edgeId))} />
      <Item testId="menu-slow" label="Slow link" hint={`+200 ms each way${forLabel}`} disabled={!canControl} onClick={go(() => linkAction("slow-link", edgeId))} />
      <Item testId="menu-lossy" label="Lossy link" hint={`drop 20% of messages${forLabel}`} disabled={!canControl} onClick={go(() => linkAction("lossy-link", edgeId))} />
      {(health === "cut" || health === "slow" || health === "lossy") && <Item testId="menu-heal" label="Heal link" hint="end the link faults here" disabled={!canControl} onClick={go(() => healLink(edgeId))} />}
    </>
  );
}
