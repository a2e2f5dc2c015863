// Preloaded into jsii's node process by cdktf_lambda.cdk's fast path (NODE_OPTIONS=--require <this file>).
//
// A provider package's lib/index.js is compiled TypeScript that require()s every resource submodule at load:
//     exports.lambdaFunction = require("./lambda-function");
// (~2,200 lines for @cdktf/provider-aws: ~2.7 s and ~470 MiB of node's heap). This rewrites each such line, as the
// file is compiled, into a getter that requires the submodule on first use and then caches it. jsii's kernel finds
// a class by walking the package's exports (`closure.lambdaFunction.LambdaFunction`), so it triggers the getter;
// nothing else changes. A file without such lines (another layout) is compiled unchanged, i.e. loaded eagerly.
"use strict";
const Module = require("module");

const PROVIDER_INDEX = /[\\/]node_modules[\\/]@(?:cdktf|cdktn)[\\/]provider-[a-z0-9-]+[\\/]lib[\\/]index\.js$/;
const EAGER_EXPORT = /^exports\.([A-Za-z_$][\w$]*) = require\(("\.\/[^"\\]+")\);$/gm;

function lazyExport(_line, name, specifier) {
  const key = JSON.stringify(name);
  return (
    `Object.defineProperty(exports, ${key}, { enumerable: true, configurable: true, get() { ` +
    `const value = require(${specifier}); ` +
    `Object.defineProperty(exports, ${key}, { value, enumerable: true, configurable: true, writable: true }); ` +
    `return value; } });`
  );
}

const compile = Module.prototype._compile;
Module.prototype._compile = function compileWithLazyProviderExports(content, filename) {
  if (PROVIDER_INDEX.test(filename)) {
    content = content.replace(EAGER_EXPORT, lazyExport);
  }
  return compile.call(this, content, filename);
};
