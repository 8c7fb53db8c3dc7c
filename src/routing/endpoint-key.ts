/**
 * An endpoint's "address:port", IPv6 in brackets (`[::1]:80`): the one spelling of an endpoint in keys,
 * the dump, the admin API and the edge's balancer state.
 */
export function endpointKey(address: string, port: number): string {
  return (address.indexOf(':') === -1 ? address : '[' + address + ']') + ':' + port;
}
