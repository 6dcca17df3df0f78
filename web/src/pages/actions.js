// A feature's own actions and status, drawn above its settings (Send Test, the WOL Test, the test
// trap, the AC-fail test, the plugs control), and the EMD page. A button is drawn only for the
// roles its route allows, so no one is offered what the card would refuse.
import { h, clear, append, table, message } from "../dom.js";
import { get, post } from "../api.js";
import { temperature, num, localTime } from "../format.js";

const list = (xs) => (xs && xs.length ? xs.join(", ") : "none");
const yes = (b) => (b ? "Yes" : "No");
const last = (l) => (l ? `${localTime(l.time)} ${l.control}: ${l.result}` : "");

// A button running one operation: its answer, or the card's error text, shows in `out`.
function action(tag, label, run, say, out, attrs) {
  return h(
    tag,
    {
      ...attrs,
      type: "button",
      onclick: async (e) => {
        const button = e.currentTarget;
        button.disabled = true;
        clear(out);
        try {
          const answer = await run();
          button.disabled = false; // before say(): a redraw may disable it again
          append(out, message(`${label}: ${say(answer)}`));
        } catch (err) {
          button.disabled = false;
          append(out, message(`${label}: ${err.message}`, "error"));
          for (const [k, why] of Object.entries(err.detail || {}))
            append(out, message(`${k}: ${why}`, "error"));
        }
      },
    },
    label,
  );
}

function mail(out) {
  const to = h("input#mail-to", { maxLength: 254, placeholder: "the mail recipients" });
  const addresses = () =>
    to.value
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean);
  const refused = (r) =>
    Object.entries(r.refused || {})
      .map(([a, why]) => `; refused: ${a} (${why})`)
      .join("");
  return [
    h("label", ["Send Test to (optional, addresses separated by commas) ", to]),
    h("div.controls", [
      action(
        "button#mail-test",
        "Send Test",
        () => post("/mail/test", addresses().length ? { to: addresses() } : {}),
        (r) => `sent to ${list(r.sent)}${refused(r)}`,
        out,
      ),
      action(
        "button#mail-report",
        "Send report now",
        () => post("/mail/report"),
        (r) => `queued for ${list(r.queued)}`,
        out,
      ),
    ]),
  ];
}

function wol(out) {
  const mac = h("input#wol-mac", { maxLength: 17, placeholder: "every enabled target" });
  return h("div.controls", [
    h("label", ["Only this MAC address (optional) ", mac]),
    action(
      "button#wol-test",
      "Test",
      () => post("/wol/send", mac.value.trim() ? { mac: mac.value.trim() } : {}),
      (r) => `${r.sent} magic packet(s) sent`,
      out,
    ),
  ]);
}

function snmp(out) {
  return h(
    "div.controls",
    action(
      "button#snmp-test-trap",
      "Send test trap",
      () => post("/snmp/test-trap"),
      (r) => `sent to ${r.receivers} trap receiver(s)`,
      out,
    ),
  );
}

const ASK_MS = 5000;             // how often a status panel asks the card again

const PHASES = {
  idle: "No shutdown in progress",
  warning: "Warning period (reversible)",
  servers: "Servers told to shut down",
  ups_off: "UPS output off",
};

async function shutdown(main, st, out) {
  const box = h("div#shutdown-status");
  const fsd = h("input#shutdown-fsd", { type: "checkbox" });
  let test = null;
  const draw = (s) => {
    const events = s.events || {};
    const label = (k) => (events[k] ? events[k].label : k);
    const enabled = Object.keys(events).filter((k) => events[k].enabled);
    clear(box);
    append(
      box,
      table(
        ["Shutdown sequence", ""],
        [
          [
            "Phase",
            h("span#shutdown-phase", { "data-phase": s.phase }, PHASES[s.phase] || s.phase),
          ],
          ["Event", s.event ? label(s.event) + (s.test ? " (test)" : "") : "none"],
          ["Countdown", s.seconds_left == null ? "" : `${Math.round(s.seconds_left)} s`],
          ["Events enabled", list(enabled.map(label))],
          ["Refused UPS commands", list(s.command_failures)],
        ],
      ),
    );
    // The manual: the test needs the AC-failed action, and waits for the shutdown cancel.
    if (test) test.disabled = s.phase !== "idle" || !enabled.includes("ac_failed");
  };
  if (st.can("admin")) {
    test = action(
      "button#shutdown-test",
      "AC-fail test",
      () => post("/shutdown/test", { fsd: fsd.checked }),
      (s) => {
        draw(s);
        return fsd.checked ? "started, FSD goes to the NUT clients" : "started (no FSD)";
      },
      out,
    );
  }
  append(main, [
    box,
    test
      ? h("div.controls", [
          h("label.check", [fsd, " also send FSD to the NUT clients (their servers shut down)"]),
          test,
        ])
      : null,
  ]);
  // The card is asked every ASK_MS (no page polls faster than the card's own poll); between
  // two answers the countdown ticks here, from the last one.
  let answer = null;
  let asked = 0;
  const refresh = async () => {
    answer = await get("/shutdown");
    asked = Date.now();
    draw(answer);
  };
  await refresh();
  const timer = setInterval(() => {
    const since = (Date.now() - asked) / 1000;
    if (since * 1000 >= ASK_MS) refresh().catch(() => {});
    else if (answer && answer.seconds_left != null)
      draw({ ...answer, seconds_left: Math.max(0, answer.seconds_left - since) });
  }, 1000);
  return () => clearInterval(timer);
}

async function schedules(main, st, out) {
  const box = h("div#schedules-status");
  const admin = st.can("admin");
  const plugControl = (p, state, redraw) =>
    action(
      "button.plug",
      state === "on" ? "On" : "Off",
      () => post("/powershare", { plug: p.plug, state }),
      (r) => {
        redraw().catch(() => {});
        return `${r.sent} sent`;
      },
      out,
      {
        "data-plug": p.plug,
        "data-state": state,
        // The UPS ignores the control while the plug has a mode: the card refuses it too.
        disabled: p.mode !== "manual",
        title: p.mode !== "manual" ? "the plug has a mode: set it to manual first" : undefined,
      },
    );
  const draw = (s) => {
    const bt = s.battery_test;
    const eco = s.eco;
    const ps = s.powershare;
    const plugs = ps.plug.filter((p) => p.plug <= ps.plugs);
    clear(box);
    append(box, [
      table(
        ["Schedule", "Enabled", "Next", "Not available because", "Last action"],
        [
          [
            "Battery test",
            yes(bt.enabled),
            `${bt.next} (in ${bt.next_in_days} day(s))`,
            bt.why_unavailable || "",
            last(bt.last),
          ],
          [
            "Eco mode",
            yes(eco.enabled),
            eco.in_period ? "in a period now" : "outside the periods",
            eco.why_unavailable || "",
            last(eco.last),
          ],
        ],
      ),
      plugs.length
        ? table(
            ["Plug", "Mode", "State", "Not available because", "Last action"].concat(
              admin ? ["Plugs control"] : [],
            ),
            plugs.map((p) =>
              [
                String(p.plug),
                p.mode.replace(/_/g, " "),
                p.state || "",
                p.why_unavailable || "",
                last(p.last),
              ].concat(admin ? [["on", "off"].map((x) => plugControl(p, x, refresh))] : []),
            ),
          )
        : message("The UPS reports no power share plug."),
      s.error ? message(s.error, "error") : null,
    ]);
  };
  const refresh = async () => draw(await get("/schedules"));
  append(main, box);
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), ASK_MS);
  return () => clearInterval(timer);
}

// Draws the actions and status of `feature` into main; returns the page's cleanup, if any.
export async function featureActions(main, feature, st) {
  const out = h("div.form-status");
  let stop = null;
  if (feature === "shutdown") stop = await shutdown(main, st, out);
  else if (feature === "schedules") stop = await schedules(main, st, out);
  else if (!st.can("write")) return null;
  else if (feature === "mail") append(main, mail(out));
  else if (feature === "wol") append(main, wol(out));
  else if (feature === "snmp") append(main, snmp(out));
  else return null;
  append(main, out);
  return stop;
}

export function hasSensors(emd) {
  return !!emd && !!emd.enabled && (emd.devices || []).length + (emd.inputs || []).length > 0;
}

function emdTables(s, alarms, history) {
  return [
    table(
      ["Sensor", "Location", "Temperature", "Humidity", "Set points", "Error"],
      (s.devices || []).map((d) => [
        d.name,
        d.location,
        temperature(d.values.temperature),
        d.values.humidity == null ? "" : `${num(d.values.humidity, 1)} %RH`,
        list(Object.entries(d.status || {}).map(([k, v]) => `${k} ${v}`)),
        d.error || "",
      ]),
      "Sensors",
    ),
    table(
      ["Input", "Name", "Mode", "Contact", "Alarm"],
      (s.inputs || []).map((i) => [
        String(i.number),
        i.name,
        i.mode,
        i.closed == null ? "" : i.closed ? "closed" : "open",
        i.active ? "active" : "normal",
      ]),
      "Inputs",
    ),
    h("p#emd-alarms", `EMD shutdown events present: ${list(alarms)}`),
    table(
      ["Time", "Temperature", "Humidity", "Inputs in alarm"],
      history.map((r) => [
        localTime(r.time),
        temperature(r.temperature),
        r.humidity == null ? "" : `${num(r.humidity, 1)} %RH`,
        list(r.inputs.map(String)),
      ]),
      "EMD history log (newest first)",
    ),
  ];
}

export async function emdPage(main) {
  append(main, h("h1", "Environment sensors (EMD)"));
  const box = h("div#emd");
  append(main, box);
  const draw = async () => {
    const s = await get("/emd");
    const more = hasSensors(s)
      ? await Promise.all([get("/emd/alarms"), get("/emd/history?limit=20")])
      : null;
    clear(box);
    append(
      box,
      more ? emdTables(s, ...more) : message("The environment sensors are off, or none is set."),
    );
  };
  await draw();
  const timer = setInterval(() => draw().catch(() => {}), ASK_MS);
  return () => clearInterval(timer);
}
