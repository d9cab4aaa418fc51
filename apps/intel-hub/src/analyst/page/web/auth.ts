// Logging in. With the development issuer (ANALYST_DEV_ISSUER=true) the page lists the demo
// users and asks the hub's /dev-oidc/token for one's token. With a real issuer, OIDC
// authorization code + PKCE: a redirect to the issuer, back to /analyst/ with ?code&state, the
// code exchanged at the issuer's token endpoint (a public client: no secret in a page).
import { ApiError, get, post } from './api.js';
import { button, h, fill } from './dom.js';
import { authorizeUrl, randomToken, s256, tokenRequestBody } from './pkce.js';
import { session } from './session.js';
import type { AuthConfig, DemoUser, Me } from './types.js';
import { errorBox, heading, loading } from './ui.js';

const PKCE_KEY = 'intel-analyst-pkce';

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

/** The page's own URL without query or hash: the redirect URI registered with the issuer. */
function redirectUri(): string {
  return `${location.origin}${location.pathname}`;
}

async function finishLogin(token: string): Promise<Me> {
  session.setToken(token);
  const me = await get<Me>('/me');
  session.login(token, me);
  return me;
}

function rolesText(u: DemoUser): string {
  return u.roles.join(', ');
}

export async function renderLogin(
  root: HTMLElement,
  onDone: () => void,
  message?: string,
): Promise<void> {
  const box = h('section', { class: 'login', attrs: { 'aria-labelledby': 'login-title' } });
  fill(root, box);
  const title = heading('Log in');
  title.id = 'login-title';
  box.append(title);
  if (message) box.append(h('p', { class: 'notice', attrs: { role: 'status' } }, message));
  const slot = h('div', {}, loading('Asking the hub how to log in'));
  box.append(slot);
  let config: AuthConfig;
  try {
    config = await get<AuthConfig>('/auth-config', { anonymous: true });
  } catch (err) {
    fill(slot, errorBox(err));
    return;
  }
  if (config.dev) {
    fill(
      slot,
      h(
        'p',
        { class: 'warning', attrs: { role: 'note' } },
        'Development issuer: these demo users are for the local stack only. Real deployments log in with the force\u2019s identity provider.',
      ),
      demoUserList(config.demoUsers ?? [], onDone),
    );
    return;
  }
  if (!config.clientId) {
    fill(
      slot,
      errorBox(
        new Error(
          `The hub trusts ${config.issuer} but names no client id for this page (ANALYST_OIDC_CLIENT_ID); ask the administrator.`,
        ),
      ),
    );
    return;
  }
  const clientId = config.clientId;
  fill(
    slot,
    h('p', {}, 'You will be sent to your force\u2019s identity provider and back here.'),
    button(
      'Log in with your force account',
      () => void startOidc(config, clientId).catch((err) => slot.append(errorBox(err))),
      {},
      'primary',
    ),
  );
}

function demoUserList(users: DemoUser[], onDone: () => void): HTMLElement {
  const err = h('div', {});
  const list = h('ul', { class: 'demo-users' });
  for (const u of users) {
    list.append(
      h(
        'li',
        {},
        button(
          `${u.name}`,
          () => {
            fill(err);
            void post<{ access_token: string }>(
              '/dev-oidc/token',
              { sub: u.sub },
              { anonymous: true },
            )
              .then((t) => finishLogin(t.access_token))
              .then(onDone)
              .catch((e: unknown) => fill(err, errorBox(e)));
          },
          { 'data-sub': u.sub },
          'demo-user',
        ),
        h(
          'span',
          { class: 'demo-user-meta' },
          ` ${u.forceName ?? 'force'} (${u.force}) · ${rolesText(u)}`,
        ),
      ),
    );
  }
  return h('div', {}, list, err);
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`The issuer's discovery document answered ${res.status}`);
  return (await res.json()) as Discovery;
}

async function startOidc(config: AuthConfig, clientId: string): Promise<void> {
  const d = await discover(config.issuer);
  const verifier = randomToken();
  const state = randomToken(16);
  const nonce = randomToken(16);
  sessionStorage.setItem(
    PKCE_KEY,
    JSON.stringify({ verifier, state, clientId, tokenEndpoint: d.token_endpoint }),
  );
  location.assign(
    authorizeUrl({
      authorizationEndpoint: d.authorization_endpoint,
      clientId,
      redirectUri: redirectUri(),
      scope: config.scope ?? 'openid profile',
      state,
      nonce,
      codeChallenge: await s256(verifier),
    }),
  );
}

/** Back from the issuer with ?code&state: exchange the code. False when this is no such return. */
export async function completeOidcReturn(): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return false;
  const stored = sessionStorage.getItem(PKCE_KEY);
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', redirectUri() + location.hash);
  if (error)
    throw new Error(
      `The identity provider refused the log-in: ${params.get('error_description') ?? error}`,
    );
  const p = stored
    ? (JSON.parse(stored) as {
        verifier: string;
        state: string;
        clientId: string;
        tokenEndpoint: string;
      })
    : undefined;
  if (!p || p.state !== params.get('state'))
    throw new Error('The log-in answer does not match this page\u2019s request; log in again.');
  const res = await fetch(p.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: tokenRequestBody({
      code: code ?? '',
      redirectUri: redirectUri(),
      clientId: p.clientId,
      codeVerifier: p.verifier,
    }),
  });
  if (!res.ok) throw new Error(`The identity provider's token endpoint answered ${res.status}`);
  // The API expects an access token whose audience is the hub (ANALYST_OIDC_AUDIENCE).
  const t = (await res.json()) as { access_token?: string };
  if (!t.access_token) throw new Error('The identity provider gave no access token');
  await finishLogin(t.access_token);
  return true;
}

export function isUnauthorised(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}
