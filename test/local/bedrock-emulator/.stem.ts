import { normalizeTerm } from '../../../local/bedrock-emulator/analyzer.ts';

console.log(
  process.argv
    .slice(2)
    .map((w) => `${w}→${normalizeTerm(w)}`)
    .join('  '),
);
