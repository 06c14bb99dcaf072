// Differential test of one of our KEMs against liboqs (the WebAssembly build in npm
// @oqs/liboqs-js), which none of us wrote.
//
//   node kem_oracle.mjs PEER_PROGRAM ALGORITHM [KEYPAIRS]
//
// PEER_PROGRAM is our kem_peer (see kem_peer.cpp), ALGORITHM a liboqs name known to both.
// For every round, one fresh key pair from each side; for each key pair, a ciphertext from
// each side is opened by the other side and must give the same shared key. A ciphertext
// with one byte changed must give the same (implicit-rejection) key on both sides, and not
// the real one; so must a ciphertext of random bytes, and (where the format allows) a secret
// key whose leading bytes are random.
//
// Exit status: 0 all agree, 1 a disagreement or error, 77 skipped (node_modules missing and
// RP_REQUIRE_ORACLE is not 1; install with `npm ci --prefix tests/oracle`).
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import readline from 'node:readline';

// liboqs-js factory per algorithm, and how many leading secret-key bytes may be arbitrary
// (Kyber's s_hat: any 12-bit values, also >= q, which both sides must treat alike).
const ALGORITHMS = {
  'Kyber512': { factory: 'createKyber512', arbitrarySecretKeyBytes: 768 },
  'Classic-McEliece-460896': { factory: 'createClassicMcEliece460896', arbitrarySecretKeyBytes: 0 },
};

const [peerPath, algorithm, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 100);
if (!peerPath || !(algorithm in ALGORITHMS) || !(rounds > 0)) {
  console.error(`usage: node kem_oracle.mjs PEER_PROGRAM {${Object.keys(ALGORITHMS).join('|')}} [KEYPAIRS]`);
  process.exit(2);
}

let lib;
try {
  lib = await import('@oqs/liboqs-js/kem');
} catch (e) {
  const required = process.env.RP_REQUIRE_ORACLE === '1';
  console.error(`@oqs/liboqs-js is not installed (${e.code ?? e.message}); run: npm ci --prefix tests/oracle` +
    (required ? '' : ' -- skipping (set RP_REQUIRE_ORACLE=1 to make this a failure)'));
  process.exit(required ? 1 : 77);
}
const theirs = await lib[ALGORITHMS[algorithm].factory]();

// Our side: one request line out, one answer line back.
const peer = spawn(peerPath, [algorithm], { stdio: ['pipe', 'pipe', 'inherit'] });
peer.on('error', (e) => {
  console.error(`cannot run ${peerPath}: ${e.message}`);
  process.exit(1);
});
const answers = readline.createInterface({ input: peer.stdout })[Symbol.asyncIterator]();
async function ask(...words) {
  peer.stdin.write(words.join(' ') + '\n');
  const { value, done } = await answers.next();
  if (done) throw new Error(`kem_peer exited during "${words[0]}"`);
  if (value.startsWith('error')) throw new Error(`kem_peer: ${value}`);
  // liboqs-js accepts plain Uint8Arrays only (not Buffers).
  return value.split(' ').map((h) => new Uint8Array(Buffer.from(h, 'hex')));
}
const hex = (b) => Buffer.from(b).toString('hex');

const ours = {
  name: 'ours',
  keypair: async () => { const [pk, sk] = await ask('keypair'); return { pk, sk }; },
  encaps: async (pk) => { const [ct, ss] = await ask('encaps', hex(pk)); return { ct, ss }; },
  decaps: async (ct, sk) => (await ask('decaps', hex(ct), hex(sk)))[0],
};
const liboqs = {
  name: 'liboqs',
  keypair: async () => { const k = theirs.generateKeyPair(); return { pk: k.publicKey, sk: k.secretKey }; },
  encaps: async (pk) => { const r = theirs.encapsulate(pk); return { ct: r.ciphertext, ss: r.sharedSecret }; },
  decaps: async (ct, sk) => theirs.decapsulate(ct, sk),
};

let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures += 1;
    console.error(`MISMATCH: ${what}`);
  }
}

let checks = 0;
try {
  for (let round = 0; round < rounds; ++round) {
    for (const keyOwner of [ours, liboqs]) {
      const { pk, sk } = await keyOwner.keypair();
      for (const [sender, receiver] of [[ours, liboqs], [liboqs, ours]]) {
        const { ct, ss } = await sender.encaps(pk);
        const opened = await receiver.decaps(ct, sk);
        check(hex(opened) === hex(ss),
          `round ${round}: ${keyOwner.name} key pair, ${sender.name} encaps, ${receiver.name} decaps`);
        // Implicit rejection must agree too.
        const bad = new Uint8Array(ct);
        bad[randomInt(bad.length)] ^= 1 << randomInt(8);
        const rejectedBySender = await sender.decaps(bad, sk);
        const rejectedByReceiver = await receiver.decaps(bad, sk);
        check(hex(rejectedBySender) === hex(rejectedByReceiver),
          `round ${round}: modified ciphertext, ${keyOwner.name} key pair: rejection keys differ`);
        check(hex(rejectedByReceiver) !== hex(ss), `round ${round}: modified ciphertext gave the real key`);
        checks += 3;
      }
      // A ciphertext of random bytes: both sides must give the same key.
      const { ct: sample } = await ours.encaps(pk);
      const noise = new Uint8Array(randomBytes(sample.length));
      check(hex(await ours.decaps(noise, sk)) === hex(await liboqs.decaps(noise, sk)),
        `round ${round}: random ciphertext, ${keyOwner.name} key pair: keys differ`);
      checks += 1;
      // A secret key whose arbitrary part is random bytes: decapsulation must still agree.
      const arbitrary = ALGORITHMS[algorithm].arbitrarySecretKeyBytes;
      if (arbitrary > 0) {
        const oddKey = new Uint8Array(sk);
        oddKey.set(randomBytes(arbitrary), 0);
        check(hex(await ours.decaps(sample, oddKey)) === hex(await liboqs.decaps(sample, oddKey)),
          `round ${round}: secret key with random leading bytes: keys differ`);
        checks += 1;
      }
    }
  }
} catch (e) {
  console.error(e.message);
  failures += 1;
} finally {
  peer.stdin.end();
  theirs.destroy?.();
}

console.log(`${algorithm}: ${rounds} rounds (${2 * rounds} fresh key pairs), ${checks} checks, ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
