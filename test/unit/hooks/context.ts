// Builds a PlanContext over a temp tree for hook tests.

import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { ProblemList } from '../../../src/config/problems.ts';
import type { Facts } from '../../../src/facts.ts';
import { parseStatus } from '../../../src/system/capabilities.ts';
import { parseMountinfo } from '../../../src/system/mounts.ts';
import type { ReadFs } from '../../../src/system/read-fs.ts';
import type { PlanContext } from '../../../src/hooks/hook.ts';
import { resolveIdentity, resolveUnprivileged } from '../../../src/identity/resolve.ts';
import { parseDb } from '../../../src/system/colon-db.ts';
import { readFs } from '../../../src/system/read-fs.ts';
import { configFrom, fixture, testdir } from '../helpers.ts';

/** The facts of a start, from /proc/self/status and /proc/self/mountinfo planted in the tree (absent: all capabilities, mounts unknown). */
export function testFacts(fs: ReadFs, over: Partial<Facts> = {}): Facts {
  const status = fs.readText('/proc/self/status');
  const mountinfo = fs.readText('/proc/self/mountinfo');
  return {
    euid: 0, uid: 0, gid: 0, groups: [], cwd: '/', nonce: '0123456789abcdef',
    status: status === undefined ? { noNewPrivs: false } : parseStatus(status),
    mounts: mountinfo === undefined ? undefined : parseMountinfo(mountinfo),
    proc: { cgroup: fs.readText('/proc/self/cgroup'), status },
    ...over,
  };
}

/** A root with the docker-stacks account files plus `files`, and the context of a root start. */
export function rootContext(env: Record<string, string>, files: Record<string, string> = {}, cwd = '/home/jovyan', privileged = true): PlanContext {
  const root = testdir({
    'etc/passwd': fixture('docker-stacks-foundation/passwd'),
    'etc/group': fixture('docker-stacks-foundation/group'),
    'etc/shadow': fixture('docker-stacks-foundation/shadow'),
    'etc/gshadow': fixture('docker-stacks-foundation/gshadow'),
    'home/jovyan/': '',
    ...files,
  });
  // As the image has them (the accounts hook rewrites account files with any other mode or owner).
  for (const f of ['etc/shadow', 'etc/gshadow']) {
    if (nodeFs.existsSync(path.join(root, f)) && process.getuid?.() === 0) {
      nodeFs.chmodSync(path.join(root, f), 0o640);
      nodeFs.chownSync(path.join(root, f), 0, 42);
    }
  }
  const fs = readFs(root);
  const config = configFrom(env);
  const input = { config, passwd: parseDb('passwd', fs.readText('/etc/passwd')!), group: parseDb('group', fs.readText('/etc/group')!), wanted: [], keep: [] };
  const problems = new ProblemList();
  const identity = privileged
    ? resolveIdentity(input, problems)
    : resolveUnprivileged(input, { uid: 1010, gid: 0, groups: [0], exists: (p) => fs.lstat(p).kind !== 'missing' }, problems);
  if (!identity) throw new Error(JSON.stringify(problems.items));
  const facts = testFacts(fs, privileged ? {} : { euid: 1010, uid: 1010, gid: 0, groups: [0] });
  return { fs, facts, env, config, identity, privileged, cwd };
}
