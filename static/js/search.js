// Instant filtering of the public register list (publishing.site; templates/public/register.html).
// Progressive enhancement: without JavaScript the filter form stays hidden and the list works
// as it is. An external module, no inline script, so the site runs under a strict CSP.
const form = document.querySelector('[data-module="app-register-search"]')

if (form) {
  const input = form.querySelector('input[type="search"]')
  const status = form.querySelector('[aria-live]')
  const entries = Array.from(document.querySelectorAll('.app-register-entry'))
  const topics = Array.from(document.querySelectorAll('.app-register-topic'))
  const texts = entries.map((entry) => entry.textContent.toLowerCase())

  const filter = () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean)
    let shown = 0
    entries.forEach((entry, i) => {
      const match = words.every((word) => texts[i].includes(word))
      entry.hidden = !match
      if (match) shown += 1
    })
    topics.forEach((topic) => {
      topic.hidden = !topic.querySelector('.app-register-entry:not([hidden])')
    })
    status.textContent = words.length
      ? `${shown} of ${entries.length} answers on this page match.`
      : ''
  }

  form.addEventListener('submit', (event) => event.preventDefault())
  input.addEventListener('input', filter)
  form.hidden = false
}
