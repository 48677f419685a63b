// Builds a PlanContext over a temp tree for hook tests.

import { ProblemList } from '../../../src/config/problems.ts';
import type { PlanContext } from '../../../src/hooks/hook.ts';
import { resolveIdentity, resolveUnprivileged } from '../../../src/identity/resolve.ts';
import { parseDb } from '../../../src/system/colon-db.ts';
import { readFs } from '../../../src/system/read-fs.ts';
import { configFrom, fixture, testdir } from '../helpers.ts';

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
  const fs = readFs(root);
  const config = configFrom(env);
  const input = { config, passwd: parseDb('passwd', fs.readText('/etc/passwd')!), group: parseDb('group', fs.readText('/etc/group')!), wanted: [], keep: [] };
  const problems = new ProblemList();
  const identity = privileged
    ? resolveIdentity(input, problems)
    : resolveUnprivileged(input, { uid: 1010, gid: 0, groups: [0], exists: (p) => fs.lstat(p).kind !== 'missing' }, problems);
  if (!identity) throw new Error(JSON.stringify(problems.items));
  return { fs, env, config, identity, privileged, cwd };
}
