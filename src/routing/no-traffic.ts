import type { TrafficPolicy } from './policy-types.ts';

/** A traffic policy that changes nothing: the base every added piece spreads over. */
export const NO_TRAFFIC: TrafficPolicy = Object.freeze({
  rewrite: null,
  upstreamHost: null,
  forwardedPrefix: null,
  locationRewrite: null,
  redirect: null,
  requestHeaders: null,
  responseHeaders: null,
  cors: null,
  access: null,
  rateLimit: null,
  timeouts: null,
  retry: null,
  bufferRequest: null,
  session: null,
  balance: null,
  customErrors: null,
  errorBackend: null,
  serviceUpstream: false,
});
