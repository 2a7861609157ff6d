// The application shell: skip link, header with navigation, language switch
// and sign-out, the page for the current path, and the sign-in gate.
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import type { User } from './api';
import { Loading, PageHeading } from './components/common';
import { I18nProvider, isLang, languages, useI18n } from './i18n/i18n';
import type { Lang, MessageKey } from './i18n/i18n';
import { AdminPage } from './pages/AdminPage';
import { DashboardPage } from './pages/DashboardPage';
import { IncidentListPage } from './pages/IncidentListPage';
import { IncidentPage } from './pages/IncidentPage';
import { IncidentReportPage } from './pages/IncidentReportPage';
import { LoginPage } from './pages/LoginPage';
import { ObjectPage } from './pages/ObjectPage';
import { PackagesPage } from './pages/PackagesPage';
import { SearchPage } from './pages/SearchPage';
import { SubmitPage } from './pages/SubmitPage';
import { Link, RouterProvider, matchPath, useLocation } from './router';
import { SessionProvider, isAdmin, useSession } from './session';

const kLanguageNames: Record<Lang, MessageKey> = { en: 'language.en', uk: 'language.uk' };

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang-switch">
      <label htmlFor="lang-select">{t('nav.language')}</label>
      <select
        id="lang-select"
        value={lang}
        onChange={(e) => isLang(e.target.value) && setLang(e.target.value)}
      >
        {languages.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(kLanguageNames[l])}
          </option>
        ))}
      </select>
    </div>
  );
}

// Liaisons and administrators receive crime-report packages for their
// organisation (policy: CanReadPackage).
function receivesPackages(user: User): boolean {
  return ['liaison', 'org-admin', 'network-admin'].includes(user.role);
}

function NavLink({ to, children }: { to: string; children: ReactNode }) {
  const { path } = useLocation();
  const current = to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`);
  return (
    <Link to={to} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

function Header() {
  const { t } = useI18n();
  const { state, logout } = useSession();
  const { navigate } = useLocation();
  return (
    <header className="site-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          E
        </span>
        <span>{t('app.name')}</span>
      </div>
      {state.status === 'signed-in' && (
        <nav aria-label={t('nav.label')} className="site-nav">
          <NavLink to="/">{t('nav.dashboard')}</NavLink>
          <NavLink to="/search">{t('nav.search')}</NavLink>
          <NavLink to="/submit">{t('nav.submit')}</NavLink>
          <NavLink to="/incidents">{t('nav.incidents')}</NavLink>
          {receivesPackages(state.user) && <NavLink to="/packages">{t('nav.packages')}</NavLink>}
          {isAdmin(state.user) && <NavLink to="/admin">{t('nav.admin')}</NavLink>}
        </nav>
      )}
      <div className="header-tools">
        <LanguageSwitch />
        {state.status === 'signed-in' && (
          <>
            <span className="whoami">
              {t('nav.signedInAs', { user: state.user.username, org: state.user.org.name })}
            </span>
            <button
              type="button"
              onClick={async () => {
                await logout().catch(() => undefined);
                navigate('/');
              }}
            >
              {t('nav.signOut')}
            </button>
          </>
        )}
      </div>
    </header>
  );
}

function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeading title={t('notFound.title')}>{t('notFound.title')}</PageHeading>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/">{t('nav.dashboard')}</Link>
      </p>
    </>
  );
}

function Page() {
  const { state } = useSession();
  const { path, navigate } = useLocation();
  useEffect(() => {
    if (state.status === 'signed-in' && path === '/login') navigate('/', { replace: true });
  }, [state.status, path, navigate]);
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'anonymous') return <LoginPage />;
  if (path === '/' || path === '/login') return <DashboardPage />;
  if (path === '/search') return <SearchPage />;
  if (path === '/submit') return <SubmitPage />;
  if (path === '/admin') return <AdminPage />;
  if (path === '/incidents') return <IncidentListPage />;
  if (path === '/incidents/new') return <IncidentReportPage />;
  if (path === '/packages') return <PackagesPage />;
  const incident = matchPath('/incidents/:id', path);
  if (incident?.id) return <IncidentPage key={incident.id} id={incident.id} />;
  const object = matchPath('/objects/:id', path);
  if (object?.id) return <ObjectPage key={object.id} id={object.id} />;
  return <NotFoundPage />;
}

function Shell() {
  const { t } = useI18n();
  const { path } = useLocation();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <Page key={path} />
      </main>
      <footer className="site-footer">
        <p>{t('footer.text')}</p>
      </footer>
    </>
  );
}

export function App() {
  return (
    <I18nProvider>
      <RouterProvider>
        <SessionProvider>
          <Shell />
        </SessionProvider>
      </RouterProvider>
    </I18nProvider>
  );
}
