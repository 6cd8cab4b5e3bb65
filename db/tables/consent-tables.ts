/** Tables of the consent area; the consent issue fills this in. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ConsentTables {}
