// Preloaded into the cdktf / cdktn CLI (NODE_OPTIONS=--require <this file>; the Makefile's synth does it).
//
// The CLI's bundle require()s @cdktf/hcl2cdk (or @cdktn/hcl2cdk) when it starts, for every command. That package
// converts HCL to code (`cdktf convert`, `cdktf init --from-terraform-project`) and loads typescript, prettier,
// jsii-rosetta and a WebAssembly HCL parser: about half of the CLI's start-up (0.4-1.1 s here) that `cdktf synth`
// never uses. This returns, for a require of that package from the CLI's bundle, a stand-in that loads the real
// package on first use and then forwards to it: a command that converts HCL works as before, one that does not
// never pays for it.
//
// The bundle copies a module's export names when it imports it (esbuild's __toESM), so the stand-in must know them
// without loading the package: they are recorded the first time the package is really loaded, in a JSON file
// keyed by the package's path and version under $CDKTF_LAMBDA_CLI_CACHE (without that variable, or until the
// names are known, the package is loaded as usual). With $CDKTF_LAMBDA_CLI_REPORT set, the CLI writes there
// at exit which of these packages it deferred and which it loaded after all.
"use strict";
const fs = require("fs");
const path = require("path");
const Module = require("module");

const LAZY = new Set(["@cdktf/hcl2cdk", "@cdktn/hcl2cdk"]);
const CLI_BUNDLE = /[\\/]node_modules[\\/](?:cdktf-cli|cdktn-cli)[\\/]bundle[\\/]/;
const CACHE_DIR = process.env.CDKTF_LAMBDA_CLI_CACHE;
const REPORT_FILE = process.env.CDKTF_LAMBDA_CLI_REPORT;
const report = { cli: { deferred: [], loaded: [] } };

function exportNamesFile(resolved) {
  let version = "unknown";
  try {
    const root = resolved.slice(0, resolved.lastIndexOf(`${path.sep}lib${path.sep}`));
    version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
  } catch {
    // no package.json beside it: names are still keyed by the path
  }
  const key = `${resolved}@${version}`.replace(/[^A-Za-z0-9@._-]+/g, "_").slice(-180);
  return path.join(CACHE_DIR, `exports-${key}.json`);
}

function readNames(file) {
  try {
    const names = JSON.parse(fs.readFileSync(file, "utf8"));
    return Array.isArray(names) ? names : null;
  } catch {
    return null;
  }
}

function recordNames(file, module) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(Object.getOwnPropertyNames(module)));
    fs.renameSync(temporary, file);
  } catch {
    // a read-only cache: the next run loads the package eagerly again
  }
}

function standIn(request, names, loadReal) {
  let real;
  const target = () => {
    if (real === undefined) {
      real = loadReal();
      report.cli.loaded.push(request);
    }
    return real;
  };
  report.cli.deferred.push(request);
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" && names.includes(key) ? true : target()[key]),
      has: (_, key) => names.includes(key) || key in target(),
      ownKeys: () => names.slice(),
      getOwnPropertyDescriptor: (_, key) =>
        names.includes(key) ? { configurable: true, enumerable: key !== "__esModule", get: () => target()[key] } : undefined,
    },
  );
}

const load = Module._load;
Module._load = function loadWithLazyHclConversion(request, parent, isMain) {
  if (!CACHE_DIR || !LAZY.has(request) || !parent || !CLI_BUNDLE.test(parent.filename || "")) {
    return load.apply(this, arguments);
  }
  const args = arguments;
  const self = this;
  const file = exportNamesFile(Module._resolveFilename(request, parent, isMain));
  const names = readNames(file);
  if (names === null) {
    const module = load.apply(self, args);
    recordNames(file, module);
    return module;
  }
  return standIn(request, names, () => load.apply(self, args));
};

if (REPORT_FILE) {
  process.on("exit", () => {
    if (report.cli.deferred.length === 0) return;
    try {
      fs.writeFileSync(REPORT_FILE, JSON.stringify(report));
    } catch (error) {
      process.stderr.write(`cdktf-lambda: could not write the CLI fast-import report to ${REPORT_FILE}: ${error}\n`);
    }
  });
}
