// Annotations that are read, checked and compiled into the route policy, but that the edge does not
// apply yet. Until it does, the reader reports them unsupported (so the audit never claims a behaviour
// sluice does not have); each name leaves this list with the edge step that honours it.

import { NGINX } from './registry-types.ts';

const PENDING_SHORT_NAMES = [
  'proxy-connect-timeout',
  'proxy-send-timeout',
  'proxy-request-buffering',
  'custom-http-errors',
  'default-backend',
];

export const EDGE_PENDING: ReadonlySet<string> = new Set(PENDING_SHORT_NAMES.map((short) => NGINX + short));

export const PENDING_MESSAGE = 'read and checked, but the edge does not apply it yet';
