/** Tables of the crypto area; the crypto issue fills this in. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CryptoTables {}
