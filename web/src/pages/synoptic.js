// The comprehensive view: UPS tree-view (§11.3), synoptic in SVG (§12.1, §12.2, §13.1) and the
// parameter table of the element clicked (§12.1.4).
import { h, s, clear, append, table, message } from "../dom.js";
import { upsColors, stsColors } from "./colors.js";
import { rows, TABLES } from "./params.js";
import { minutes } from "../format.js";

const FILL = { grey: "#9aa0a6", green: "#1e9e4a", yellow: "#e0a800", red: "#d93025" };

function nodeOf(ups, sel) {
  if (!sel || sel === "system") return ups;
  const [u, m] = sel.split(".").map(Number);
  const unit = (ups.units || []).find((x) => x.index === u);
  if (!unit) return ups;
  return m ? (unit.modules || []).find((x) => x.index === m) || unit : unit;
}

function statusIcon(node) {
  const al = Object.values(node.alarms || {});
  const t = String((node.values || {})["ups.status"] || "");
  if (al.some((a) => /imminent/i.test(a.description))) return ["■", "Imminent stop", "flash"];
  if (al.some((a) => a.level === "C")) return ["●", "Operating with critical alarm", "red"];
  if (al.length) return ["●", "Operating with alarm", "yellow"];
  if (t.includes("OFF")) return ["○", "On standby", "grey"];
  return ["●", "Operating", "green"];
}

function tree(ups, selected, pick) {
  const dev = ups.device || {};
  const arch = dev.architecture || "single";
  const item = (label, sel, node) => {
    const [icon, text, cls] = statusIcon(node);
    return h(
      "li",
      h(
        "button.tree-item" + (selected === sel ? ".selected" : ""),
        {
          onclick: () => pick(sel),
          "aria-label": `${label}: ${text}`,
        },
        [h("span.status-icon." + cls, { title: text }, icon), " ", label],
      ),
    );
  };
  const top =
    (arch === "single" || arch === "modular" ? "UPS " : "SYSTEM ") +
    (dev.range || (ups.values || {})["ups.model"] || "");
  const children = (ups.units || []).map((u) =>
    h("li", [
      item(`${u.kind === "module" ? "Module" : "Unit"} ${u.index}`, String(u.index), u),
      u.modules && u.modules.length
        ? h(
            "ul",
            u.modules.map((m) => item(`Module ${m.index}`, `${u.index}.${m.index}`, m)),
          )
        : null,
    ]),
  );
  const eco = upsColors(ups).flags.eco;
  return h("nav.tree", { "aria-label": "UPS tree-view" }, [
    h("ul", [item(top, "system", ups), children.length ? h("li", h("ul", children)) : null]),
    eco ? h("p.eco", { title: "Energy Saver" }, "ECO: energy saver (eco mode)") : null,
  ]);
}

function box(id, x, y, w, hgt, color, label, onclick) {
  return s(
    "g",
    {
      id: "syn-" + id,
      class: "element",
      "data-color": color,
      tabindex: onclick ? 0 : null,
      role: onclick ? "button" : null,
      "aria-label": label ? `${label}: ${color}` : null,
      onclick,
      onkeydown: onclick
        ? (e) => {
            if (e.key === "Enter") onclick();
          }
        : null,
    },
    [
      s("rect", { x, y, width: w, height: hgt, rx: 6, fill: FILL[color], stroke: "#333" }),
      label
        ? s("text", { x: x + w / 2, y: y + hgt / 2 + 4, "text-anchor": "middle", class: "lbl" }, [
            document.createTextNode(label),
          ])
        : null,
    ],
  );
}
function line(id, x1, y1, x2, y2, color) {
  return s("line", {
    id: "syn-" + id,
    "data-color": color,
    x1,
    y1,
    x2,
    y2,
    stroke: FILL[color],
    "stroke-width": 6,
    class: "flow " + color,
  });
}

function upsSvg(node, show, system) {
  const c = upsColors(node);
  const v = node.values || {};
  const f = c.flags;
  const charge = v["battery.charge"];
  const batteryText =
    f.discharging && v["battery.runtime"] !== undefined
      ? `${minutes(v["battery.runtime"])} mn`
      : charge !== undefined
        ? `${charge} %`
        : "";
  const level = Math.max(0, Math.min(100, charge ?? 0));
  const loadText = f.maintenance || f.load === undefined ? "" : `${f.load} %`;
  const loadLevel = Math.max(0, Math.min(120, f.load || 0));
  const parts = [
    line("rectifier-supply", 10, 150, 70, 150, c.rectifierSupply),
    system
      ? null
      : box("rectifier", 70, 125, 70, 50, c.rectifier, "Rectifier", () => show("input")),
    system ? null : line("rectifier-output", 140, 150, 200, 150, c.rectifierOutput),
    system ? null : line("dc-bus", 200, 150, 200, 215, c.dcBus),
    system ? null : line("inverter-input", 200, 150, 250, 150, c.inverterInput),
    system
      ? box("system", 70, 110, 250, 80, c.output, "UPS system", () => show("ups"))
      : box("inverter", 250, 125, 70, 50, c.inverter, "Inverter", () => show("inverter")),
    line("inverter-output", 320, 150, 380, 150, c.inverterOutput),
    line("output", 380, 150, 440, 150, c.output),
    box("load", 440, 115, 80, 70, c.load, "Load", () => show("output")),
    s("rect", {
      class: "load-bar",
      x: 450,
      y: 175 - loadLevel * 0.5,
      width: 10,
      height: loadLevel * 0.5,
      fill: FILL[c.load],
    }),
    s("text", { id: "syn-load-value", x: 480, y: 205, "text-anchor": "middle" }, [
      document.createTextNode(loadText),
    ]),
    line("bypass-supply", 10, 60, 70, 60, c.bypassSupply),
    line("bypass-input", 70, 60, 250, 60, c.bypassInput),
    system ? null : box("bypass", 250, 40, 70, 40, c.bypass, "Bypass", () => show("bypass")),
    line("bypass-output", 320, 60, 380, 60, c.bypassOutput),
    line("bypass-join", 380, 60, 380, 150, c.bypassOutput),
    line("maintenance", 70, 20, 380, 20, c.maintenance),
    s("text", { x: 225, y: 14, "text-anchor": "middle", class: "small" }, [
      document.createTextNode("Maintenance bypass"),
    ]),
  ];
  if (!system) {
    parts.push(box("battery", 165, 215, 70, 45, c.battery, "Battery", () => show("battery")));
    parts.push(
      s("rect", {
        class: "battery-level" + (f.discharging ? " discharging" : f.charging ? " charging" : ""),
        x: 170,
        y: 252,
        width: level * 0.6,
        height: 5,
        fill: "#fff",
      }),
    );
    parts.push(
      s("text", { id: "syn-battery-value", x: 200, y: 278, "text-anchor": "middle" }, [
        document.createTextNode(batteryText),
      ]),
    );
  }
  const icons = [];
  if (f.alarm) icons.push(["⚠", "Alarm present"]);
  if (f.bypassImpossible) icons.push(["✕", "Bypass impossible"]);
  if (f.maintenanceAlarm) icons.push(["M", "Maintenance alarm"]);
  icons.forEach(([t, title], i) =>
    parts.push(
      s("text", { x: 20 + i * 24, y: 280, class: "icon" }, [
        s("title", { text: title }),
        document.createTextNode(t),
      ]),
    ),
  );
  return s(
    "svg",
    { viewBox: "0 0 530 290", class: "synoptic", role: "img", "aria-label": "UPS synoptic" },
    parts,
  );
}

function stsSvg(node, show) {
  const c = stsColors(node);
  return s(
    "svg",
    { viewBox: "0 0 530 290", class: "synoptic", role: "img", "aria-label": "STS synoptic" },
    [
      box("source1", 10, 40, 80, 40, c.source1, "Source 1", () => show("path1")),
      line("path1", 90, 60, 200, 60, c.path1),
      box("switch1", 200, 40, 70, 40, c.switch1, "SW 1", () => show("path1")),
      line("out1", 270, 60, 360, 60, c.out1),
      box("source2", 10, 200, 80, 40, c.source2, "Source 2", () => show("path2")),
      line("path2", 90, 220, 200, 220, c.path2),
      box("switch2", 200, 200, 70, 40, c.switch2, "SW 2", () => show("path2")),
      line("out2", 270, 220, 360, 220, c.out2),
      line("output", 360, 60, 360, 220, c.output),
      line("output-load", 360, 140, 430, 140, c.output),
      box("load", 430, 110, 80, 60, c.load, "Load", () => show("sts")),
      line("maint1", 90, 20, 360, 20, c.maint1),
      line("maint2", 90, 260, 360, 260, c.maint2),
    ],
  );
}

export async function synoptic(main, store) {
  let selected = "system";
  let shown = null;
  const treeBox = h("div.tree-box");
  const svgBox = h("div.svg-box");
  const tableBox = h("div#param-table");
  append(main, [
    h("h1", "Comprehensive view"),
    h("div.synoptic-layout", [treeBox, h("div", [svgBox, tableBox])]),
  ]);
  const draw = () => {
    const ups = store.ups;
    clear(treeBox);
    clear(svgBox);
    clear(tableBox);
    if (!ups) {
      append(svgBox, message("Waiting for the UPS..."));
      return;
    }
    if (ups.stale) append(svgBox, message("No current data from the UPS (Unknown).", "error"));
    const sts = (ups.device || {}).mapping === "sts";
    const node = nodeOf(ups, selected);
    const system =
      !sts &&
      selected === "system" &&
      (ups.units || []).length > 1 &&
      (ups.device || {}).architecture !== "modular";
    const show = (name) => {
      shown = name;
      draw();
    };
    append(
      treeBox,
      tree(ups, selected, (sel) => {
        selected = sel;
        shown = null;
        draw();
      }),
    );
    append(svgBox, sts ? stsSvg(node, show) : upsSvg(node, show, system));
    const name = shown || (sts ? "sts" : "ups");
    const [title] = TABLES[name];
    append(tableBox, [
      shown ? h("button.back", { onclick: () => show(null) }, "← UPS Parameters") : null,
      table(["Parameter", "Value"], rows(name, node), title),
    ]);
  };
  draw();
  return store.on("ups", draw);
}
