/* global document, window, fetch, setTimeout, clearTimeout, URLSearchParams */
// Live updates of the staff pages (issue 18 point 4), by short polling of one small JSON answer:
// the unread count on the "Benachrichtigungen" entry, a hint on the centre when news arrives,
// and a draft's page that reloads itself when the kiosk finishes (signed or declined).
// Polling rather than a held connection: nothing to close when the server stops, nothing to leak.
// Each poll says `X-Brucke-Background: 1`, so it does not keep an unattended session alive.
'use strict'
;(() => {
  const badge = document.querySelector('[data-notifications-unread]')
  if (!badge) return
  const live = document.querySelector('[data-notifications-live]')
  const fresh = document.querySelector('[data-notifications-fresh]')
  const watched = document.querySelector('[data-watch-consent]')
  const watchMessage = document.querySelector('[data-watch-message]')
  const normalMs = 20000
  const watchMs = 4000
  const maxMs = 300000
  let delay = watched ? watchMs : normalMs
  let timer = null
  let lastUnread = Number.parseInt(badge.textContent || '0', 10) || 0
  let lastNewest = null
  let stopped = false

  function show(unread) {
    const label = badge.getAttribute('data-label') || ''
    badge.textContent = String(unread) + ' ' + label
    badge.hidden = unread === 0
    if (unread > lastUnread && live)
      live.textContent = (live.getAttribute('data-text') || '') + ': ' + String(unread)
    lastUnread = unread
  }

  async function poll() {
    timer = null
    if (stopped) return
    if (document.visibilityState === 'hidden') return schedule()
    const query = new URLSearchParams()
    if (watched) query.set('consent', watched.getAttribute('data-watch-consent') || '')
    let response
    try {
      response = await fetch('/api/v1/notifications/summary?' + query.toString(), {
        headers: { accept: 'application/json', 'x-brucke-background': '1' },
        credentials: 'same-origin',
        cache: 'no-store',
      })
    } catch {
      delay = Math.min(delay * 2, maxMs)
      return schedule()
    }
    // Signed out or the session ended: stop; the next click shows the login.
    if (response.status === 401 || response.status === 403) {
      stopped = true
      return
    }
    if (!response.ok) {
      delay = Math.min(delay * 2, maxMs)
      return schedule()
    }
    delay = watched ? watchMs : normalMs
    const data = await response.json()
    show(data.unread)
    if (fresh && data.newest && lastNewest !== null && data.newest !== lastNewest)
      fresh.hidden = false
    if (data.newest) lastNewest = data.newest
    const expected = watched && watched.getAttribute('data-watch-status')
    if (data.consent && expected && data.consent.status !== expected) {
      stopped = true
      if (watchMessage) {
        const text = watchMessage.getAttribute('data-text') || ''
        watchMessage.hidden = false
        watchMessage.textContent = text
        if (live) live.textContent = text
      }
      setTimeout(() => window.location.reload(), 1500)
      return
    }
    schedule()
  }

  function schedule() {
    if (stopped || timer !== null) return
    timer = setTimeout(poll, delay)
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && timer !== null) {
      clearTimeout(timer)
      timer = null
      void poll()
    }
  })
  // The page's own count is fresh; the first poll learns which notification is the newest.
  void poll()
})()
