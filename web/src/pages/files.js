// Files and certificates (§15.2: backup and restore, the HTTPS certificate, MIB files) and the
// serial debug trace: pages of their own, apart from the settings pages.
import { h, clear, append, table, message } from "../dom.js";
import { get, post, del, api, download } from "../api.js";

export async function files(main, st) {
  append(main, h("h1", "Configuration files and certificates"));
  const status = h("div");
  const say = (t, kind) => {
    clear(status);
    append(status, message(t, kind));
  };
  const cert = await get("/certificate");
  const mibs = await get("/mibs");
  const admin = st.can("admin");
  const restore = h("input#restore-file", { type: "file", accept: ".json" });
  const pem = h("input#pem-file", { type: "file", accept: ".pem" });
  append(main, [
    h("section", [
      h("h2", "Configuration"),
      admin
        ? h(
            "button#backup",
            { onclick: () => download("/config/backup", "opennmc-config.json") },
            "Download Configuration",
          )
        : null,
      admin ? h("label", ["Upload Configuration", restore]) : null,
      admin
        ? h(
            "button",
            {
              onclick: async () => {
                if (!restore.files[0]) return say("Choose a backup file first.", "error");
                try {
                  const r = await post("/config/restore", { text: await restore.files[0].text() });
                  say(`Restored: ${r.changed.length} setting(s) changed.`);
                } catch (err) {
                  say(`${err.message} ${JSON.stringify(err.detail || {})}`, "error");
                }
              },
            },
            "Upload",
          )
        : message("Backup and restore are for the admin account."),
    ]),
    h("section", [
      h("h2", "HTTPS certificate"),
      table(
        ["", ""],
        Object.entries(cert).map(([k, v]) => [k, String(v)]),
      ),
      h(
        "button",
        { onclick: () => download("/certificate/root", "cacert.crt") },
        "Download Root Certificate",
      ),
      admin ? h("label", ["Upload CA file (.pem, 8 KB max)", pem]) : null,
      admin
        ? h(
            "button",
            {
              onclick: async () => {
                if (!pem.files[0]) return say("Choose a .pem file first.", "error");
                try {
                  await api("POST", "/certificate", pem.files[0], true);
                  say("Certificate installed: HTTPS restarts with it.");
                } catch (err) {
                  say(err.message, "error");
                }
              },
            },
            "Upload",
          )
        : null,
      admin && cert.source === "uploaded"
        ? h(
            "button",
            {
              onclick: async () => {
                try {
                  await del("/certificate");
                  say("Uploaded certificate removed.");
                } catch (err) {
                  say(err.message, "error");
                }
              },
            },
            "Remove",
          )
        : null,
    ]),
    h("section", [
      h("h2", "Download MIB file"),
      mibs.length
        ? h(
            "ul",
            mibs.map((m) =>
              h(
                "li",
                h(
                  "button",
                  { onclick: () => download("/mibs/" + encodeURIComponent(m.name), m.name) },
                  m.name,
                ),
              ),
            ),
          )
        : message("This build ships no MIB file."),
    ]),
    status,
  ]);
}

export async function upsdebug(main, st) {
  append(main, h("h1", "Serial debug (upsdebug)"));
  const box = h("div");
  const status = h("div");
  const draw = async () => {
    const d = await get("/upsdebug");
    clear(box);
    append(box, [
      h("p", `Trace ${d.enabled ? "on" : "off"}: ${d.rows} frame(s) kept (last ${d.max_rows}).`),
      table(
        ["Time", "Direction", "Bytes"],
        d.frames
          .slice(-100)
          .reverse()
          .map((f) => [f.local || String(f.time), f.dir, f.hex]),
      ),
    ]);
    return d;
  };
  const d = await draw();
  const set = (body) => async () => {
    try {
      await post("/upsdebug", body);
      await draw();
    } catch (err) {
      append(status, message(err.message, "error"));
    }
  };
  if (st.can("write")) {
    append(
      main,
      h("div.controls", [
        h("button#debug-on", { onclick: set({ enabled: true }) }, "Enable"),
        h("button", { onclick: set({ enabled: false }) }, "Disable"),
        h("button", { onclick: set({ clear: true }) }, "Clear"),
        h("button", { onclick: () => download("/upsdebug/csv", "upsdebug.csv") }, "Export CSV"),
        h("button", { onclick: draw }, "Refresh"),
      ]),
    );
  }
  append(main, [status, box]);
  return d && null;
}
