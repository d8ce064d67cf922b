import type { HostLogger } from './contracts';

/** The default logger: host and function logs on the console, as `func start` prints them. */
export const consoleLogger: HostLogger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

/** For tests that assert on behaviour, not output. */
export const silentLogger: HostLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
