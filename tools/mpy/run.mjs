// Runs one portable unit-test file under MicroPython (the WebAssembly port) in Node.
//
//   node tools/mpy/run.mjs tests/unit/test_rtu.py
//
// Copies the files the ESP32 build freezes (board/esp32/manifest.py, read by tools/mpy/manifest.py;
// or the JSON list in MPY_FILES) and the unittest stand-in (tools/mpy/unittest.py) into the
// interpreter's /lib, and tests/unit/*.py into
// /tests, imports the test module and runs it from an asyncio task (the port has no asyncio.run
// and a top-level await can hang). Exit status: 0 when every test passed, 1 when any failed or
// raised or none ran, 2 on a usage error, 3 when the run did not finish before the deadline.
// One Node process per test file: a second interpreter in the same process crashes.

import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const DEADLINE_MS = Number(process.env.MPY_TEST_DEADLINE_MS || 120000);
const HEAP_BYTES = 32 * 1024 * 1024; // not enforced by the port; generous so big tables fit

function usage(message) {
  process.stderr.write(`${message}\nusage: node tools/mpy/run.mjs tests/unit/test_NAME.py\n`);
  process.exit(2);
}

function mkdirs(FS, dir) {
  let current = "";
  for (const part of dir.split("/").filter(Boolean)) {
    current += "/" + part;
    try {
      FS.mkdir(current);
    } catch (err) {
      // EEXIST: made earlier; anything else shows up when writing a file into it.
    }
  }
}

function copyFile(FS, source, target) {
  mkdirs(FS, path.posix.dirname(target));
  FS.writeFile(target, fs.readFileSync(source));
}

function copyTree(FS, sourceDir, targetDir) {
  for (const entry of fs.readdirSync(sourceDir, { withFileTypes: true })) {
    const source = path.join(sourceDir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "__pycache__") copyTree(FS, source, `${targetDir}/${entry.name}`);
    } else if (entry.name.endsWith(".py")) {
      copyFile(FS, source, `${targetDir}/${entry.name}`);
    }
  }
}

const testArg = process.argv[2];
if (!testArg) usage("no test file given");
const testPath = path.resolve(process.cwd(), testArg);
if (!fs.existsSync(testPath) || !testPath.endsWith(".py")) usage(`not a test file: ${testArg}`);
const moduleName = path.basename(testPath, ".py");

const mp = await loadMicroPython({
  heapsize: HEAP_BYTES,
  linebuffer: true,
  stdout: (line) => process.stdout.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
});

// One reader of the manifest (Python); the test passes its answer in MPY_FILES.
const portable = JSON.parse(
  process.env.MPY_FILES ||
    execFileSync("python3", ["-m", "tools.mpy.manifest"], { cwd: ROOT, encoding: "utf8" }),
);
const FS = mp.FS;
for (const file of portable) copyFile(FS, path.join(ROOT, file), `/lib/${file}`);
copyFile(FS, path.join(HERE, "unittest.py"), "/lib/unittest.py");
copyTree(FS, path.dirname(testPath), "/tests");

let finish;
const finished = new Promise((resolve) => {
  finish = resolve;
});
mp.registerJsModule("mpy_runner", { done: (code) => finish(code) });

const timer = setTimeout(() => {
  process.stderr.write(`${moduleName}: no result after ${DEADLINE_MS} ms (a test hangs)\n`);
  process.exit(3);
}, DEADLINE_MS);

// The driver never lets an exception escape: the port's own CLI would still exit 0.
mp.runPython(`
import sys
# /lib first: the port freezes micropython-lib's unittest (no async tests); ours must win.
while "/lib" in sys.path:
    sys.path.remove("/lib")
sys.path.insert(0, "/lib")
sys.path.insert(0, "/tests")
import asyncio
import mpy_runner

async def _run_module():
    code = 1
    try:
        import unittest
        if not hasattr(unittest, "run_module"):
            raise ImportError("the stand-in unittest is not first on sys.path: %r" % unittest)
        module = __import__(${JSON.stringify(moduleName)})
        result = await unittest.run_module(module)
        code = 0 if result.wasSuccessful() and result.testsRun else 1
        if not result.testsRun:
            print("no tests ran")
    except BaseException as exc:
        print("error while loading or running the tests:")
        sys.print_exception(exc)
    mpy_runner.done(code)

asyncio.create_task(_run_module())
`);

const code = await finished;
clearTimeout(timer);
process.exitCode = code;
