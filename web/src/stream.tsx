// The live stream (GET /api/v1/stream, Server-Sent Events): one EventSource
// per tab while a user is signed in, shared by everything that listens
// (the dashboard's "object" and "alert" events, the header's
// "notification" events). Listeners subscribe by event type; the pseudo
// type "open" is called on every (re)connection. When the browser gives up
// on the stream (a non-stream answer such as 401) and the session has
// ended, the app goes back to the sign-in page.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError, api } from './api';
import { useSession } from './session';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';
export type StreamListener = (data: string) => void;

export interface Stream {
  status: StreamStatus;
  // Calls `fn` with the data of each event of `type`; answers the unsubscribe.
  subscribe: (type: string, fn: StreamListener) => () => void;
}

export const kStreamPath = '/api/v1/stream';
export const kOpenEvent = 'open';

const StreamContext = createContext<Stream | null>(null);

export function StreamProvider({ children }: { children: ReactNode }) {
  const { state, expired } = useSession();
  const signedIn = state.status === 'signed-in';
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const listeners = useRef(new Map<string, Set<StreamListener>>());
  const source = useRef<EventSource | null>(null);
  // The types the current source dispatches (one EventSource listener each).
  const attached = useRef(new Set<string>());
  const expiredRef = useRef(expired);
  expiredRef.current = expired;

  const dispatch = (type: string, data: string) => {
    for (const fn of [...(listeners.current.get(type) ?? [])]) fn(data);
  };
  const attach = (type: string) => {
    const s = source.current;
    if (!s || type === kOpenEvent || attached.current.has(type)) return;
    attached.current.add(type);
    s.addEventListener(type, ((e: MessageEvent<string>) => dispatch(type, e.data)) as EventListener);
  };
  const attachRef = useRef(attach);
  attachRef.current = attach;

  useEffect(() => {
    // No stream without a session, or in a browser without EventSource.
    if (!signedIn || typeof EventSource === 'undefined') return;
    const s = new EventSource(kStreamPath, { withCredentials: true });
    source.current = s;
    attached.current = new Set();
    setStatus('connecting');
    s.onopen = () => {
      setStatus('live');
      dispatch(kOpenEvent, '');
    };
    s.onerror = () => {
      setStatus('reconnecting');
      if (s.readyState !== EventSource.CLOSED) return;
      api.get('/api/v1/session').catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) expiredRef.current();
      });
    };
    for (const type of listeners.current.keys()) attachRef.current(type);
    return () => {
      s.close();
      source.current = null;
    };
  }, [signedIn]);

  const subscribe = useCallback((type: string, fn: StreamListener) => {
    let set = listeners.current.get(type);
    if (!set) listeners.current.set(type, (set = new Set()));
    set.add(fn);
    attachRef.current(type);
    return () => {
      set?.delete(fn);
    };
  }, []);
  const value = useMemo<Stream>(() => ({ status, subscribe }), [status, subscribe]);
  return <StreamContext.Provider value={value}>{children}</StreamContext.Provider>;
}

export function useStream(): Stream {
  const value = useContext(StreamContext);
  if (!value) throw new Error('useStream outside StreamProvider');
  return value;
}

// Calls `fn` (the latest one passed) for each event of `type` while mounted.
export function useStreamEvent(type: string, fn: StreamListener): void {
  const { subscribe } = useStream();
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => subscribe(type, (data) => fnRef.current(data)), [subscribe, type]);
}
