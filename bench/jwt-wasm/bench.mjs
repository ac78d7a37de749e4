// node bench.mjs <pkg-dir-with-verify>
// Times RS256 verification: callsteer in wasm (verify_n) vs WebCrypto crypto.subtle.verify,
// on the same 2048-bit key and token.
import { createRequire } from 'node:module';
import { generateKeyPairSync, sign, webcrypto } from 'node:crypto';

const require = createRequire(import.meta.url);
const pkg = require(process.argv[2] + '/jwt_wasm_bench.js');

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = publicKey.export({ format: 'jwk' });
const b64 = (b) => Buffer.from(b).toString('base64url');
const now = 1773273600;
const header = b64(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k' }));
const payload = b64(JSON.stringify({ iss: 'https://acscallautomation.communication.azure.com', aud: 'aud', nbf: now, exp: now + 300 }));
const input = `${header}.${payload}`;
const signature = sign('sha256', Buffer.from(input), privateKey);
const token = `${input}.${b64(signature)}`;
const jwks = JSON.stringify({ keys: [{ ...jwk, kid: 'k', use: 'sig', alg: 'RS256' }] });

if (pkg.verify_n(token, jwks, 'aud', now, 1) !== 1) throw new Error('wasm verify failed');
const N = 500;
pkg.verify_n(token, jwks, 'aud', now, 20); // warm-up
let t = performance.now();
const ok = pkg.verify_n(token, jwks, 'aud', now, N);
const wasmUs = ((performance.now() - t) * 1000) / N;
if (ok !== N) throw new Error('wasm verify failed in loop');

const key = await webcrypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
const data = new TextEncoder().encode(input);
for (let i = 0; i < 20; i++) await webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', key, signature, data);
t = performance.now();
for (let i = 0; i < N; i++) {
  if (!(await webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', key, signature, data))) throw new Error('webcrypto failed');
}
const wcUs = ((performance.now() - t) * 1000) / N;
console.log(`node ${process.version}: wasm verify_n (full verify incl. JWKS parse once, claims) ${wasmUs.toFixed(1)} µs/verify; WebCrypto subtle.verify (signature only, key imported once) ${wcUs.toFixed(1)} µs/verify; N=${N}`);
