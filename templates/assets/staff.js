/* global document, window, fetch, crypto, setTimeout, clearTimeout, btoa, FileReader, URL */
// Staff workplace script (self-hosted; the CSP forbids inline scripts). Plain ES2020, no build.
// It talks to the JSON API with the session cookie and the page's CSRF token.
'use strict'
;(() => {
  const csrfToken = () => document.querySelector('input[name="_csrf"]')?.value ?? ''
  const json = (element, name) => JSON.parse(element.getAttribute(name) || '{}')
  // Times as the server renders them (templates/pages/view-models/format-berlin-time.ts):
  // Europe/Berlin whatever the browser's zone, "DD.MM.YYYY, HH:MM" in every page language.
  const berlinParts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  const berlinTime = (iso) => {
    const p = {}
    for (const part of berlinParts.formatToParts(new Date(iso))) p[part.type] = part.value
    return p.day + '.' + p.month + '.' + p.year + ', ' + p.hour + ':' + p.minute
  }

  async function api(method, path, body, extraHeaders) {
    const headers = { accept: 'application/json', ...extraHeaders }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (method !== 'GET') headers['x-csrf-token'] = csrfToken()
    const response = await fetch('/api/v1' + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    let data = null
    try {
      data = await response.json()
    } catch {
      data = null
    }
    return { status: response.status, data }
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag)
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value)
    if (text !== undefined) node.textContent = text
    return node
  }

  // Print button of the paper form.
  for (const button of document.querySelectorAll('[data-print]'))
    button.addEventListener('click', () => window.print())

  // Paper scan: the file is read here into a data URL and posted with the form; the server keeps
  // it with the consent as the evidence and records its SHA-256.
  for (const form of document.querySelectorAll('[data-scan-form]')) {
    const file = form.querySelector('[data-scan-file]')
    const hash = form.querySelector('[data-scan-data]')
    const status = form.querySelector('[data-scan-status]')
    file.addEventListener('change', async () => {
      hash.value = ''
      const chosen = file.files && file.files[0]
      if (!chosen) return
      const digest = await crypto.subtle.digest('SHA-256', await chosen.arrayBuffer())
      const sha256 = [...new Uint8Array(digest)]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join('')
      hash.value = await new Promise((resolve, reject) => {
        const reader = new FileReader()
        reader.onload = () => resolve(String(reader.result))
        reader.onerror = () => reject(reader.error)
        reader.readAsDataURL(chosen)
      })
      status.textContent = chosen.name + ' — SHA-256: ' + sha256
    })
    form.addEventListener('submit', (event) => {
      if (!hash.value) {
        event.preventDefault()
        status.textContent =
          '⚠ ' +
          (document.documentElement.lang === 'en'
            ? 'Choose the scan first.'
            : 'Bitte zuerst den Scan wählen.')
        file.focus()
      }
    })
  }

  // Overview: the agency's transfers, filterable by status.
  for (const list of document.querySelectorAll('[data-transfer-list]')) {
    const rows = list.querySelector('[data-transfer-rows]')
    const filter = list.querySelector('[data-transfer-filter]')
    const texts = json(list, 'data-status-texts')
    const names = json(list, 'data-agency-names')
    const purposes = json(list, 'data-purpose-labels')
    const receiptTexts = json(list, 'data-receipt-texts')
    const load = async () => {
      const query = filter.value ? '?status=' + encodeURIComponent(filter.value) : ''
      const { status, data } = await api('GET', '/transfers' + query)
      rows.replaceChildren()
      const transfers = status === 200 && data ? data.transfers || [] : null
      if (!transfers || transfers.length === 0) {
        const text =
          transfers === null
            ? document.documentElement.lang === 'en'
              ? 'Transfers cannot be shown (the relay is not available).'
              : 'Übermittlungen können nicht angezeigt werden (Versand nicht verfügbar).'
            : document.documentElement.lang === 'en'
              ? 'No transfers.'
              : 'Keine Übermittlungen.'
        const row = element('tr')
        row.append(element('td', { colspan: '4', class: 'muted' }, text))
        rows.append(row)
        return
      }
      for (const t of transfers) {
        const row = element('tr')
        const link = element('a', { href: '/staff/transfers/' + encodeURIComponent(t.id) })
        link.textContent = berlinTime(t.createdAt)
        const cell = element('td')
        cell.append(link)
        row.append(
          cell,
          element('td', {}, (names[t.from] || t.from) + ' → ' + (names[t.to] || t.to)),
          element(
            'td',
            {},
            t.kind === 'revocation_notice'
              ? list.getAttribute('data-msg-notice')
              : purposes[t.purpose] || t.purpose,
          ),
          element(
            'td',
            { 'data-status': t.status },
            (texts[t.status] || t.status) +
              // The partner gateway's signed receipt: it verified the transfer (issue 16 point 7).
              (t.partnerReceipt
                ? ' · ' +
                  (t.partnerReceipt.outcome === 'accepted'
                    ? receiptTexts.listAccepted
                    : receiptTexts.listRefused)
                : ''),
          ),
        )
        rows.append(row)
      }
    }
    filter.addEventListener('change', load)
    void load()
  }

  // Composer: sections, live dry run, sending.
  for (const form of document.querySelectorAll('[data-composer]')) setUpComposer(form)

  function setUpComposer(form) {
    const reasonTexts = json(form, 'data-reason-texts')
    const errorTexts = json(form, 'data-error-texts')
    const sections = form.querySelector('[data-sections]')
    const template = form.querySelector('[data-section-template]')
    const output = form.querySelector('[data-dry-run]')
    const result = form.querySelector('[data-send-result]')
    const to = form.querySelector('[data-to]')
    const purpose = form.querySelector('[data-purpose]')
    const necessity = form.querySelector('[data-necessity]')
    const pdf = form.querySelector('[data-pdf-file]')
    const pdfCategory = form.querySelector('[data-pdf-category]')
    const send = form.querySelector('[data-send]')
    let counter = 1000
    // Sending is possible only while the last dry run permitted what the form now holds: the
    // button is disabled while a check is due or running and whenever it is red (the gateway
    // decides again on sending in any case).
    let lastDecision = ''
    let sending = false
    const allowSend = () => {
      send.disabled = sending || lastDecision !== 'permit'
    }
    // The same summary sent again (a double click, a retry after a lost answer) carries the
    // same Idempotency-Key, so the gateway answers with the first transfer instead of queuing a
    // second one; a changed summary gets a new key.
    let lastSent = ''
    let idempotencyKey = ''
    let lastKey = ''
    let timer = 0

    const categories = () => {
      const list = [...sections.querySelectorAll('[data-section-category]')].map((s) => s.value)
      if (pdf.files && pdf.files[0]) list.push(pdfCategory.value)
      return [...new Set(list)]
    }
    const sentence = (code) =>
      (reasonTexts[code] || code)
        .replaceAll('{recipient}', to.selectedOptions[0]?.textContent?.trim() || to.value)
        .replaceAll('{purpose}', purpose.selectedOptions[0]?.textContent?.trim() || purpose.value)

    function showReasons(target, decision, reasons) {
      target.replaceChildren()
      const box = element('div', {
        class: decision === 'permit' ? 'verdict permit' : 'verdict deny',
      })
      box.setAttribute('data-decision', decision)
      box.append(
        element(
          'p',
          { class: 'strong' },
          form.getAttribute(decision === 'permit' ? 'data-msg-permit' : 'data-msg-deny'),
        ),
      )
      if (reasons.length > 0) {
        const list = element('ul')
        for (const code of reasons) {
          const item = element('li', { 'data-reason': code }, sentence(code) + ' ')
          if (code.startsWith('category_not_covered:')) {
            const category = code.slice('category_not_covered:'.length)
            const remove = element(
              'button',
              { type: 'button', class: 'secondary small' },
              form.getAttribute('data-msg-remove'),
            )
            remove.addEventListener('click', () => removeCategory(category))
            item.append(remove)
          }
          list.append(item)
        }
        box.append(list)
      }
      target.append(box)
    }

    function removeCategory(category) {
      for (const select of sections.querySelectorAll('[data-section-category]'))
        if (select.value === category) select.closest('[data-section]').remove()
      if (pdfCategory.value === category) pdf.value = ''
      schedule(true)
      to.focus()
    }

    async function dryRun(force) {
      const cats = categories()
      const necessityOk = necessity.value.trim().length >= 10
      const key = JSON.stringify([to.value, purpose.value, cats, necessityOk])
      if (!force && key === lastKey) {
        allowSend()
        return
      }
      lastKey = key
      if (cats.length === 0) {
        lastDecision = 'deny'
        showReasons(output, 'deny', ['categories_missing'])
        allowSend()
        return
      }
      output.setAttribute('aria-busy', 'true')
      const { status, data } = await api('POST', '/decisions', {
        consentId: form.getAttribute('data-consent-id'),
        to: to.value,
        purpose: purpose.value,
        categories: cats,
        necessity: necessity.value.trim(),
      })
      output.removeAttribute('aria-busy')
      // An answer to an older question (the form changed meanwhile) is not shown.
      if (key !== lastKey) return
      lastDecision = status === 200 && data ? data.decision : ''
      if (status === 200 && data) showReasons(output, data.decision, data.reasons)
      else showError(output, status, data)
      allowSend()
    }

    function schedule(force) {
      send.disabled = true
      clearTimeout(timer)
      timer = setTimeout(() => void dryRun(force), 300)
    }

    function showError(target, status, data) {
      target.replaceChildren(
        element(
          'p',
          { class: 'error', role: 'alert' },
          status === 404 && data?.error?.code === 'route_not_found'
            ? form.getAttribute('data-msg-unavailable')
            : form.getAttribute('data-msg-error') +
                ' ' +
                (errorTexts[data?.error?.code] || data?.error?.message || status),
        ),
      )
    }

    function wire(section) {
      section.querySelector('[data-remove-section]').addEventListener('click', () => {
        section.remove()
        schedule(true)
      })
      section
        .querySelector('[data-section-category]')
        .addEventListener('change', () => schedule(false))
    }

    for (const section of sections.querySelectorAll('[data-section]')) wire(section)
    form.querySelector('[data-add-section]').addEventListener('click', () => {
      const markup = template.innerHTML.replaceAll('sec-NEW-', 'sec-' + counter++ + '-')
      const holder = document.createElement('div')
      holder.innerHTML = markup
      const section = holder.firstElementChild
      sections.append(section)
      wire(section)
      section.querySelector('[data-section-category]').focus()
      schedule(false)
    })
    for (const control of [to, purpose, pdfCategory, pdf])
      control.addEventListener('change', () => schedule(false))
    necessity.addEventListener('input', () => schedule(false))

    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      if (send.disabled || sending) return
      sending = true
      allowSend()
      try {
        await submit()
      } finally {
        sending = false
        allowSend()
      }
    })

    async function submit() {
      const body = {
        consentId: form.getAttribute('data-consent-id'),
        to: to.value,
        purpose: purpose.value,
        necessity: necessity.value.trim(),
        form: form.querySelector('[data-form-id]').value,
        sections: [...sections.querySelectorAll('[data-section]')].map((s) => ({
          category: s.querySelector('[data-section-category]').value,
          title: s.querySelector('[data-section-title]').value.trim(),
          body: s.querySelector('[data-section-body]').value.trim(),
        })),
      }
      const requestId = form.getAttribute('data-request-id')
      if (requestId) body.requestId = requestId
      const file = pdf.files && pdf.files[0]
      if (file) {
        const bytes = new Uint8Array(await file.arrayBuffer())
        let binary = ''
        for (let i = 0; i < bytes.length; i += 0x8000)
          binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
        body.attachments = [
          {
            filename: file.name,
            contentType: 'application/pdf',
            contentBase64: btoa(binary),
            category: pdfCategory.value,
          },
        ]
      }
      const sending = JSON.stringify(body)
      if (sending !== lastSent) {
        lastSent = sending
        // getRandomValues, not randomUUID: the latter needs a secure context (https).
        idempotencyKey = [...crypto.getRandomValues(new Uint8Array(16))]
          .map((b) => b.toString(16).padStart(2, '0'))
          .join('')
      }
      let answer
      try {
        answer = await api('POST', '/transfers', body, { 'idempotency-key': idempotencyKey })
      } catch {
        // No answer (connection lost): the transfer may or may not be queued; sending again is
        // safe with the same key.
        result.replaceChildren(
          element('p', { class: 'error', role: 'alert' }, form.getAttribute('data-msg-no-answer')),
        )
        return
      }
      const { status, data } = answer
      if (status === 202 && data?.id) {
        window.location.assign('/staff/transfers/' + encodeURIComponent(data.id))
      } else if (status === 403 && data?.error?.code === 'transfer_denied') {
        // The gateway refused after all (the consent changed since the check): the one refusal
        // box is the check's, replaced — never a second one below the button.
        result.replaceChildren()
        lastDecision = 'deny'
        showReasons(output, 'deny', data.error.details?.reasons || [])
        output.scrollIntoView({ block: 'nearest' })
      } else showError(result, status, data)
    }

    // Drafts: the composer's fields put aside, encrypted by the gateway, for the author alone.
    const draftName = form.querySelector('[data-draft-name]')
    const draftResult = form.querySelector('[data-draft-result]')
    form.querySelector('[data-save-draft]').addEventListener('click', async () => {
      const name = draftName.value.trim()
      if (!name) {
        draftResult.replaceChildren(
          element('p', { class: 'error', role: 'alert' }, form.getAttribute('data-msg-draft-name')),
        )
        draftName.focus()
        return
      }
      const content = {
        name,
        to: to.value,
        purpose: purpose.value,
        form: form.querySelector('[data-form-id]').value,
        necessity: necessity.value,
        sections: [...sections.querySelectorAll('[data-section]')].map((s) => ({
          category: s.querySelector('[data-section-category]').value,
          title: s.querySelector('[data-section-title]').value,
          body: s.querySelector('[data-section-body]').value,
        })),
      }
      const draftId = form.getAttribute('data-draft-id')
      const { status, data } = draftId
        ? await api('PUT', '/composer-drafts/' + encodeURIComponent(draftId), content)
        : await api('POST', '/composer-drafts', {
            consentId: form.getAttribute('data-consent-id'),
            ...content,
          })
      if ((status === 200 || status === 201) && data?.id) {
        form.setAttribute('data-draft-id', data.id)
        draftResult.replaceChildren(
          element(
            'p',
            { class: 'notice', role: 'status', 'data-draft-saved': data.id },
            form.getAttribute('data-msg-draft-saved') + ' ' + data.name,
          ),
        )
      } else showError(draftResult, status, data)
    })
    schedule(true)
  }

  // The composer's saved drafts: delete one (after a confirmation), then show the list again.
  for (const button of document.querySelectorAll('[data-delete-draft]'))
    button.addEventListener('click', async () => {
      const composer = document.querySelector('[data-composer]')
      if (!window.confirm(composer?.getAttribute('data-msg-draft-delete') || '?')) return
      const id = button.getAttribute('data-delete-draft')
      const { status } = await api('DELETE', '/composer-drafts/' + encodeURIComponent(id))
      if (status === 200) {
        const url = new URL(window.location.href)
        if (url.searchParams.get('draft') === id) url.searchParams.delete('draft')
        window.location.assign(url.pathname + url.search)
      }
    })

  // A sent transfer: follow its status until it settles.
  for (const panel of document.querySelectorAll('[data-transfer-status]')) {
    const texts = json(panel, 'data-status-texts')
    const state = panel.querySelector('[data-state]')
    const detail = panel.querySelector('[data-detail]')
    const receiptLine = panel.querySelector('[data-partner-receipt]')
    const receiptTexts = json(panel, 'data-receipt-texts')
    const id = panel.getAttribute('data-transfer-id')
    const final = new Set(['delivered', 'failed', 'cancelled_revoked', 'handoff_uncertain'])
    const poll = async () => {
      const { status, data } = await api('GET', '/transfers/' + encodeURIComponent(id))
      if (status !== 200 || !data) {
        state.textContent = panel.getAttribute('data-msg-missing')
        return
      }
      panel.setAttribute('data-status', data.status)
      state.textContent = texts[data.status] || data.status
      const parts = [panel.getAttribute('data-msg-attempts') + ' ' + data.attempts]
      if (data.status === 'retrying' && data.nextAttemptAt)
        parts.push(panel.getAttribute('data-msg-next') + ' ' + berlinTime(data.nextAttemptAt))
      const reply = data.smtpResponse || data.lastError
      if (reply) parts.push(panel.getAttribute('data-msg-smtp') + ' ' + reply)
      detail.textContent = parts.join(' · ')
      // The partner gateway's signed receipt comes after the SMTP handoff: a delivered transfer
      // is followed (more slowly) until it arrives.
      const receipt = data.partnerReceipt
      receiptLine.setAttribute('data-outcome', receipt ? receipt.outcome : 'none')
      if (!receipt)
        receiptLine.textContent = data.status === 'delivered' ? receiptTexts.pending : ''
      else if (receipt.outcome === 'accepted')
        receiptLine.textContent = receiptTexts.acceptedAt + ' ' + berlinTime(receipt.at)
      else
        receiptLine.textContent =
          receiptTexts.refused +
          ' ' +
          (receiptTexts.reasons[receipt.reason] ||
            receiptTexts.otherReason + ' ' + (receipt.reason || '—') + ')')
      if (!final.has(data.status)) setTimeout(() => void poll(), 1500)
      else if (data.status === 'delivered' && !receipt) setTimeout(() => void poll(), 10000)
    }
    void poll()
  }
})()
