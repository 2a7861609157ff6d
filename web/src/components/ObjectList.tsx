// A list of intel items (search results, the dashboard): every field from
// shared content is rendered as text by React, never as HTML.
import type { ObjectSummary } from '../api';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';
import { DateTime, TlpBadge } from './common';

export function objectPath(id: string): string {
  return `/objects/${encodeURIComponent(id)}`;
}

export function ObjectList({ items, labelledBy }: { items: ObjectSummary[]; labelledBy?: string }) {
  const { t } = useI18n();
  return (
    <ul className="object-list" aria-labelledby={labelledBy}>
      {items.map((item) => (
        <li key={`${item.id}|${item.channel.id}|${item.date_added}`} className="object-item">
          <div className="object-title">
            <TlpBadge tlp={item.tlp} />
            <Link to={objectPath(item.id)} className="object-name">
              {item.name || item.id}
            </Link>
          </div>
          <dl className="object-meta">
            <div>
              <dt>{t('object.type')}</dt>
              <dd>{item.type}</dd>
            </div>
            <div>
              <dt>{t('object.channel')}</dt>
              <dd>{item.channel.name}</dd>
            </div>
            <div>
              <dt>{t('object.dateAdded')}</dt>
              <dd>
                <DateTime iso={item.date_added} />
              </dd>
            </div>
          </dl>
          {item.description && <p className="object-description">{item.description}</p>}
        </li>
      ))}
    </ul>
  );
}
