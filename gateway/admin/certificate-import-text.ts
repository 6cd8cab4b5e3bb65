import type { CertificateErrorCode, KeyErrorCode } from '../../crypto/errors.ts'

/**
 * Why an import on the certificates page was refused, in German (issue 18 point 7). Typed
 * against the codes an import can meet, so a new code without a sentence does not compile.
 */
export const certificateImportProblems: Record<CertificateErrorCode | KeyErrorCode, string> = {
  ERR_CERT_INVALID_INPUT: 'Das ist kein lesbares Zertifikat.',
  ERR_CERT_MALFORMED: 'Das ist kein lesbares Zertifikat (PEM mit „BEGIN CERTIFICATE“ erwartet).',
  ERR_CERT_UNSUPPORTED_KEY: 'Der Schlüsseltyp des Zertifikats wird nicht unterstützt.',
  ERR_CERT_CRITICAL_EXTENSION:
    'Das Zertifikat hat eine kritische Erweiterung, die Brücke nicht kennt.',
  ERR_CERT_EXPIRED: 'Das Zertifikat (oder eines seiner Kette) ist abgelaufen.',
  ERR_CERT_NOT_YET_VALID: 'Das Zertifikat ist noch nicht gültig.',
  ERR_CERT_UNTRUSTED:
    'Das Zertifikat führt zu keinem Vertrauensanker (brucke cert trust) – fehlt die CA-Kette?',
  ERR_CERT_BAD_SIGNATURE: 'Die Signatur des Zertifikats stimmt nicht.',
  ERR_CERT_NOT_CA: 'Ein Zertifikat der Kette ist keine Zertifizierungsstelle.',
  ERR_CERT_KEY_USAGE: 'Das Zertifikat erlaubt diese Schlüsselverwendung nicht.',
  ERR_CERT_EKU: 'Das Zertifikat ist nicht für E-Mail-Schutz (emailProtection) ausgestellt.',
  ERR_CERT_EMAIL_MISMATCH: 'Das Zertifikat nennt nicht das Funktionspostfach der Behörde.',
  ERR_CERT_REVOKED: 'Das Zertifikat steht auf der Sperrliste seiner Zertifizierungsstelle.',
  ERR_CERT_CRL_MISSING: 'Die Sperrliste der Zertifizierungsstelle fehlt; bitte erst abrufen.',
  ERR_CERT_CRL_INVALID: 'Die Sperrliste der Zertifizierungsstelle ist ungültig.',
  ERR_CERT_CRL_EXPIRED: 'Die Sperrliste der Zertifizierungsstelle ist veraltet; bitte neu abrufen.',
  ERR_KEY_WRONG_MASTER_KEY: 'Der Hauptschlüssel der Installation passt nicht.',
  ERR_KEY_WEAK_MASTER_KEY: 'Der Hauptschlüssel der Installation ist zu schwach.',
  ERR_KEY_MALFORMED: 'Der private Schlüssel ist nicht lesbar (unverschlüsseltes PEM erwartet).',
  ERR_KEY_WRONG_PASSPHRASE: 'Das Passwort der PKCS#12-Datei stimmt nicht.',
  ERR_KEY_MISMATCH: 'Der private Schlüssel gehört nicht zu diesem Zertifikat.',
  ERR_KEY_UNSUPPORTED: 'Dieser Schlüssel oder diese PKCS#12-Datei wird nicht unterstützt.',
  ERR_KEY_TOKEN: 'Das Hardware-Token hat den Schlüssel abgelehnt.',
}
