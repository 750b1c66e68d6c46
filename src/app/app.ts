import { existsSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Access } from '../server/request.ts';
import { registerAuth } from '../workspaces/authenticate.ts';
import type { AppContext } from '../server/context.ts';
import { errorBody, frameworkErrors, MAX_PARAM_LENGTH, registerErrorHandler } from '../server/error-handler.ts';
import { registerJsonBodyParser } from '../server/json-body.ts';
import type { Module } from '../server/module.ts';
import { registerSecurityHeaders } from '../server/security-headers.ts';
import { registerTextHygiene } from '../server/text-hygiene.ts';
import type { Role } from '../server/access.ts';
import { projectPath } from '../paths.ts';

export const WEB_DIST = projectPath('web/dist/');

/**
 * Vite names the files under assets/ by a hash of their content, so a changed file has a new
 * name and the old one may be kept for a year. index.html names the current ones: always
 * revalidated. The rest (favicon) for an hour.
 */
export function cacheControlFor(file: string): string {
  const name = file.replace(/\\/g, '/').replace(/\.(br|gz)$/, '');
  if (/\/assets\/[^/]+-[\w-]{8,}\.\w+$/.test(name)) return 'public, max-age=31536000, immutable';
  if (name.endsWith('.html')) return 'no-cache';
  return 'public, max-age=3600';
}

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
  /** The least role, when the route sets one (else: viewer reads, marketer writes). */
  role?: Role;
  /** 'cleaned' when the route removes NUL characters and lone surrogates itself (src/server/text-hygiene.ts). */
  text?: 'checked' | 'cleaned';
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, with who may call it (walked by the auth tests). */
    routeTable: RouteInfo[];
  }
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
  /** Serve the built web app from this folder; false to leave it out. */
  webDist?: string | false;
}

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: ctx.config.bodyLimit,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    trustProxy: process.env.RAPPORT_TRUST_PROXY === 'true',
    // Ids come from the database; request ids only correlate log lines.
    genReqId: () => Math.random().toString(36).slice(2, 10),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerJsonBodyParser(app);
  registerTextHygiene(app);

  app.decorate('routeTable', [] as RouteInfo[]);
  app.addHook('onRoute', (route) => {
    // The API (/api/v1, and /v1 for the tracking API) is guarded unless a route says
    // otherwise; everything else (the web app's files, the API reference) is public.
    const guarded = route.url.startsWith('/api/v1') || route.url.startsWith('/v1/');
    if (!guarded && route.config?.access === undefined) route.config = { ...route.config, access: 'public' };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' && route.prefixTrailingSlash === undefined && methods.length === 1) continue;
      app.routeTable.push({ method, url: route.url, access: route.config?.access ?? 'workspace', role: route.config?.role, text: route.config?.text });
    }
  });

  await app.register(fastifyCookie);
  registerSecurityHeaders(app, ctx);
  registerAuth(app, ctx);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Rapport API',
        version: '1',
        description:
          'The Rapport HTTP API. Authenticate with an API key (`Authorization: Bearer <key>`) created in Settings › API keys, ' +
          'or with the session cookie of the web app (then send the `X-CSRF-Token` header on writes). ' +
          'Errors are `{"error":{"code","message","details"}}`.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key of scope "full" (or "ingest" for the tracking API).' },
          session: { type: 'apiKey', in: 'cookie', name: 'rapport_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    // Recursive schemas (a segment definition's groups) are components the paths refer to.
    transformObject: jsonSchemaTransformObject,
  });
  // The groups of operations start folded: with all 139 operations open, Swagger UI drew only the first two groups.
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'none', deepLinking: true } });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['System'],
        summary: 'Liveness and database status',
        security: [],
        response: { 200: z.object({ status: z.literal('ok'), database: z.object({ kind: z.string(), ok: z.boolean() }) }), 503: z.any() },
      },
    },
    async (_req, reply) => {
      try {
        await ctx.db.query('select 1');
        return { status: 'ok' as const, database: { kind: ctx.db.kind, ok: true } };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: { kind: ctx.db.kind, ok: false } });
      }
    },
  );

  // Each module's routes, in layer order: the API under /api/v1, Segment's tracking API at
  // /v1, and the public pages reached by signed links at the root.
  const modules = ctx.modules;
  await app.register(
    async (api) => {
      for (const route of routesAt(modules, '/api/v1')) await api.register(route(ctx));
    },
    { prefix: '/api/v1' },
  );
  for (const route of routesAt(modules, '/v1')) await app.register(route(ctx), { prefix: '/v1' });
  for (const route of routesAt(modules, '')) await app.register(route(ctx));

  const webDist = options.webDist === undefined ? WEB_DIST : options.webDist;
  const serveWeb = webDist !== false && existsSync(webDist + 'index.html');
  if (serveWeb) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      index: false,
      // The build writes .br and .gz copies next to each file; the best one the browser accepts is sent.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, file) => void reply.header('cache-control', cacheControlFor(file)),
    });
  }

  app.setNotFoundHandler((req, reply) => {
    const isApi = req.url.startsWith('/api') || req.url.startsWith('/v1') || req.url === '/health';
    if (!isApi && serveWeb && (req.method === 'GET' || req.method === 'HEAD')) {
      // The web app routes on the client: any other page is index.html.
      return reply.sendFile('index.html');
    }
    const path = req.url.split('?')[0]!;
    const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    return reply.code(404).send(errorBody('not_found', `No route ${req.method} ${shown}. See /api/docs for the API.`));
  });

  return app;
}

function routesAt(modules: readonly Module[], prefix: '/api/v1' | '/v1' | '') {
  return modules.flatMap((m) => (m.routes ?? []).filter((r) => r.prefix === prefix).map((r) => r.plugin));
}
