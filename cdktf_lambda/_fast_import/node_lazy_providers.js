// Preloaded into jsii's node process by cdktf_lambda._fast_import (NODE_OPTIONS=--require <this file>).
//
// A provider package's lib/index.js is compiled TypeScript that require()s every resource submodule at load. Two
// layouts are known, one line per submodule:
//     exports.lambdaFunction = require("./lambda-function");                          (@cdktf/provider-*)
//     exports.lambdaFunction = __importStar(require("./lambda-function/index"));      (@cdktn/provider-*, tsc's
//                                                                                      esModuleInterop helper)
// (~2,200 lines for @cdktf/provider-aws, ~2,400 for @cdktn/provider-aws: ~2.7 s and ~470 MiB of node's memory
// for @cdktf, ~3 s and ~660 MiB for @cdktn). This rewrites each such line, as the file is compiled, into a getter
// that evaluates the same expression on first use and then caches the value. jsii's kernel finds a class by walking
// the package's exports (`closure.lambdaFunction.LambdaFunction`), so it triggers the getter; nothing else changes.
// A file without such lines (another layout) is compiled unchanged, i.e. loaded eagerly.
//
// Report: when CDKTF_LAMBDA_FAST_IMPORT_REPORT names a file, the process that loads the providers writes there at
// exit, as JSON,
// {"packages": {"@cdktf/provider-aws": {"deferred": 2214, "loaded": 31}, ...}}: how many exports of each provider
// index it made lazy, and how many of those were used. 0 deferred means the fast path fell back for that package.
"use strict";
const fs = require("fs");
const Module = require("module");

const REPORT_FILE = process.env.CDKTF_LAMBDA_FAST_IMPORT_REPORT;
const report = { packages: {} };

// jsii's runtime starts its kernel in a child node process (NODE_OPTIONS reaches both): only a process that
// compiled a provider index writes the report.
if (REPORT_FILE) {
  process.on("exit", () => {
    if (Object.keys(report.packages).length === 0) return;
    try {
      fs.writeFileSync(REPORT_FILE, JSON.stringify(report));
    } catch (error) {
      process.stderr.write(`cdktf-lambda: could not write the fast-import report to ${REPORT_FILE}: ${error}\n`);
    }
  });
}

// Captures the package name, e.g. "@cdktf/provider-aws".
const PROVIDER_INDEX = /[\\/]node_modules[\\/](@(?:cdktf|cdktn))[\\/](provider-[a-z0-9-]+)[\\/]lib[\\/]index\.js$/;
const EAGER_EXPORT = /^exports\.([A-Za-z_$][\w$]*) = require\(("\.\/[^"\\]+")\);$/gm;
// Only in a file that defines tsc's helper itself (`var __importStar = …` at the top, before the exports).
const EAGER_STAR_EXPORT = /^exports\.([A-Za-z_$][\w$]*) = __importStar\(require\(("\.\/[^"\\]+")\)\);$/gm;
const DEFINES_IMPORT_STAR = /^var __importStar = /m;

// Counted through a global, so the rewritten index file needs no require of its own.
globalThis.__cdktfLambdaLoaded = (name) => {
  report.packages[name].loaded += 1;
};

function lazyExport(packageName, name, expression) {
  const key = JSON.stringify(name);
  return (
    `Object.defineProperty(exports, ${key}, { enumerable: true, configurable: true, get() { ` +
    `const value = ${expression}; globalThis.__cdktfLambdaLoaded(${JSON.stringify(packageName)}); ` +
    `Object.defineProperty(exports, ${key}, { value, enumerable: true, configurable: true, writable: true }); ` +
    `return value; } });`
  );
}

const compile = Module.prototype._compile;
Module.prototype._compile = function compileWithLazyProviderExports(content, filename) {
  const match = filename.match(PROVIDER_INDEX);
  if (match) {
    const packageName = `${match[1]}/${match[2]}`;
    const entry = (report.packages[packageName] = report.packages[packageName] || { deferred: 0, loaded: 0 });
    const lazy = (name, expression) => {
      entry.deferred += 1;
      return lazyExport(packageName, name, expression);
    };
    content = content.replace(EAGER_EXPORT, (_line, name, specifier) => lazy(name, `require(${specifier})`));
    if (DEFINES_IMPORT_STAR.test(content)) {
      content = content.replace(EAGER_STAR_EXPORT, (_line, name, specifier) =>
        lazy(name, `__importStar(require(${specifier}))`),
      );
    }
  }
  return compile.call(this, content, filename);
};
