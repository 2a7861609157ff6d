// The signed-in user: loaded from GET /api/v1/session at start, set by
// logging in, cleared by logging out (or when the server answers 401).
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError, api, setCsrfToken } from './api';
import type { SessionInfo, User } from './api';

export type SessionState =
  { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; user: User };

export interface Session {
  state: SessionState;
  login: (username: string, password: string, totp?: string) => Promise<void>;
  logout: () => Promise<void>;
  // Called when any request answers 401: the session has expired.
  expired: () => void;
}

const SessionContext = createContext<Session | null>(null);

export function isAdmin(user: User): boolean {
  return user.role === 'network-admin' || user.role === 'org-admin';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const accept = useCallback((info: SessionInfo) => {
    setCsrfToken(info.csrf_token);
    setState({ status: 'signed-in', user: info.user });
  }, []);
  const expired = useCallback(() => {
    setCsrfToken(null);
    setState({ status: 'anonymous' });
  }, []);
  useEffect(() => {
    let live = true;
    api
      .get<SessionInfo>('/api/v1/session')
      .then((info) => live && accept(info))
      .catch(() => live && expired());
    return () => {
      live = false;
    };
  }, [accept, expired]);
  const login = useCallback(
    async (username: string, password: string, totp?: string) => {
      const body: Record<string, string> = { username, password };
      if (totp) body.totp = totp;
      accept(await api.post<SessionInfo>('/api/v1/session', body));
    },
    [accept],
  );
  const logout = useCallback(async () => {
    try {
      await api.del('/api/v1/session');
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
    }
    expired();
  }, [expired]);
  const value = useMemo(() => ({ state, login, logout, expired }), [state, login, logout, expired]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

// The signed-in user (pages below the sign-in gate only).
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return state.user;
}
