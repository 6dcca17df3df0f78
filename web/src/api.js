// The card's JSON API (/api/v1): every page uses only this. The CSRF token of the session goes
// with every request that changes something; a 401 means the session ended: log in again.
const BASE = "/api/v1";
let csrf = "";
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.detail = body && body.detail;
  }
}

export function setCsrf(token) {
  csrf = token || "";
}
export function onSessionEnd(fn) {
  listeners.add(fn);
}

export async function api(method, path, body, raw) {
  const opts = { method, headers: {}, credentials: "same-origin" };
  if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
  if (body !== undefined) {
    if (raw) opts.body = body;
    else {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
  }
  const res = await fetch(BASE + path, opts);
  const type = res.headers.get("Content-Type") || "";
  if (!res.ok) {
    const err = new ApiError(res.status, type.includes("json") ? await res.json() : null);
    if (res.status === 401 && path !== "/session") listeners.forEach((fn) => fn(err));
    throw err;
  }
  if (type.includes("json")) return res.json();
  return res;
}

export const get = (p) => api("GET", p);
export const post = (p, b) => api("POST", p, b === undefined ? {} : b);
export const del = (p) => api("DELETE", p);

// Saves what a download route answers as a file (CSV logs, backup, certificate, MIB).
export async function download(path, name) {
  const res = await api("GET", path);
  const blob = await res.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// Live values: "ups" after each poll of the card, "event" for each event.
export function live(handlers) {
  const source = new EventSource(BASE + "/events");
  source.addEventListener("ups", (e) => handlers.ups(JSON.parse(e.data)));
  source.addEventListener("event", (e) => handlers.event(JSON.parse(e.data)));
  source.addEventListener("end", () => {
    source.close();
    handlers.end();
  });
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) handlers.end();
  };
  return source;
}
