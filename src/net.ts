/** Where a token, a message or a file may go: loopback addresses are the only plain-http ones (local mode and tests). */

/** A loopback host name or address, as a host setting writes it (`::1`, not `[::1]`). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Plain http to a loopback server (a URL writes an IPv6 address in brackets). */
export const isLoopbackHttp = (url: URL): boolean => url.protocol === 'http:' && isLoopback(url.hostname.replace(/^\[(.*)\]$/, '$1'));

/** Whether a URL may carry a token or a message: https, or plain http to a loopback test server. */
export const httpsOrLoopback = (url: URL): boolean => url.protocol === 'https:' || isLoopbackHttp(url);
