import { loadDocument } from '../../../local/bedrock-emulator/documents.ts';

const [folder, file] = process.argv.slice(2);
const d = await loadDocument(folder!, file!);
console.log('TITLE:', d.title);
console.log(d.text);
