// One object: its STIX properties, channel and TLP, relationships,
// correlations ("also seen in"), sightings and versions. Everything from
// the object is shown as text; links leave only for http(s) URLs.
import { api, orgLabel } from '../api';
import type { ObjectDetail, SightingAggregate } from '../api';
import { objectPath } from '../components/ObjectList';
import { DateTime, ErrorMessage, Loading, PageHeading, TlpBadge, useLoad } from '../components/common';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';
import { safeHttpUrl } from '../stix';

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

// A date from the object, or null when it has none (so the fact is left out).
function when(v: unknown) {
  const iso = str(v);
  return iso ? <DateTime iso={iso} /> : null;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

interface ExternalRef {
  source_name?: unknown;
  external_id?: unknown;
  url?: unknown;
  description?: unknown;
}

function ExternalReferences({ refs }: { refs: unknown }) {
  const { t } = useI18n();
  if (!Array.isArray(refs) || refs.length === 0) return null;
  return (
    <section aria-labelledby="refs-heading">
      <h2 id="refs-heading">{t('object.externalReferences')}</h2>
      <ul className="plain-list">
        {refs.map((raw, i) => {
          const ref = (raw ?? {}) as ExternalRef;
          const url = safeHttpUrl(ref.url);
          const label = [str(ref.source_name), str(ref.external_id)].filter(Boolean).join(': ');
          return (
            <li key={i}>
              {label && <span>{label}</span>}
              {url ? (
                <>
                  {label && ' — '}
                  <a href={url} rel="noopener noreferrer" target="_blank">
                    {url}
                  </a>
                </>
              ) : (
                str(ref.url) && (
                  <>
                    {label && ' — '}
                    <span className="mono">{str(ref.url)}</span>
                  </>
                )
              )}
              {str(ref.description) && <p className="muted">{str(ref.description)}</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

// Label / value pairs; the values an object lacks are left out, not blank.
function Facts({ facts }: { facts: [string, React.ReactNode][] }) {
  return (
    <dl className="facts">
      {facts
        .filter(([, v]) => v !== null && v !== undefined && v !== false && v !== '')
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

// The sightings of this object the viewer may read, as the server folded them.
function Sightings({ s }: { s: SightingAggregate }) {
  const { t, formatNumber } = useI18n();
  const orgs = s.organisations ?? [];
  const facts: [string, React.ReactNode][] = [
    [t('object.sightingTotal'), formatNumber(s.count)],
    [t('object.sightingReports'), s.sightings === undefined ? null : formatNumber(s.sightings)],
    [t('object.firstSeen'), s.first_seen ? <DateTime iso={s.first_seen} /> : null],
    [t('object.lastSeen'), s.last_seen ? <DateTime iso={s.last_seen} /> : null],
    [t('object.sightingOrgs'), orgs.length > 0 ? orgs.map(orgLabel).join(', ') : null],
    [
      t('object.sightingOrgs24h'),
      s.organisations_last_24h === undefined ? null : formatNumber(s.organisations_last_24h),
    ],
  ];
  return (
    <section aria-labelledby="sightings-heading">
      <h2 id="sightings-heading">{t('object.sightings')}</h2>
      {s.count === 0 && (s.sightings ?? 0) === 0 ? (
        <p className="muted">{t('object.noSightings')}</p>
      ) : (
        <Facts facts={facts} />
      )}
    </section>
  );
}

export function ObjectPage({ id }: { id: string }) {
  const { t } = useI18n();
  const [detail] = useLoad(() => api.get<ObjectDetail>(`/api/v1/objects/${encodeURIComponent(id)}`), id);

  if (detail.status === 'loading') {
    return (
      <>
        <PageHeading title={t('object.title')}>{t('object.title')}</PageHeading>
        <Loading />
      </>
    );
  }
  if (detail.status === 'error') {
    return (
      <>
        <PageHeading title={t('object.title')}>{t('object.title')}</PageHeading>
        <p className="mono">{id}</p>
        <ErrorMessage error={detail.error} />
      </>
    );
  }
  const d = detail.data;
  const o = d.object;
  const name = str(o.name) ?? id;
  const facts: [string, React.ReactNode][] = [
    [t('object.id'), <span className="mono">{id}</span>],
    [t('object.type'), str(o.type)],
    [t('object.tlp'), <TlpBadge tlp={d.tlp} />],
    [t('object.channel'), d.channel.name],
    [t('object.dateAdded'), <DateTime iso={d.date_added} />],
    [t('object.created'), when(o.created)],
    [t('object.modified'), when(o.modified)],
    [t('object.createdBy'), str(o.created_by_ref) && <span className="mono">{str(o.created_by_ref)}</span>],
    [t('object.validFrom'), when(o.valid_from)],
    [t('object.validUntil'), when(o.valid_until)],
    [t('object.published'), when(o.published)],
    [t('object.types'), [...strings(o.indicator_types), ...strings(o.report_types)].join(', ') || null],
    [t('object.labels'), strings(o.labels).join(', ') || null],
  ];
  const pattern = str(o.pattern);
  const description = str(o.description);
  return (
    <>
      <PageHeading title={name}>
        <TlpBadge tlp={d.tlp} /> {name}
      </PageHeading>
      <Facts facts={facts} />
      {description && (
        <section aria-labelledby="desc-heading">
          <h2 id="desc-heading">{t('object.description')}</h2>
          <p className="prewrap">{description}</p>
        </section>
      )}
      {pattern && (
        <section aria-labelledby="pattern-heading">
          <h2 id="pattern-heading">{t('object.pattern')}</h2>
          <pre className="code">{pattern}</pre>
        </section>
      )}
      <Sightings s={d.sightings ?? { count: 0 }} />
      <section aria-labelledby="rel-heading">
        <h2 id="rel-heading">{t('object.relationships')}</h2>
        {d.relationships.length === 0 ? (
          <p className="muted">{t('object.noRelationships')}</p>
        ) : (
          <ul className="plain-list">
            {d.relationships.map((r) => (
              <li key={r.id}>
                {r.direction === 'out'
                  ? t('object.relOut', { type: r.relationship_type })
                  : t('object.relIn', { type: r.relationship_type })}{' '}
                <Link to={objectPath(r.other.id)}>{r.other.name || r.other.id}</Link>{' '}
                <span className="muted">({r.other.type})</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="corr-heading">
        <h2 id="corr-heading">{t('object.correlations')}</h2>
        {d.correlations.length === 0 ? (
          <p className="muted">{t('object.noCorrelations')}</p>
        ) : (
          <ul className="plain-list">
            {d.correlations.map((c) => (
              <li key={`${c.kind}|${c.value}`}>
                <span className="mono">
                  {c.kind}: {c.value}
                </span>{' '}
                — {t('object.alsoSeenIn')}
                <ul>
                  {c.objects.map((x) => (
                    <li key={`${x.id}|${x.channel.id}`}>
                      <Link to={objectPath(x.id)}>{x.name || x.id}</Link>{' '}
                      <span className="muted">
                        ({x.type}, {x.channel.name})
                      </span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>
      <ExternalReferences refs={o.external_references} />
      {d.versions.length > 1 && (
        <section aria-labelledby="versions-heading">
          <h2 id="versions-heading">{t('object.versions')}</h2>
          <ul className="plain-list">
            {d.versions.map((v) => (
              <li key={v}>
                <DateTime iso={v} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <details className="raw">
        <summary>{t('object.raw')}</summary>
        <pre className="code">{JSON.stringify(o, null, 2)}</pre>
      </details>
    </>
  );
}
