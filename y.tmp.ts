import { KnowledgeBase, ingestAll } from './local/bedrock-emulator/knowledge-base.ts';
import { codaCorpusFolder } from './test/local/bedrock-emulator/coda-questions.ts';
const kb = new KnowledgeBase('KB', [{ dataSourceId: 'DS', type: 'S3', folder: codaCorpusFolder, bucketName: 'coda' }]);
await ingestAll([kb]);
process.env.KB_DEBUG='1';
for (const q of process.argv.slice(2)) { console.log(q); kb.retrieve({ text: q }, 3); }
