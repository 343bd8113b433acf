/**
 * Reduces the markup help-center generators add on top of Markdown to the text a reader sees, so
 * none of it is indexed or quoted: template tags (`{% … %}`, `{{ … }}`, shortcodes
 * `{{< … >}}`/`{{% … %}}`), MDX `import`/`export` lines, macros alone on a line (`{start_tabs}`,
 * `{!fragment.md!}`, `{tab|name}`), and admonitions (`:::tip`, `!!! note "Title"`), whose bodies
 * stay as paragraphs. JSX and HTML elements are left to the HTML stage, which keeps their text.
 */

/**
 * MDX comments, `{% raw %}`, `{{< note >}}`, `{{% tab %}}`, `{{ page.title }}`, and an include
 * `{!fragment.md!}` inside a line (a list item's whole text): no text of their own.
 */
const TEMPLATE_TAG =
  /\{\/\*[\s\S]*?\*\/\}|\{%[\s\S]*?%\}|\{\{[<%][\s\S]*?[>%]\}\}|\{\{[\s\S]*?\}\}|\{![^{}\s]+!\}/g;
/** MDX module lines: they load components, and say nothing to a reader. */
const MDX_MODULE_LINE =
  /^(?:import\s.+\sfrom\s.+|import\s+['"].+['"]|export\s+(?:const|default|function)\s.*);?\s*$/;
/** A macro alone on its line: a tab switch, an include of a fragment the site expands. */
const MACRO_LINE = /^\s*\{[!a-z_][^{}\s]*\}\s*$/i;
/** `:::tip Title`, `:::` (Docusaurus) and `!!! warning "Title"` (Python-Markdown) open or close a callout. */
const FENCED_ADMONITION = /^\s*:::\s*\w*.*$/;
const INDENTED_ADMONITION = /^(?:!!!|\?\?\?\+?)\s*\w+(?:\s+"([^"]*)")?\s*$/;

export function reduceTemplateMarkup(markdown: string): string {
  const out: string[] = [];
  let admonitionBody = false;
  let fenced = false;
  for (const raw of markdown.replace(TEMPLATE_TAG, '').split('\n')) {
    if (/^\s*(?:```|~~~)/.test(raw)) fenced = !fenced;
    if (fenced) {
      out.push(raw);
      continue;
    }
    // An indented admonition's body is indented four spaces; kept indented it would read as code.
    if (admonitionBody && /^(?: {4}|\t)/.test(raw)) {
      out.push(raw.replace(/^(?: {4}|\t)/, ''));
      continue;
    }
    if (raw.trim().length > 0) admonitionBody = false;
    const admonition = INDENTED_ADMONITION.exec(raw);
    if (admonition !== null) {
      admonitionBody = true;
      if (admonition[1]) out.push(admonition[1], '');
      continue;
    }
    if (MDX_MODULE_LINE.test(raw) || MACRO_LINE.test(raw) || FENCED_ADMONITION.test(raw)) {
      out.push('');
      continue;
    }
    out.push(raw);
  }
  return out.join('\n');
}
