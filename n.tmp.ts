import { nameTerms, analyze } from './local/bedrock-emulator/analyzer.ts';
for (const q of ['How do I cancel my Netflix subscription?', 'Translate "good morning" into Spanish.', 'How do I factory reset my iPhone?', 'Netflix is down. Is Apple up?', 'I starred a doc. I want it', 'Can our team log in with Okta instead?', "What is Apple's stock price today?", 'One of our customers wants us to wipe all the info'])
  console.log(q, '→', nameTerms(q), analyze(q));
