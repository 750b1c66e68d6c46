// What went wrong talking to an SMTP server, in Rapport's words. Nodemailer's messages carry
// the far server's reply ("Invalid greeting. response=…"), and the far end may be anything
// listening on that port: echoing it would make "Test connection" a banner grabber. Only
// what a server answered to a message it was given (a recipient refused, a message rejected)
// is kept, after it has shown itself to be an SMTP server by taking the connection and EHLO.

export interface SmtpFailure {
  /** Plain words for the user; never the far server's reply, except for a refused message. */
  message: string;
  /** Nodemailer's code, with the system's underneath when there is one (ECONNECTION/ECONNREFUSED). */
  code: string;
}

interface NodemailerError {
  code?: string;
  originalCode?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO$/;

function connectionProblem(system: string | undefined): string {
  switch (system) {
    case 'ECONNREFUSED':
      return 'could not connect: nothing accepted the connection on that host and port';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'could not connect: the host cannot be reached from here';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the server closed the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name could not be found';
    default:
      return 'the connection to the server failed or was closed unexpectedly';
  }
}

/** A reply kept for a refused message: its status and text, on one line, short. */
// Control characters (line breaks of a multi-line reply among them) become spaces.
const replyOf = (e: NodemailerError) =>
  [...(e.response ?? '')].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('').replace(/ +/g, ' ').trim().slice(0, 300);

export function describeSmtpError(err: unknown): SmtpFailure {
  const e = (err ?? {}) as NodemailerError;
  const code = e.code ?? 'ERROR';
  const system = e.originalCode;
  const codes = system && system !== code ? `${code}/${system}` : code;
  const say = (message: string) => ({ message, code: codes });
  if ((system && TLS_CODE.test(system)) || (code !== 'ETLS' && TLS_CODE.test(code))) {
    return say(
      /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(system ?? code)
        ? "TLS failed: the server's certificate could not be verified for this host name"
        : 'TLS failed: the server did not answer TLS as expected; check the security setting (TLS on port 465, STARTTLS on 587)',
    );
  }
  switch (code) {
    case 'EAUTH':
      return say('the server refused the user name or password');
    case 'ENOAUTH':
      return say('the server needs a user name and password');
    case 'ETIMEDOUT':
      return say('timed out: the server did not answer in time');
    case 'EDNS':
      return say('the host name could not be found');
    case 'ETLS':
    case 'EREQUIRETLS':
      return say('TLS failed: the server did not accept a secure connection; check the security setting (TLS on port 465, STARTTLS on 587)');
    case 'EPROTOCOL':
      return say('the server is not an SMTP server: it did not answer as one');
    case 'ECONNECTION':
    case 'ESOCKET':
      // Nodemailer calls a server that hangs up after EHLO a connection error; it did talk.
      return say(e.command === 'EHLO' || e.command === 'HELO' ? 'the server is not an SMTP server Rapport can talk to: it ended the conversation' : connectionProblem(system ?? code));
    case 'EENVELOPE':
    case 'EMESSAGE': {
      const reply = replyOf(e);
      return say(`the server refused the message${reply ? `: ${reply}` : ''}`);
    }
    default:
      return say('the conversation with the server failed');
  }
}

/** `describeSmtpError` as one line for a message's last error: "… (ECONNECTION/ECONNREFUSED)". */
export function smtpErrorLine(err: unknown): string {
  const f = describeSmtpError(err);
  return `${f.message} (${f.code})`;
}
