import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import type { AppContext } from '../server/context.ts';

/**
 * Uploads are stored in the database in chunks of this size, so any worker can read them.
 * On the embedded database a statement runs on the server's only thread: a 1 MB chunk took
 * ~80 ms to write and a 1 MB bytea ~350 ms to read back (PGlite converts bytea in
 * JavaScript), during which no other request was answered. Chunks of 256 kB, sent and read
 * as base64 (converted by PostgreSQL's C code and Node's), take ~20 ms and ~3 ms.
 */
const CHUNK_BYTES = 256 * 1024;

/** Stores an upload; returns its size in bytes. Stops with `tooLarge` past `maxBytes`. */
export async function saveFile(
  ctx: AppContext,
  workspaceId: string,
  importId: string,
  source: AsyncIterable<Buffer | Uint8Array | string>,
  maxBytes: number,
): Promise<{ size: number; tooLarge: boolean }> {
  let size = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    await ctx.db.query("insert into import_chunks (import_id, workspace_id, seq, data) values ($1, $2, $3, decode($4, 'base64'))", [
      importId,
      workspaceId,
      seq++,
      Buffer.concat(pending, pendingBytes).toString('base64'),
    ]);
    pending = [];
    pendingBytes = 0;
    // The upload's pieces are often all there already: without this, a large upload would be
    // written chunk after chunk while no other request is answered (see storedChunks).
    await setImmediate();
  };
  for await (const piece of source) {
    const buf = typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    size += buf.length;
    if (size > maxBytes) return { size, tooLarge: true };
    pending.push(buf);
    pendingBytes += buf.length;
    if (pendingBytes >= CHUNK_BYTES) await flush();
  }
  await flush();
  return { size, tooLarge: false };
}

/**
 * The stored file as a stream, read chunk by chunk (never the whole file in memory). A
 * gzip-compressed upload (order_history.csv.gz) is decompressed on the way. `onBytes` hears
 * how many bytes of the stored file have been read so far: of the compressed file for a .gz,
 * whose decompressed size nobody knows until the end, so that progress is a true fraction.
 */
export function openFile(ctx: AppContext, importId: string, onBytes?: (bytesRead: number) => void): Readable {
  let read = 0;
  async function* stored(): AsyncGenerator<Buffer> {
    for await (const chunk of storedChunks(ctx, importId)) {
      for (const piece of pieces(chunk)) {
        read += piece.length;
        onBytes?.(read);
        yield piece;
      }
    }
  }
  async function* content(): AsyncGenerator<Buffer> {
    const chunks = stored();
    const first = await chunks.next();
    if (first.done) return;
    const head = first.value;
    async function* all() {
      yield head;
      yield* chunks;
    }
    // One piece read ahead of the decompressor (Readable.from would take 16): the bytes counted
    // as read are the bytes being decompressed, so progress moves with the rows.
    const bytes = head[0] === 0x1f && head[1] === 0x8b ? Readable.from(all(), { highWaterMark: 1 }).pipe(createGunzip()) : all();
    for await (const piece of bytes) yield* pieces(piece as Buffer);
  }
  return Readable.from(content(), { objectMode: false });
}

/**
 * Stored chunks are 256 kB; the reader gets them in pieces of 64 kB: a large chunk decoded at
 * once is a string of that size, which V8 keeps in its large-object space until a full collection,
 * so a million-row import would hold hundreds of MB of dead text between collections.
 */
const PIECE_BYTES = 64 * 1024;
function* pieces(buf: Buffer): Generator<Buffer> {
  for (let at = 0; at < buf.length; at += PIECE_BYTES) yield buf.subarray(at, at + PIECE_BYTES);
}

async function* storedChunks(ctx: AppContext, importId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const [row] = await ctx.db.query<{ data: string }>("select encode(data, 'base64') as data from import_chunks where import_id = $1 and seq = $2", [importId, seq]);
    if (!row) return;
    yield Buffer.from(row.data, 'base64');
    // On the embedded database a query resolves without ever returning to the event loop:
    // a reader that only awaits queries and streams (an import) would keep every other
    // request waiting until it ends. Each chunk lets them in.
    await setImmediate();
  }
}

/** The first bytes of the stored file, for detection and the preview. */
export async function readHead(ctx: AppContext, importId: string, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of openFile(ctx, importId)) {
    parts.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    if (total >= bytes) break;
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

export async function deleteFile(ctx: AppContext, importId: string): Promise<void> {
  await ctx.db.query('delete from import_chunks where import_id = $1', [importId]);
}
