/**
 * Loads the TypeScript sources of the HTTP bench server the way `tsc` would compile them
 * (tsconfig.json's options, one file at a time), without ts-node: ts-node's register pulls in
 * Node's `repl`, which loads `domain`, which wraps every EventEmitter emit, a cost that
 * `node dist/main.js` does not pay and that would slow every route of scenario 7.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const configFile = path.resolve(__dirname, '../../../tsconfig.json');
const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(configFile));
const compilerOptions = {
  ...options,
  module: ts.ModuleKind.CommonJS,
  declaration: false,
  sourceMap: false,
  inlineSourceMap: false,
  noEmit: false,
};

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
