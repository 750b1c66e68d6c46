// The reference for the startup benchmark: the least a server can do before answering, in
// plain JavaScript (no TypeScript loader): open the database, run one query, answer HTTP.
//   node bench/_reference-server.mjs pglite <data dir> <port>
//   node bench/_reference-server.mjs postgres <postgres://…> <port>
// PGlite opens with the shared buffers Rapport gives it (src/db/client.ts), so that the
// memory compared is the server's own, not a different database configuration.
import http from 'node:http';
import path from 'node:path';

const [kind, where, port] = process.argv.slice(2);
let query;
let close;
if (kind === 'pglite') {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const sharedBuffers = process.env.RAPPORT_PGLITE_SHARED_BUFFERS ?? '16MB';
  const db = await PGlite.create({
    dataDir: path.join(where, 'pgdata'),
    extensions: { pg_trgm },
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`],
  });
  query = () => db.query('select 1');
  close = () => db.close();
} else {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({ connectionString: where, max: 1 });
  await pool.query('select 1');
  query = () => pool.query('select 1');
  close = () => pool.end();
}
const server = http.createServer(async (_req, res) => {
  await query();
  res.end('{"status":"ok"}');
});
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', async () => {
  server.close();
  await close();
  process.exit(0);
});
