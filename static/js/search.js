// Instant search of the public register (publishing.site; templates/public/_register_search.html,
// on the register's home and on each topic's pages). Progressive enhancement: without
// JavaScript the form stays hidden and the topics and their pages work as they are. The first
// keystroke fetches search-index.json (every published answer, the same public fields as
// register.json); matches from the whole register then replace the page's list.
// Until the index arrives, or if it cannot be fetched, the answers on this page are filtered.
// An external module that builds the results with DOM methods (never innerHTML) and no inline
// script or style, so the site runs under a strict CSP.
const LIMIT = 50

const form = document.querySelector('[data-module="app-register-search"]')

const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole))

const wordsOf = (value) => value.toLowerCase().split(/\s+/).filter(Boolean)

if (form) {
  const input = form.querySelector('input[type="search"]')
  const status = form.querySelector('[aria-live]')
  const results = form.querySelector('.app-register-results')
  const page = document.querySelector('.app-register-page')
  const entries = Array.from(document.querySelectorAll('.app-register-entry'))
  const topics = Array.from(document.querySelectorAll('.app-register-topic'))
  const texts = entries.map((entry) => entry.textContent.toLowerCase())
  let index = null
  let loading = null

  const load = () => {
    loading ??= fetch(form.dataset.index, { credentials: 'same-origin' })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((rows) => {
        index = rows.map((row) => ({
          ...row,
          haystack: [row.reference, row.topic, row.text].join(' ').toLowerCase()
        }))
      })
      .catch(() => {
        index = null // stay with this page's answers
      })
    return loading
  }

  const filterPage = (words) => {
    let shown = 0
    entries.forEach((entry, i) => {
      const match = words.every((word) => texts[i].includes(word))
      entry.hidden = !match
      if (match) shown += 1
    })
    topics.forEach((topic) => {
      topic.hidden = !topic.querySelector('.app-register-entry:not([hidden])')
    })
    // The register's home lists topics, not answers: it waits for the index instead.
    status.textContent = words.length && entries.length
      ? fill(form.dataset.status, { shown, total: entries.length })
      : ''
  }

  const showAll = (words) => {
    const matches = index.filter((row) => words.every((word) => row.haystack.includes(word)))
    const items = matches.slice(0, LIMIT).map((row) => {
      const item = document.createElement('li')
      const link = document.createElement('a')
      link.className = 'govuk-link'
      link.href = form.dataset.root + row.path
      link.textContent = `${row.reference}: ${row.topic}`
      const text = document.createElement('p')
      text.className = 'govuk-body govuk-!-margin-bottom-1'
      text.textContent = row.text.length > 240 ? `${row.text.slice(0, 240)}…` : row.text
      item.append(link, text)
      return item
    })
    results.replaceChildren(...items)
    results.hidden = false
    if (page) page.hidden = true
    const counted = { 0: form.dataset.statusNone, 1: form.dataset.statusOne }
    let message = counted[matches.length] ?? fill(form.dataset.statusAll, { shown: matches.length })
    if (matches.length > LIMIT) message += ' ' + fill(form.dataset.statusMore, { limit: LIMIT })
    status.textContent = message
  }

  const search = () => {
    const words = wordsOf(input.value)
    if (!words.length) {
      results.hidden = true
      results.replaceChildren()
      if (page) page.hidden = false
      filterPage(words)
      return
    }
    if (index) {
      showAll(words)
      return
    }
    filterPage(words)
    load().then(() => {
      if (index && wordsOf(input.value).length) showAll(wordsOf(input.value))
    })
  }

  form.addEventListener('submit', (event) => event.preventDefault())
  input.addEventListener('input', search)
  form.hidden = false
}
