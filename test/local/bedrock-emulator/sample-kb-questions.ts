/**
 * Customer-style questions about `local/sample-kb` (Brambledesk, a fictional help desk), each
 * with the file(s) that answer it. Used by `quality-report.ts` and the quality tests; written
 * before tuning, phrased informally, with synonyms and typos, not copied from the articles.
 */
import { join } from 'node:path';
import type { FollowUp, OnTopicQuestion } from './coda-questions.ts';

export const sampleKbFolder = join(import.meta.dirname, '..', '..', '..', 'local', 'sample-kb');

export const sampleOnTopicQuestions: readonly OnTopicQuestion[] = [
  { question: 'How do I reset my password?', expected: ['account/reset-your-password.md'] },
  { question: 'forgot my pasword, what do I do', expected: ['account/reset-your-password.md'] },
  {
    question: 'i keep getting locked out after typing my password wrong',
    expected: ['troubleshooting/login-problems.md'],
  },
  { question: 'How much does the Team plan cost?', expected: ['billing/plans-and-pricing.md'] },
  { question: 'whats the price per seat for business', expected: ['billing/plans-and-pricing.md'] },
  { question: 'can I get a refund on my annual plan?', expected: ['billing/refund-policy.md'] },
  {
    question: 'How do I get rid of my account completely?',
    expected: ['account/export-data-and-delete-account.md'],
  },
  { question: 'where do I download my invoices', expected: ['billing/invoices-and-receipts.md'] },
  { question: 'how do i add my VAT number to invoices', expected: ['billing/invoices-and-receipts.md'] },
  { question: 'how do I invite my coworkers', expected: ['account/invite-teammates-and-roles.md'] },
  { question: 'what can a Viewer do?', expected: ['account/invite-teammates-and-roles.md'] },
  { question: 'How do I set up SSO with Okta?', expected: ['account/single-sign-on.md'] },
  {
    question: "I lost my phone and can't get my 2FA codes",
    expected: ['account/two-factor-authentication.md'],
  },
  {
    question: "customer emails aren't showing up in the inbox",
    expected: ['troubleshooting/emails-not-arriving.md'],
  },
  { question: 'emails are taking forever to show up', expected: ['troubleshooting/sync-delays.md'] },
  { question: 'how do I connect my gmail inbox', expected: ['inbox/connect-an-email-inbox.md'] },
  { question: 'How do I make a saved reply?', expected: ['inbox/canned-replies.md'] },
  { question: 'keyboard shortcut to close a conversation?', expected: ['inbox/keyboard-shortcuts.md'] },
  { question: 'how do I stop getting so many email notifications', expected: ['inbox/notifications.md'] },
  { question: 'how do I set a first response time target?', expected: ['inbox/sla-policies.md'] },
  { question: 'how do i auto assign conversations to my team', expected: ['inbox/assignment-rules.md'] },
  { question: 'can I merge two tags?', expected: ['inbox/tags.md'] },
  { question: 'how do i hook up slack', expected: ['integrations/slack-integration.md'] },
  { question: "What's the API rate limit?", expected: ['integrations/api-keys-and-rate-limits.md'] },
  { question: 'my webhook endpoint got disabled', expected: ['integrations/webhooks.md'] },
  { question: 'Is there an app for iphone?', expected: ['integrations/mobile-app.md'] },
  { question: 'how do I upgrade to business?', expected: ['billing/change-your-plan.md'] },
  { question: 'how do I cancel my subscripton', expected: ['billing/cancel-your-subscription.md'] },
  {
    question: 'Where is my data stored? Can I pick the EU?',
    expected: ['account/data-retention-and-gdpr.md', 'account/create-your-account.md'],
  },
  { question: 'how long is the free trial', expected: ['account/create-your-account.md'] },
  { question: 'how do i bold text in a reply', expected: ['inbox/keyboard-shortcuts.md'] },
  {
    question: 'how do I log in with google',
    expected: [
      'troubleshooting/login-problems.md',
      'account/reset-your-password.md',
      'account/create-your-account.md',
    ],
  },
];

/** Set aside, never used for tuning (see `heldOutQuestions` in coda-questions.ts). */
export const sampleHeldOutQuestions: readonly OnTopicQuestion[] = [
  { question: 'how do I switch from monthly to yearly billing', expected: ['billing/change-your-plan.md'] },
  { question: 'sign in says invalid verification code', expected: ['troubleshooting/login-problems.md'] },
  { question: 'does cancelling delete my workspace?', expected: ['billing/cancel-your-subscription.md'] },
  {
    question: 'how much do viewers cost',
    expected: ['billing/plans-and-pricing.md', 'account/invite-teammates-and-roles.md'],
  },
  { question: 'how do i rotate an api key', expected: ['integrations/api-keys-and-rate-limits.md'] },
  { question: 'push notifications not working on my phone', expected: ['integrations/mobile-app.md'] },
];

export const sampleFollowUps: readonly FollowUp[] = [
  {
    turns: ['How do I reset my password?', 'what if the link expired?'],
    expected: ['account/reset-your-password.md'],
  },
  {
    turns: ['How do I connect Slack?', 'and how do I disconnect it?'],
    expected: ['integrations/slack-integration.md'],
  },
  {
    turns: ['How do I turn on two-factor?', 'what if I lose my phone?'],
    expected: ['account/two-factor-authentication.md'],
  },
  {
    turns: ['How do I cancel my subscription?', 'can I get my money back?'],
    expected: ['billing/refund-policy.md', 'billing/cancel-your-subscription.md'],
  },
  {
    turns: ['How do I create an API key?', 'what are the rate limits on it?'],
    expected: ['integrations/api-keys-and-rate-limits.md'],
  },
  {
    turns: ['How do I add a tag to a conversation?', 'how do I get rid of one?'],
    expected: ['inbox/tags.md'],
  },
  // A new subject in the second turn.
  {
    turns: ['How do I set up webhooks?', 'How do I export my data?'],
    expected: ['account/export-data-and-delete-account.md'],
  },
];

export const sampleOffTopicQuestions: readonly string[] = [
  "What's the weather in Berlin tomorrow?",
  'Who won the Champions League?',
  'Give me a recipe for banana bread.',
  "What's Microsoft's stock price?",
  'How do I cancel my Netflix subscription?',
  'How do I reset my Instagram password?',
  'Recommend a good book.',
  'How do I fix a leaking tap?',
];
