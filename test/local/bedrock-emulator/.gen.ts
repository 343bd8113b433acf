import { readFileSync } from 'node:fs';
import { analyze } from '../../../local/bedrock-emulator/analyzer.ts';
import { collectAnswer, generateAnswer } from '../../../local/bedrock-emulator/generator.ts';

const [file, question] = process.argv.slice(2);
const text = readFileSync(file!, 'utf8');
const a = collectAnswer(
  generateAnswer({
    queryWeights: new Map(analyze(question!).map((t) => [t, 1])),
    passages: [{ text, reference: 'x' }],
    noAnswerText: 'NO',
  }),
);
console.log(a.text);
console.log(a.citations.map((c) => c.span));
console.log('CIT', JSON.stringify(a.citations.map((c) => c.text)));
