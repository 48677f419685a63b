import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { DROP_IN, identityFileArg, includeProblem, KNOWN_HOSTS, ssh } from '../../../src/hooks/ssh.ts';
import type { PlanContext } from '../../../src/hooks/hook.ts';
import { createLogger } from '../../../src/log.ts';
import { planHooks, type Planned } from '../../../src/pipeline.ts';
import { apply } from '../../../src/plan/apply.ts';
import type { Op } from '../../../src/plan/ops.ts';
import { configFrom, fileWrites, fixture } from '../helpers.ts';
import { rootContext } from './context.ts';

const ED = fixture('ssh/ssh_host_ed25519_key.pub').trim().split(' ').slice(0, 2).join(' ');
const ECDSA = fixture('ssh/ssh_host_ecdsa_key.pub').trim().split(' ').slice(0, 2).join(' ');
const SSH_CONFIG = fixture('debian-bookworm/ssh_config');
const ALICE = { NB_USER: 'alice', NB_UID: '1010' };

const INI = `[ssh.gitlab]
hostname = 127.0.0.1
port = 2222
host_key[] = ${ED}
host_key[] = ${ECDSA}
identity_file = /keys/{user}/id_ed25519
[ssh.github]
host = gh
hostname = github.com
host_key = ${ED}
identity_file = ~/.ssh/id_github
`;

/** A root start of alice over a Debian-like /etc/ssh plus `files`, configured by `ini`. */
function context(ini: string | undefined, files: Record<string, string> = {}, privileged = true): PlanContext {
  const base = { 'etc/ssh/ssh_config': SSH_CONFIG, 'etc/ssh/ssh_config.d/': '', 'keys/alice/id_ed25519': 'private key' };
  const ctx = rootContext(ALICE, { ...base, ...files }, '/home/jovyan', privileged);
  return { ...ctx, config: configFrom(ALICE, ini) };
}

/** Applies ops to the context's temp tree, as the executor does in a container. */
async function applyTo(ctx: PlanContext, ops: readonly Op[]): Promise<void> {
  await apply(ops, { root: ctx.fs.root, state: { env: {}, cwd: '/' }, log: createLogger('silent', 'json'), scripts: { timeoutMs: 0, onFailure: () => 'continue' } });
}

const writes = (ops: readonly Op[]): Record<string, string> =>
  Object.fromEntries(fileWrites(ops).map((f) => [f.path, f.content]));

test('writes both system files: known_hosts in [host]:port form, a Host block per section', async () => {
  const plan = await ssh.plan(context(INI));
  assert.deepEqual(plan.notes, []);
  assert.deepEqual(plan.ops.map((o) => o.kind), ['write-files', 'write-files']);
  assert.deepEqual(fileWrites(plan.ops).map((f) => f.path), [KNOWN_HOSTS, DROP_IN]);
  for (const f of fileWrites(plan.ops)) assert.deepEqual([f.mode, f.uid, f.gid], [0o644, 0, 0]);
  const w = writes(plan.ops);
  assert.equal(w[KNOWN_HOSTS]!.split('\n').filter((l) => !l.startsWith('#')).join('\n'), [
    `gh,github.com ${ED}`,
    `[gitlab]:2222,[127.0.0.1]:2222 ${ED}`,
    `[gitlab]:2222,[127.0.0.1]:2222 ${ECDSA}`,
    '',
  ].join('\n'));
  assert.match(w[KNOWN_HOSTS]!, /^# nbstart begin: /);
  assert.match(w[KNOWN_HOSTS]!, /\n# nbstart end\n$/);
  const conf = w[DROP_IN]!;
  assert.match(conf, /\n# \[ssh\.gitlab\]\nHost gitlab 127\.0\.0\.1\n {4}HostName 127\.0\.0\.1\n {4}Port 2222\n {4}User git\n {4}IdentityFile "\/keys\/alice\/id_ed25519"\n {4}IdentitiesOnly yes\n {4}StrictHostKeyChecking yes\n {4}UserKnownHostsFile \/dev\/null\n {4}GlobalKnownHostsFile \/etc\/ssh\/ssh_known_hosts\n/);
  assert.match(conf, /\nHost gh github\.com\n {4}HostName github\.com\n {4}Port 22\n {4}User git\n {4}IdentityFile "~\/\.ssh\/id_github"\n/);
});

test('nothing goes into the home: no op touches anything outside /etc/ssh', async () => {
  const plan = await ssh.plan(context(INI));
  for (const o of plan.ops) assert.ok(o.kind === 'write-files', JSON.stringify(o));
  for (const f of fileWrites(plan.ops)) assert.ok(f.path.startsWith('/etc/ssh/'), f.path);
});

test('other lines of an existing known_hosts stay byte for byte; a second run changes nothing', async () => {
  const admin = '# site\n|1|abc=|def= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\nlocal ssh-rsa AAAA'; // no final newline
  const ctx = context(INI, { 'etc/ssh/ssh_known_hosts': admin });
  const first = await ssh.plan(ctx);
  const kh = writes(first.ops)[KNOWN_HOSTS]!;
  assert.ok(kh.startsWith(`${admin}\n# nbstart begin`), kh);
  await applyTo(ctx, first.ops);
  assert.deepEqual((await ssh.plan(ctx)).ops, [], 'converged');
  // The ini loses its sections: the block and the drop-in go, the admin's lines remain.
  const gone = { ...ctx, config: configFrom(ALICE, '[user]\nname = alice\n') };
  const third = await ssh.plan(gone);
  assert.deepEqual(third.ops.map((o) => o.kind), ['write-files', 'remove']);
  await applyTo(gone, third.ops);
  assert.equal(fs.readFileSync(ctx.fs.real(KNOWN_HOSTS), 'utf8'), `${admin}\n`, 'only the newline that had to be added stays');
  assert.equal(fs.existsSync(ctx.fs.real(DROP_IN)), false);
  assert.deepEqual((await ssh.plan(gone)).ops, []);
});

test('a known_hosts nbstart created is removed again when the sections go', async () => {
  const ctx = context(INI);
  await applyTo(ctx, (await ssh.plan(ctx)).ops);
  const gone = { ...ctx, config: configFrom(ALICE) };
  assert.deepEqual((await ssh.plan(gone)).ops.map((o) => [o.kind, 'path' in o ? o.path : '']), [['remove', KNOWN_HOSTS], ['remove', DROP_IN]]);
});

test('no [ssh.*] sections and no earlier files: nothing to do', async () => {
  assert.deepEqual(await ssh.plan(context(undefined)), { ops: [], notes: [] });
  assert.deepEqual(await ssh.plan(context(undefined, { 'etc/ssh/ssh_known_hosts': 'x ssh-rsa AAAA\n' })), { ops: [], notes: [] });
});

test('a hand-broken nbstart block stops the hook before anything is written', async () => {
  await assert.rejects(ssh.plan(context(INI, { 'etc/ssh/ssh_known_hosts': 'a\n# nbstart begin\nstale\n' })),
    /\/etc\/ssh\/ssh_known_hosts line 2: "# nbstart begin" has no "# nbstart end" after it; remove nbstart's lines from it by hand/);
});

test('missing ssh directories are created root-owned before the files', async () => {
  const ctx = rootContext(ALICE, { 'etc/ssh/': '' });
  const plan = await ssh.plan({ ...ctx, config: configFrom(ALICE, INI) });
  assert.deepEqual(plan.ops.map((o) => [o.kind, 'path' in o ? o.path : '']).slice(0, 1), [['mkdir', '/etc/ssh/ssh_config.d']]);
  assert.match(plan.notes[0]!.msg, /\/etc\/ssh\/ssh_config is missing \(is openssh-client installed\?\)/);
});

test('the image\'s ssh_config must include ssh_config.d/*.conf before any Host block (warning otherwise)', () => {
  assert.equal(includeProblem(SSH_CONFIG), undefined);
  assert.equal(includeProblem('Include ssh_config.d/*\n'), undefined);
  assert.equal(includeProblem('include="/etc/ssh/ssh_config.d/*.conf"\n'), undefined);
  assert.match(includeProblem('Host *\n  StrictHostKeyChecking no\nInclude /etc/ssh/ssh_config.d/*.conf\n')!, /on line 3, after the Host\/Match line 1, so options set there win/);
  assert.match(includeProblem('Host *\n  SendEnv LANG\n')!, /has no "Include \/etc\/ssh\/ssh_config\.d\/\*\.conf", so ssh will not read/);
  assert.match(includeProblem('Include /etc/ssh/other.d/*.conf\n')!, /has no "Include/);
});

test('an image without the Include gets a precise warning and the files anyway', async () => {
  const plan = await ssh.plan(context(INI, { 'etc/ssh/ssh_config': 'Host *\n    SendEnv LANG LC_*\n' }));
  assert.equal(plan.ops.length, 2);
  assert.deepEqual(plan.notes.map((n) => n.level), ['warn']);
  assert.match(plan.notes[0]!.msg, /the \[ssh\.\*\] aliases will not work \(host keys in \/etc\/ssh\/ssh_known_hosts still apply\)/);
});

test('a missing absolute identity file is a warning; a ~/ one is not looked at (root stays out of homes)', async () => {
  const ctx = rootContext(ALICE, { 'etc/ssh/ssh_config': SSH_CONFIG, 'etc/ssh/ssh_config.d/': '' });
  const plan = await ssh.plan({ ...ctx, config: configFrom(ALICE, INI) });
  assert.deepEqual(plan.notes.map((n) => `${n.level}: ${n.msg}`), [
    'warn: [ssh.gitlab] identity_file /keys/alice/id_ed25519 does not exist: ssh to gitlab has no key to offer until it does',
  ]);
  assert.equal(plan.ops.length, 2, 'the files are written anyway: the key may be mounted later');
});

test('a non-root start configures nothing and says so', async () => {
  const [{ plan }] = await planHooks([ssh], context(INI, {}, false)) as [Planned];
  assert.deepEqual(plan.ops, []);
  assert.match(plan.notes[0]!.msg, /^\[ssh\.\*\] sections are set but the container did not start as root: ssh skipped/);
});

test('two sections on one hostname: only the aliases get Host patterns', async () => {
  const ini = `[ssh.gitlab]\nhostname = git.example.com\nhost_key = ${ED}\n[ssh.gerrit]\nhostname = git.example.com\nport = 29418\nhost_key = ${ED}\n`;
  const plan = await ssh.plan(context(ini));
  const conf = writes(plan.ops)[DROP_IN]!;
  assert.match(conf, /^Host gerrit$/m);
  assert.match(conf, /^Host gitlab$/m);
  assert.equal(plan.notes.length, 2);
  assert.match(writes(plan.ops)[KNOWN_HOSTS]!, /^\[gerrit\]:29418,\[git\.example\.com\]:29418 ssh-ed25519 /m);
  assert.match(writes(plan.ops)[KNOWN_HOSTS]!, /^gitlab,git\.example\.com ssh-ed25519 /m);
});

const hasSsh = spawnSync('ssh', ['-V']).status === 0 && spawnSync('ssh-keygen', ['-?']).error === undefined;

test('OpenSSH reads the files as meant: ssh -G resolves the alias, ssh-keygen -F finds the keys', { skip: !hasSsh && 'ssh not installed' }, async () => {
  const ctx = context(INI);
  await applyTo(ctx, (await ssh.plan(ctx)).ops);
  const g = spawnSync('ssh', ['-G', '-F', ctx.fs.real(DROP_IN), 'gitlab'], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  const opts = new Map(g.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
  assert.equal(opts.get('hostname'), '127.0.0.1');
  assert.equal(opts.get('port'), '2222');
  assert.equal(opts.get('user'), 'git');
  assert.equal(opts.get('identityfile'), '/keys/alice/id_ed25519');
  assert.equal(opts.get('identitiesonly'), 'yes');
  assert.equal(opts.get('stricthostkeychecking'), 'true');
  assert.equal(opts.get('userknownhostsfile'), '/dev/null');
  assert.equal(opts.get('globalknownhostsfile'), '/etc/ssh/ssh_known_hosts');
  const byIp = spawnSync('ssh', ['-G', '-F', ctx.fs.real(DROP_IN), 'git@127.0.0.1'], { encoding: 'utf8' });
  assert.match(byIp.stdout, /^port 2222$/m, 'the hostname gets the settings too');
  const kh = ctx.fs.real(KNOWN_HOSTS);
  for (const name of ['[127.0.0.1]:2222', '[gitlab]:2222', 'github.com', 'gh']) {
    const f = spawnSync('ssh-keygen', ['-F', name, '-f', kh], { encoding: 'utf8' });
    assert.equal(f.status, 0, `${name} not found in\n${fs.readFileSync(kh, 'utf8')}`);
  }
  assert.notEqual(spawnSync('ssh-keygen', ['-F', '127.0.0.1', '-f', kh]).status, 0, 'port 22 of that host is not vouched for');
});

test('identity file: {user} is the person, ~ is left to ssh, % is escaped for ssh_config', () => {
  assert.equal(identityFileArg('/keys/{user}/id', 'alice'), '"/keys/alice/id"');
  assert.equal(identityFileArg('~/.ssh/{user}', 'a%b'), '"~/.ssh/a%%b"');
  assert.throws(() => identityFileArg('/keys/{user}', 'a"b'), /cannot be written to ssh_config/);
});

test('temp files an interrupted start left in /etc/ssh are removed, with or without [ssh.*] sections', async () => {
  const files = { 'etc/ssh/.ssh_known_hosts.nbstart-tmp': 'half', 'etc/ssh/ssh_config.d/.nbstart.conf.nbstart-tmp': 'half' };
  for (const ini of [undefined, INI]) {
    const plan = await ssh.plan(context(ini, files));
    const removed = plan.ops.filter((o) => o.kind === 'remove').map((o) => ('path' in o ? o.path : ''));
    assert.deepEqual(removed, ['/etc/ssh/.ssh_known_hosts.nbstart-tmp', '/etc/ssh/ssh_config.d/.nbstart.conf.nbstart-tmp']);
  }
});
