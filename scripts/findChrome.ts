import { existsSync } from 'node:fs';

/** CHROME_PATH, Debian's chromium, or the browser Playwright installed; else a message that says how to get one. */
export async function findChrome(): Promise<string> {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].filter((candidate): candidate is string => !!candidate);
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  try {
    const { chromium } = await import('playwright-core');
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // Playwright has no browser of its own here.
  }
  throw new Error(
    'No Chromium found for the console (its browser tests and `npm run bench` row 8). Install one (Debian/Ubuntu: `sudo apt-get install -y chromium`), ' +
      'or point CHROME_PATH at a Chrome or Chromium binary.',
  );
}
