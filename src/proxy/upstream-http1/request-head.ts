import { parseDecimal } from '../headers.ts';
import { contentLengthMismatchError, invalidRequestError, type UpstreamError } from './errors.ts';

/** How the request body is framed on the wire, decided with the head. */
export const BodyFraming = {
  /** No body bytes follow the head. */
  None: 0,
  /** Exactly `contentLength` bytes follow. */
  Length: 1,
  /** Transfer-Encoding: chunked (a body of unknown length). */
  Chunked: 2,
} as const;
export type BodyFraming = (typeof BodyFraming)[keyof typeof BodyFraming];

/** What buildRequestHead decided besides the text; one per request, filled in place. */
export interface RequestHeadResult {
  framing: BodyFraming;
  /** The declared body length; -1 when chunked or none. */
  contentLength: number;
  /** The request asked the upstream to close after the response (Connection: close). */
  closeAfter: boolean;
}

// RFC 9110 token (method, header name); a header value is visible ASCII, obs-text, space and tab.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const BAD_PATH = /[^\x21-\xff]/;

/** Methods whose requests carry a body by definition: an empty one is sent as Content-Length: 0 (as undici does). */
function expectsBody(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

/**
 * The request head as latin1 text, from flat raw [name, value, …] pairs already filtered by the edge, or an
 * error for anything that could not be written safely (a name that is no token, CR/LF or NUL in a value, a
 * Transfer-Encoding or Upgrade header, a Content-Length that contradicts the body). `bodyLength`: the body's byte
 * length when known (0 for none), -1 for a stream. `hostHeader` is sent when the pairs carry no Host.
 */
export function buildRequestHead(
  method: string,
  path: string,
  pairs: readonly string[] | null,
  bodyLength: number,
  hostHeader: string,
  out: RequestHeadResult,
): string | UpstreamError {
  if (!TOKEN.test(method)) return invalidRequestError('invalid method');
  if (path.length === 0 || BAD_PATH.test(path)) return invalidRequestError('invalid request path');
  let head = method + ' ' + path + ' HTTP/1.1\r\n';
  let hasHost = false;
  let contentLength = -1;
  out.closeAfter = false;
  if (pairs !== null) {
    if ((pairs.length & 1) !== 0) return invalidRequestError('header list of odd length');
    for (let i = 0; i < pairs.length; i += 2) {
      const name = pairs[i];
      const value = pairs[i + 1];
      if (!TOKEN.test(name)) return invalidRequestError('invalid header name');
      if (BAD_VALUE.test(value)) return invalidRequestError('invalid value of header ' + name);
      switch (name.length) {
        case 4:
          if (name.toLowerCase() === 'host') hasHost = true;
          break;
        case 7:
          if (name.toLowerCase() === 'upgrade') return invalidRequestError('upgrade requests take the WebSocket path');
          break;
        case 10:
          if (name.toLowerCase() === 'connection' && value.toLowerCase().includes('close')) out.closeAfter = true;
          break;
        case 14:
          if (name.toLowerCase() === 'content-length') {
            if (contentLength !== -1) return invalidRequestError('more than one content-length');
            contentLength = parseDecimal(value);
            if (contentLength < 0) return invalidRequestError('invalid content-length');
          }
          break;
        case 17:
          if (name.toLowerCase() === 'transfer-encoding') return invalidRequestError('transfer-encoding is set here');
          break;
      }
      head += name + ': ' + value + '\r\n';
    }
  }
  if (!hasHost) head += 'host: ' + hostHeader + '\r\n';
  if (bodyLength >= 0) {
    if (contentLength !== -1 && contentLength !== bodyLength) return contentLengthMismatchError();
    if (contentLength === -1 && (bodyLength > 0 || expectsBody(method)))
      head += 'content-length: ' + bodyLength + '\r\n';
    out.framing = bodyLength === 0 ? BodyFraming.None : BodyFraming.Length;
    out.contentLength = bodyLength;
  } else if (contentLength >= 0) {
    out.framing = BodyFraming.Length;
    out.contentLength = contentLength;
  } else {
    head += 'transfer-encoding: chunked\r\n';
    out.framing = BodyFraming.Chunked;
    out.contentLength = -1;
  }
  return head + '\r\n';
}
