// A stand-in for GitHub's OAuth and REST API on 127.0.0.1: the only fake in the hub tests' chain.
// This machine cannot reach github.com, so the real oauthenticator.GitHubOAuthenticator is pointed
// here with its GitHub Enterprise setting (github_url; the API is then github_url/api/v3). It
// speaks what GitHubOAuthenticator uses, in GitHub's documented shapes:
//   GET  /login/oauth/authorize        the person "signs in": the test names them (login_as=...),
//                                      and the stand-in redirects back with a code, as GitHub does
//   POST /login/oauth/access_token     code -> access token (JSON, Accept: application/json)
//   GET  /api/v3/user                  the person (login, id, email, ...)
//   GET  /api/v3/user/teams            their teams, each with its organization
//   GET  /api/v3/orgs/O/members/U      204 when U is a member of O (allowed_organizations)

import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GithubPerson {
  readonly login: string;
  readonly id: number;
  readonly email?: string;
  readonly teams: readonly { readonly name: string; readonly slug?: string; readonly organization: { readonly login: string; readonly id: number } }[];
}

export interface GithubStandin {
  /** github_url for GitHubOAuthenticator (http://127.0.0.1:PORT). */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every access token handed out, to look for them where they must never be. */
  readonly tokens: readonly string[];
  /** Requests seen, "METHOD path", in order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/** Starts the stand-in with `people` (by login). */
export async function startGithubStandin(people: readonly GithubPerson[]): Promise<GithubStandin> {
  const clientId = `Iv1.${randomBytes(8).toString('hex')}`;
  const clientSecret = randomBytes(20).toString('hex');
  const codes = new Map<string, { person: GithubPerson; redirect: string }>();
  const byToken = new Map<string, GithubPerson>();
  const tokens: string[] = [];
  const requests: string[] = [];
  const find = (login: string | null): GithubPerson | undefined => people.find((p) => p.login.toLowerCase() === login?.toLowerCase());

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://standin');
    requests.push(`${req.method} ${u.pathname}`);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const bearer = (): GithubPerson | undefined => byToken.get((req.headers['authorization'] ?? '').replace(/^(token|bearer) /i, ''));
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.method === 'GET' && u.pathname === '/login/oauth/authorize') {
        const person = find(u.searchParams.get('login_as'));
        const redirect = u.searchParams.get('redirect_uri');
        if (u.searchParams.get('client_id') !== clientId || !redirect) return json(400, { message: 'bad client_id or redirect_uri' });
        if (!person) return json(404, { message: 'no such person (the test signs in with login_as)' });
        const code = randomBytes(10).toString('hex');
        codes.set(code, { person, redirect });
        const back = new URL(redirect);
        back.searchParams.set('code', code);
        back.searchParams.set('state', u.searchParams.get('state') ?? '');
        res.writeHead(302, { Location: back.href });
        return res.end();
      }
      if (req.method === 'POST' && u.pathname === '/login/oauth/access_token') {
        const p = new URLSearchParams(body.trim().startsWith('{') ? Object.entries(JSON.parse(body) as Record<string, string>) : body);
        const grant = codes.get(p.get('code') ?? '');
        if (p.get('client_id') !== clientId || p.get('client_secret') !== clientSecret || !grant) return json(200, { error: 'bad_verification_code' });
        codes.delete(p.get('code')!);
        const token = `gho_${randomBytes(18).toString('hex')}`;
        tokens.push(token);
        byToken.set(token, grant.person);
        return json(200, { access_token: token, token_type: 'bearer', scope: 'read:org' });
      }
      const person = bearer();
      if (u.pathname.startsWith('/api/v3/') && !person) return json(401, { message: 'Bad credentials' });
      if (req.method === 'GET' && u.pathname === '/api/v3/user') {
        return json(200, { login: person!.login, id: person!.id, node_id: `U_${person!.id}`, type: 'User', name: person!.login, email: person!.email ?? null });
      }
      if (req.method === 'GET' && u.pathname === '/api/v3/user/teams') {
        return json(200, person!.teams.map((t, i) => ({ id: 9000 + i, name: t.name, slug: t.slug ?? t.name, organization: { login: t.organization.login, id: t.organization.id, node_id: `O_${t.organization.id}` } })));
      }
      const member = /^\/api\/v3\/orgs\/([^/]+)\/members\/([^/]+)$/.exec(u.pathname);
      if (req.method === 'GET' && member) {
        const who = find(decodeURIComponent(member[2]!));
        const inOrg = who?.teams.some((t) => t.organization.login.toLowerCase() === decodeURIComponent(member[1]!).toLowerCase());
        res.writeHead(inOrg ? 204 : 404);
        return res.end();
      }
      return json(404, { message: 'Not Found (not part of the stand-in)' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, clientId, clientSecret, tokens, requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
