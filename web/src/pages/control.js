// UPS control (§12.7.1) and battery test (§12.7.2): only the controls the UPS allows now, only
// for read/write and admin accounts.
import { h, clear, append, table, message } from "../dom.js";
import { get, post } from "../api.js";

export async function control(main, store) {
  append(main, h("h1", "UPS Control"));
  if (!store.can("write")) {
    append(main, message("The controls are for read/write and admin accounts.", "error"));
    return;
  }
  const status = h("div");
  const list = h("div.controls");
  const draw = async () => {
    const cmds = (await get("/commands")).filter((c) => !c.name.startsWith("test.battery"));
    clear(list);
    if (!cmds.length)
      append(list, message("The UPS allows no control now (remote controls disabled?)."));
    for (const c of cmds) {
      append(
        list,
        h("div.control-row", [
          h("span", c.text === `Control sent: ${c.name}` ? c.name : c.text),
          h(
            "button.cmd",
            {
              "data-command": c.name,
              onclick: async () => {
                if (!confirm(`Send "${c.text}" to the UPS?`)) return;
                clear(status);
                try {
                  await post("/commands/" + encodeURIComponent(c.name));
                  append(status, message(`${c.text}: sent.`));
                } catch (err) {
                  append(status, message(err.message, "error"));
                }
              },
            },
            "Apply",
          ),
        ]),
      );
    }
  };
  await draw();
  append(main, [
    list,
    status,
    message("For parallel systems the controls go to the system and are dispatched to every unit."),
  ]);
}

export async function battery(main, store) {
  append(main, h("h1", "Battery Test"));
  const box = h("div");
  const status = h("div");
  append(main, [box, status]);
  const draw = async () => {
    const ups = store.ups || (await get("/ups"));
    const st = Object.values(ups.statuses || {}).map((x) => x.description);
    const running = st.some((d) => /battery test (in progress|running)/i.test(d));
    const failed = st.some((d) => /test failed/i.test(d));
    const cmds = (await get("/commands")).map((c) => c.name);
    clear(box);
    append(
      box,
      table(
        ["Battery test status", "Result", "Battery test control"],
        [
          [
            running ? "In progress" : cmds.includes("test.battery.start") ? "Enabled" : "Disabled",
            failed ? "Failed" : running ? "" : "No test / OK",
            store.can("write") &&
            cmds.includes(running ? "test.battery.stop" : "test.battery.start")
              ? h(
                  "button#battery-test",
                  {
                    onclick: async () => {
                      clear(status);
                      try {
                        await post(
                          "/commands/" + (running ? "test.battery.stop" : "test.battery.start"),
                        );
                        append(status, message("Sent."));
                      } catch (err) {
                        append(status, message(err.message, "error"));
                      }
                    },
                  },
                  running ? "Stop" : "Apply",
                )
              : "Not available",
          ],
        ],
      ),
    );
    append(
      box,
      message(
        "The schedule pages (battery test, eco mode) appear in the menu when the " +
          "schedule feature is in this build.",
      ),
    );
  };
  await draw();
  return store.on("ups", () => {});
}
