// The built web app as browsers get it: compressed by the build (gzip and brotli, chosen by
// Accept-Encoding) and cached by name: hashed assets for a year, index.html revalidated.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { build, type UserConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import viteConfig from '../../web/vite.config.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { buildApp } from './app.ts';

const work = mkdtempSync(path.join(tmpdir(), 'rapport-static-'));
const dist = path.join(work, 'dist');
let h: Harness;
let app: FastifyInstance;

// A small app built with the project's own Vite configuration (its plugins, compression included).
beforeAll(async () => {
  const words = Array.from({ length: 400 }, (_, i) => `customer number ${i} bought ${i % 7} things`);
  writeFileSync(
    path.join(work, 'index.html'),
    `<!doctype html><html><head><title>Rapport</title><meta name="description" content="${'retention '.repeat(120)}"></head><body><div id="root"></div><script type="module" src="/main.js"></script></body></html>`,
  );
  writeFileSync(path.join(work, 'main.js'), `import './style.css';\ndocument.getElementById('root').textContent = ${JSON.stringify(words)}.join(', ');\n`);
  mkdirSync(path.join(work, 'public'));
  writeFileSync(path.join(work, 'public', 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>');
  writeFileSync(path.join(work, 'style.css'), words.map((w, i) => `.c${i}::after { content: "${w}"; }`).join('\n'));
  const config = viteConfig as UserConfig;
  await build({ ...config, configFile: false, root: work, logLevel: 'silent', build: { ...config.build, outDir: dist, emptyOutDir: true } });
  h = await createHarness();
  app = await buildApp(h.ctx, { webDist: dist + path.sep });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

const get = (url: string, encoding?: string) => app.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} });

describe('the web app’s files', () => {
  it('are built with a gzip and a brotli copy of each script, stylesheet and page', () => {
    const assets = readdirSync(path.join(dist, 'assets'));
    const script = assets.find((f) => /^index-[\w-]{8,}\.js$/.test(f));
    const style = assets.find((f) => /^index-[\w-]{8,}\.css$/.test(f));
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    for (const file of [`assets/${script}`, `assets/${style}`, 'index.html']) {
      const original = readFileSync(path.join(dist, file));
      expect(gunzipSync(readFileSync(path.join(dist, `${file}.gz`))).equals(original)).toBe(true);
      expect(brotliDecompressSync(readFileSync(path.join(dist, `${file}.br`))).equals(original)).toBe(true);
    }
  });

  it('sends a hashed script as brotli, gzip or plain by Accept-Encoding, cached for a year', async () => {
    const script = readdirSync(path.join(dist, 'assets')).find((f) => f.endsWith('.js'))!;
    const original = readFileSync(path.join(dist, 'assets', script));

    const br = await get(`/assets/${script}`, 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(original.length / 3);

    const gz = await get(`/assets/${script}`, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(gz.rawPayload).equals(original)).toBe(true);

    const plain = await get(`/assets/${script}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(original)).toBe(true);
  });

  it('sends index.html compressed but always revalidated, also for the app’s own routes', async () => {
    const original = readFileSync(path.join(dist, 'index.html'));
    for (const url of ['/', '/contacts/123', '/index.html']) {
      const res = await get(url, 'br');
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers['content-encoding'], url).toBe('br');
      expect(res.headers['content-type'], url).toMatch(/text\/html/);
      expect(brotliDecompressSync(res.rawPayload).equals(original), url).toBe(true);
    }
    const plain = await get('/settings');
    expect(plain.headers['cache-control']).toBe('no-cache');
    expect(plain.rawPayload.equals(original)).toBe(true);
  });

  it('keeps files without a hash in their name for an hour only, and API errors uncached', async () => {
    const favicon = await get('/favicon.svg');
    expect(favicon.statusCode).toBe(200);
    expect(favicon.headers['cache-control']).toBe('public, max-age=3600');
    const missing = await get('/api/v1/nothing-here');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBeUndefined();
  });
});
