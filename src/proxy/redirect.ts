/**
 * The absolute Location of the plain-HTTP → HTTPS redirect: `https://host[:port]/path?query`,
 * the port omitted when it is 443. `host` is the normalised request host; `query` includes its '?'
 * or is ''.
 */
export function httpsRedirectLocation(host: string, httpsPort: number, path: string, query: string): string {
  const name = host.indexOf(':') !== -1 && host.charCodeAt(0) !== 0x5b ? '[' + host + ']' : host;
  const authority = httpsPort === 443 ? name : name + ':' + httpsPort;
  return 'https://' + authority + path + query;
}

/** 308 keeps the method and body, so it is right for every method. */
export const HTTPS_REDIRECT_STATUS = 308;
