// Builds the browser UI into dist/: one hashed JS bundle and one hashed CSS bundle (esbuild),
// index.html pointing at them, and a .gz beside every file (the card sends those as they are).
// Prints the page weight; fails when the compressed UI passes the budget the ESP32 can serve.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const BUDGET = 150 * 1024;
const out = "dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outdir: out,
  entryNames: "app-[hash]",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});
const files = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = files.find((f) => f.endsWith(".js"));
const css = files.find((f) => f.endsWith(".css"));
const html = readFileSync("src/index.html", "utf8").replace("{{js}}", js).replace("{{css}}", css);
writeFileSync(join(out, "index.html"), html);
writeFileSync(join(out, "favicon.svg"), readFileSync("src/favicon.svg"));

let plain = 0,
  sent = 0;
for (const name of readdirSync(out)) {
  const data = readFileSync(join(out, name));
  const gz = gzipSync(data, { level: 9 });
  writeFileSync(join(out, name + ".gz"), gz);
  plain += data.length;
  sent += gz.length;
}
console.log(JSON.stringify({ ui_bytes: plain, ui_gzip_bytes: sent, budget: BUDGET }));
if (sent > BUDGET) {
  console.error(`web UI is ${sent} bytes compressed, over the ${BUDGET} budget`);
  process.exit(1);
}
