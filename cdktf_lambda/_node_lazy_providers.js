// Preloaded into jsii's node process by cdktf_lambda.cdk's fast path (NODE_OPTIONS=--require <this file>).
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
"use strict";
const Module = require("module");

const PROVIDER_INDEX = /[\\/]node_modules[\\/]@(?:cdktf|cdktn)[\\/]provider-[a-z0-9-]+[\\/]lib[\\/]index\.js$/;
const EAGER_EXPORT = /^exports\.([A-Za-z_$][\w$]*) = require\(("\.\/[^"\\]+")\);$/gm;
// Only in a file that defines tsc's helper itself (`var __importStar = …` at the top, before the exports).
const EAGER_STAR_EXPORT = /^exports\.([A-Za-z_$][\w$]*) = __importStar\(require\(("\.\/[^"\\]+")\)\);$/gm;
const DEFINES_IMPORT_STAR = /^var __importStar = /m;

function lazyExport(name, expression) {
  const key = JSON.stringify(name);
  return (
    `Object.defineProperty(exports, ${key}, { enumerable: true, configurable: true, get() { ` +
    `const value = ${expression}; ` +
    `Object.defineProperty(exports, ${key}, { value, enumerable: true, configurable: true, writable: true }); ` +
    `return value; } });`
  );
}

const compile = Module.prototype._compile;
Module.prototype._compile = function compileWithLazyProviderExports(content, filename) {
  if (PROVIDER_INDEX.test(filename)) {
    content = content.replace(EAGER_EXPORT, (_line, name, specifier) => lazyExport(name, `require(${specifier})`));
    if (DEFINES_IMPORT_STAR.test(content)) {
      content = content.replace(EAGER_STAR_EXPORT, (_line, name, specifier) =>
        lazyExport(name, `__importStar(require(${specifier}))`),
      );
    }
  }
  return compile.call(this, content, filename);
};
