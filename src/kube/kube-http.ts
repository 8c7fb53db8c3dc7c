import type { KubeConfig } from '@kubernetes/client-node';
import { HttpMethod, RequestContext } from '@kubernetes/client-node/dist/gen/http/http.js';
import { fetch } from 'undici';

/** An API answer: the status and the parsed JSON body (null when the body was empty or not JSON). */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. "/api/v1/namespaces/default/services?fieldSelector=metadata.name%3Dweb". */
  readonly path: string;
  readonly body?: unknown;
  /** Defaults to application/json; PATCH callers pass application/merge-patch+json. */
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

/** An API call that answered with a non-2xx status. */
export class KubeApiError extends Error {
  readonly statusCode: number;
  readonly body: unknown;

  constructor(method: string, path: string, statusCode: number, body: unknown) {
    super(`${method} ${path}: HTTP ${statusCode}${statusMessage(body)}`);
    this.name = 'KubeApiError';
    this.statusCode = statusCode;
    this.body = body;
  }
}

const methods = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
} as const;

/**
 * One raw JSON call to the API server, authenticated exactly as client-node's own calls and watches
 * are. Raw on purpose: client-node's typed clients turn timestamps into Date objects and drop unknown
 * fields, while watch events arrive as plain JSON; the routing core must see one shape.
 * Resolves with any HTTP status; rejects only when no answer came (refused, reset, timeout).
 */
export async function kubeCall(kc: KubeConfig, request: KubeRequest): Promise<KubeResponse> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const url = cluster.server.replace(/\/+$/, '') + request.path;
  const ctx = new RequestContext(url, methods[request.method]);
  ctx.setHeaderParam('Accept', 'application/json');
  await kc.applySecurityAuthentication(ctx);
  const dispatcher = ctx.getDispatcher();
  try {
    const response = await fetch(url, {
      method: request.method,
      headers:
        request.body === undefined
          ? ctx.getHeaders()
          : { ...ctx.getHeaders(), 'Content-Type': request.contentType ?? 'application/json' },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      dispatcher,
      signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: response.status, body };
  } finally {
    // client-node makes a fresh agent per call; close it so its socket does not linger.
    if (dispatcher !== undefined) void dispatcher.close().catch(() => {});
  }
}

/** Like kubeCall, but a non-2xx answer rejects with a KubeApiError. */
export async function kubeJson(kc: KubeConfig, request: KubeRequest): Promise<unknown> {
  const response = await kubeCall(kc, request);
  if (response.status < 200 || response.status > 299) {
    throw new KubeApiError(request.method, request.path, response.status, response.body);
  }
  return response.body;
}

function statusMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return `: ${(body as { message: string }).message}`;
  }
  return '';
}

/** A message for logs and the status page from anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    // client-node's watch errors carry the HTTP status only as a property.
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && !error.message.includes(String(statusCode))) {
      return `HTTP ${statusCode} ${error.message}`;
    }
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message !== '' && !error.message.includes(cause.message)) {
      return `${error.message} (${cause.message})`;
    }
    return error.message;
  }
  return String(error);
}
