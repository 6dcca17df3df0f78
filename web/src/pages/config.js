// Configuration pages drawn from the settings rows (GET /config): one page per feature, so a
// feature that lands later gets its page without hand work; NET VISION control (services and
// ports), the multi-user table, date and time. A feature's own actions and status come first
// on its page (actions.js).
import { h, clear, append, table, message } from "../dom.js";
import { get, post, del } from "../api.js";
import { store } from "../store.js";
import { featureActions } from "./actions.js";

export function field(row) {
  const id = "set-" + row.key.replace(/\./g, "-");
  const common = { id, name: row.key, "aria-describedby": id + "-doc" };
  if (row.kind === "bool")
    return h("input", { ...common, type: "checkbox", checked: row.value === true });
  if (row.kind === "choice")
    return h(
      "select",
      common,
      row.limit.map((o) => h("option", { value: o, selected: String(row.value) === o }, o)),
    );
  if (row.kind === "int")
    return h("input", {
      ...common,
      type: "number",
      min: row.limit[0],
      max: row.limit[1],
      value: row.value,
    });
  if (row.kind === "password" || row.kind === "secret")
    return h("input", {
      ...common,
      type: "password",
      autocomplete: "new-password",
      placeholder: row.value ? "(set: leave empty to keep)" : "(not set)",
    });
  if (row.kind === "list")
    return h("textarea", { ...common, rows: 3 }, (row.value || []).join("\n"));
  return h("input", {
    ...common,
    type: "text",
    value: row.value ?? "",
    maxLength: row.limit || 256,
  });
}

function valueOf(row, el) {
  if (row.kind === "bool") return el.checked ? "on" : "off";
  if (row.kind === "list")
    return el.value
      .split("\n")
      .map((x) => x.trim())
      .filter(Boolean)
      .join(",");
  return el.value;
}

export function settingsForm(rows, title) {
  const status = h("div.form-status");
  const inputs = rows.map((row) => [row, field(row)]);
  const canEdit = (row) => store.can(row.key.startsWith("auth.") ? "admin" : "write");
  inputs.forEach(([row, el]) => {
    if (!canEdit(row)) el.disabled = true;
  });
  const form = h(
    "form.settings",
    {
      onsubmit: async (e) => {
        e.preventDefault();
        clear(status);
        const assignments = [];
        for (const [row, el] of inputs) {
          if (!canEdit(row)) continue;
          const v = valueOf(row, el);
          if ((row.kind === "password" || row.kind === "secret") && !v) continue;
          const before =
            row.kind === "bool"
              ? row.value
                ? "on"
                : "off"
              : row.kind === "list"
                ? (row.value || []).join(",")
                : String(row.value ?? "");
          if (v !== before) assignments.push(`${row.key}=${v}`);
        }
        if (!assignments.length) {
          append(status, message("Nothing changed."));
          return;
        }
        try {
          const r = await post("/config", { assignments });
          append(
            status,
            message(
              `Saved: ${r.changed.join(", ") || "nothing changed"}` +
                (r.restart && r.restart.length
                  ? ` (after a restart: ${r.restart.join(", ")})`
                  : ""),
            ),
          );
          for (const [f, why] of Object.entries({ ...r.not_applied, ...r.not_running })) {
            append(status, message(`${f}: ${why}`, "error"));
          }
          store.emit("refresh-session");
        } catch (err) {
          append(status, message(err.message, "error"));
          for (const [k, why] of Object.entries(err.detail || {}))
            append(status, message(`${k}: ${why}`, "error"));
        }
      },
    },
    [
      h("table.form", [
        h("caption", title),
        h(
          "tbody",
          inputs.map(([row, el]) =>
            h("tr", [
              h("th", h("label", { htmlFor: el.id }, row.label + (row.restart ? " *" : ""))),
              h("td", [el, h("small", { id: el.id + "-doc" }, ` ${row.doc}`)]),
            ]),
          ),
        ),
      ]),
      h("button", { type: "submit" }, "Apply"),
      status,
    ],
  );
  return form;
}

export async function configPage(main, feature, st) {
  const rows = (await get("/config")).filter(
    (r) => r.feature === feature && !(feature === "accounts" && r.key === "auth.users"),
  );
  append(main, h("h1", (rows[0] && rows[0].title) || feature));
  const stop = await featureActions(main, feature, st);
  append(main, rows.length ? settingsForm(rows, "Settings") : message("No settings."));
  return stop;
}

export async function services(main) {
  const rows = (await get("/config")).filter(
    (r) => /\.(enabled|port)$/.test(r.key) || r.key === "http.redirect",
  );
  append(main, [
    h("h1", "NET VISION Control"),
    message("Network services and their ports; " + "a service that is off listens nowhere."),
    settingsForm(rows, "Services"),
  ]);
}

export async function users(main) {
  append(main, h("h1", "Multi-User Table"));
  const status = h("div");
  const box = h("div");
  const draw = async () => {
    const list = await get("/accounts");
    clear(box);
    append(
      box,
      table(
        ["Index", "User Name", "Access type", "Password valid (days)", ""],
        list.map((u, i) => [
          String(i),
          u.name,
          u.access === "admin"
            ? "Admin (always active)"
            : { disabled: "Disabled", read: "Read Only", write: "Read/Write" }[u.access],
          u.days_left === null ? "" : String(u.days_left),
          u.name === "admin"
            ? ""
            : h(
                "button",
                {
                  onclick: async () => {
                    try {
                      await del("/accounts/" + encodeURIComponent(u.name));
                      draw();
                    } catch (err) {
                      append(status, message(err.message, "error"));
                    }
                  },
                },
                "Remove",
              ),
        ]),
      ),
    );
  };
  const name = h("input#user-name", { maxLength: 32, required: true });
  const password = h("input#user-password", { type: "password", autocomplete: "new-password" });
  const access = h(
    "select#user-access",
    [
      ["disabled", "Disabled"],
      ["read", "Read Only"],
      ["write", "Read/Write"],
    ].map(([v, t]) => h("option", { value: v }, t)),
  );
  append(main, [
    box,
    h(
      "form",
      {
        onsubmit: async (e) => {
          e.preventDefault();
          clear(status);
          try {
            const body = { name: name.value, access: access.value };
            if (password.value) body.password = password.value;
            await post("/accounts", body);
            append(status, message(`User ${name.value} saved.`));
            draw();
          } catch (err) {
            append(status, message(err.message, "error"));
          }
        },
      },
      [
        h("h2", "Add or change a user (up to 8)"),
        h("label", ["User Name", name]),
        h("label", ["Password", password]),
        h("label", ["Access type", access]),
        h("button#user-save", { type: "submit" }, "Save"),
      ],
    ),
    status,
    h("p", h("button", { onclick: () => store.emit("password") }, "Change my password")),
  ]);
  await draw();
}

export async function timePage(main) {
  append(main, h("h1", "Date and Time"));
  const status = h("div");
  const info = h("div");
  const show = async () => {
    const t = await get("/time");
    clear(info);
    append(
      info,
      table(
        ["", ""],
        Object.entries(t)
          .filter(([, v]) => typeof v !== "object")
          .map(([k, v]) => [k, String(v)]),
      ),
    );
  };
  const act = (label, fn) =>
    h(
      "button",
      {
        onclick: async () => {
          clear(status);
          try {
            await fn();
            append(status, message(`${label}: done.`));
            show();
          } catch (err) {
            append(status, message(err.message, "error"));
          }
        },
      },
      label,
    );
  const manual = h("input#time-manual", { placeholder: "dd/mm/yyyy hh:mm:ss" });
  const rows = (await get("/config")).filter((r) => r.key.startsWith("time."));
  append(main, [
    info,
    h("div.controls", [
      act("Synchronize with computer time", () => post("/time/browser", { epoch_ms: Date.now() })),
      act("Synchronize with NTP server now", () => post("/time/ntp-sync")),
      act("Update UPS now", () => post("/time/update-ups")),
    ]),
    h("div.controls", [
      h("label", ["Set manually", manual]),
      act("Set value", () => post("/time", { local: manual.value })),
    ]),
    status,
    settingsForm(rows, "Time settings"),
  ]);
  await show();
}
