// Initialise GOV.UK Frontend. Loaded as <script type="module"> from
// templates/base.html; replaces the inline snippet in GOV.UK's page template
// so the Content Security Policy can forbid inline scripts. Browsers that
// cannot run ES modules never load this file, so they keep the no-JS styles.
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('govuk-frontend-supported')
initAll()
