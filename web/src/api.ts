// The REST client (docs/rest-api.md): JSON over fetch with the session
// cookie; every write carries the CSRF token from the session response.
// Failures become ApiError with the server's error_code, or "network-error".

export interface OrgRef {
  id: number;
  name: string;
}
export interface Org extends OrgRef {
  kind: string;
  country: string;
  region?: string;
}
export interface User {
  id: number;
  username: string;
  role: string;
  org: Org;
}
export interface SessionInfo {
  user: User;
  csrf_token: string;
}
export interface ChannelRef {
  id: number;
  name: string;
}
export interface Channel extends ChannelRef {
  description: string;
  default_tlp: string;
  can_read: boolean;
  can_write: boolean;
}
export interface ChannelMember {
  user_id: number;
  username: string;
  org: OrgRef;
}
export interface ObjectSummary {
  id: string;
  type: string;
  name?: string | null;
  tlp: string;
  channel: ChannelRef;
  created_by?: string | null;
  modified?: string | null;
  date_added: string;
  description?: string | null;
}
export interface ObjectPage {
  items: ObjectSummary[];
  next_cursor?: string | null;
}
export interface ObjectRefSummary {
  id: string;
  type: string;
  name?: string | null;
}
export interface Relationship {
  id: string;
  relationship_type: string;
  direction: 'out' | 'in';
  other: ObjectRefSummary;
}
export interface Correlation {
  kind: string;
  value: string;
  objects: (ObjectRefSummary & { channel: ChannelRef })[];
}
export interface ObjectDetail {
  object: Record<string, unknown>;
  channel: ChannelRef;
  tlp: string;
  date_added: string;
  versions: string[];
  relationships: Relationship[];
  correlations: Correlation[];
  sightings: SightingAggregate;
}
// An organisation behind sightings (name null for an identity that is no member).
export interface SightingOrg {
  identity: string;
  name: string | null;
}
// An organisation as sightings name it: its name, else its identity id.
export function orgLabel(o: SightingOrg): string {
  return o.name || o.identity;
}
// The readable sightings of an object, folded by the server.
export interface SightingAggregate {
  count: number;
  sightings?: number;
  first_seen?: string | null;
  last_seen?: string | null;
  organisations?: SightingOrg[];
  organisations_last_24h?: number;
}
// "Seen by N organisations in your channels in the last 24 h" (GET
// /api/v1/alerts items and the stream's "alert" events).
export interface SightingAlert {
  object: ObjectRefSummary;
  organisations: SightingOrg[];
  organisation_count: number;
  count: number;
  sightings: number;
  first_seen: string;
  last_seen: string;
}
export interface SubmitResult {
  id: string;
  status: 'added' | 'duplicate' | 'rejected';
  message?: string;
}
export interface AdminUser {
  id: number;
  username: string;
  role: string;
  org: OrgRef;
  disabled?: boolean;
}
export interface Membership {
  org: OrgRef;
  can_read: boolean;
  can_write: boolean;
}
export interface Items<T> {
  items: T[];
}

// One problem with one field of a form the server refused (400 `problems`).
export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(`${status} ${code}: ${description}`);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const kSafeMethods = new Set(['GET', 'HEAD']);

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  if (body === undefined) return send<T>(method, path);
  return send<T>(method, path, JSON.stringify(body), 'application/json');
}

// Sends `body` as it is (a file: evidence) with its own media type.
export function upload<T>(path: string, file: Blob): Promise<T> {
  return send<T>('POST', path, file, file.type || 'application/octet-stream');
}

async function send<T>(method: string, path: string, body?: BodyInit, contentType?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (contentType) headers['Content-Type'] = contentType;
  if (!kSafeMethods.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body });
  } catch (e) {
    throw new ApiError(0, 'network-error', e instanceof Error ? e.message : String(e));
  }
  if (response.status === 204) return undefined as T;
  let data: unknown = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const err = (data ?? {}) as { error_code?: unknown; description?: unknown; problems?: unknown };
    const problems = Array.isArray(err.problems)
      ? (err.problems as Partial<FieldProblem>[])
          .filter((p) => typeof p.field === 'string' && typeof p.message === 'string')
          .map((p) => ({ field: String(p.field), message: String(p.message) }))
      : [];
    throw new ApiError(
      response.status,
      typeof err.error_code === 'string' ? err.error_code : `http-${response.status}`,
      typeof err.description === 'string' ? err.description : '',
      problems,
    );
  }
  if (data === null) throw new ApiError(response.status, 'bad-response', 'response is not JSON');
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: (path: string) => request<void>('DELETE', path),
  upload,
};

// A query string from the non-empty entries of `params` ("" when none).
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}
