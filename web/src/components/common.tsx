// Small building blocks shared by the pages: the TLP badge (text, not colour
// only), dates in the user's time zone, error messages, the page heading
// that takes focus on navigation, and a loader hook for API reads.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/i18n';
import { isTlpLevel, kTlpLevels } from '../stix';
import type { TlpLevel } from '../stix';
import { useSession } from '../session';

const kTlpDescription: Record<TlpLevel, MessageKey> = {
  clear: 'tlp.clear.description',
  green: 'tlp.green.description',
  amber: 'tlp.amber.description',
  'amber+strict': 'tlp.amberStrict.description',
  red: 'tlp.red.description',
};

export function TlpBadge({ tlp }: { tlp: string }) {
  const { t } = useI18n();
  const level = isTlpLevel(tlp) ? tlp : null;
  const label = `TLP:${(level ?? tlp).toUpperCase()}`;
  return (
    <span
      className={`tlp tlp-${level ? level.replace('+', '-') : 'unknown'}`}
      title={level ? t(kTlpDescription[level]) : undefined}
    >
      {label}
    </span>
  );
}

export function DateTime({ iso }: { iso: string | null | undefined }) {
  const { formatDate } = useI18n();
  if (!iso) return null;
  return <time dateTime={iso}>{formatDate(iso)}</time>;
}

const kErrorMessages: Record<string, MessageKey> = {
  'bad-credentials': 'error.badCredentials',
  'totp-required': 'error.totpRequired',
  'bad-totp': 'error.badTotp',
  'network-error': 'error.network',
  'not-found': 'error.notFound',
  'permission-denied': 'error.permissionDenied',
  unauthenticated: 'error.unauthenticated',
  'rate-limited': 'error.rateLimited',
  'invalid-argument': 'error.invalid',
  conflict: 'error.conflict',
};

// The user-facing text for a failure: a translated sentence for known
// codes and statuses; for other failures a generic one with the status.
export function errorText(
  t: (key: MessageKey, values?: Record<string, string | number>) => string,
  error: unknown,
): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return t('error.rateLimited');
    const key = kErrorMessages[error.code];
    if (key) return t(key);
    return t('error.generic', { status: error.status });
  }
  return t('error.unexpected');
}

// An error shown to the user (announced: role=alert). The server's
// description, when there is one, is shown as plain text beneath.
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const detail = error instanceof ApiError && error.description ? error.description : null;
  return (
    <div className="error" role="alert">
      <p>{errorText(t, error)}</p>
      {detail && <p className="error-detail">{detail}</p>}
    </div>
  );
}

// The page's <h1>: takes focus when the page opens (so keyboard and screen
// reader users land on the new content) and sets the document title.
export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const { t } = useI18n();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export type Loaded<T> =
  { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ok'; data: T };

// Runs `load` when `key` changes (and on reload()); a 401 ends the session.
export function useLoad<T>(load: () => Promise<T>, key: string): [Loaded<T>, () => void] {
  const { expired } = useSession();
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    loadRef.current().then(
      (data) => live && setState({ status: 'ok', data }),
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 401) expired();
        setState({ status: 'error', error });
      },
    );
    return () => {
      live = false;
    };
  }, [key, generation, expired]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [state, reload];
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

// Shows "loading", the error, or `children(data)` for a Loaded value.
export function LoadState<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ReactNode }) {
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorMessage error={state.error} />;
  return <>{children(state.data)}</>;
}

// A table with a header row; cells are React nodes (text from shared
// content stays text). The first cell of each row is its row header.
export function DataTable({
  label,
  columns,
  rows,
}: {
  label: string;
  columns: string[];
  rows: { key: string | number; cells: ReactNode[] }[];
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              {row.cells.map((cell, i) =>
                i === 0 ? (
                  <th scope="row" key={i}>
                    {cell}
                  </th>
                ) : (
                  <td key={i}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// The <option>s of a TLP select, labelled as TLP 2.0 writes them.
export function TlpOptions() {
  return (
    <>
      {kTlpLevels.map((level) => (
        <option key={level} value={level}>
          TLP:{level.toUpperCase()}
        </option>
      ))}
    </>
  );
}

// A write the user started: busy while it runs, its error, or done. run()
// answers whether it succeeded and calls `onDone` when it did.
export function useWrite(onDone: () => void) {
  const [state, setState] = useState<{ busy: boolean; error: unknown; done: boolean }>({
    busy: false,
    error: null,
    done: false,
  });
  const run = async (write: () => Promise<unknown>) => {
    setState({ busy: true, error: null, done: false });
    try {
      await write();
      setState({ busy: false, error: null, done: true });
      onDone();
      return true;
    } catch (error) {
      setState({ busy: false, error, done: false });
      return false;
    }
  };
  return { ...state, run };
}

// One term and its description in a <dl className="facts">.
export function Fact({ term, children, wide }: { term: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'fact-wide' : undefined}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

// Problems found in a form before sending it (announced: role=alert).
export function FormProblems({ messages }: { messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="error" role="alert">
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}
