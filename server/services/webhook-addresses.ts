/**
 * Where partner webhooks may go: http(s) URLs without credentials (https in production), and never to
 * an internal address (loopback, private, link-local…), checked with a DNS lookup before each send.
 */
import { lookup } from 'node:dns/promises';
import { BlockList } from 'node:net';

export type UrlProblem = 'url_invalid' | 'url_not_https';

/** A partner URL: http(s) only, no credentials in it; https in production. */
export function checkWebhookUrl(
  value: unknown,
  production: boolean,
): { ok: true; url: string } | { ok: false; problem: UrlProblem } {
  if (typeof value !== 'string' || value.length > 2000) return { ok: false, problem: 'url_invalid' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: 'url_invalid' };
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || !url.hostname) {
    return { ok: false, problem: 'url_invalid' };
  }
  if (production && url.protocol !== 'https:') return { ok: false, problem: 'url_not_https' };
  return { ok: true, url: url.toString() };
}

/** Loopback, private, link-local, carrier-grade NAT and unspecified addresses (IPv4 and IPv6). */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv6');

/**
 * Whether a webhook host resolves to an address inside the portal's own network: in production a
 * partner's URL must not make the portal call its database, metadata service or admin ports.
 * Checked at each delivery, since a name may point elsewhere later.
 */
export async function isInternalHost(hostname: string): Promise<boolean> {
  const host = hostname.replace(/^\[|\]$/g, '');
  try {
    const addresses = await lookup(host, { all: true, verbatim: true });
    return addresses.some((a) => {
      // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is checked as the IPv4 address it carries.
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a.address)?.[1];
      if (mapped) return INTERNAL.check(mapped, 'ipv4');
      return INTERNAL.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4');
    });
  } catch {
    return false;
  }
}
