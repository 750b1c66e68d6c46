// The address rules on their own, with a stand-in for DNS (no test may depend on the network).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { checkDestination, classifyAddress, DestinationError, type LookupAll } from './destination.ts';
import { describeSmtpError } from './smtp-errors.ts';

const dns: Record<string, string[]> = {
  'smtp.example.com': ['2606:2800:21f::25', '93.184.215.14'],
  'metadata.google.internal': ['169.254.169.254'],
  'relay.lan': ['192.168.1.25'],
  // A name with one public and one internal address: refused as a whole.
  'mixed.example.com': ['93.184.215.14', '10.0.0.5'],
  'v6only.example.com': ['2a00:1450:4001:80b::201a'],
};
const lookup: LookupAll = async (host) => {
  const found = dns[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address }));
};
const strict = { allowPrivate: false, lookup };
const lenient = { allowPrivate: true, lookup };

async function refusal(host: string, port: number, rules = strict): Promise<DestinationError> {
  try {
    await checkDestination(host, port, rules);
  } catch (err) {
    if (err instanceof DestinationError) return err;
    throw err;
  }
  throw new Error(`${host}:${port} was allowed`);
}

describe('SMTP destinations', () => {
  it('classifies addresses, IPv4-mapped and other IPv6 forms of IPv4 as the address they carry', () => {
    const cases: Record<string, string> = {
      '8.8.8.8': 'public',
      '2a00:1450:4001:80b::201a': 'public',
      '127.0.0.1': 'loopback',
      '127.8.9.10': 'loopback',
      '::1': 'loopback',
      '::ffff:127.0.0.1': 'loopback',
      '::ffff:7f00:1': 'loopback',
      '10.0.0.1': 'private',
      '172.16.0.1': 'private',
      '172.31.255.255': 'private',
      '172.32.0.1': 'public',
      '192.168.0.1': 'private',
      '100.64.0.1': 'private',
      'fc00::1': 'private',
      'fd12:3456::1': 'private',
      '::ffff:10.0.0.1': 'private',
      '169.254.169.254': 'metadata',
      '::ffff:169.254.169.254': 'metadata',
      '64:ff9b::a9fe:a9fe': 'metadata',
      '2002:a9fe:a9fe::1': 'metadata',
      'fd00:ec2::254': 'metadata',
      '100.100.100.200': 'metadata',
      '169.254.1.1': 'link-local',
      'fe80::1': 'link-local',
      '0.0.0.0': 'unspecified',
      '0.1.2.3': 'unspecified',
      '::': 'unspecified',
      '::ffff:0.0.0.0': 'unspecified',
      '224.0.0.1': 'multicast',
      'ff02::1': 'multicast',
      '255.255.255.255': 'broadcast',
      '192.0.2.1': 'special',
      '2001:db8::1': 'special',
      '::7f00:1': 'special',
      '64:ff9b::808:808': 'public',
    };
    for (const [address, expected] of Object.entries(cases)) expect(classifyAddress(address), address).toBe(expected);
  });

  it('connects to the address checked, IPv4 first, and keeps the name for TLS', async () => {
    expect(await checkDestination('smtp.example.com', 587, strict)).toEqual({ address: '93.184.215.14', port: 587, servername: 'smtp.example.com', addresses: ['2606:2800:21f::25', '93.184.215.14'] });
    expect((await checkDestination('v6only.example.com', 465, strict)).address).toBe('2a00:1450:4001:80b::201a');
    expect(await checkDestination('8.8.8.8', 25, strict)).toMatchObject({ address: '8.8.8.8', servername: undefined });
    expect(await checkDestination('[::ffff:8.8.8.8]', 25, strict)).toMatchObject({ address: '::ffff:808:808', servername: undefined });
    expect((await checkDestination('relay.lan', 2525, lenient)).address).toBe('192.168.1.25');
  });

  it('refuses names that resolve to refused addresses, any of them, without saying which address', async () => {
    const metadata = await refusal('metadata.google.internal', 80, lenient);
    expect(metadata).toMatchObject({ kind: 'refused', field: 'smtpHost', issue: 'resolves to a cloud metadata service address; mail cannot be sent there; use the address of your mail server' });
    expect(metadata.message).not.toContain('169.254');
    const mixed = await refusal('mixed.example.com', 587);
    expect(mixed.message).toBe('The SMTP server mixed.example.com resolves to a private network address; an operator can allow private addresses with RAPPORT_SMTP_ALLOW_PRIVATE=1.');
    expect((await refusal('relay.lan', 25)).issue).toBe('resolves to a private network address; an operator can allow private addresses with RAPPORT_SMTP_ALLOW_PRIVATE=1');
  });

  it('refuses ports that are not for mail, after the address (a refused address gets the same answer whatever the port)', async () => {
    expect(await refusal('8.8.8.8', 22)).toMatchObject({ kind: 'refused', field: 'smtpPort', issue: '22 is not a mail port' });
    expect((await refusal('10.0.0.1', 22)).message).toBe((await refusal('10.0.0.1', 25)).message);
    for (const port of [25, 465, 587, 1025, 2525]) await checkDestination('8.8.8.8', port, strict);
  });

  it('a name that does not resolve is "unresolved", not refused', async () => {
    expect(await refusal('nowhere.invalid', 587)).toMatchObject({ kind: 'unresolved', field: 'smtpHost' });
  });

  it('the operator setting is read from RAPPORT_SMTP_ALLOW_PRIVATE, off by default', () => {
    expect(loadConfig({}).smtpAllowPrivate).toBe(false);
    expect(loadConfig({ RAPPORT_SMTP_ALLOW_PRIVATE: '1' }).smtpAllowPrivate).toBe(true);
    expect(loadConfig({ RAPPORT_SMTP_ALLOW_PRIVATE: 'true' }).smtpAllowPrivate).toBe(true);
    expect(loadConfig({ RAPPORT_SMTP_ALLOW_PRIVATE: '0' }).smtpAllowPrivate).toBe(false);
    expect(() => loadConfig({ RAPPORT_SMTP_ALLOW_PRIVATE: 'maybe' })).toThrow(/RAPPORT_SMTP_ALLOW_PRIVATE must be 1 or 0/);
  });
});

describe('SMTP failures in plain words', () => {
  const reply = 'SECRET-REPLY from whatever listens there';
  it('says what happened with the code, and never what the far end said before it proved to be an SMTP server', () => {
    const cases: [object, string, string][] = [
      [{ code: 'EAUTH', response: `535 ${reply}`, command: 'AUTH PLAIN' }, 'refused the user name or password', 'EAUTH'],
      [{ code: 'ETIMEDOUT', command: 'CONN' }, 'timed out', 'ETIMEDOUT'],
      [{ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }, 'could not connect', 'ESOCKET/ECONNREFUSED'],
      [{ code: 'ESOCKET', originalCode: 'EHOSTUNREACH', command: 'CONN' }, 'cannot be reached', 'ESOCKET/EHOSTUNREACH'],
      [{ code: 'EPROTOCOL', response: reply, command: 'CONN' }, 'not an SMTP server', 'EPROTOCOL'],
      [{ code: 'ECONNECTION', response: `421 ${reply}`, command: 'EHLO' }, 'not an SMTP server', 'ECONNECTION'],
      [{ code: 'ETLS', command: 'STARTTLS', response: `454 ${reply}` }, 'TLS failed', 'ETLS'],
      [{ code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'TLS failed', 'ESOCKET/ERR_SSL_WRONG_VERSION_NUMBER'],
      [{ code: 'ESOCKET', originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'certificate could not be verified', 'ESOCKET/ERR_TLS_CERT_ALTNAME_INVALID'],
      [{ code: 'EDNS', originalCode: 'ENOTFOUND' }, 'could not be found', 'EDNS/ENOTFOUND'],
      [{ message: `${reply}` }, 'the conversation with the server failed', 'ERROR'],
    ];
    for (const [err, words, code] of cases) {
      const said = describeSmtpError(Object.assign(new Error(`${reply}`), err));
      expect(said.message, code).toContain(words);
      expect(said.message, code).not.toContain('SECRET');
      expect(said.code).toBe(code);
    }
    // A recipient refused by a real SMTP server: its reply is what the sender needs.
    expect(describeSmtpError({ code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 No such user\r\nhere', command: 'RCPT TO' }).message).toBe('the server refused the message: 550 5.1.1 No such user here');
  });
});
