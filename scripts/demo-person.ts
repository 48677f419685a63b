// The demo's person (scripts/demo.ts): the identity file it mounts is what hub/nbstart_hub.py hands
// over, a canonical identity (hub/identity.schema.json). Its own module so that the unit test of the
// identity contract checks it: the demo is not part of `npm test`, and must not drift from the contract.

export const DEMO_PERSON = { name: 'ada', uid: 2001, gid: 2001, groups: [{ name: 'physics', gid: 3000 }, { name: 'hpc-users', gid: 3001 }] } as const;
