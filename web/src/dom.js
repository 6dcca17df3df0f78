// A tiny DOM builder: h("div#id.card", {onclick}, [children]) — no framework, no inline HTML.
export function h(tag, attrs, children) {
  const [head, ...classes] = tag.split(".");
  const [name, id] = head.split("#");
  const el = document.createElement(name);
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(" ");
  if (attrs && (typeof attrs !== "object" || Array.isArray(attrs) || attrs instanceof Node)) {
    children = attrs;
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else if (k in el && k !== "list" && k !== "form") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  if (children === undefined || children === null || children === false) return el;
  if (!Array.isArray(children)) children = [children];
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

const SVG = "http://www.w3.org/2000/svg";
export function s(tag, attrs, children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v);
  }
  for (const c of [].concat(children || [])) if (c) el.append(c);
  return el;
}

// A table from column titles and rows of cells.
export function table(columns, rows, caption) {
  return h(
    "div.scroll",
    h("table", [
      caption ? h("caption", caption) : null,
      h(
        "thead",
        h(
          "tr",
          columns.map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      h(
        "tbody",
        rows.map((r) =>
          h(
            "tr",
            r.map((c) => h("td", c)),
          ),
        ),
      ),
    ]),
  );
}

export function message(text, kind = "info") {
  return h("p.msg." + kind, { role: kind === "error" ? "alert" : "status" }, text);
}
