import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  receiveSealedMessage,
  type ReceiveResult,
} from '../../gateway/inbound/receive-sealed-message.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import {
  bindingHeadersFor,
  encryptEntity,
  innerEntity,
  outerMessage,
  signEntity,
  type TestSigner,
} from '../support/inbound-messages.ts'
import { createRelayPki, registerRelayPki, type RelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const jaMailbox = 'jugendhilfe@ja-demo.example'
type Encryption = 'aes-256-gcm' | 'aes-256-cbc'

/** A small deterministic generator (xorshift32), so a failing case can be replayed. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 0x1_0000_0000
  }
}

/** The DER inside an application/pkcs7-mime entity (its base64 body). */
function derOf(entity: Buffer): { head: string; der: Buffer } {
  const text = entity.toString('latin1')
  const split = text.indexOf('\r\n\r\n')
  return {
    head: text.slice(0, split + 4),
    der: Buffer.from(text.slice(split + 4).replace(/\s+/g, ''), 'base64'),
  }
}

function withDer(head: string, der: Buffer): Buffer {
  const lines = der.toString('base64').match(/.{1,76}/g) ?? []
  return Buffer.from(head + lines.join('\r\n') + '\r\n', 'latin1')
}

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes)
  const index = ((at % copy.length) + copy.length) % copy.length
  copy[index] = (copy[index] ?? 0) ^ 0x5a
  return copy
}

/**
 * The inbound path under hostile input (issue 16, point 3): every mutation of a valid sealed
 * message — a tampered GCM tag or CBC ciphertext, a tampered signature or signed header, cut
 * short, oversized, nested, random bytes — is refused with a reason, never throws, and never
 * becomes a received item.
 */
describe.each(dialects)('inbound receive pipeline under fuzzing on %s', (dialect) => {
  let t: TestDeps
  let relayPki: RelayPki
  let signer: TestSigner
  let recipient: { certificate: Buffer; mailbox: string }

  beforeAll(async () => {
    relayPki = await createRelayPki()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
    const jc = relayPki.identities['jc-demo']!
    signer = { key: jc.privateKey, certificate: jc.certificateDer }
    recipient = { certificate: relayPki.identities['ja-demo']!.certificateDer, mailbox: jaMailbox }
  }, 120_000)
  afterAll(async () => {
    await t.close()
  })

  async function receive(raw: Buffer, maxBytes?: number): Promise<ReceiveResult> {
    return receiveSealedMessage(t.deps, {
      raw,
      envelopeRecipients: [jaMailbox],
      channel: 'smtp',
      ...(maxBytes === undefined ? {} : { maxBytes }),
    })
  }

  function signed(): { entity: Buffer; messageId: string } {
    const headers = bindingHeadersFor()
    return {
      entity: signEntity(innerEntity(headers), signer, t.clock.now()),
      messageId: headers['Message-ID']!,
    }
  }

  function sealed(encryption: Encryption, content = signed().entity): Buffer {
    return outerMessage(encryptEntity(content, recipient, encryption), {
      from: 'u25@jc-demo.example',
      to: jaMailbox,
    })
  }

  async function expectRefused(raw: Buffer, reasons?: string[], maxBytes?: number) {
    const result = await receive(raw, maxBytes)
    expect(result.outcome).toBe('refused')
    if (reasons && result.outcome === 'refused') expect(reasons).toContain(result.reason)
  }

  async function receivedCount(): Promise<number> {
    const rows = await t.deps.db
      .selectFrom('inbound_items')
      .select('id')
      .where('status', '=', 'received')
      .execute()
    return rows.length
  }

  it('when the untouched messages arrive, then both profiles are accepted (the baseline the mutations start from)', async () => {
    for (const encryption of ['aes-256-gcm', 'aes-256-cbc'] as const)
      expect((await receive(sealed(encryption))).outcome).toBe('accepted')
    await t.deps.db.deleteFrom('inbound_items').execute()
  })

  it('when the GCM tag is tampered with, then decryption fails', async () => {
    const { head, der } = derOf(sealed('aes-256-gcm').subarray(0))
    await expectRefused(withDer(head, flip(der, der.length - 1)), ['decrypt_failed'])
    await expectRefused(withDer(head, flip(der, der.length - 8)), ['decrypt_failed'])
  })

  it('when the CBC ciphertext is tampered with, then it is refused', async () => {
    const { head, der } = derOf(sealed('aes-256-cbc'))
    for (const back of [1, 17, 40, 200, 600])
      await expectRefused(withDer(head, flip(der, der.length - back)), [
        'decrypt_failed',
        'malformed',
        'bad_signature',
        'not_signed',
      ])
  })

  it('when the signature or a signed header is tampered with before encryption, then the signature does not verify', async () => {
    const { entity } = signed()
    const text = entity.toString('latin1')
    const tamperedHeader = Buffer.from(
      text.replace('X-Brucke-Purpose: hilfeplanung', 'X-Brucke-Purpose: hilfeplanunh'),
      'latin1',
    )
    await expectRefused(sealed('aes-256-gcm', tamperedHeader), ['bad_signature'])
    const tamperedBody = Buffer.from(text.replace('KRANICHFLUG', 'KRANICHFLUX'), 'latin1')
    await expectRefused(sealed('aes-256-cbc', tamperedBody), ['bad_signature'])
    // The detached signature's last base64 line before the closing boundary: its DER's tail is
    // the signature value.
    const cut = text.lastIndexOf('\r\n------')
    const lineStart = text.lastIndexOf('\r\n', cut - 1) + 2
    const line = text.slice(lineStart, cut)
    const swapped = line.slice(0, -6) + (line.slice(-6, -5) === 'A' ? 'B' : 'A') + line.slice(-5)
    const tamperedSignature = Buffer.from(
      text.slice(0, lineStart) + swapped + text.slice(cut),
      'latin1',
    )
    await expectRefused(sealed('aes-256-gcm', tamperedSignature), ['bad_signature', 'malformed'])
  })

  it('when the message is cut short anywhere, then it is refused', async () => {
    for (const encryption of ['aes-256-gcm', 'aes-256-cbc'] as const) {
      const raw = sealed(encryption)
      for (const fraction of [0.05, 0.3, 0.5, 0.8, 0.95, 0.99])
        await expectRefused(raw.subarray(0, Math.floor(raw.length * fraction)))
      await expectRefused(raw.subarray(0, raw.length - 10))
    }
  })

  it('when the message is larger than the limit, then it is refused as too large', async () => {
    await expectRefused(sealed('aes-256-gcm'), ['too_large'], 2_000)
  })

  it('when encryption is nested in encryption, or a signature in a signature, then it is refused', async () => {
    const inner = encryptEntity(signed().entity, recipient, 'aes-256-cbc')
    await expectRefused(sealed('aes-256-gcm', inner), ['not_signed', 'nested', 'malformed'])
    const twice = signEntity(signed().entity, signer, t.clock.now())
    await expectRefused(sealed('aes-256-cbc', twice), ['nested'])
    // Signed, then the encrypted entity signed again, then encrypted: still nested.
    const sandwich = signEntity(
      encryptEntity(signed().entity, recipient, 'aes-256-cbc'),
      signer,
      t.clock.now(),
    )
    await expectRefused(sealed('aes-256-gcm', sandwich), ['nested'])
  })

  it('when random bytes arrive, with or without S/MIME headers, then they are refused', async () => {
    const next = generator(16_2026)
    const randomBuffer = (length: number) =>
      Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)))
    const head = derOf(sealed('aes-256-cbc')).head
    for (let i = 0; i < 25; i++) {
      const bytes = randomBuffer(1 + Math.floor(next() * 4000))
      await expectRefused(bytes)
      await expectRefused(withDer(head, bytes))
      await expectRefused(
        outerMessage(withDer(head.replace(/^[\s\S]*?Content-Type/, 'Content-Type'), bytes), {
          from: 'x@y.example',
          to: jaMailbox,
        }),
      )
    }
  })

  it('when single bytes anywhere in the DER are flipped, then nothing is accepted', async () => {
    const next = generator(4711)
    for (const encryption of ['aes-256-gcm', 'aes-256-cbc'] as const) {
      const { head, der } = derOf(sealed(encryption))
      for (let i = 0; i < 40; i++) {
        const result = await receive(withDer(head, flip(der, Math.floor(next() * der.length))))
        // A flip inside an unused length byte can leave the structure intact only where the
        // bytes carry no meaning; everything that matters is covered by the tag or signature.
        expect(result.outcome).toBe('refused')
      }
    }
  })

  it('after all of that, no message became a received item', async () => {
    expect(await receivedCount()).toBe(0)
  })
})
