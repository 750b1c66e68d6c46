import { constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.RAPPORT_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root,
  plugins: [
    react(),
    // Compressed once at build time, at the highest levels (too slow per request), next to
    // each file as .gz and .br; the server picks one by Accept-Encoding (@fastify/static
    // `preCompressed`). Files under 1 kB and files that would not shrink are left alone.
    compression({
      algorithms: [
        defineAlgorithm('gzip', { level: 9 }),
        defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      ],
      threshold: 1024,
      skipIfLargerOrEqual: true,
      logLevel: 'silent',
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Mantine and React make one sizeable vendor chunk; that is expected for an app shell.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/health': { target: api, changeOrigin: false },
    },
  },
});
