// Test doubles for the unit tests: a fetch that answers from a table of
// routes and records every call, and an EventSource the test drives.
import { render } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { vi } from 'vitest';
import { I18nProvider } from './i18n/i18n';
import type { Lang } from './i18n/i18n';
import { RouterProvider } from './router';
import { SessionProvider, useSession } from './session';

export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  // A body that is not JSON text (an uploaded file), as sent.
  raw?: Blob;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export interface Route {
  method: string;
  path: string | RegExp;
  reply: (call: RecordedCall) => Reply;
}

export function errorBody(status: number, code: string, description = '') {
  return { title: 'Error', description, error_code: code, http_status: String(status) };
}

// Installs a fetch mock; unknown requests answer 404 so a test notices them.
export function mockFetch(routes: Route[]): RecordedCall[] {
  const calls: RecordedCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const method = (init?.method ?? 'GET').toUpperCase();
      const path = String(input);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries((init?.headers ?? {}) as Record<string, string>))
        headers[k.toLowerCase()] = v;
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      const raw = init?.body instanceof Blob ? init.body : undefined;
      const call = { method, path, headers, body, raw };
      calls.push(call);
      const route = routes.find(
        (r) => r.method === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path)),
      );
      const reply = route ? route.reply(call) : { status: 404, body: errorBody(404, 'not-found') };
      if (reply.status === 204) return new Response(null, { status: 204 });
      return new Response(JSON.stringify(reply.body ?? {}), {
        status: reply.status,
        headers: { 'Content-Type': 'application/json' },
      });
    }),
  );
  return calls;
}

export class MockEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: MockEventSource[] = [];
  readyState = MockEventSource.CONNECTING;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  closed = false;
  private listeners = new Map<string, Set<(e: MessageEvent) => void>>();

  constructor(
    readonly url: string,
    readonly init?: EventSourceInit,
  ) {
    MockEventSource.instances.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(fn);
  }
  removeEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.get(type)?.delete(fn);
  }
  close() {
    this.closed = true;
    this.readyState = MockEventSource.CLOSED;
  }
  open() {
    this.readyState = MockEventSource.OPEN;
    this.onopen?.(new Event('open'));
  }
  // A failure; `closed` as when the browser gives up (e.g. the server answered 401).
  fail(closed: boolean) {
    this.readyState = closed ? MockEventSource.CLOSED : MockEventSource.CONNECTING;
    this.onerror?.(new Event('error'));
  }
  emit(type: string, data: string) {
    const event = new MessageEvent(type, { data });
    for (const fn of this.listeners.get(type) ?? []) fn(event);
  }
}

export function installEventSource() {
  MockEventSource.instances = [];
  vi.stubGlobal('EventSource', MockEventSource);
}

export const kUser = {
  id: 7,
  username: 'ana',
  role: 'analyst',
  org: { id: 3, name: 'Central Election Commission', kind: 'election-commission', country: 'MD' },
};

export function sessionRoute(user = kUser, csrf = 'csrf-token-1'): Route {
  return {
    method: 'GET',
    path: '/api/v1/session',
    reply: () => ({ status: 200, body: { user, csrf_token: csrf } }),
  };
}

export const anonymousRoute: Route = {
  method: 'GET',
  path: '/api/v1/session',
  reply: () => ({ status: 401, body: errorBody(401, 'unauthenticated') }),
};

// Shows its children once the session has loaded a signed-in user.
function SignedIn({ children }: { children: ReactNode }) {
  const { state } = useSession();
  return state.status === 'signed-in' ? <>{children}</> : null;
}

// Renders `ui` with the providers the pages need, at `path`; with
// `signedIn`, only once the (mocked) session has loaded.
export function renderWithProviders(
  ui: ReactElement,
  { path = '/', lang = 'en' as Lang, signedIn = false } = {},
) {
  window.history.replaceState(null, '', path);
  return render(
    <I18nProvider lang={lang}>
      <RouterProvider>
        <SessionProvider>{signedIn ? <SignedIn>{ui}</SignedIn> : ui}</SessionProvider>
      </RouterProvider>
    </I18nProvider>,
  );
}

// The text of an uploaded Blob (jsdom's Blob has no text()).
export function blobText(blob: Blob | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!blob) return reject(new Error('no body'));
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}
