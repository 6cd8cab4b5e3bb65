/* global document, location, history */
// The QR code on the receipt leads to /me#<code>: the code sits in the fragment, which the browser
// never sends to a server. Fill it in, then drop it from the address bar and the history entry.
;(function () {
  'use strict'
  var field = document.getElementById('receipt-code')
  var code = location.hash.slice(1)
  if (field && /^[A-Z0-9-]{12,20}$/i.test(code)) {
    field.value = code
    var birth = document.getElementById('birth-date')
    if (birth) birth.focus()
  }
  if (location.hash) history.replaceState(null, '', location.pathname)
})()
