// Builds MIME messages off the main thread (see mime-pool.ts). Plain JavaScript so that a
// worker thread needs no TypeScript loader.
import { parentPort } from 'node:worker_threads';
import MailComposer from 'nodemailer/lib/mail-composer';

parentPort.on('message', ({ id, mail }) => {
  new MailComposer(mail)
    .compile()
    .build()
    .then(
      (buf) => parentPort.postMessage({ id, buf }, [buf.buffer]),
      (err) => parentPort.postMessage({ id, error: String(err?.message ?? err) }),
    );
});
