import { readFileSync } from 'node:fs';
import { markdownToDocumentText } from './local/bedrock-emulator/markdown-text.ts';
import { chooseTitle } from './local/bedrock-emulator/title.ts';
for (const f of ['section_0.md','section_1.md','section_5.md','section_8.md','section_16.md','section_22.md','section_30.md','section_47.md','SOURCE.md','section_4.md']) {
  const d = markdownToDocumentText(readFileSync('/work/shared/corpora/coda-help/'+f,'utf8'));
  console.log('==', f, '|', chooseTitle(d, f), '|', d.heading, '|', d.leadingLabel);
  if (['section_5.md','section_30.md','section_22.md'].includes(f)) console.log(d.lines.join('\n'));
}
