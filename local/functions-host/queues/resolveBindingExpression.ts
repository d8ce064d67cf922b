/**
 * Resolves `%Setting%` app-setting expressions in a binding property (e.g. `queueName: '%WorkQueue%'`), as the
 * host does at indexing time. An unknown setting is an error there too.
 */
export function resolveBindingExpression(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/%([^%]+)%/g, (_match, name: string) => {
    const resolved = env[name];
    if (resolved === undefined) {
      throw new Error(`The binding expression "%${name}%" names an app setting that is not set.`);
    }
    return resolved;
  });
}
