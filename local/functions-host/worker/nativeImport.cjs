'use strict';
/**
 * Node's own `import()`, for loading ES-module apps. It lives in a plain CommonJS file that Node itself loads
 * (`createRequire`), because a test runner evaluates the TypeScript modules in a way where a dynamic import is
 * either rewritten (vitest's module graph) or has no import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
 * The worker uses `eval('import(…)')` for the same reason: so bundlers leave it alone.
 */
module.exports = function nativeImport(specifier) {
  return import(specifier);
};
