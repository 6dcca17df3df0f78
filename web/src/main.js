// The card's web UI: top bar, menu, login, and the page of the current address (#/...).
import "./style.css";
import { h, s, clear, append, message } from "./dom.js";
import { get, post, del, setCsrf, onSessionEnd, live, ApiError } from "./api.js";
import { setTemperatureUnit } from "./format.js";
import { store } from "./store.js";
import { menu, pageFor, featuresOf } from "./pages/index.js";

const top = document.getElementById("top");
const nav = document.getElementById("menu");
const main = document.getElementById("main");
const modal = document.getElementById("modal");
let stream = null;
let cleanup = null;
let shown = 0; // routes started: a page still loading when a newer one starts is dropped
let seenAlarms = 0;

function icon(d, stroke) {
  return s("svg", { viewBox: "0 0 16 16", width: 20, height: 20, "aria-hidden": "true" }, [
    s(
      "path",
      stroke
        ? { d, fill: "none", stroke: "currentColor", "stroke-width": 1.6 }
        : { d, fill: "currentColor" },
    ),
  ]);
}

function topBar() {
  const s = store.session || {};
  const id = s.identity || {};
  const count = store.ups ? store.ups.alarm_count || 0 : 0;
  const flashing = count > seenAlarms;
  clear(top);
  append(top, [
    h(
      "button.menu-toggle",
      { "aria-label": "Menu", onclick: () => nav.classList.toggle("open") },
      "☰",
    ),
    h("div.identity", [
      h("strong#sysname", id.name || "opennmc"),
      h("span#syslocation", id.location || ""),
    ]),
    h("div.shortcuts", [
      h(
        "a",
        { href: "#/dashboard", title: "Dashboard", "aria-label": "Dashboard" },
        icon("M2 2h5v5H2zM9 2h5v5H9zM2 9h5v5H2zM9 9h5v5H9z"),
      ),
      h(
        "a",
        { href: "#/history", title: "History graphs", "aria-label": "History graphs" },
        icon("M1 14h14M2 12l4-5 3 3 5-7", true),
      ),
      h(
        "a#alarm-icon" + (count ? ".active" : "") + (flashing ? ".flash" : ""),
        {
          href: "#/alarms",
          title: "Alarms",
          "aria-label": `${count} active alarms`,
          onclick: () => {
            seenAlarms = count;
          },
        },
        [
          icon("M8 1a4 4 0 0 0-4 4v4l-2 3h12l-2-3V5a4 4 0 0 0-4-4zM6 13a2 2 0 0 0 4 0z"),
          h("span#alarm-count", String(count)),
        ],
      ),
    ]),
    h(
      "div.login",
      s.logged_in
        ? [
            h("span#login-state", `${s.user} (${s.role})`),
            h("button#logout", { onclick: logout }, "Log out"),
          ]
        : [h("span#login-state", "Not logged"), h("button", { onclick: showLogin }, "Log in")],
    ),
  ]);
}

function drawMenu() {
  clear(nav);
  if (!store.session || !store.session.logged_in || store.session.must_change) return;
  for (const group of menu(store)) {
    append(
      nav,
      h("section", [
        h("h2", group.title),
        h(
          "ul",
          group.items.map((item) =>
            h(
              "li",
              h("a", { href: item.href, onclick: () => nav.classList.remove("open") }, item.title),
            ),
          ),
        ),
      ]),
    );
  }
}

async function route() {
  const mine = ++shown;
  if (cleanup) {
    try {
      cleanup();
    } catch (e) {
      /* page already gone */
    }
    cleanup = null;
  }
  clear(main);
  if (!store.session || !store.session.logged_in) {
    append(main, message("Log in to see the UPS.", "info"));
    showLogin();
    return;
  }
  if (store.session.must_change) {
    showPasswordChange(true);
    return;
  }
  const page = pageFor(location.hash || "#/");
  // Each route draws into its own box: one superseded while it loads (a hash change during
  // the login's requests) draws into a box already gone, and stops its timers.
  const view = h("div");
  main.append(view);
  let done = null;
  try {
    done = (await page(view, store)) || null;
  } catch (err) {
    append(view, message(err.message, "error"));
  }
  if (mine !== shown) {
    if (done) done();
    return;
  }
  cleanup = done;
  main.focus({ preventScroll: true });
}

function showModal(content) {
  clear(modal);
  modal.hidden = false;
  append(modal, h("div.dialog", { role: "dialog", "aria-modal": "true" }, content));
  const first = modal.querySelector("input, button");
  if (first) first.focus();
}
function hideModal() {
  modal.hidden = true;
  clear(modal);
}

function showLogin(notice) {
  const user = h("input#login-user", {
    name: "user",
    autocomplete: "username",
    required: true,
    value: "admin",
  });
  const password = h("input#login-password", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const status = h("div");
  showModal(
    h(
      "form#login-form",
      {
        onsubmit: async (e) => {
          e.preventDefault();
          clear(status);
          try {
            const s = await post("/session", { user: user.value, password: password.value });
            await started(s);
            if (s.must_change) return;
            if (s.days_left !== null && s.days_left !== undefined) {
              showModal([
                h("h2", "Logged in"),
                h("p#days-left", `Your password is valid for ${s.days_left} more day(s).`),
                h("button#days-ok", { onclick: hideModal }, "OK"),
              ]);
            } else hideModal();
          } catch (err) {
            append(status, message(err.message, "error"));
          }
        },
      },
      [
        h("h2", "Log in"),
        notice ? message(notice) : null,
        h("label", ["User", user]),
        h("label", ["Password", password]),
        status,
        h("button#login-submit", { type: "submit" }, "Log in"),
      ],
    ),
  );
}

function showPasswordChange(forced) {
  const old = h("input#pw-old", {
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const fresh = h("input#pw-new", {
    type: "password",
    autocomplete: "new-password",
    required: true,
  });
  const again = h("input#pw-again", {
    type: "password",
    autocomplete: "new-password",
    required: true,
  });
  const status = h("div");
  showModal(
    h(
      "form#password-form",
      {
        onsubmit: async (e) => {
          e.preventDefault();
          clear(status);
          if (fresh.value !== again.value) {
            append(status, message("The two new passwords differ.", "error"));
            return;
          }
          try {
            await post("/session/password", { old: old.value, new: fresh.value });
            await ended();
            showLogin("Password changed: log in with the new password.");
          } catch (err) {
            append(status, message(err.message, "error"));
          }
        },
      },
      [
        h("h2", forced ? "Set a new password" : "Change password"),
        forced
          ? message(
              "The password must be changed before anything else: at least 12 " +
                "characters with upper and lower case letters, digits and one of ! % # @ ^ *.",
            )
          : null,
        h("label", ["Current password", old]),
        h("label", ["New password", fresh]),
        h("label", ["New password again", again]),
        status,
        h("button#pw-submit", { type: "submit" }, "Change password"),
      ],
    ),
  );
}

async function started(session) {
  store.session = session;
  setCsrf(session.csrf);
  setTemperatureUnit(session.temperature_unit);
  topBar();
  drawMenu();
  if (session.must_change) {
    showPasswordChange(true);
    return;
  }
  try {
    store.features = featuresOf(await get("/config"));
  } catch (e) {
    store.features = [];
  }
  // The EMD page is in the menu only when the EMD feature reads sensors.
  store.emd = await get("/emd").catch(() => null);
  drawMenu();
  if (stream) stream.close();
  stream = live({
    ups: (ups) => {
      const before = store.ups && (store.ups.device || {}).mapping;
      store.ups = ups;
      store.emit("ups");
      topBar();
      if (before !== (ups.device || {}).mapping) drawMenu();
    },
    event: (ev) => store.emit("event", ev),
    end: () => ended().then(() => showLogin("Your session has ended.")),
  });
  try {
    store.ups = await get("/ups");
    topBar();
  } catch (e) {
    /* the stream will bring it */
  }
  route();
}

async function ended() {
  if (stream) {
    stream.close();
    stream = null;
  }
  store.session = await get("/session").catch(() => ({ logged_in: false }));
  setCsrf("");
  topBar();
  drawMenu();
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  clear(main);
}

async function logout() {
  try {
    await del("/session");
  } catch (e) {
    /* already gone */
  }
  await ended();
  showLogin();
}

onSessionEnd(() => ended().then(() => showLogin("Your session has ended.")));
window.addEventListener("hashchange", route);
store.on("password", () => showPasswordChange(false));
store.on("refresh-session", async () => {
  const s = await get("/session");
  store.session = s;
  setTemperatureUnit(s.temperature_unit);
  topBar();
});

(async () => {
  const s = await get("/session").catch((e) =>
    e instanceof ApiError ? { logged_in: false } : null,
  );
  store.session = s;
  topBar();
  if (s && s.logged_in) started(s);
  else route();
})();
