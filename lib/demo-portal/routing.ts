import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PortalContext } from './context.js';
import { send } from './http.js';
import { STATIC_FILES } from './static.js';

/** One route's handler; `param` is the URL parameter (a ref) when the route has one. */
export type Handler = (ctx: PortalContext, req: IncomingMessage, res: ServerResponse, url: URL, param: string) => void | Promise<void>;

export interface Route {
  /** Which latency applies: pages (and CSV), PDFs, or none for static files. */
  kind: 'page' | 'pdf' | 'static';
  /** Protected routes can be faulted (5xx, hang) and need a session (with the license accepted, where there is one). */
  protectedRoute: boolean;
  handler: Handler;
}

export interface RouteMatch {
  route: Route;
  param: string;
}

/** A site's routes: the route for a method and path, or undefined (404). */
export type RouteTable = (method: string, path: string) => RouteMatch | undefined;

export const page = (handler: Handler, protectedRoute = false): Route => ({ kind: 'page', protectedRoute, handler });

export const pdf = (handler: Handler): Route => ({ kind: 'pdf', protectedRoute: true, handler });

const staticRoute = (path: string): Route => ({
  kind: 'static',
  protectedRoute: false,
  handler: (_ctx, _req, res) => {
    const file = STATIC_FILES[path]!;
    send(res, 200, file.body, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=3600' });
  },
});

/** The shared static assets (stylesheet, logo, font): every site serves them. */
export function matchStatic(verb: string, path: string): RouteMatch | undefined {
  return verb === 'GET' && STATIC_FILES[path] ? { route: staticRoute(path), param: '' } : undefined;
}

/** A URL path segment decoded, or undefined when it is not valid percent-encoding. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The decoded first group of `pattern` in `path`; undefined when it does not match or does not decode. */
export function pathParam(pattern: RegExp, path: string): string | undefined {
  const segment = pattern.exec(path)?.[1];
  return segment === undefined ? undefined : decodeSegment(segment);
}

/** HEAD is answered like GET (Node drops the body). */
export const routeVerb = (method: string): string => (method === 'HEAD' ? 'GET' : method);
