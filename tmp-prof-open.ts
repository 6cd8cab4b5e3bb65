import { decryptAndVerify, signAndEncrypt } from './crypto/smime.ts'
import { createTestPki } from './tests/support/test-pki.ts'
const pki = await createTestPki()
const line = 'Übergabebogen, Abschnitt Wohnen U25: Lorem ipsum dolor sit amet, consectetur.\r\n'
const entity = Buffer.from('Content-Type: text/plain\r\n\r\n' + line.repeat(13000)).subarray(0, 1 << 20)
const recipients = [{ certificate: pki.rsaPeer.certificateDer, profile: 'modern' as const }]
const signer = { key: pki.rsa.privateKey, certificate: pki.rsa.certificateDer }
const message = signAndEncrypt({ mimeEntity: entity, signer, recipients, at: pki.at })
const input = { message, recipient: { key: pki.rsaPeer.privateKey, certificate: pki.rsaPeer.certificateDer }, trustAnchors: [pki.ca.certificateDer], crls: [pki.crlDer], at: pki.at }
for (let i = 0; i < 50; i++) decryptAndVerify(input)
const n = Number(process.env.N ?? 300)
const s = process.cpuUsage()
for (let i = 0; i < n; i++) decryptAndVerify(input)
const u = process.cpuUsage(s)
console.log('ms/op', ((u.user + u.system) / 1000 / n).toFixed(3))
