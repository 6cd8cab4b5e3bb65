import { ContentInfo } from '@peculiar/asn1-cms'
import { toExactArrayBuffer } from './cms-content-cipher.ts'
import { CmsError } from './errors.ts'
import { checkBerStructure, encodeDer, parseDer } from './cms-der.ts'

/** Wraps an inner CMS structure in `ContentInfo` (RFC 5652 §3). */
export function wrapContentInfo(contentType: string, innerDer: Uint8Array): Buffer {
  return encodeDer(new ContentInfo({ contentType, content: toExactArrayBuffer(innerDer) }))
}

/**
 * Reads a `ContentInfo` after checking size and BER structure, so garbage, truncation and deep
 * nesting are typed errors before any recursive parser sees them.
 */
export function readContentInfo(
  data: Uint8Array,
  maxBytes?: number,
): { contentType: string; content: ArrayBuffer } {
  checkBerStructure(data, maxBytes)
  // The schema parser does not check the outermost tag; ContentInfo is a universal SEQUENCE.
  if (data[0] !== 0x30) throw new CmsError('ERR_CMS_MALFORMED', 'ContentInfo must be a SEQUENCE')
  const info = parseDer(data, ContentInfo, 'ContentInfo')
  return { contentType: info.contentType, content: info.content }
}
