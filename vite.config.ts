import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server proxies API calls to a trace server started with `npm run serve`.
const target = process.env.TRACE_SERVER_URL ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    proxy: {
      '/ajax-api': target,
      '/api': target,
      '/health': target,
      '/version': target,
    },
  },
});
