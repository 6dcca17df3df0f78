// Dashboard widgets (§12.4), real-time graph (§12.5), alarm table (§12.3), clients (§12.6).
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { h, clear, append, table, message } from "../dom.js";
import { get } from "../api.js";
import { phases, temperature, tempValue, tempUnit, minutes, LEVELS, localTime } from "../format.js";
import { loadPercent } from "./colors.js";

function widgetWith(title, value, unit, pct, nominal, max) {
  const fill = h("div.fill");
  fill.style.width = pct + "%";
  const bar = h("div.bar", fill);
  if (nominal) {
    const line = h("div.nominal", { title: `nominal ${nominal} ${unit}` });
    line.style.left = Math.min(100, (nominal / max) * 100) + "%";
    bar.append(line);
  }
  return h("div.widget", { role: "group", "aria-label": title }, [
    h("h3", title),
    bar,
    h("p.value", value === undefined ? "–" : `${value} ${unit}`),
  ]);
}

export async function dashboard(main, store) {
  const box = h("div.widgets");
  append(main, [h("h1", "Dashboard"), box]);
  const draw = () => {
    clear(box);
    const ups = store.ups;
    if (!ups) return;
    const v = ups.values || {};
    const w = (title, value, unit, max, nominal) =>
      value === undefined
        ? null
        : widgetWith(
            title,
            value,
            unit,
            Math.max(0, Math.min(100, (value / max) * 100)),
            nominal,
            max,
          );
    const load = loadPercent(v);
    const out = [
      w("Output load", load, "%", 120, 100),
      w("Battery capacity", v["battery.charge"], "%", 100),
      String(v["ups.status"] || "").includes("OB") && v["battery.runtime"] !== undefined
        ? w("Remaining backup time", minutes(v["battery.runtime"]), "mn", 120)
        : null,
      ...phases(v, "input.L{n}-N.voltage", "input.voltage").map((x, i) =>
        w(`Input voltage L${i + 1}`, x, "V", 300, v["input.voltage.nominal"]),
      ),
      w("Input frequency", v["input.frequency"], "Hz", 70, v["input.frequency.nominal"]),
      ...phases(v, "output.L{n}-N.voltage", "output.voltage").map((x, i) =>
        w(`Output voltage L${i + 1}`, x, "V", 300, v["output.voltage.nominal"]),
      ),
      ...phases(v, "output.L{n}.current", "output.current").map((x, i) => {
        const nominalA =
          v["ups.power.nominal"] && v["output.voltage.nominal"]
            ? Math.round(
                v["ups.power.nominal"] / (v["output.phases"] || 1) / v["output.voltage.nominal"],
              )
            : undefined;
        return w(`Output current L${i + 1}`, x, "A", (nominalA || x || 1) * 1.2, nominalA);
      }),
      w("Output frequency", v["output.frequency"], "Hz", 70, v["output.frequency.nominal"]),
      v["ups.temperature"] !== undefined
        ? w(
            "UPS temperature",
            Number(tempValue(v["ups.temperature"]).toFixed(1)),
            tempUnit(),
            tempValue(60),
          )
        : null,
      w("Battery voltage", v["battery.voltage"], "V", (v["battery.voltage"] || 1) * 1.3),
    ];
    append(box, out.filter(Boolean));
    append(box, h("p", h("a", { href: "#/" }, "← Back to the synoptic")));
  };
  draw();
  return store.on("ups", draw);
}

const MEASURES = [
  ["Output load (%)", (v) => loadPercent(v)],
  ["Input voltage L1 (V)", (v) => v["input.L1-N.voltage"] ?? v["input.voltage"]],
  ["Output voltage L1 (V)", (v) => v["output.L1-N.voltage"] ?? v["output.voltage"]],
  ["Battery capacity (%)", (v) => v["battery.charge"]],
  ["Input frequency (Hz)", (v) => v["input.frequency"]],
  ["Output frequency (Hz)", (v) => v["output.frequency"]],
  ["Battery voltage (V)", (v) => v["battery.voltage"]],
];

export async function realtime(main, store) {
  // Nothing is stored on the card: the points live in this page until it is left.
  const chosen = new Set([0, 3]);
  let running = false,
    plot = null;
  const data = [[]].concat(MEASURES.map(() => []));
  const chart = h("div.chart");
  const status = h("span", "stopped");
  const start = h(
    "button#rt-start",
    {
      onclick: () => {
        running = true;
        status.textContent = "scanning";
      },
    },
    "Start",
  );
  const stop = h(
    "button#rt-stop",
    {
      onclick: () => {
        running = false;
        status.textContent = "stopped";
      },
    },
    "Stop",
  );
  const boxes = MEASURES.map(([label], i) =>
    h("label.check", [
      h("input", {
        type: "checkbox",
        checked: chosen.has(i),
        onchange: (e) => {
          e.target.checked ? chosen.add(i) : chosen.delete(i);
          build();
        },
      }),
      label,
    ]),
  );
  append(main, [
    h("h1", "Real time graph"),
    h("div.controls", [start, stop, status]),
    h("fieldset", [h("legend", "Measurements"), ...boxes]),
    chart,
    h("p", "The values are not stored by the card."),
  ]);
  const build = () => {
    clear(chart);
    const idx = [...chosen].sort();
    const opts = {
      width: Math.min(900, main.clientWidth - 20 || 600),
      height: 300,
      series: [{}].concat(
        idx.map((i) => ({ label: MEASURES[i][0], stroke: COLORS[i % COLORS.length] })),
      ),
    };
    plot = new uPlot(opts, [data[0]].concat(idx.map((i) => data[i + 1])), chart);
  };
  build();
  const off = store.on("ups", () => {
    if (!running || !store.ups) return;
    const v = store.ups.values || {};
    data[0].push(Date.now() / 1000);
    MEASURES.forEach(([, fn], i) => data[i + 1].push(fn(v) ?? null));
    if (data[0].length > 600) data.forEach((d) => d.shift());
    const idx = [...chosen].sort();
    plot.setData([data[0]].concat(idx.map((i) => data[i + 1])));
  });
  return () => {
    off();
    if (plot) plot.destroy();
  };
}
export const COLORS = ["#1a73e8", "#d93025", "#1e8e3e", "#e37400", "#9334e6", "#12b5cb", "#5f6368"];

export async function alarms(main, store) {
  const box = h("div");
  append(main, [h("h1", "Alarm Table"), box]);
  const draw = async () => {
    const a = await get("/alarms");
    clear(box);
    append(box, [
      table(
        ["", ""],
        [
          ["Number of Active Alarms", h("span#active-alarms", String(a.count))],
          ["Last Alarm", a.last ? a.last.text : ""],
        ],
      ),
      table(
        ["Index", "Alarm Time", "UPS Alarm Description", "Level"],
        a.alarms.map((x) => [
          x.code,
          x.local || localTime(x.time),
          x.text,
          LEVELS[x.level] || x.level,
        ]),
      ),
    ]);
  };
  await draw();
  return store.on("event", (ev) => {
    if (ev.kind === "alarm") draw();
  });
}

export async function clients(main) {
  const rows = await get("/clients");
  append(main, [
    h("h1", "Client Table"),
    table(["", ""], [["Connected Client Number", String(rows.length)]]),
    table(
      ["Index", "IP Address", "Client Name", "Connected Time"],
      rows.map((c, i) => [
        String(i + 1),
        c.address || "",
        c.user || c.name || "",
        c.connected_local ||
          (typeof c.connected === "number" ? localTime(c.connected) : c.connected || ""),
      ]),
    ),
    rows.length ? null : message("No NUT client is connected."),
  ]);
}
