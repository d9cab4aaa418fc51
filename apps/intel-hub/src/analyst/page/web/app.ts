// The analysts' page: log-in, the justification bar, and the screens behind hash routes.
import { onAuthProblems } from './api.js';
import { renderAlerts } from './alerts.js';
import { renderAudit } from './audit.js';
import { completeOidcReturn, renderLogin } from './auth.js';
import { byId, h, fill } from './dom.js';
import { renderDossier } from './dossier.js';
import { renderExplanation } from './explain.js';
import { justificationNeeded, mountJustificationBar } from './justify.js';
import { renderNetwork } from './network.js';
import { jwtExpiry } from './pkce.js';
import { problemText } from './problem.js';
import { renderReview } from './review.js';
import { href, parseRoute } from './router.js';
import { renderSearch } from './search.js';
import { session } from './session.js';
import { errorBox, heading } from './ui.js';

const main = byId('view');
const nav = byId('nav');
const who = byId('who');
const live = byId('live');
let cleanup: (() => void) | undefined;

function announce(text: string): void {
  live.textContent = '';
  live.textContent = text;
}

function renderHeader(): void {
  const me = session.me;
  if (!me) {
    fill(who);
    fill(nav);
    return;
  }
  fill(
    who,
    h('span', { class: 'who-name' }, me.name),
    h('span', { class: 'who-meta' }, ` ${me.forceName} (${me.force}) · ${me.roles.join(', ')}`),
    h(
      'button',
      { class: 'link', attrs: { type: 'button' }, on: { click: () => logout() } },
      'Log out',
    ),
  );
  const links: [string, string][] = [];
  if (session.hasRole('analyst'))
    links.push(['search', 'Search'], ['review', 'Review'], ['alerts', 'Alerts']);
  if (session.hasRole('auditor')) links.push(['audit', 'Audit']);
  const current = parseRoute(location.hash).name || defaultRoute();
  fill(
    nav,
    h(
      'ul',
      {},
      ...links.map(([name, label]) =>
        h(
          'li',
          {},
          h(
            'a',
            { attrs: { href: href(name), 'aria-current': name === current ? 'page' : undefined } },
            label,
          ),
        ),
      ),
    ),
  );
}

function defaultRoute(): string {
  return session.hasRole('analyst') ? 'search' : session.hasRole('auditor') ? 'audit' : 'search';
}

function logout(): void {
  session.logout();
  location.hash = '';
  void route();
}

async function route(): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  // A dialog (an export's justification) belongs to the screen it was opened on.
  document.querySelectorAll('dialog').forEach((d) => d.close());
  const exp = session.token ? jwtExpiry(session.token) : undefined;
  const expired = exp !== undefined && exp <= Date.now();
  if (expired) session.logout();
  renderHeader();
  if (!session.token || !session.me) {
    const message = expired ? 'Your session has ended. Log in again.' : undefined;
    await renderLogin(
      main,
      () => {
        renderHeader();
        location.hash = href(defaultRoute());
        void route();
      },
      message,
    );
    return;
  }
  const r = parseRoute(location.hash);
  try {
    switch (r.name || defaultRoute()) {
      case 'search':
        renderSearch(main);
        break;
      case 'person':
        await renderDossier(main, r.args[0] ?? '');
        break;
      case 'explain':
        await renderExplanation(main, r.query.get('a') ?? '', r.query.get('b') ?? '');
        break;
      case 'network':
        cleanup = await renderNetwork(main, r.args[0] ?? '');
        break;
      case 'review':
        cleanup = await renderReview(main);
        break;
      case 'alerts':
        await renderAlerts(main);
        break;
      case 'audit':
        renderAudit(main);
        break;
      default:
        fill(
          main,
          heading('Not found'),
          h(
            'p',
            {},
            'No such screen. ',
            h('a', { attrs: { href: href(defaultRoute()) } }, 'Start again'),
          ),
        );
    }
  } catch (err) {
    fill(main, heading('Error'), errorBox(err));
  }
  main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
}

onAuthProblems({
  unauthorised: (p) => {
    session.logout();
    void renderLogin(
      main,
      () => void route(),
      `Your session ended (${problemText(p)}). Log in again.`,
    );
    renderHeader();
  },
  justificationNeeded: (p) => {
    justificationNeeded();
    announce(problemText(p));
  },
});

async function boot(): Promise<void> {
  mountJustificationBar(byId('justification'));
  try {
    if (await completeOidcReturn()) location.hash = href(defaultRoute());
  } catch (err) {
    fill(main, heading('Log in'), errorBox(err));
    return;
  }
  window.addEventListener('hashchange', () => void route());
  await route();
}

void boot();
