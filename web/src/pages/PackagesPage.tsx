// Crime-report packages sent to the user's organisation (police and
// prosecutor liaisons): the unacknowledged ones first; each one opens to
// its details, the download, how to verify it offline against the hub's
// public key, and the acknowledgement.
import { useState } from 'react';
import { api } from '../api';
import type { Items } from '../api';
import {
  DateTime,
  ErrorMessage,
  LoadState,
  Loading,
  PageHeading,
  useLoad,
  useWrite,
} from '../components/common';
import { useI18n } from '../i18n/i18n';
import { formatBytes, incidentPath } from '../incidents';
import type { CrimePackage } from '../incidents';
import { Link } from '../router';

export interface PackageKey {
  algorithm: string;
  public_key: string;
}

// Unacknowledged first, then newest first.
export function packageOrder(a: CrimePackage, b: CrimePackage): number {
  if (!a.acknowledged !== !b.acknowledged) return a.acknowledged ? 1 : -1;
  return a.created < b.created ? 1 : a.created > b.created ? -1 : 0;
}

export function packageFileName(p: CrimePackage): string {
  return `crime-report-${p.id}.zip`;
}

function PackageDetails({
  pkg,
  keyInfo,
  onAcknowledged,
}: {
  pkg: CrimePackage;
  keyInfo: PackageKey | null;
  onAcknowledged: (p: CrimePackage) => void;
}) {
  const { t } = useI18n();
  const write = useWrite(() => undefined);
  const acknowledge = () =>
    void write.run(async () =>
      onAcknowledged(
        await api.post<CrimePackage>(`/api/v1/packages/${encodeURIComponent(pkg.id)}/acknowledge`, {}),
      ),
    );
  const file = packageFileName(pkg);
  return (
    <div className="package-details" id={`package-${pkg.id}`}>
      <dl className="facts">
        <div>
          <dt>{t('packages.case')}</dt>
          <dd>
            <Link to={incidentPath(pkg.incident.stix_id)}>{pkg.incident.title}</Link>
          </dd>
        </div>
        <div>
          <dt>{t('packages.from')}</dt>
          <dd>{pkg.incident.owner.name}</dd>
        </div>
        <div>
          <dt>{t('packages.created')}</dt>
          <dd>
            <DateTime iso={pkg.created} /> {t('case.by', { who: pkg.created_by })}
          </dd>
        </div>
        <div>
          <dt>{t('packages.size')}</dt>
          <dd>{formatBytes(pkg.size)}</dd>
        </div>
        <div>
          <dt>{t('case.sha256')}</dt>
          <dd className="mono">{pkg.sha256}</dd>
        </div>
        <div>
          <dt>{t('packages.state')}</dt>
          <dd>
            {pkg.acknowledged ? (
              <>
                {t('packages.acknowledgedBy', { who: pkg.acknowledged_by ?? '' })}{' '}
                <DateTime iso={pkg.acknowledged} />
              </>
            ) : (
              t('packages.waiting')
            )}
          </dd>
        </div>
      </dl>
      <p>
        <a href={`/api/v1/packages/${encodeURIComponent(pkg.id)}`} download={file}>
          {t('packages.download', { file })}
        </a>
      </p>
      <h3>{t('packages.verifyTitle')}</h3>
      <p>{t('packages.verifyText')}</p>
      {keyInfo && (
        <>
          <p>
            {t('packages.publicKey', { algorithm: keyInfo.algorithm })}{' '}
            <span className="mono" data-testid="package-key">
              {keyInfo.public_key}
            </span>
          </p>
          <pre className="code">{`ecrn evidence verify ${file} --key ${keyInfo.public_key}`}</pre>
        </>
      )}
      {!pkg.acknowledged && (
        <div className="actions">
          <button type="button" className="primary" disabled={write.busy} onClick={acknowledge}>
            {t('packages.acknowledge')}
          </button>
        </div>
      )}
      <ErrorMessage error={write.error} />
    </div>
  );
}

export function PackagesPage() {
  const { t } = useI18n();
  const [list] = useLoad(() => api.get<Items<CrimePackage>>('/api/v1/packages'), 'packages');
  const [key] = useLoad(() => api.get<PackageKey>('/api/v1/packages/key'), 'package-key');
  const [open, setOpen] = useState<string | null>(null);
  // Acknowledgements made here, over the list as loaded.
  const [updated, setUpdated] = useState<Record<string, CrimePackage>>({});
  if (list.status === 'loading') return <Loading />;
  return (
    <>
      <PageHeading title={t('packages.title')}>{t('packages.title')}</PageHeading>
      <p className="muted">{t('packages.intro')}</p>
      <LoadState state={list}>
        {(data) => {
          const items = data.items.map((p) => updated[p.id] ?? p).sort(packageOrder);
          const waiting = items.filter((p) => !p.acknowledged).length;
          if (items.length === 0) return <p className="muted">{t('packages.none')}</p>;
          return (
            <>
              <p role="status">{t('packages.waitingCount', { count: waiting })}</p>
              <ul className="object-list" aria-label={t('packages.title')}>
                {items.map((p) => (
                  <li key={p.id} className="object-item" data-testid="package">
                    <div className="object-title">
                      {p.acknowledged ? (
                        <span className="badge badge-ok">{t('packages.acknowledged')}</span>
                      ) : (
                        <span className="badge badge-new">{t('packages.new')}</span>
                      )}
                      <span className="object-name">{p.incident.title}</span>
                      <span className="muted">
                        {t('packages.fromOrg', { org: p.incident.owner.name })} · <DateTime iso={p.created} />
                      </span>
                      <button
                        type="button"
                        aria-expanded={open === p.id}
                        aria-controls={`package-${p.id}`}
                        onClick={() => setOpen(open === p.id ? null : p.id)}
                      >
                        {open === p.id
                          ? t('packages.close')
                          : t('packages.open', { title: p.incident.title })}
                      </button>
                    </div>
                    {open === p.id && (
                      <PackageDetails
                        pkg={p}
                        keyInfo={key.status === 'ok' ? key.data : null}
                        onAcknowledged={(next) => setUpdated((u) => ({ ...u, [next.id]: next }))}
                      />
                    )}
                  </li>
                ))}
              </ul>
            </>
          );
        }}
      </LoadState>
    </>
  );
}
