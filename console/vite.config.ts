import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * `npm run console:dev` (the watch mode): Vite serves the console with hot reload and proxies the API and the local
 * sign-in to a running `npm start` (`API_URL`, default http://localhost:7071), so the browser sees one origin as it
 * does under `npm start`.
 */
const apiUrl = process.env.API_URL ?? 'http://localhost:7071';

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.CONSOLE_PORT ?? 5173),
    proxy: { '/api': apiUrl, '/.local-auth': apiUrl },
  },
  // staticwebapp.config.json goes with the files (Azure Static Web Apps reads it from the deployed folder).
  publicDir: 'public',
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 1024 },
});
