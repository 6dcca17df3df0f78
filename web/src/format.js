// How values are shown: units, temperatures in °C or °F (web.temperature_unit), dates.
let unit = "C";
export function setTemperatureUnit(u) {
  unit = u === "F" ? "F" : "C";
}
export function temperature(c) {
  if (c === undefined || c === null) return "";
  return unit === "F" ? `${((c * 9) / 5 + 32).toFixed(1)} °F` : `${Number(c).toFixed(1)} °C`;
}
export function tempUnit() {
  return unit === "F" ? "°F" : "°C";
}
export function tempValue(c) {
  return unit === "F" ? (c * 9) / 5 + 32 : c;
}

export function num(v, digits) {
  if (v === undefined || v === null || v === "") return "";
  if (typeof v !== "number") return String(v);
  return digits === undefined ? String(v) : v.toFixed(digits);
}

export function localTime(epoch) {
  const d = new Date(epoch * 1000);
  const p = (n) => String(n).padStart(2, "0");
  return (
    `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:` +
    `${p(d.getMinutes())}:${p(d.getSeconds())}`
  );
}

export const LEVELS = { I: "Information", W: "Warning", C: "Critical" };

// Minutes of a runtime in seconds.
export function minutes(s) {
  return s === undefined ? "" : Math.round(s / 60);
}

// Per-phase values of a NUT name pattern: "output.L{n}-N.voltage" -> [v1, v2, v3].
export function phases(values, pattern, fallback) {
  const out = [];
  for (let n = 1; n <= 3; n++) {
    const v = values[pattern.replace("{n}", n)];
    if (v !== undefined) out.push(v);
  }
  if (!out.length && fallback && values[fallback] !== undefined) out.push(values[fallback]);
  return out;
}
