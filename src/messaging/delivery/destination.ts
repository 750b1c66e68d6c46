// Where a workspace's SMTP settings may make Rapport connect. Anyone who administers a
// workspace types a host and a port; without rules, "Test connection" and sending would let
// them reach whatever the server can reach: the cloud metadata service, the database, an admin
// console on the private network. So the host name is resolved here, every address it
// resolves to is checked, and the connection is then made to the address that was checked
// (the name kept for TLS), so that a name cannot answer one address to the check and another
// to the connection (DNS rebinding). Everything is refused before any connection is made, so
// a refusal says nothing about what listens on a port.
//
// Not applied to RAPPORT_SMTP_URL (src/messaging/account-mail/reset-mail.ts): that server is set by the
// operator in the environment, not by a workspace member.
//
// The rules on addresses (checkHost) are shared with workflows' webhook calls
// (src/workflows/webhooks.ts); the port rule and the wording of checkDestination are SMTP's.
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/** How an address is treated. `private` covers loopback, RFC 1918, carrier-grade NAT and IPv6 unique local addresses. */
export type AddressClass = 'public' | 'private' | 'loopback' | 'link-local' | 'metadata' | 'unspecified' | 'multicast' | 'broadcast' | 'special';
/** The classes that are refused (private and loopback unless the operator allows them). */
export type RefusedClass = Exclude<AddressClass, 'public'>;

// Cloud instance metadata services (AWS, GCP and Azure use 169.254.169.254, AWS also
// fd00:ec2::254 over IPv6 and 169.254.170.2 for ECS tasks; Alibaba 100.100.100.200; Oracle
// Cloud Classic 192.0.0.192). Some sit inside ranges an operator may allow, so they are named.
// Names such as metadata.google.internal resolve to one of these and are refused with them.
const METADATA = new Set(['169.254.169.254', '169.254.170.2', '169.254.170.23', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192'].map((a) => ipaddr.parse(a).toNormalizedString()));

/** The IPv4 address an IPv6 address stands for (mapped, translated, NAT64, 6to4), if any. */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | 'ipv4-compatible' | undefined {
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address();
  const p = ip.parts;
  const fromParts = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const range = ip.range();
  // ::ffff:0:a.b.c.d (RFC 6145) and the NAT64 well-known prefix 64:ff9b::/96 (RFC 6052).
  if (range === 'rfc6145' || (p[0] === 0x64 && p[1] === 0xff9b && p.slice(2, 6).every((x) => x === 0))) return fromParts(p[6]!, p[7]!);
  // 6to4: 2002:AABB:CCDD::/48 reaches a.b.c.d.
  if (range === '6to4') return fromParts(p[1]!, p[2]!);
  // ::a.b.c.d, "IPv4-compatible" (deprecated, RFC 4291); not :: and ::1, classified as they are.
  if (p.slice(0, 6).every((x) => x === 0) && (p[6] !== 0 || p[7]! > 1)) return 'ipv4-compatible';
  return undefined;
}

/** The class of one IP address (IPv4 or IPv6, IPv4-mapped forms classified as the IPv4 address they carry). */
export function classifyAddress(text: string): AddressClass {
  let ip = ipaddr.parse(text);
  if (ip.kind() === 'ipv6') {
    const embedded = embeddedIPv4(ip as ipaddr.IPv6);
    if (embedded === 'ipv4-compatible') return 'special';
    if (embedded) ip = embedded;
  }
  if (METADATA.has(ip.toNormalizedString())) return 'metadata';
  switch (ip.range()) {
    case 'unicast':
      return 'public';
    case 'loopback':
      return 'loopback';
    case 'private':
    case 'carrierGradeNat':
    case 'uniqueLocal':
      return 'private';
    case 'linkLocal':
      return 'link-local';
    case 'unspecified':
      return 'unspecified';
    case 'multicast':
      return 'multicast';
    case 'broadcast':
      return 'broadcast';
    default:
      // Documentation, benchmarking, reserved, Teredo, ORCHID, AS112…: no mail server lives there.
      return 'special';
  }
}

/** A refused class of address, said in words ("a private network address"). */
export const ADDRESS_CLASS_WORDS: Record<RefusedClass, string> = {
  metadata: 'a cloud metadata service address',
  'link-local': 'a link-local address',
  unspecified: 'an unspecified address (0.0.0.0 or ::)',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  special: 'a reserved or special-purpose address',
  loopback: 'a private network address (loopback: the machine Rapport runs on)',
  private: 'a private network address',
};
// Worst first: the one named when a host resolves to several refused addresses.
const SEVERITY: RefusedClass[] = ['metadata', 'link-local', 'unspecified', 'multicast', 'broadcast', 'special', 'loopback', 'private'];

/** Ports below 1024 that carry mail submission or relay; any port above 1023 is allowed (2525, a relay's own…). */
export const MAIL_PORTS = [25, 465, 587];

export class DestinationError extends Error {
  constructor(
    /** refused: never connected to (settings must change); unresolved: the name did not resolve, now. */
    readonly kind: 'refused' | 'unresolved',
    /** Which setting to change. */
    readonly field: 'smtpHost' | 'smtpPort',
    /** The problem, said of the field (for the error's details). */
    readonly issue: string,
    message: string,
  ) {
    super(message);
    this.name = 'DestinationError';
  }
}

/** An address checked for connecting, and the name to present and verify for TLS. */
export interface Destination {
  address: string;
  port: number;
  /** The host name as typed; undefined when an IP address was typed. */
  servername: string | undefined;
  /** Every address the name resolved to (all allowed): a later check keeps `address` if it is still among them. */
  addresses: string[];
}

export type LookupAll = (host: string) => Promise<{ address: string }[]>;
const systemLookup: LookupAll = (host) => dnsLookup(host, { all: true, verbatim: true });
const LOOKUP_TIMEOUT_MS = 10_000;

export interface DestinationRules {
  /** Loopback, private and unique local addresses may be used (RAPPORT_SMTP_ALLOW_PRIVATE for SMTP, RAPPORT_WEBHOOK_ALLOW_PRIVATE for webhooks). */
  allowPrivate: boolean;
  lookup?: LookupAll;
}

/**
 * A host name or IP address as typed, resolved and judged; nothing is connected to.
 * - `allowed`: every address it has may be used; `address` is the one to connect to (IPv4
 *   first), `servername` the name to present and verify for TLS (undefined for an IP address).
 * - `refused`: the worst refused class among its addresses, and the first address of that class
 *   (say it only when `literal`: a name's internal addresses are none of the asker's business).
 * - `unresolved`: the name did not resolve, now (`why`: "could not be found: DNS has no address for it").
 */
export type HostCheck =
  | { outcome: 'allowed'; host: string; literal: boolean; address: string; servername: string | undefined; addresses: string[] }
  | { outcome: 'refused'; host: string; literal: boolean; refused: RefusedClass; address: string }
  | { outcome: 'unresolved'; host: string; why: string };

async function resolve(name: string, lookup: LookupAll): Promise<string[] | { why: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = { why: 'could not be looked up: DNS timed out' };
  try {
    const found = await Promise.race([lookup(name), new Promise<typeof timedOut>((done) => (timer = setTimeout(() => done(timedOut), LOOKUP_TIMEOUT_MS)))]);
    if ('why' in found) return found;
    if (found.length === 0) return { why: 'could not be found: DNS has no address for it' };
    return found.map((a) => a.address);
  } catch {
    return { why: 'could not be found: DNS has no address for it' };
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves `host` (a name, an IP address, an IPv6 address in brackets) and checks every address it has. */
export async function checkHost(host: string, rules: DestinationRules): Promise<HostCheck> {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1');
  const literal = ipaddr.isValid(bare);
  const resolved = literal ? [ipaddr.parse(bare).toString()] : await resolve(bare, rules.lookup ?? systemLookup);
  if (!Array.isArray(resolved)) return { outcome: 'unresolved', host: bare, why: resolved.why };
  const addresses = resolved;
  const classes = addresses.map(classifyAddress);
  const refused = SEVERITY.find((c) => classes.includes(c) && !((c === 'private' || c === 'loopback') && rules.allowPrivate));
  if (refused) return { outcome: 'refused', host: bare, literal, refused, address: addresses[classes.indexOf(refused)]! };
  // IPv4 first where there is one: as Nodemailer itself does, and many hosts have no IPv6 route.
  const address = addresses.find((a) => ipaddr.parse(a).kind() === 'ipv4') ?? addresses[0]!;
  return { outcome: 'allowed', host: bare, literal, address, servername: literal ? undefined : bare, addresses };
}

/**
 * Resolves `host` and checks every address and the port; the address to connect to, or a
 * DestinationError saying what to change. Nothing is connected to.
 */
export async function checkDestination(host: string, port: number, rules: DestinationRules): Promise<Destination> {
  const checked = await checkHost(host, rules);
  const bare = checked.host;
  if (checked.outcome === 'unresolved') {
    throw new DestinationError('unresolved', 'smtpHost', checked.why, `${bare} ${checked.why}; check the SMTP server's name.`);
  }
  if (checked.outcome === 'refused') {
    const { refused, literal } = checked;
    const fix =
      refused === 'private' || refused === 'loopback'
        ? 'an operator can allow private addresses with RAPPORT_SMTP_ALLOW_PRIVATE=1'
        : 'mail cannot be sent there; use the address of your mail server';
    // Which address is never said: a name's internal addresses are none of the asker's business.
    const issue = `${literal ? 'is' : 'resolves to'} ${ADDRESS_CLASS_WORDS[refused]}; ${fix}`;
    throw new DestinationError('refused', 'smtpHost', issue, `The SMTP server ${bare} ${issue}.`);
  }
  if (port < 1024 && !MAIL_PORTS.includes(port)) {
    const issue = `${port} is not a mail port`;
    throw new DestinationError('refused', 'smtpPort', issue, `Port ${issue}: SMTP servers listen on ${MAIL_PORTS.join(', ')} or a port above 1023 (such as 2525).`);
  }
  return { address: checked.address, port, servername: checked.servername, addresses: checked.addresses };
}
