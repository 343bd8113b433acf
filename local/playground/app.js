// Lantern playground: a small support chat on the public API. Plain browser JavaScript, no build.
// Everything the API returns is inserted as text (textContent, text nodes), never as HTML.
import { createSseParser } from './sse.js';

const MAX_MESSAGE_LENGTH = 1000;
const KEY_STORAGE = 'lantern.playground.apiKey';
const SESSION_STORAGE = 'lantern.playground.sessionId';
const TOKEN_STORAGE = 'lantern.playground.token';
const USER_STORAGE = 'lantern.playground.user';
const LONG_EXCERPT = 240;

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const ui = {
  main: byId('main'),
  conversation: byId('conversation'),
  empty: byId('empty-state'),
  form: /** @type {HTMLFormElement} */ (byId('composer')),
  input: /** @type {HTMLTextAreaElement} */ (byId('message')),
  send: /** @type {HTMLButtonElement} */ (byId('send')),
  counter: byId('char-counter'),
  composerError: byId('composer-error'),
  apiKey: /** @type {HTMLInputElement} */ (byId('api-key')),
  toggleKey: byId('toggle-key'),
  newConversation: byId('new-conversation'),
  session: byId('session'),
  sessionId: byId('session-id'),
  keyForm: byId('api-key-form'),
  signIn: /** @type {HTMLFormElement} */ (byId('sign-in-form')),
  signInUser: /** @type {HTMLInputElement} */ (byId('sign-in-user')),
  signInLabel: byId('sign-in-label'),
  signInButton: /** @type {HTMLButtonElement} */ (byId('sign-in-button')),
  signedIn: byId('signed-in'),
  signOut: byId('sign-out'),
  mySessions: byId('my-sessions'),
  sessionList: byId('session-list'),
  sessionCount: byId('session-count'),
};

/**
 * How the route groups authenticate (`/playground/config.json` of `npm start -- --auth …`): the API
 * key alone unless the local stack says otherwise, and the local issuer test users sign in with.
 * @type {{ chat: string, sessions: string, issuer?: string }}
 */
const auth = { chat: 'api-key', sessions: 'api-key' };

/** @param {string} mode */
const takesKey = (mode) => mode !== 'jwt';
/** @param {string} mode */
const takesToken = (mode) => mode !== 'api-key';

const state = {
  /** @type {string | undefined} */
  sessionId: undefined,
  busy: false,
  /** @type {AbortController | undefined} */
  abort: undefined,
  /** Set once `/v1/chat/stream` turned out not to exist; `/v1/chat` answers instead. */
  streamUnavailable: false,
  turns: 0,
  /** @type {string | undefined} The signed-in test user's bearer token. */
  token: undefined,
  /** @type {string | undefined} */
  user: undefined,
};

class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------
// Storage (may be unavailable, e.g. with storage disabled; the page works without it)

/** @param {Storage} storage @param {string} key */
function load(storage, key) {
  try {
    return storage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

/** @param {Storage} storage @param {string} key @param {string | undefined} value */
function save(storage, key, value) {
  try {
    if (value) storage.setItem(key, value);
    else storage.removeItem(key);
  } catch {
    // Not fatal: the value just won't survive a reload.
  }
}

// ---------------------------------------------------------------------------------------------
// API

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {AbortSignal} [signal]
 */
function api(method, path, body, signal) {
  const group = path.startsWith('/v1/sessions') ? auth.sessions : auth.chat;
  /** @type {Record<string, string>} */
  const headers = {};
  if (takesKey(group)) headers['x-api-key'] = ui.apiKey.value.trim();
  if (takesToken(group) && state.token) headers.authorization = `Bearer ${state.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  });
}

/** @param {Response} response */
async function apiError(response) {
  let code = `HTTP_${response.status}`;
  let message = response.statusText || 'The request failed';
  try {
    const body = await response.json();
    if (body && typeof body.error === 'object' && body.error) {
      if (typeof body.error.code === 'string') code = body.error.code;
      if (typeof body.error.message === 'string') message = body.error.message;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, code, message);
}

/** @param {unknown} error @param {{ sessionId?: string }} [request] */
function explain(error, request = {}) {
  if (error instanceof ApiError) {
    const detail = `${error.message} (${error.status} ${error.code})`;
    const tokens = takesToken(auth.chat);
    if (error.status === 401 || error.status === 403) {
      return tokens
        ? `${detail}. Sign in again at the top of the page${takesKey(auth.chat) ? ' and check the API key' : ''}.`
        : `${detail}. Check the API key at the top of the page.`;
    }
    if (error.status === 404 && request.sessionId) {
      return `${detail}. This conversation has expired or belongs to another ${tokens ? 'user' : 'API key'}: start a new conversation.`;
    }
    if (error.status === 429 || error.status === 503) return `${detail}. Try again in a moment.`;
    return `${detail}.`;
  }
  if (error instanceof TypeError) return 'Could not reach the Lantern API. Is `npm start` still running?';
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// Asking a question

async function send() {
  if (state.busy) return;
  hideComposerError();
  const message = ui.input.value.trim();
  if (!message) {
    ui.input.focus();
    return;
  }
  if (message.length > MAX_MESSAGE_LENGTH) {
    showComposerError(
      `Your question is ${message.length.toLocaleString('en')} characters long; the limit is ${MAX_MESSAGE_LENGTH.toLocaleString('en')}.`,
    );
    return;
  }
  if (takesKey(auth.chat) && !ui.apiKey.value.trim()) {
    showComposerError('Enter an API key (sent as x-api-key) at the top of the page first.');
    ui.apiKey.focus();
    return;
  }
  if (takesToken(auth.chat) && !state.token) {
    showComposerError('Sign in as a test user at the top of the page first.');
    ui.signInUser.focus();
    return;
  }

  addUserTurn(message);
  const turn = addAssistantTurn();
  ui.input.value = '';
  updateComposer();

  const request = { message, ...(state.sessionId ? { sessionId: state.sessionId } : {}) };
  const controller = new AbortController();
  state.abort = controller;
  setBusy(true);
  try {
    await ask(turn, request, controller.signal);
  } catch (error) {
    if (controller.signal.aborted) {
      endTurn(turn, 'stopped', turn.text ? 'Stopped. The answer so far is kept above.' : 'Stopped.');
    } else {
      endTurn(turn, 'error', explain(error, request));
      // Give the question back, so it can be sent again once the problem is fixed.
      if (!turn.text && !ui.input.value) {
        ui.input.value = message;
        updateComposer();
      }
    }
  } finally {
    if (state.abort === controller) state.abort = undefined;
    setBusy(false);
  }
}

/**
 * Streams the answer from `/v1/chat/stream`; when the API has no streaming route, asks `/v1/chat`.
 * @param {Turn} turn
 * @param {{ message: string, sessionId?: string }} request
 * @param {AbortSignal} signal
 */
async function ask(turn, request, signal) {
  if (!state.streamUnavailable) {
    const response = await api('POST', '/v1/chat/stream', request, signal);
    const type = response.headers.get('content-type') ?? '';
    if (response.ok && type.startsWith('text/event-stream') && response.body) {
      return readStream(turn, response.body, signal);
    }
    if (response.ok) {
      const answer = await response.json();
      return keepingEnd(() => applyAnswer(turn, answer));
    }
    const error = await apiError(response);
    const routeMissing =
      response.status === 404 && (!request.sessionId || /no route|not supported/i.test(error.message));
    if (!routeMissing) throw error;
    state.streamUnavailable = true;
  }
  const response = await api('POST', '/v1/chat', request, signal);
  if (!response.ok) throw await apiError(response);
  const answer = await response.json();
  keepingEnd(() => applyAnswer(turn, answer));
}

/**
 * @param {Turn} turn
 * @param {ReadableStream<Uint8Array>} body
 * @param {AbortSignal} signal
 */
async function readStream(turn, body, signal) {
  const reader = body.getReader();
  const onAbort = () => reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  const decoder = new TextDecoder();
  let finished = false;
  const parser = createSseParser(({ event, data }) => {
    if (finished) return;
    let payload;
    try {
      payload = JSON.parse(data);
    } catch {
      throw new Error(`The server sent an unreadable "${event}" event.`);
    }
    finished = keepingEnd(() => onStreamEvent(turn, event, payload));
  });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (signal.aborted) throw new DOMException('Stopped', 'AbortError');
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
      if (finished) break;
    }
    parser.push(decoder.decode());
    parser.end();
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (finished) reader.cancel().catch(() => undefined);
  }
  if (!finished) endTurn(turn, 'incomplete', 'The answer was cut off before it finished.');
}

/**
 * Applies one event of the stream. Returns true once the stream has said its last word.
 * @param {Turn} turn
 * @param {string} event
 * @param {any} payload
 */
function onStreamEvent(turn, event, payload) {
  switch (event) {
    case 'session':
      if (typeof payload.sessionId === 'string') setSession(payload.sessionId);
      if (typeof payload.messageId === 'string') setMessageId(turn, payload.messageId);
      turn.sessionId = state.sessionId;
      return false;
    case 'text':
      // Text after the guardrail withdrew the answer belongs to what it withdrew.
      if (turn.withdrawn) return false;
      if (typeof payload.text === 'string' && payload.text) {
        turn.text += payload.text;
        setTurnState(turn, 'streaming');
        renderAnswer(turn);
      }
      return false;
    case 'citation':
      if (turn.withdrawn) return false;
      if (isCitation(payload.citation)) {
        turn.citations = [...turn.citations, payload.citation];
        renderAnswer(turn);
        renderSources(turn);
      }
      return false;
    case 'guardrail':
      if (replacesAnswer(payload)) withdrawAnswer(turn);
      showGuardrail(turn, payload);
      return false;
    case 'done':
      applyAnswer(turn, payload);
      return true;
    case 'error':
      endTurn(
        turn,
        'error',
        `${typeof payload.message === 'string' ? payload.message : 'The answer could not be completed.'}` +
          (typeof payload.code === 'string' ? ` (${payload.code})` : ''),
      );
      return true;
    default:
      return false;
  }
}

/**
 * The full answer (the stream's `done` event or `/v1/chat`'s body): authoritative over the parts.
 * @param {Turn} turn
 * @param {any} answer
 */
function applyAnswer(turn, answer) {
  if (typeof answer.sessionId === 'string') setSession(answer.sessionId);
  if (typeof answer.messageId === 'string') setMessageId(turn, answer.messageId);
  turn.sessionId = state.sessionId;
  if (typeof answer.answer === 'string') turn.text = answer.answer;
  if (Array.isArray(answer.citations)) turn.citations = answer.citations.filter(isCitation);
  showGuardrail(turn, answer.guardrail);
  renderAnswer(turn);
  renderSources(turn);
  endTurn(turn, 'done');
  showFeedback(turn);
  void refreshSessions();
}

// ---------------------------------------------------------------------------------------------
// Turns

/**
 * @typedef {{ start: number, end: number, text: string, references: { sourceUri: string, title?: string, url?: string, excerpt?: string }[] }} Citation
 * @typedef {{
 *   id: number, el: HTMLElement, answer: HTMLElement, text: string, citations: Citation[],
 *   messageId?: string, sessionId?: string, withdrawn?: boolean
 * }} Turn
 */

/** @param {string} templateId */
function fromTemplate(templateId) {
  const template = /** @type {HTMLTemplateElement} */ (byId(templateId));
  return /** @type {HTMLElement} */ (template.content.firstElementChild?.cloneNode(true));
}

/** @param {HTMLElement} root @param {string} testId */
function part(root, testId) {
  return /** @type {HTMLElement} */ (root.querySelector(`[data-testid="${testId}"]`));
}

/** @param {string} text */
function addUserTurn(text) {
  const el = fromTemplate('user-turn-template');
  part(el, 'user-text').textContent = text;
  appendTurn(el);
}

/** @returns {Turn} */
function addAssistantTurn() {
  const el = fromTemplate('assistant-turn-template');
  state.turns += 1;
  /** @type {Turn} */
  const turn = { id: state.turns, el, answer: part(el, 'answer'), text: '', citations: [] };
  for (const button of el.querySelectorAll('[data-rating]')) {
    button.addEventListener('click', () =>
      rate(turn, /** @type {HTMLElement} */ (button).dataset.rating ?? ''),
    );
  }
  appendTurn(el);
  return turn;
}

/** @param {HTMLElement} el */
function appendTurn(el) {
  ui.empty.hidden = true;
  ui.conversation.append(el);
  scrollToEnd();
}

/** @param {Turn} turn @param {string} messageId */
function setMessageId(turn, messageId) {
  turn.messageId = messageId;
  turn.el.dataset.messageId = messageId;
}

/** @param {Turn} turn @param {string} value */
function setTurnState(turn, value) {
  if (turn.el.dataset.state === value) return;
  turn.el.dataset.state = value;
  const working = value === 'waiting' || value === 'streaming';
  turn.answer.setAttribute('aria-busy', String(working));
}

/**
 * @param {Turn} turn
 * @param {'done' | 'error' | 'stopped' | 'incomplete'} outcome
 * @param {string} [message]
 */
function endTurn(turn, outcome, message) {
  keepingEnd(() => {
    setTurnState(turn, outcome);
    if (message) {
      const error = part(turn.el, 'turn-error');
      error.textContent = message;
      error.hidden = false;
      error.classList.toggle('muted', outcome !== 'error');
    }
  });
}

/**
 * A notice when the guardrail intervened: it blocked the question (the reply is its standard
 * message), withdrew or reviewed the answer, or masked something in the question.
 * @param {Turn} turn
 * @param {any} guardrail `{action, blocked?, policies?}`
 */
function showGuardrail(turn, guardrail) {
  if (guardrail?.action !== 'INTERVENED') return;
  const policies = Array.isArray(guardrail.policies) ? guardrail.policies : [];
  const notice = part(turn.el, 'guardrail-notice');
  notice.textContent = guardrail.blocked
    ? 'The guardrail blocked this question, so the reply is its standard message and the knowledge base was not asked.'
    : turn.withdrawn
      ? turn.text
        ? 'The guardrail intervened in the answer: the text streamed first was withdrawn and this reviewed answer replaces it.'
        : 'The guardrail intervened in the answer: the text streamed so far was withdrawn.'
      : policies.includes('output')
        ? 'The guardrail intervened in the answer; this is the reviewed answer.'
        : policies.includes('sensitiveInformationPolicy')
          ? 'The guardrail masked personal information in your question before it was answered and stored.'
          : 'The guardrail intervened in this turn.';
  notice.dataset.blocked = String(Boolean(guardrail.blocked));
  notice.hidden = false;
}

/**
 * The output guardrail intervened after text was streamed: what was shown is not the answer, and
 * `done.answer` is. Older servers say so only by listing the `output` policy.
 * @param {any} guardrail
 */
function replacesAnswer(guardrail) {
  if (guardrail?.replaceAnswer === true) return true;
  return (
    guardrail?.action === 'INTERVENED' &&
    Array.isArray(guardrail.policies) &&
    guardrail.policies.includes('output')
  );
}

/**
 * Takes the streamed text and sources off the page at once, so nothing the guardrail objected to
 * stays readable while `done` is on its way, or if it never comes.
 * @param {Turn} turn
 */
function withdrawAnswer(turn) {
  turn.withdrawn = true;
  turn.text = '';
  turn.citations = [];
  renderAnswer(turn);
  renderSources(turn);
}

/** @param {unknown} value @returns {value is Citation} */
function isCitation(value) {
  const c = /** @type {any} */ (value);
  return (
    !!c &&
    Number.isInteger(c.start) &&
    Number.isInteger(c.end) &&
    c.start >= 0 &&
    c.end >= c.start &&
    Array.isArray(c.references)
  );
}

/**
 * Numbers sources by first appearance: one number per document, however many spans cite it.
 * @param {Citation[]} citations
 */
function numberSources(citations) {
  /** @type {Map<string, { number: number, uri: string, title?: string, url?: string, excerpts: string[] }>} */
  const sources = new Map();
  for (const citation of citations) {
    for (const reference of citation.references) {
      if (!reference || typeof reference.sourceUri !== 'string') continue;
      let source = sources.get(reference.sourceUri);
      if (!source) {
        source = { number: sources.size + 1, uri: reference.sourceUri, excerpts: [] };
        if (typeof reference.title === 'string' && reference.title) source.title = reference.title;
        if (typeof reference.url === 'string' && webUrl(reference.url)) source.url = reference.url;
        sources.set(reference.sourceUri, source);
      }
      const excerpt = typeof reference.excerpt === 'string' ? reference.excerpt.trim() : '';
      if (excerpt && !source.excerpts.includes(excerpt)) source.excerpts.push(excerpt);
    }
  }
  return sources;
}

/**
 * Writes the answer as text nodes, with a superscript source number after each cited span whose
 * text has arrived (a citation may come before the end of its span).
 * @param {Turn} turn
 */
function renderAnswer(turn) {
  const sources = numberSources(turn.citations);
  /** @type {Map<number, Set<number>>} */
  const markers = new Map();
  for (const citation of turn.citations) {
    if (citation.end > turn.text.length) continue;
    const numbers = markers.get(citation.end) ?? new Set();
    for (const reference of citation.references) {
      const source = reference && sources.get(reference.sourceUri);
      if (source) numbers.add(source.number);
    }
    if (numbers.size) markers.set(citation.end, numbers);
  }
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const position of [...markers.keys()].sort((a, b) => a - b)) {
    fragment.append(turn.text.slice(at, position));
    for (const number of [...(markers.get(position) ?? [])].sort((a, b) => a - b)) {
      const sup = document.createElement('sup');
      sup.className = 'cite';
      const link = document.createElement('a');
      link.href = `#source-${turn.id}-${number}`;
      link.textContent = `[${number}]`;
      link.dataset.testid = 'citation-marker';
      link.setAttribute('aria-label', `Source ${number}`);
      sup.append(link);
      fragment.append(sup);
    }
    at = position;
  }
  fragment.append(turn.text.slice(at));
  turn.answer.replaceChildren(fragment);
}

/** @param {Turn} turn */
function renderSources(turn) {
  const section = part(turn.el, 'sources');
  const list = /** @type {HTMLElement} */ (section.querySelector('ol'));
  const items = [...numberSources(turn.citations).values()].map((source) => {
    const item = fromTemplate('source-template');
    item.id = `source-${turn.id}-${source.number}`;
    part(item, 'source-number').textContent = String(source.number);
    part(item, 'source-title').textContent = source.title ?? fileName(source.uri);
    const excerpt = part(item, 'source-excerpt');
    const text = source.excerpts.join(' … ');
    excerpt.textContent = text;
    excerpt.hidden = !text;
    if (text.length > LONG_EXCERPT) addExcerptToggle(excerpt);
    // The document's public page when it has one; else where it is stored.
    /** @type {HTMLElement} */ (item.querySelector('.source-location')).append(
      sourceLocation(source.url ?? source.uri),
    );
    return item;
  });
  list.replaceChildren(...items);
  section.hidden = items.length === 0;
}

/** @param {HTMLElement} excerpt */
function addExcerptToggle(excerpt) {
  excerpt.classList.add('clamped');
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'link small';
  toggle.textContent = 'Show full excerpt';
  toggle.setAttribute('aria-expanded', 'false');
  toggle.addEventListener('click', () => {
    const expanded = excerpt.classList.toggle('clamped') === false;
    toggle.setAttribute('aria-expanded', String(expanded));
    toggle.textContent = expanded ? 'Show less' : 'Show full excerpt';
  });
  excerpt.after(toggle);
}

/**
 * A web link for http(s) documents (new tab); other URIs (`s3://…`) as text, since browsers
 * cannot open them.
 * @param {string} uri
 */
function sourceLocation(uri) {
  const url = webUrl(uri);
  if (url) {
    const link = document.createElement('a');
    link.href = url.href;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.dataset.testid = 'source-link';
    link.textContent = uri;
    const hint = document.createElement('span');
    hint.className = 'visually-hidden';
    hint.textContent = ' (opens in a new tab)';
    link.append(hint);
    return link;
  }
  const code = document.createElement('code');
  code.dataset.testid = 'source-uri';
  code.title = 'Where the document is stored (not a web address)';
  code.textContent = uri;
  return code;
}

/**
 * The address as a URL when it is http(s): anything else (`javascript:`, `data:`, `s3://`) is never
 * made a link.
 * @param {string} text
 * @returns {URL | undefined}
 */
function webUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** @param {string} uri */
function fileName(uri) {
  const last = uri.split(/[/\\]/).filter(Boolean).pop() ?? uri;
  return last.replace(/\.[a-z0-9]+$/i, '') || uri;
}

// ---------------------------------------------------------------------------------------------
// Feedback

/** @param {Turn} turn @param {string} [given] */
function showFeedback(turn, given) {
  if (!turn.messageId || !turn.sessionId) return;
  const feedback = part(turn.el, 'feedback');
  feedback.hidden = false;
  if (given === 'up' || given === 'down') markRated(turn, given);
}

/** @param {Turn} turn @param {string} rating */
function markRated(turn, rating) {
  for (const button of turn.el.querySelectorAll('[data-rating]')) {
    const b = /** @type {HTMLButtonElement} */ (button);
    b.disabled = true;
    b.setAttribute('aria-pressed', String(b.dataset.rating === rating));
  }
  const status = part(turn.el, 'feedback-status');
  status.textContent = 'Thanks for your feedback!';
  status.classList.remove('error-text');
}

/** @param {Turn} turn @param {string} rating */
async function rate(turn, rating) {
  if (!turn.messageId || !turn.sessionId || (rating !== 'up' && rating !== 'down')) return;
  const buttons = /** @type {HTMLButtonElement[]} */ ([...turn.el.querySelectorAll('[data-rating]')]);
  const status = part(turn.el, 'feedback-status');
  for (const button of buttons) button.disabled = true;
  status.classList.remove('error-text');
  status.textContent = 'Sending…';
  try {
    const response = await api('POST', `/v1/sessions/${encodeURIComponent(turn.sessionId)}/feedback`, {
      messageId: turn.messageId,
      rating,
    });
    if (!response.ok) throw await apiError(response);
    markRated(turn, rating);
  } catch (error) {
    for (const button of buttons) button.disabled = false;
    status.classList.add('error-text');
    status.textContent = `Feedback not saved: ${explain(error)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Session

/** @param {string | undefined} sessionId */
function setSession(sessionId) {
  state.sessionId = sessionId;
  ui.sessionId.textContent = sessionId ?? '';
  ui.sessionId.title = sessionId ? `Session id ${sessionId}` : '';
  ui.session.hidden = !sessionId;
  save(sessionStorage, SESSION_STORAGE, sessionId);
}

function newConversation() {
  state.abort?.abort();
  setSession(undefined);
  ui.conversation.replaceChildren();
  ui.empty.hidden = false;
  hideComposerError();
  ui.input.focus();
}

/** After a reload: shows the conversation kept in this tab, if the API still has it. */
async function restoreSession() {
  const sessionId = load(sessionStorage, SESSION_STORAGE);
  if (!sessionId) return;
  if (takesKey(auth.sessions) && !ui.apiKey.value.trim()) return;
  if (takesToken(auth.sessions) && !state.token) return;
  await openSession(sessionId);
}

/**
 * Shows a stored conversation, unless the user started another one meanwhile.
 * @param {string} sessionId
 */
async function openSession(sessionId) {
  try {
    const response = await api('GET', `/v1/sessions/${encodeURIComponent(sessionId)}`);
    if (!response.ok) {
      if (response.status === 404) save(sessionStorage, SESSION_STORAGE, undefined);
      return;
    }
    const session = await response.json();
    if (state.sessionId || ui.conversation.childElementCount) return; // the user started meanwhile
    setSession(sessionId);
    for (const message of Array.isArray(session.messages) ? session.messages : []) {
      if (message.role === 'user') addUserTurn(String(message.text ?? ''));
      else if (message.role === 'assistant') restoreAnswer(message);
    }
  } catch {
    // Offline or not ready yet: start fresh.
  }
}

/** @param {any} message */
function restoreAnswer(message) {
  const turn = addAssistantTurn();
  turn.text = String(message.text ?? '');
  turn.citations = Array.isArray(message.citations) ? message.citations.filter(isCitation) : [];
  if (typeof message.messageId === 'string') setMessageId(turn, message.messageId);
  turn.sessionId = state.sessionId;
  renderAnswer(turn);
  renderSources(turn);
  if (message.status === 'blocked') showGuardrail(turn, { action: 'INTERVENED', blocked: true });
  if (message.status === 'incomplete')
    endTurn(turn, 'incomplete', 'This answer was cut off before it finished.');
  else endTurn(turn, 'done');
  const feedback = message.feedback;
  showFeedback(turn, typeof feedback === 'string' ? feedback : feedback?.rating);
}

// ---------------------------------------------------------------------------------------------
// Signing in as a test user (local stack with --auth jwt or both)

/**
 * Asks the local issuer for a user's token, as `npm run token` does; the conversation on the page
 * belonged to whoever was signed in before, so it is left.
 * @param {string} user
 */
async function signIn(user) {
  if (!auth.issuer) return;
  hideComposerError();
  ui.signInButton.disabled = true;
  try {
    const response = await fetch(new URL('/token', auth.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user }),
    });
    if (!response.ok) throw await apiError(response);
    const body = await response.json();
    if (typeof body.token !== 'string') throw new Error('The local issuer sent no token.');
    newConversation();
    setUser(user, body.token);
    await refreshSessions();
  } catch (error) {
    showComposerError(
      error instanceof TypeError
        ? `Could not reach the local issuer at ${auth.issuer}. Is \`npm start\` still running?`
        : `Sign-in failed: ${explain(error)}`,
    );
  } finally {
    ui.signInButton.disabled = false;
  }
}

function signOut() {
  newConversation();
  setUser(undefined, undefined);
  ui.signInUser.focus();
}

/**
 * @param {string | undefined} user
 * @param {string | undefined} token
 */
function setUser(user, token) {
  state.user = user;
  state.token = token;
  save(sessionStorage, USER_STORAGE, user);
  save(sessionStorage, TOKEN_STORAGE, token);
  const signedIn = Boolean(user && token);
  ui.signedIn.textContent = signedIn ? `Signed in as ${user}` : '';
  ui.signedIn.hidden = !signedIn;
  ui.signInUser.hidden = signedIn;
  ui.signInLabel.hidden = signedIn;
  ui.signInButton.hidden = signedIn;
  ui.signOut.hidden = !signedIn;
  if (!signedIn) {
    ui.sessionList.replaceChildren();
    ui.sessionCount.textContent = '0';
    ui.mySessions.hidden = true;
    delete ui.sessionList.dataset.user;
  }
}

/** Lists the signed-in user's conversations (`GET /v1/sessions`, which exists where sessions take tokens). */
async function refreshSessions() {
  if (!takesToken(auth.sessions) || !state.token) return;
  const user = state.user;
  try {
    const response = await api('GET', '/v1/sessions?limit=20');
    if (!response.ok) throw await apiError(response);
    const body = await response.json();
    if (state.user !== user) return; // signed in as someone else meanwhile
    const sessions = Array.isArray(body.sessions) ? body.sessions : [];
    ui.sessionList.replaceChildren(...sessions.map(sessionItem));
    ui.sessionCount.textContent = String(sessions.length);
    ui.mySessions.hidden = false;
    // Says whose list is on the page, so a reader (or a test) knows it is current.
    if (user) ui.sessionList.dataset.user = user;
  } catch {
    // The list is a convenience: asking questions works without it.
  }
}

/** @param {any} session */
function sessionItem(session) {
  const item = document.createElement('li');
  const id = String(session.sessionId ?? '');
  item.dataset.sessionId = id;
  item.dataset.testid = 'session-item';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link small';
  const started = new Date(String(session.createdAt ?? ''));
  button.textContent = Number.isNaN(started.getTime()) ? 'Conversation' : started.toLocaleString();
  button.title = `Open session ${id}`;
  button.addEventListener('click', () => {
    if (id === state.sessionId) return;
    newConversation();
    void openSession(id);
  });
  const code = document.createElement('code');
  code.textContent = ` ${id.slice(0, 8)}`;
  item.append(button, code);
  return item;
}

async function loadAuth() {
  try {
    const response = await fetch('/playground/config.json', { cache: 'no-store' });
    const config = response.ok ? await response.json() : {};
    if (typeof config.apiKey === 'string' && !ui.apiKey.value) ui.apiKey.value = config.apiKey;
    if (config.auth && typeof config.issuer === 'string') {
      for (const group of /** @type {const} */ (['chat', 'sessions'])) {
        const mode = config.auth[group];
        if (mode === 'api-key' || mode === 'jwt' || mode === 'both') auth[group] = mode;
      }
      auth.issuer = config.issuer;
    }
  } catch {
    // No local config (the page is served elsewhere): the user types the key.
  }
  ui.keyForm.hidden = !takesKey(auth.chat) && !takesKey(auth.sessions);
  if (!auth.issuer) return;
  ui.signIn.hidden = false;
  const user = load(sessionStorage, USER_STORAGE);
  const token = load(sessionStorage, TOKEN_STORAGE);
  if (user && token) {
    setUser(user, token);
    await refreshSessions();
  }
}

// ---------------------------------------------------------------------------------------------
// Composer

/** @param {boolean} busy */
function setBusy(busy) {
  state.busy = busy;
  ui.send.textContent = busy ? 'Stop' : 'Send';
  ui.send.classList.toggle('stop', busy);
  ui.send.setAttribute('aria-label', busy ? 'Stop the answer' : 'Send the question');
  ui.form.setAttribute('aria-busy', String(busy));
}

function updateComposer() {
  const length = ui.input.value.length;
  const trimmed = ui.input.value.trim().length;
  ui.counter.textContent = `${length.toLocaleString('en')} / ${MAX_MESSAGE_LENGTH.toLocaleString('en')}`;
  ui.counter.classList.toggle('near', trimmed > MAX_MESSAGE_LENGTH * 0.9 && trimmed <= MAX_MESSAGE_LENGTH);
  ui.counter.classList.toggle('over', trimmed > MAX_MESSAGE_LENGTH);
  // Grow with the text, up to the CSS max-height.
  ui.input.style.height = 'auto';
  ui.input.style.height = `${ui.input.scrollHeight}px`;
}

/** @param {string} message */
function showComposerError(message) {
  ui.composerError.textContent = message;
  ui.composerError.hidden = false;
}

function hideComposerError() {
  ui.composerError.hidden = true;
  ui.composerError.textContent = '';
}

function isNearEnd() {
  const { scrollTop, scrollHeight, clientHeight } = ui.main;
  return scrollHeight - scrollTop - clientHeight < 80;
}

function scrollToEnd() {
  // Instant: a smooth scroll still under way would make the next isNearEnd() say no.
  ui.main.scrollTo({ top: ui.main.scrollHeight, behavior: 'instant' });
}

/**
 * Runs a change to the conversation and keeps the view at its end if it was there, so a growing
 * answer stays in sight unless the reader scrolled up.
 * @template T
 * @param {() => T} change
 * @returns {T}
 */
function keepingEnd(change) {
  const stick = isNearEnd();
  const result = change();
  if (stick) scrollToEnd();
  return result;
}

// ---------------------------------------------------------------------------------------------
// Start

/** A key typed before wins over the local one; the config is read anyway, for how to authenticate. */
async function loadApiKey() {
  const stored = load(localStorage, KEY_STORAGE);
  if (stored) ui.apiKey.value = stored;
  await loadAuth();
}

function wire() {
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (state.busy) state.abort?.abort();
    else void send();
  });
  ui.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!state.busy) void send();
    }
  });
  ui.input.addEventListener('input', () => {
    updateComposer();
    if (!ui.composerError.hidden) hideComposerError();
  });
  ui.apiKey.addEventListener('input', () => save(localStorage, KEY_STORAGE, ui.apiKey.value.trim()));
  ui.toggleKey.addEventListener('click', () => {
    const show = ui.apiKey.type === 'password';
    ui.apiKey.type = show ? 'text' : 'password';
    ui.toggleKey.textContent = show ? 'Hide' : 'Show';
    ui.toggleKey.setAttribute('aria-pressed', String(show));
  });
  ui.newConversation.addEventListener('click', newConversation);
  ui.signIn.addEventListener('submit', (event) => {
    event.preventDefault();
    const user = ui.signInUser.value.trim();
    if (!user) {
      ui.signInUser.focus();
      return;
    }
    void signIn(user);
  });
  ui.signOut.addEventListener('click', signOut);
  // Enter in the key field would submit its form: move on to the question instead.
  byId('api-key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    ui.input.focus();
  });
}

wire();
updateComposer();
ui.input.focus();
await loadApiKey();
await restoreSession();
document.documentElement.dataset.ready = 'true';
