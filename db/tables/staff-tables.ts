/**
 * Per staff member: how far the notification centre has been read, the address of the optional
 * e-mail notice and how far it has told them (issue 18 point 4, migration 0620).
 */
export interface StaffNotificationStateTable {
  user_id: string
  /** The highest audit sequence number shown as read. */
  seen_seq: number
  /** When the centre was last marked read (lapsing-soon notices have no sequence number). */
  seen_at: string | null
  /** Where the notice goes; null = no e-mail. Staff's own work address, never case data. */
  notice_email: string | null
  mailed_seq: number
  mailed_at: string | null
}

export interface StaffTables {
  staff_notification_state: StaffNotificationStateTable
}
