import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { formatProblem } from '../../../src/config/problems.ts';
import { fixture, testdir } from '../helpers.ts';

const ED = fixture('ssh/ssh_host_ed25519_key.pub').trim();
const RSA = fixture('ssh/ssh_host_rsa_key.pub').trim();
const ED_PLAIN = ED.split(' ').slice(0, 2).join(' ');
const RSA_PLAIN = RSA.split(' ').slice(0, 2).join(' ');

/** Loads an ini as a run-time start would (unknown keys elsewhere are warnings). */
function load(ini: string, strict = false) {
  return loadConfig({ env: {}, flags: {}, strict, root: testdir({ 'etc/nbstart/nbstart.ini': ini }) });
}

/** The one-line error texts. */
function errors(ini: string, strict = false): string[] {
  return load(ini, strict).problems.errors.map(formatProblem);
}

test('a full section becomes a typed server; several host keys come as host_key[] lines', () => {
  const { config, problems } = load(`[ssh.gitlab]
host = gl
hostname = git.example.com
port = 2222
user = gitlab
host_key[] = ${ED}
host_key[] = ${RSA_PLAIN}
identity_file = /keys/{user}/id_ed25519
`);
  assert.deepEqual(problems.items, []);
  assert.deepEqual(config.ssh, [{
    name: 'gitlab', host: 'gl', hostname: 'git.example.com', port: 2222, user: 'gitlab',
    hostKeys: [{ type: 'ssh-ed25519', base64: ED.split(' ')[1] }, { type: 'ssh-rsa', base64: RSA.split(' ')[1] }],
    identityFile: '/keys/{user}/id_ed25519',
  }]);
});

test('defaults: host is NAME, hostname is the host, port 22, user git, no identity file; sections sorted', () => {
  const { config, problems } = load(`[ssh.zeta]\nhost_key = ${ED_PLAIN}\n[ssh.alpha]\nhostname = 10.0.0.5\nhost_key = ${ED_PLAIN}\n`);
  assert.deepEqual(problems.items, []);
  assert.deepEqual(config.ssh.map((s) => [s.name, s.host, s.hostname, s.port, s.user, s.identityFile]), [
    ['alpha', 'alpha', '10.0.0.5', 22, 'git', undefined],
    ['zeta', 'zeta', 'zeta', 22, 'git', undefined],
  ]);
  assert.deepEqual(load('[user]\nname = alice\n').config.ssh, []);
});

test('a malformed host key: one line naming section, key, value and fix; no server at all', () => {
  const truncated = ED_PLAIN.slice(0, -10);
  const { config, problems } = load(`[ssh.a]\nhost_key = ${ED_PLAIN}\n[ssh.gitlab]\nhostname = 127.0.0.1\nport = 2222\nhost_key = ${truncated}\n`);
  const lines = problems.errors.map(formatProblem);
  assert.deepEqual(lines, [
    `[ssh.gitlab] host_key in /etc/nbstart/nbstart.ini: has a base64 key of 58 characters, not a multiple of 4 (cut short when copied?), got "${truncated}"; ` +
      'fix: give the server\'s key as host_key = <type> <base64>, as printed by ssh-keyscan -p 2222 127.0.0.1 (without the host name in front)',
  ]);
  assert.deepEqual(config.ssh, [], 'the valid [ssh.a] is not configured alone');
});

test('each bad host_key[] line is named by its own value', () => {
  const lines = errors(`[ssh.gitlab]\nhost_key[] = ${ED_PLAIN}\nhost_key[] = ssh-rsa ${ED_PLAIN.split(' ')[1]}\nhost_key[] = ecdsa-sha2-nistp256 !!\n`);
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^\[ssh\.gitlab\] host_key in .*: declares ssh-rsa but the base64 blob holds a ssh-ed25519 key, got "ssh-rsa AAAA/);
  assert.match(lines[1]!, /not valid base64, got "ecdsa-sha2-nistp256 !!"/);
});

test('host_key given twice without [] is an error (the ini format would keep only the last)', () => {
  const lines = errors(`[ssh.gitlab]\nhost_key = ${ED_PLAIN}\nhost_key = ${RSA_PLAIN}\n`);
  assert.deepEqual(lines, [`[ssh.gitlab] host_key in /etc/nbstart/nbstart.ini: is given 2 times and the ini format keeps only the last, got "${ED_PLAIN}"; ` +
    'fix: give it once, or write host_key[] = ... on each line to give several values']);
});

test('a section without host_key is an error naming the missing key', () => {
  assert.deepEqual(errors('[ssh.gitlab]\nhostname = git.example.com\n'), ['[ssh.gitlab] host_key in /etc/nbstart/nbstart.ini: is missing: ' +
    'without it ssh cannot verify the server, got ""; fix: give the server\'s key as host_key = <type> <base64>, as printed by ssh-keyscan git.example.com (without the host name in front)']);
});

test('unknown keys in [ssh.*] are errors even at run time, with a close match; elsewhere warnings', () => {
  const r = load(`[ssh.gitlab]\nhost_key = ${ED_PLAIN}\nhostnmae = git.example.com\n[user]\nnmae = x\n`);
  assert.deepEqual(r.problems.errors.map(formatProblem), [
    '[ssh.gitlab] hostnmae in /etc/nbstart/nbstart.ini: is not a known key (did you mean "hostname"?), got "git.example.com"; ' +
      'fix: use one of host, hostname, port, user, host_key, identity_file',
  ]);
  assert.equal(r.problems.items.filter((p) => p.severity === 'warning').length, 1);
});

test('a dotted NAME is an error that says why', () => {
  assert.match(errors(`[ssh.git.example.com]\nhost_key = ${ED_PLAIN}\n`)[0]!,
    /^\[ssh\.git\.example\.com\] in .*: is not a known section: \[ssh\.\*\] takes one word without dots in place of \*, got "ssh\.git\.example\.com"; fix: rename it, e.g. \[ssh\.gitlab\]$/);
});

test('every other bad value: one line each naming section, key and value', () => {
  const lines = errors(`[ssh.gitlab]
host = git lab
hostname = exa mple.com
port = 70000
user = a:b
host_key = ${ED_PLAIN}
identity_file = keys/{user}
[ssh.two]
host = *
hostname = -bad-.example.com
port = 22x
identity_file = /keys/{name}/id
host_key = ${ED_PLAIN}
[ssh.three]
host = ok
identity_file = /keys/%u/id
host_key = ${ED_PLAIN}
[ssh.four]
host = ok
identity_file = ~/keys/my key
host_key = ${ED_PLAIN}
`);
  for (const l of lines) assert.doesNotMatch(l, /\n/);
  const want = [
    /^\[ssh\.four\] host in .*: is also the alias of \[ssh\.gitlab\]|^\[ssh\.four\] identity_file/,
    /^\[ssh\.gitlab\] host in .*: the host alias may contain only letters, digits, "\.", "_" and "-" .*got "git lab"/,
    /^\[ssh\.gitlab\] hostname in .*: is not a DNS name or an IP address, got "exa mple\.com"/,
    /^\[ssh\.gitlab\] port in .*: expected a port number from 1 to 65535, got "70000"/,
    /^\[ssh\.gitlab\] user in .*: expected a login name .*got "a:b"/,
    /^\[ssh\.gitlab\] identity_file in .*: must be an absolute path or start with ~\/, got "keys\/\{user\}"/,
    /^\[ssh\.three\] identity_file in .*: must not contain "%" .*got "\/keys\/%u\/id"/,
    /^\[ssh\.two\] host in .*: the host alias .*got "\*"/,
    /^\[ssh\.two\] hostname in .*: is not a DNS name or an IP address, got "-bad-\.example\.com"/,
    /^\[ssh\.two\] port in .*: expected a port number/,
    /^\[ssh\.two\] identity_file in .*: uses "\{name\}"; the only placeholder is \{user\}/,
  ];
  for (const re of want) assert.ok(lines.some((l) => re.test(l)), `${re} not in\n${lines.join('\n')}`);
  assert.ok(lines.some((l) => /^\[ssh\.four\] identity_file in .*: may contain only .*got "~\/keys\/my key"/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^\[ssh\.three\] host in .*: is also the alias of \[ssh\.four\]|^\[ssh\.four\] host .*alias of \[ssh\.three\]/.test(l) || /alias of/.test(l)), lines.join('\n'));
});

test('IPv4, IPv6 and DNS hostnames are accepted', () => {
  for (const h of ['127.0.0.1', '::1', 'gitlab.example.com', 'git_host', 'a.b-c.d']) {
    assert.deepEqual(errors(`[ssh.x]\nhostname = ${h}\nhost_key = ${ED_PLAIN}\n`), [], h);
  }
});
