// Faults during start-up, in real containers: a full /etc, kill -9 at random moments, temp files a
// killed start left behind, and SIGTERM/SIGINT while a hook runs. Nothing may be left half-written.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FOUNDATION } from './lib/images.ts';
import { podman, podmanOk, run, show } from './lib/podman.ts';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-e2e-faults-'));
fs.chmodSync(base, 0o755);
after(() => fs.rmSync(base, { recursive: true, force: true }));

/** 5,000 groups to mirror: /etc/group grows by ~100 KB, so its write takes a while and needs room. */
const MANY_GROUPS = Array.from({ length: 5000 }, (_, i) => `g${i}:${50000 + i}`).join(',');
const ALICE = { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020', NBSTART_GROUPS: MANY_GROUPS };
/** Account files and the listing of /etc, to compare before and after. */
const HASH = 'h() { cat /etc/passwd /etc/group /etc/shadow /etc/gshadow | sha256sum; ls -A /etc /etc/sudoers.d | sha256sum; }';

test('a full /etc: exit 1 naming the disk, and every account file byte-identical, no temp file left', () => {
  // /etc is a 4 MiB tmpfs holding the image's files (podman copies them up); a filler leaves ~16 KiB.
  const script = [
    HASH,
    'avail=$(df -k --output=avail /etc | tail -1)',
    'dd if=/dev/zero of=/etc/.filler bs=1k count=$((avail - 16)) 2>/dev/null',
    'a=$(h)', '/usr/local/bin/nbstart id; rc=$?', 'b=$(h)',
    'echo "rc=$rc same=$([ "$a" = "$b" ] && echo yes || echo no) temps=$(ls -A /etc | grep -c nbstart-tmp)"',
  ].join('\n');
  const r = run({ image: FOUNDATION, user: '0:0', env: { ...ALICE, GRANT_SUDO: 'yes' }, extra: ['--tmpfs', '/etc:rw,size=4m', '--entrypoint', 'sh'], command: ['-c', script] });
  assert.equal(r.stdout, 'rc=1 same=yes temps=0\n', show(r));
  assert.match(r.stderr, /hook accounts: write \/etc\/group: .*no space left on device.*\(nothing written: \/etc\/passwd, \/etc\/group, \/etc\/shadow, \/etc\/gshadow, \/etc\/nbstart-user are as they were\)/, show(r));
});

test('kill -9 at random moments: passwd, group and sudoers are each either fully old or fully new; the next start leaves no temp file', () => {
  // One container, one bash loop: the old files are put back before each start, which is killed
  // after a random delay spread over a whole start's duration (measured first).
  const script = String.raw`
set -u
${HASH}
mkdir -p /root/old /root/new
cp -p /etc/passwd /etc/group /etc/shadow /etc/gshadow /root/old/
restore() {
  for f in passwd group shadow gshadow; do cat /root/old/$f > /etc/$f; done
  rm -f /etc/sudoers.d/nbstart; rm -rf /home/alice /home/.alice.nbstart-tmp
}
t0=$(date +%s%N); NBSTART_LOG_FORMAT=json /usr/local/bin/nbstart true 2>/tmp/log; t1=$(date +%s%N)
full=$(( (t1 - t0) / 1000000 ))
# When the first write landed, from its log line's time: half of the kills aim around it.
wrote=$(( $(grep -m1 '"msg":"wrote /etc/' /tmp/log | sed 's/.*"time":\([0-9]*\).*/\1/') - t0 / 1000000 ))
cp /etc/passwd /etc/group /root/new/; cp /etc/sudoers.d/nbstart /root/new/sudoers
state() { if [ ! -e "$1" ]; then echo none; elif cmp -s "$1" "$2"; then echo old; elif cmp -s "$1" "$3"; then echo new; else echo BAD; fi; }
for i in $(seq 1 30); do
  restore
  if [ $((i % 2)) = 0 ]; then d=$(( RANDOM % (full * 12 / 10 + 1) )); else d=$(( wrote - 40 + RANDOM % 45 )); [ $d -lt 0 ] && d=0; fi
  /usr/local/bin/nbstart true 2>/dev/null & p=$!
  sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
  kill -9 $p 2>/dev/null; wait $p 2>/dev/null
  echo "passwd $(state /etc/passwd /root/old/passwd /root/new/passwd)"
  echo "group $(state /etc/group /root/old/group /root/new/group)"
  s=$(state /etc/sudoers.d/nbstart /dev/null /root/new/sudoers); [ "$s" = none ] && s=old; echo "sudoers $s"
done
/usr/local/bin/nbstart true 2>/dev/null
echo "final passwd $(state /etc/passwd /root/old/passwd /root/new/passwd) temps $(ls -A /etc /etc/sudoers.d | grep -c nbstart-tmp)"
echo "full=$full wrote=$wrote"
`;
  const r = run({ image: FOUNDATION, user: 'root', env: { ...ALICE, GRANT_SUDO: 'yes' }, extra: ['--entrypoint', 'bash'], command: ['-c', script] });
  assert.equal(r.code, 0, show(r));
  const lines = r.stdout.trim().split('\n');
  const count = (re: RegExp): number => lines.filter((l) => re.test(l)).length;
  assert.equal(count(/^(passwd|group|sudoers) (old|new)$/), 90, show(r));
  assert.equal(count(/BAD/), 0, show(r));
  // The kills landed on both sides of the writes, so the property was tested where it matters.
  assert.ok(count(/^passwd old$/) > 0 && count(/^passwd new$/) > 0, show(r));
  assert.match(r.stdout, /^final passwd new temps 0$/m, show(r));
});

test('temp files a killed start left are removed at the next start, even when nothing needs writing', () => {
  const plant = 'for f in /etc/.passwd.nbstart-tmp /etc/.group.nbstart-tmp /etc/.shadow.nbstart-tmp /etc/sudoers.d/.nbstart.nbstart-tmp; do printf half > $f; done';
  const r = run({ image: FOUNDATION, user: 'root', extra: ['--entrypoint', 'sh'],
    command: ['-c', `${plant}; ${HASH}; a=$(cat /etc/passwd /etc/group | sha256sum); /usr/local/bin/nbstart true; echo "temps=$(ls -A /etc /etc/sudoers.d | grep -c nbstart-tmp) same=$([ "$a" = "$(cat /etc/passwd /etc/group | sha256sum)" ] && echo yes || echo no)"`] });
  assert.equal(r.stdout, 'temps=0 same=yes\n', show(r));
  for (const f of ['/etc/.passwd.nbstart-tmp', '/etc/.group.nbstart-tmp', '/etc/.shadow.nbstart-tmp', '/etc/sudoers.d/.nbstart.nbstart-tmp']) {
    assert.match(r.stderr, new RegExp(`removed ${f.replaceAll('.', '\\.')}`), show(r));
  }
  assert.doesNotMatch(r.stderr, /wrote /, show(r));
});

/** A hook directory holding one script that says it started, then sleeps in a child process. */
function sleepyHooks(name: string, file: string): string {
  const dir = path.join(base, name);
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, file), '#!/bin/sh\necho hook-started\nsleep 301\necho not-reached\n', { mode: 0o755 });
  return dir;
}

/** Polls `probe` every 100 ms, at most `tries` times. */
async function waitUntil(probe: () => boolean, tries: number, what: string): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const [signal, code] of [['TERM', 143], ['INT', 130]] as const) {
  test(`SIGINT/TERM through tini -g while a before-notebook.d hook runs: SIG${signal} ends start-up with ${code} within 5 s`, async () => {
    const dir = sleepyHooks(`tini-${signal}`, '10-sleep');
    const name = `nbstart-faults-${signal}-${process.pid}`;
    podmanOk(['run', '-d', '--pull=never', '--network', 'none', '--name', name, '--user', 'root', '-e', 'NB_UID=1010',
      '-v', `${dir}:/usr/local/bin/before-notebook.d:ro`, FOUNDATION, 'echo', 'command-ran']);
    try {
      await waitUntil(() => podman(['logs', name]).stdout.includes('hook-started'), 100, 'the hook to start'); // scripts write to the container's stdout, as with start.sh
      const t0 = Date.now();
      podmanOk(['kill', '--signal', signal, name]);
      const waited = podmanOk(['wait', name], { timeoutMs: 30_000 });
      const ms = Date.now() - t0;
      const logs = podman(['logs', name]);
      assert.equal(waited.stdout.trim(), String(code), `${logs.stdout}\n${logs.stderr}`);
      assert.ok(ms < 5000, `took ${ms} ms`);
      assert.doesNotMatch(logs.stdout + logs.stderr, /not-reached|command-ran/);
    } finally {
      podman(['rm', '-f', '-t', '0', name]);
    }
  });
}

for (const [signal, code, file] of [['TERM', 143, '10-sleep.sh'], ['INT', 130, '10-sleep']] as const) {
  test(`kill -${signal} of nbstart itself during a start-notebook.d hook (${file.endsWith('.sh') ? 'sourced' : 'executed'}): exit ${code} within 5 s, the hook's children gone, /etc untouched`, async () => {
    const dir = sleepyHooks(`direct-${signal}`, file);
    const name = `nbstart-faults-direct-${signal}-${process.pid}`;
    // tini as PID 1 reaps whatever is orphaned, so a leftover `sleep 301` would be a live process, not a zombie.
    podmanOk(['run', '-d', '--pull=never', '--network', 'none', '--name', name, '--user', 'root', '-e', 'NB_USER=alice', '-e', 'NB_UID=1010',
      '-v', `${dir}:/usr/local/bin/start-notebook.d:ro`, '--entrypoint', 'tini', FOUNDATION, '--', 'sleep', '600']);
    try {
      const script = String.raw`
${HASH}
a=$(h)
/usr/local/bin/nbstart echo command-ran >/tmp/nbstart.log 2>&1 & p=$!
for i in $(seq 100); do grep -q hook-started /tmp/nbstart.log && break; sleep 0.1; done
t0=$(date +%s%N); kill -${signal} $p; wait $p; rc=$?; t1=$(date +%s%N)
sleep 0.3
left=0; for f in /proc/[0-9]*/cmdline; do [ "$(tr '\0' ' ' < "$f" 2>/dev/null)" = "sleep 301 " ] && left=$((left + 1)); done
b=$(h)
echo "rc=$rc fast=$([ $(( (t1 - t0) / 1000000 )) -lt 5000 ] && echo yes || echo no) left=$left same=$([ "$a" = "$b" ] && echo yes || echo no)"
cat /tmp/nbstart.log >&2`;
      const r = podman(['exec', name, 'bash', '-c', script], { timeoutMs: 60_000 });
      assert.equal(r.stdout, `rc=${code} fast=yes left=0 same=yes\n`, show(r));
      assert.match(r.stderr, /hook-started/, show(r));
    } finally {
      podman(['rm', '-f', '-t', '0', name]);
    }
  });
}
