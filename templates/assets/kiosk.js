/* global document, window, location, fetch, URLSearchParams, SpeechSynthesisUtterance */
// Kiosk page behaviour: idle wipe, signature pad, read-aloud, print. No storage APIs are used:
// nothing of the person may stay in the browser (docs/design.md §6 /kiosk).
;(function () {
  'use strict'
  var root = document.getElementById('kiosk')
  var wipeForm = document.getElementById('kiosk-wipe')

  // Idle wipe: after the configured seconds without input, clear the server state and replace
  // the page, so neither the screen nor the back button shows anything of the person.
  if (root && wipeForm && root.getAttribute('data-personal') === 'yes') {
    var idleMs = Number(root.getAttribute('data-idle-seconds') || '120') * 1000
    var timer = 0
    var wipe = function () {
      var csrf = wipeForm.querySelector('input[name=_csrf]')
      var body = new URLSearchParams()
      body.set('_csrf', csrf ? csrf.value : '')
      fetch('/kiosk/wipe', {
        method: 'POST',
        body: body,
        credentials: 'same-origin',
        redirect: 'manual',
      })
        .catch(function () {})
        .then(function () {
          location.replace('/kiosk')
        })
    }
    var restart = function () {
      window.clearTimeout(timer)
      timer = window.setTimeout(wipe, idleMs)
    }
    ;['pointerdown', 'keydown', 'touchstart', 'scroll', 'input'].forEach(function (type) {
      window.addEventListener(type, restart, { passive: true })
    })
    restart()
  }

  // Signature pad: pointer events, with touch events as fallback for older tablets.
  var canvas = document.getElementById('signature-pad')
  var form = document.getElementById('sign-form')
  if (canvas && form) {
    var ctx = canvas.getContext('2d')
    var drawing = false
    var drawn = false
    ctx.lineWidth = 3
    ctx.lineCap = 'round'
    ctx.strokeStyle = '#000'
    var point = function (clientX, clientY) {
      var r = canvas.getBoundingClientRect()
      return {
        x: ((clientX - r.left) * canvas.width) / r.width,
        y: ((clientY - r.top) * canvas.height) / r.height,
      }
    }
    var begin = function (x, y) {
      var p = point(x, y)
      drawing = true
      ctx.beginPath()
      ctx.moveTo(p.x, p.y)
    }
    var move = function (x, y) {
      if (!drawing) return
      var p = point(x, y)
      ctx.lineTo(p.x, p.y)
      ctx.stroke()
      drawn = true
    }
    var end = function () {
      drawing = false
    }
    if (window.PointerEvent) {
      canvas.addEventListener('pointerdown', function (e) {
        canvas.setPointerCapture(e.pointerId)
        begin(e.clientX, e.clientY)
        e.preventDefault()
      })
      canvas.addEventListener('pointermove', function (e) {
        move(e.clientX, e.clientY)
      })
      canvas.addEventListener('pointerup', end)
      canvas.addEventListener('pointercancel', end)
    } else {
      canvas.addEventListener('touchstart', function (e) {
        var t = e.touches[0]
        begin(t.clientX, t.clientY)
        e.preventDefault()
      })
      canvas.addEventListener('touchmove', function (e) {
        var t = e.touches[0]
        move(t.clientX, t.clientY)
        e.preventDefault()
      })
      canvas.addEventListener('touchend', end)
    }
    var clear = document.getElementById('clear-signature')
    if (clear)
      clear.addEventListener('click', function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height)
        drawn = false
      })
    form.addEventListener('submit', function () {
      var evidence = document.getElementById('evidence')
      if (evidence)
        evidence.value = drawn && chosenWay() === 'drawn' ? canvas.toDataURL('image/png') : ''
    })
  }

  // The way of signing: only the chosen part is shown; the other leaves the accessibility tree.
  // Without this script both parts stay visible and the radio button decides on the server.
  function chosenWay() {
    var checked = document.querySelector('input[name=way]:checked')
    return checked ? checked.value : 'drawn'
  }
  var ways = document.querySelectorAll('input[name=way]')
  var panels = document.querySelectorAll('.signing-way-panel')
  if (ways.length > 0) {
    var showWay = function () {
      var way = chosenWay()
      Array.prototype.forEach.call(panels, function (panel) {
        panel.hidden = panel.getAttribute('data-way') !== way
      })
    }
    Array.prototype.forEach.call(ways, function (radio) {
      radio.addEventListener('change', showWay)
    })
    showWay()
  }

  // Read aloud with the browser's speech synthesis, in the page's language, where available.
  var readButton = document.getElementById('read-aloud')
  var text = document.getElementById('consent-text')
  if (readButton && text && 'speechSynthesis' in window) {
    readButton.hidden = false
    var label = readButton.textContent
    var stopLabel = readButton.getAttribute('data-stop-label') || label
    readButton.addEventListener('click', function () {
      if (window.speechSynthesis.speaking) {
        window.speechSynthesis.cancel()
        readButton.textContent = label
        return
      }
      var utterance = new SpeechSynthesisUtterance(text.innerText)
      utterance.lang = document.documentElement.lang
      utterance.onend = function () {
        readButton.textContent = label
      }
      window.speechSynthesis.speak(utterance)
      readButton.textContent = stopLabel
    })
  }

  var printButton = document.getElementById('print-receipt')
  if (printButton) {
    printButton.hidden = false
    printButton.addEventListener('click', function () {
      window.print()
    })
  }
})()
