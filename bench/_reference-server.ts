// The reference for the startup benchmark: the least a server on the embedded database
// can do before answering: open the same PGlite data directory, run one query, answer HTTP.
import http from 'node:http';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

const dataDir = process.argv[2]!;
const port = Number(process.argv[3]);
const db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata'), extensions: { pg_trgm } });
const server = http.createServer(async (_req, res) => {
  await db.query('select 1');
  res.end('{"status":"ok"}');
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', async () => {
  server.close();
  await db.close();
  process.exit(0);
});
