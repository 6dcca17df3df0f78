// The synoptic's colours, as the manual's tables say (§12.1.1 unit, §12.2.1 system, §13.1 STS).
// Input: one node of the snapshot (values, statuses, alarms) and the NUT ups.status tokens.
// Output: element -> "grey" | "green" | "yellow" | "red".

const has = (flags, words) =>
  Object.values(flags || {}).some((f) =>
    words.some((w) => (f.description || "").toLowerCase().includes(w)),
  );
const alarmLevel = (alarms, words) => {
  let level = null;
  for (const a of Object.values(alarms || {})) {
    const d = (a.description || "").toLowerCase();
    if (!words.some((w) => d.includes(w))) continue;
    if (a.level === "C") return "red";
    level = "yellow";
  }
  return level;
};

export function tokens(values) {
  return new Set(
    String((values || {})["ups.status"] || "")
      .split(/\s+/)
      .filter(Boolean),
  );
}

export function loadPercent(v) {
  const loads = [1, 2, 3]
    .map((n) => v[`output.L${n}.power.percent`])
    .filter((x) => x !== undefined);
  if (loads.length) return Math.max(...loads);
  return v["ups.load"];
}

export function upsColors(node) {
  const v = node.values || {},
    st = node.statuses || {},
    al = node.alarms || {};
  const t = tokens(v);
  const onBattery =
    t.has("OB") || t.has("DISCHRG") || has(st, ["on battery", "battery discharging"]);
  const off = t.has("OFF");
  const onBypass = t.has("BYPASS") || has(st, ["load on bypass", "bypass on"]);
  const eco = t.has("ECO") || has(st, ["eco mode"]);
  const maintenance = has(st, ["maintenance bypass"]) || has(al, ["maintenance bypass"]);
  const inV = v["input.L1-N.voltage"] ?? v["input.voltage"];
  const inputPresent =
    !onBattery && (inV === undefined ? !has(al, ["rectifier input supply"]) : inV > 0);
  const rectifierOn = inputPresent && !has(st, ["rectifier off"]);
  const byV = v["input.bypass.L1-N.voltage"] ?? v["input.bypass.voltage"];
  const bypassPresent = byV === undefined ? !has(al, ["bypass input supply"]) : byV > 0;
  const inverterOn = !off && !onBypass && (has(st, ["inverter on"]) || t.has("OL") || onBattery);
  const load = loadPercent(v);
  const c = {};
  c.rectifierSupply = inputPresent ? "green" : "grey";
  c.rectifier = alarmLevel(al, ["rectifier"]) || (rectifierOn ? "green" : "grey");
  c.rectifierOutput = rectifierOn ? "green" : "grey";
  c.dcBus = rectifierOn || onBattery ? "green" : "grey";
  c.inverterInput = onBattery ? "yellow" : rectifierOn ? "green" : "grey";
  c.inverter = alarmLevel(al, ["inverter"]) || (inverterOn ? "green" : "grey");
  c.inverterOutput = !inverterOn ? "grey" : onBattery ? "yellow" : "green";
  c.output = off ? "grey" : onBypass || onBattery ? "yellow" : "green";
  c.load = off || !load ? "grey" : load > 100 ? "red" : load > 90 ? "yellow" : "green";
  const batteryAlarm = alarmLevel(al, ["battery alarm", "battery discharged", "battery low"]);
  const batteryWarn = has(al, ["battery room", "battery temperature"]) || has(st, ["test failed"]);
  c.battery =
    batteryAlarm === "red" || has(al, ["battery alarm"])
      ? "red"
      : onBattery || batteryWarn
        ? "yellow"
        : has(st, ["battery disconnected"]) || has(al, ["battery disconnected"])
          ? "grey"
          : "green";
  c.bypassSupply = bypassPresent ? "green" : "grey";
  c.bypassInput = !bypassPresent ? "grey" : onBypass ? "yellow" : "green";
  c.bypass =
    alarmLevel(al, ["bypass critical", "bypass preventive", "bypass general"]) ||
    (onBypass ? "green" : "grey");
  c.bypassOutput = !onBypass ? "grey" : eco ? "green" : "yellow";
  c.maintenance = maintenance ? "yellow" : "grey";
  c.flags = {
    bypassImpossible: has(al, ["transfer impossible", "transfer locked"]),
    maintenanceAlarm: has(al, ["maintenance alarm"]),
    alarm: Object.keys(al).length > 0,
    eco,
    onBattery,
    onBypass,
    off,
    maintenance,
    load,
    charging: t.has("CHRG"),
    discharging: onBattery,
  };
  return c;
}

export function stsColors(node) {
  const v = node.values || {},
    st = node.statuses || {},
    al = node.alarms || {};
  const alternate = has(st, ["load on alternate source"]);
  const preferred1 = has(st, ["s1 is preferred"]) || v["input.source.preferred"] === 1;
  const onS1 = has(st, ["load on s1"]) || v["input.source"] === 1;
  const onS2 = has(st, ["load on s2"]) || v["input.source"] === 2;
  const present = (n) => {
    const x = v[`input.${n}.L1-N.voltage`] ?? v[`input.${n}.voltage`];
    return x === undefined ? !has(al, [`source ${n} absent`]) : x > 0;
  };
  const path = (n) =>
    !present(n) ? "grey" : alternate && (n === 1) !== preferred1 ? "yellow" : "green";
  const out = (n) => ((n === 1 ? onS1 : onS2) ? (alternate ? "yellow" : "green") : "grey");
  return {
    source1: preferred1 ? "green" : "grey",
    source2: preferred1 ? "grey" : "green",
    path1: path(1),
    path2: path(2),
    switch1: has(al, ["powerpath1", "switch 1"]) ? "yellow" : "green",
    switch2: has(al, ["powerpath2", "switch 2"]) ? "yellow" : "green",
    out1: out(1),
    out2: out(2),
    output: has(st, ["load off"]) ? "grey" : alternate ? "yellow" : "green",
    load: has(st, ["load off"]) ? "grey" : "green",
    maint1: has(st, ["manual bypass 1", "q51 closed"]) ? "yellow" : "grey",
    maint2: has(st, ["manual bypass 2", "q52 closed"]) ? "yellow" : "grey",
    flags: {
      alarm: Object.keys(al).length > 0,
      notSynchro: has(st, ["not synchronised"]),
      sliding: has(st, ["sliding"]),
      bypassImpossible: has(al, ["transfer impossible"]),
      maintenanceAlarm: has(al, ["maintenance alarm", "maintenance alert"]),
    },
  };
}
