// The parameter tables of the manual (§12.1.5-12.1.10, §13.2-13.4): label, then how to read it
// from one node's NUT values. A row whose value the UPS does not give is not shown.
import { phases, temperature, minutes, num } from "../format.js";

const ph = (p, f) => (v) => phases(v, p, f).join(" / ");
const val = (name, digits) => (v) => num(v[name], digits);
const kilo = (name) => (v) => (v[name] === undefined ? "" : num(v[name] / 1000, 1));

export function upsStatus(node) {
  const st = Object.values(node.statuses || {})
    .map((s) => s.description)
    .join(", ");
  return st || "Unknown";
}

export const TABLES = {
  ups: [
    "UPS Parameters",
    [
      ["UPS Status", (v, n) => upsStatus(n)],
      ["Output load rate (%)", ph("output.L{n}.power.percent", "ups.load")],
      ["Output Power (kVA)", kilo("ups.power")],
      ["Output (kW)", kilo("ups.realpower")],
      ["Output Voltage (V)", ph("output.L{n}-N.voltage", "output.voltage")],
      ["Input voltage (V)", ph("input.L{n}-N.voltage", "input.voltage")],
      ["Battery capacity (%)", val("battery.charge")],
      ["Remaining backup time (mn)", (v) => minutes(v["battery.runtime"])],
      ["Battery voltage (V)", val("battery.voltage")],
      ["Temperature", (v) => temperature(v["ups.temperature"] ?? v["ambient.temperature"])],
      ["Date / time", (v) => [v["ups.date"], v["ups.time"]].filter(Boolean).join(" ")],
    ],
  ],
  battery: [
    "Battery Parameters",
    [
      [
        "Battery Status",
        (v, n) =>
          Object.values(n.statuses || {})
            .map((s) => s.description)
            .filter((d) => /batt/i.test(d))
            .join(", ") || "Unknown",
      ],
      [
        "Battery voltage (V)",
        (v) =>
          [v["battery.voltage"], v["battery.voltage.negative"]]
            .filter((x) => x !== undefined)
            .join(" / "),
      ],
      ["Battery capacity (%)", val("battery.charge")],
      ["Battery capacity (Ah)", val("battery.capacity")],
      ["Remaining Backup time (mn)", (v) => minutes(v["battery.runtime"])],
      ["Battery temperature", (v) => temperature(v["battery.temperature"])],
      ["Time since on battery power (mn)", (v) => minutes(v["battery.runtime.elapsed"])],
    ],
  ],
  output: [
    "Output Parameters",
    [
      ["Output load rate (%)", ph("output.L{n}.power.percent", "ups.load")],
      ["Output Power (kVA)", kilo("ups.power")],
      ["Output Power (kW)", kilo("ups.realpower")],
      ["Output power factor", ph("output.L{n}.powerfactor", "output.powerfactor")],
      ["Output crest factor", ph("output.L{n}.crestfactor", "output.crestfactor")],
      ["Output Current (A)", ph("output.L{n}.current", "output.current")],
      ["Output Voltage (V)", ph("output.L{n}-N.voltage", "output.voltage")],
      ["Output Voltage (U)", ph("output.L{n}-L{m}.voltage")],
      ["Output Frequency (Hz)", val("output.frequency")],
    ],
  ],
  input: [
    "Input Parameters",
    [
      ["Input Voltage (V)", ph("input.L{n}-N.voltage", "input.voltage")],
      ["Input Current (A)", ph("input.L{n}.current", "input.current")],
      [
        "Input Power (kW)",
        (v) =>
          phases(v, "input.L{n}.realpower", "input.realpower")
            .map((x) => num(x / 1000, 1))
            .join(" / "),
      ],
      ["Input Frequency (Hz)", val("input.frequency")],
    ],
  ],
  bypass: [
    "Bypass Parameters",
    [
      ["Bypass Voltage (V)", ph("input.bypass.L{n}-N.voltage", "input.bypass.voltage")],
      ["Bypass Power (kW)", kilo("input.bypass.realpower")],
      ["Bypass Frequency (Hz)", val("input.bypass.frequency")],
    ],
  ],
  inverter: [
    "Inverter Parameters",
    [
      [
        "Inverter Voltage (V)",
        (v, n) =>
          /inverter on/i.test(upsStatus(n)) || v["ups.status"]?.includes("OL")
            ? phases(v, "output.L{n}-N.voltage", "output.voltage").join(" / ")
            : "0",
      ],
      [
        "Inverter Frequency (Hz)",
        (v) =>
          String(v["ups.status"] || "").includes("BYPASS") ? "0" : num(v["output.frequency"]),
      ],
    ],
  ],
  sts: [
    "STS Parameters",
    [
      ["STS Status", (v, n) => upsStatus(n)],
      ["Output Load Rate (%)", ph("output.L{n}.power.percent", "ups.load")],
      ["Output Current (A)", ph("output.L{n}.current", "output.current")],
      ["Output Power (kW)", kilo("output.realpower")],
      ["Output Voltage (V)", ph("output.L{n}-N.voltage", "output.voltage")],
      ["Output Frequency (Hz)", val("output.frequency")],
      ["Phase shift (°)", val("input.phase.shift")],
      ["STS Temperature", (v) => temperature(v["ups.temperature"])],
      ["Date and Time", (v) => [v["ups.date"], v["ups.time"]].filter(Boolean).join(" ")],
    ],
  ],
  path1: [
    "Path 1 Parameters",
    [
      ["Input Voltage (V)", ph("input.1.L{n}-N.voltage", "input.1.voltage")],
      ["Input Frequency (Hz)", val("input.1.frequency")],
      ["Temperature", (v) => temperature(v["input.1.switch.temperature"])],
    ],
  ],
  path2: [
    "Path 2 Parameters",
    [
      ["Input Voltage (V)", ph("input.2.L{n}-N.voltage", "input.2.voltage")],
      ["Input Frequency (Hz)", val("input.2.frequency")],
      ["Temperature", (v) => temperature(v["input.2.switch.temperature"])],
    ],
  ],
};

// [[label, text], ...] of one table for one node; rows without a value are left out.
export function rows(name, node) {
  const [, list] = TABLES[name];
  return list
    .map(([label, fn]) => [label, fn(node.values || {}, node)])
    .filter(([, text]) => text !== "" && text !== undefined);
}
