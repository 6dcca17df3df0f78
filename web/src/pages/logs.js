// History log and extended history log (§18.1, §18.2) as graphs and tables, event logs with
// sort by time or level (§18.3-18.5), clear and save (§18.6).
import uPlot from "uplot";
import { h, clear, append, table, message } from "../dom.js";
import { get, del, download } from "../api.js";
import { LEVELS, tempValue, tempUnit } from "../format.js";
import { COLORS } from "./monitor.js";

const GROUPS = {
  input: [
    "Input information",
    ["input.L1-N.voltage", "input.L2-N.voltage", "input.L3-N.voltage", "input.frequency"],
  ],
  output: [
    "Output information",
    [
      "output.L1-N.voltage",
      "output.L2-N.voltage",
      "output.L3-N.voltage",
      "output.L1.power.percent",
    ],
  ],
  ups: ["UPS information", ["ups.temperature", "battery.charge"]],
};
const LABELS = {
  "input.L1-N.voltage": "Input V R",
  "input.L2-N.voltage": "Input V S",
  "input.L3-N.voltage": "Input V T",
  "input.frequency": "Input Hz",
  "output.L1-N.voltage": "Output V R",
  "output.L2-N.voltage": "Output V S",
  "output.L3-N.voltage": "Output V T",
  "output.L1.power.percent": "Output load %",
  "ups.temperature": "UPS temperature",
  "battery.charge": "Battery %",
  "output.L2.power.percent": "Output load S %",
  "output.L3.power.percent": "Output load T %",
};
const pad = (n) => String(n).padStart(2, "0");
const iso = (d) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
  `T${pad(d.getHours())}:${pad(d.getMinutes())}`;
const shown = (v, key) =>
  v === null || v === undefined || v === -1 ? null : key === "ups.temperature" ? tempValue(v) : v;

export function historyGraph(log) {
  return async (main) => {
    const extended = log === "extended";
    append(main, h("h1", extended ? "UPS Extended History Graphic" : "History Log Graphic"));
    const now = new Date();
    const from = h("input#from", {
      type: "datetime-local",
      value: iso(new Date(now - 30 * 60000)),
    });
    // Until the user picks an end, the window ends now (minutes only: one minute ahead).
    const to = h("input#to", {
      type: "datetime-local",
      value: iso(new Date(+now + 60000)),
      oninput: () => {
        to.dataset.user = "1";
      },
    });
    const day = h("input#day", { type: "date", "aria-label": "Day selection" });
    const groups = Object.entries(GROUPS).map(([k, [label]]) =>
      h("label.check", [h("input", { type: "checkbox", checked: true, value: k }), label]),
    );
    const chart = h("div#history-chart.chart");
    const status = h("div");
    const draw = async () => {
      clear(chart);
      clear(status);
      if (!to.dataset.user) to.value = iso(new Date(Date.now() + 60000));
      let a = from.value,
        b = to.value;
      if (day.value) {
        a = day.value + "T00:00";
        b = day.value + "T23:59";
      }
      const page = await get(
        `/logs/${log}?per_page=2048&from=${encodeURIComponent(a)}&to=${encodeURIComponent(b)}`,
      );
      const recs = page.records.slice().reverse();
      if (!recs.length) {
        append(status, message("No Record!"));
        return;
      }
      const keys = groups
        .filter((g) => g.firstChild.checked)
        .flatMap((g) => GROUPS[g.firstChild.value][1]);
      const times = recs.map((r) => r.time);
      const series = [{}];
      const data = [times];
      keys.forEach((k, i) => {
        const color = COLORS[i % COLORS.length];
        const label = LABELS[k] + (k === "ups.temperature" ? ` (${tempUnit()})` : "");
        if (extended) {
          for (const part of ["min", "avg", "max"]) {
            series.push({
              label: `${label} ${part}`,
              stroke: color,
              width: part === "avg" ? 2 : 1,
              dash: part === "avg" ? undefined : [4, 4],
            });
            data.push(recs.map((r) => shown(r[k] && r[k][part], k)));
          }
        } else {
          series.push({ label, stroke: color });
          data.push(recs.map((r) => shown(r[k], k)));
        }
      });
      const plot = new uPlot(
        {
          width: Math.min(900, main.clientWidth - 20 || 600),
          height: 320,
          series,
          bands: extended
            ? keys.map((k, i) => ({
                series: [3 * i + 3, 3 * i + 1],
                fill: COLORS[i % COLORS.length] + "33",
              }))
            : undefined,
        },
        data,
        chart,
      );
      chart.dataset.points = String(times.length);
      return plot;
    };
    append(main, [
      h("div.controls", [
        h("label", ["From", from]),
        h("label", ["To", to]),
        h("label", ["Day", day]),
        h("button#history-show", { onclick: draw }, "Show"),
      ]),
      h("fieldset", [h("legend", "Measurement groups"), ...groups]),
      status,
      chart,
    ]);
    await draw();
  };
}

export function logTable(log, title) {
  return async (main, store) => {
    append(main, h("h1", title));
    let page = 1,
      sort = "time";
    const perPage = h("input#per-page", {
      type: "number",
      min: 1,
      max: 200,
      value: 5,
      "aria-label": "Log count per page",
    });
    const from = h("input", { type: "date", "aria-label": "from" });
    const to = h("input", { type: "date", "aria-label": "to" });
    const pagesTop = h("nav.pages", { "aria-label": "pages" });
    const pagesBottom = h("nav.pages", { "aria-label": "pages" });
    const box = h("div#log-table");
    const draw = async () => {
      let q = `?page=${page}&per_page=${perPage.value || 5}&sort=${sort}`;
      if (from.value) q += `&from=${from.value}T00:00`;
      if (to.value) q += `&to=${to.value}T23:59`;
      const r = await get(`/logs/${log}${q}`);
      clear(box);
      for (const nav of [pagesTop, pagesBottom]) {
        clear(nav);
        const go = (p) =>
          h(
            "button",
            {
              onclick: () => {
                page = p;
                draw();
              },
              disabled: p === page,
              "aria-current": p === page ? "page" : null,
            },
            String(p),
          );
        const first = Math.max(1, page - 3),
          last = Math.min(r.pages, page + 3);
        append(nav, [
          h(
            "button",
            {
              onclick: () => {
                page = 1;
                draw();
              },
            },
            "<<",
          ),
          h(
            "button",
            {
              onclick: () => {
                page = Math.max(1, page - 1);
                draw();
              },
            },
            "<",
          ),
          ...Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => go(first + i)),
          h(
            "button",
            {
              onclick: () => {
                page = Math.min(r.pages, page + 1);
                draw();
              },
            },
            ">",
          ),
          h(
            "button",
            {
              onclick: () => {
                page = r.pages || 1;
                draw();
              },
            },
            ">>",
          ),
        ]);
      }
      if (!r.records.length) {
        append(box, message("No Record!"));
        return;
      }
      const sortBtn = (label, key) =>
        h(
          "button.sort",
          {
            onclick: () => {
              sort = key;
              page = 1;
              draw();
            },
            "aria-pressed": sort === key ? "true" : "false",
          },
          label + " ▼",
        );
      if (log.endsWith("events")) {
        append(
          box,
          h(
            "div.scroll",
            h("table", [
              h(
                "thead",
                h("tr", [
                  h("th", sortBtn("Event Time", "time")),
                  h("th", sortBtn("Event Level", "level")),
                  h("th", "Event Description"),
                ]),
              ),
              h(
                "tbody",
                r.records.map((x) =>
                  h("tr", [
                    h("td", x.time_local),
                    h("td", LEVELS[x.level] || x.level),
                    h("td", x.text),
                  ]),
                ),
              ),
            ]),
          ),
        );
      } else if (log === "extended") {
        const keys = Object.keys(r.records[0]).filter(
          (k) => typeof r.records[0][k] === "object" && r.records[0][k],
        );
        append(
          box,
          table(
            [
              "Start time",
              "End time",
              ...keys.flatMap((k) => [`${LABELS[k] || k} min`, "max", "avg"]),
            ],
            r.records.map((x) => [
              x.start_local,
              x.time_local,
              ...keys.flatMap((k) => ["min", "max", "avg"].map((p) => String(x[k][p] ?? ""))),
            ]),
          ),
        );
      } else {
        const keys = Object.keys(r.records[0]).filter((k) => k.includes("."));
        append(
          box,
          table(
            ["Date time", ...keys.map((k) => LABELS[k] || k)],
            r.records.map((x) => [x.time_local, ...keys.map((k) => String(x[k] ?? ""))]),
          ),
        );
      }
    };
    append(main, [
      h("div.controls", [
        h("label", ["From", from]),
        h("label", ["To", to]),
        h("label", ["Log count per page", perPage]),
        h(
          "button",
          {
            onclick: () => {
              page = 1;
              draw();
            },
          },
          "Refresh",
        ),
      ]),
      pagesTop,
      box,
      pagesBottom,
    ]);
    await draw();
  };
}

export async function clearSave(main, store) {
  append(main, h("h1", "Clear & Save Logs"));
  if (!store.can("write")) {
    append(
      main,
      message("Saving and clearing logs is for read/write and admin accounts.", "error"),
    );
    return;
  }
  const status = h("div");
  const logs = await get("/logs");
  append(main, [
    table(
      ["Log", "Records", "Save (CSV)", "Clear"],
      logs.map((l) => [
        l.title,
        String(l.records),
        h(
          "button.save",
          { "data-log": l.name, onclick: () => download(`/logs/${l.name}/csv`, `${l.name}.csv`) },
          "Save",
        ),
        h(
          "button.clear",
          {
            "data-log": l.name,
            onclick: async () => {
              if (!confirm(`Clear the ${l.title}?`)) return;
              clear(status);
              try {
                await del(`/logs/${l.name}`);
                append(status, message(`${l.title} cleared.`));
              } catch (err) {
                append(status, message(err.message, "error"));
              }
            },
          },
          "Clear",
        ),
      ]),
    ),
    status,
  ]);
}
