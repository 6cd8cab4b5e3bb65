/** Tables of the relay area; the relay issue fills this in. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RelayTables {}
