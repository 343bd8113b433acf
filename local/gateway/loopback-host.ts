/**
 * Whether an HTTP authority (`Host` header or the authority of an absolute request target) names
 * this machine's loopback interface. The local gateway serves only those: a page on another name
 * that resolves to 127.0.0.1 (DNS rebinding) must not reach the API or the playground's config,
 * which hands out the API key.
 */
export function isLoopbackAuthority(authority: string | undefined): boolean {
  if (!authority) return false;
  const host = hostOf(authority.trim().toLowerCase());
  if (host === undefined) return false;
  if (host === 'localhost' || host === '[::1]') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets?.slice(1).every((octet) => Number(octet) <= 255) ?? false;
}

/** The host part of `host[:port]`, or undefined when the port is not a port. */
function hostOf(authority: string): string | undefined {
  const bracketed = /^(\[[^\]]*\])(?::(\d{1,5}))?$/.exec(authority);
  if (bracketed) return bracketed[1];
  const plain = /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(authority);
  return plain ? plain[1] : undefined;
}
