// The menu (§11.2) and the page of each address. Configuration pages come from the features
// whose settings rows the card declares, so a new feature appears here by itself.
import { synoptic } from "./synoptic.js";
import { dashboard, realtime, alarms, clients } from "./monitor.js";
import { control, battery } from "./control.js";
import { historyGraph, logTable, clearSave } from "./logs.js";
import { configPage, services, users, timePage } from "./config.js";
import { files, upsdebug } from "./files.js";
import { emdPage, hasSensors } from "./actions.js";
import { message } from "../dom.js";

// Features whose settings have a page of their own elsewhere, or none.
const OWN_PAGE = new Set(["time", "web"]);

export function menu(store) {
  const sts = store.ups && (store.ups.device || {}).mapping === "sts";
  const write = store.can("write");
  const admin = store.can("admin");
  const features = store.features || [];
  return [
    {
      title: "Device monitoring",
      items: [
        { title: "Comprehensive view", href: "#/" },
        { title: "Dashboard", href: "#/dashboard" },
        { title: "Real-time Graph", href: "#/realtime" },
        { title: "Alarm table", href: "#/alarms" },
        sts ? null : { title: "Client table", href: "#/clients" },
        hasSensors(store.emd) ? { title: "EMD", href: "#/emd" } : null,
      ].filter(Boolean),
    },
    {
      title: "Device management",
      items: [
        write ? { title: sts ? "STS control" : "UPS control", href: "#/control" } : null,
        sts ? null : { title: "Battery Test", href: "#/battery" },
      ].filter(Boolean),
    },
    {
      title: "NET VISION management",
      items: [
        { title: "Date and Time", href: "#/time" },
        ...features
          .filter(([name]) => !OWN_PAGE.has(name))
          .map(([name, title]) => ({
            title: name === "system" ? "NET VISION Configuration" : title,
            href: "#/config/" + name,
          })),
        { title: "NET VISION Control", href: "#/services" },
        admin ? { title: "Multi-User Table", href: "#/users" } : null,
        { title: "Files and certificates", href: "#/files" },
        { title: "Serial debug", href: "#/upsdebug" },
      ].filter(Boolean),
    },
    {
      title: "History log",
      items: [
        {
          title: sts ? "STS History Log" : "UPS History Log",
          href: sts ? "#/log/sts-history" : "#/history/table",
        },
        sts ? null : { title: "UPS Extended History log", href: "#/extended/table" },
        {
          title: sts ? "STS event Log" : "UPS event Log",
          href: sts ? "#/log/sts-events" : "#/log/ups-events",
        },
        { title: "NET VISION Event Log", href: "#/log/card-events" },
        write ? { title: "Clear and save Logs", href: "#/logs" } : null,
      ].filter(Boolean),
    },
  ];
}

const TITLES = {
  "ups-events": "UPS Events Log",
  "sts-events": "STS Events Log",
  "card-events": "NET VISION Events Log",
  "sts-history": "STS History Log",
};

export function pageFor(hash) {
  const path = hash.replace(/^#/, "") || "/";
  const fixed = {
    "/": synoptic,
    "/dashboard": dashboard,
    "/realtime": realtime,
    "/alarms": alarms,
    "/clients": clients,
    "/control": control,
    "/battery": battery,
    "/history": historyGraph("history"),
    "/extended": historyGraph("extended"),
    "/history/table": logTable("history", "UPS History Log"),
    "/extended/table": logTable("extended", "UPS Extended Log"),
    "/logs": clearSave,
    "/services": services,
    "/users": users,
    "/time": timePage,
    "/files": files,
    "/upsdebug": upsdebug,
    "/emd": emdPage,
  };
  if (fixed[path]) return fixed[path];
  let m = path.match(/^\/log\/([a-z-]+)$/);
  if (m) return logTable(m[1], TITLES[m[1]] || m[1]);
  m = path.match(/^\/config\/([a-z_]+)$/);
  if (m) return (main, st) => configPage(main, m[1], st);
  return async (main) => main.append(message("No such page.", "error"));
}

// [[feature, title], ...] of the features that have settings, in the card's order.
export function featuresOf(rows) {
  const seen = new Map();
  for (const r of rows) if (!seen.has(r.feature)) seen.set(r.feature, r.title);
  return [...seen.entries()];
}
